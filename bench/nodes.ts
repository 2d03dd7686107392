// The drydock side of the two-node bench: the equivalent of bench/nodes.Dockerfile, built on the nodes given
// with --node (one declared linux/amd64, one linux/arm64) and pushed as one index.
//   DRYDOCK_BENCH_NONCE=x DRYDOCK_BENCH_IMAGE=localhost:5000/bench:x deno run -A bench/nodes.ts \
//     --node "unix:///…/amd64.sock platforms=linux/amd64" --node "unix:///…/arm64.sock platforms=linux/arm64" --push
import process from "node:process";
import { build, image, local, type Platform, scratch } from "../mod.ts";

const nonce = process.env.DRYDOCK_BENCH_NONCE ?? "";
const name = process.env.DRYDOCK_BENCH_IMAGE;
if (!name) throw new Error("set DRYDOCK_BENCH_IMAGE to the image to push");
const here = new URL(".", import.meta.url).pathname;

const app = (p: Platform) =>
  p.architecture === "amd64"
    ? image("busybox").run(`echo "${nonce} amd64" > /built`)
    : scratch().copy(local(here, { include: ["nodes.Dockerfile"] }), "nodes.Dockerfile", "/built");

await build({ nodes: { state: app, platforms: ["linux/amd64", "linux/arm64"], image: name } });
