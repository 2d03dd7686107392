// The drydock side of the bench: the equivalent of bench's Dockerfile
//   FROM busybox / COPY . /ctx / RUN test -d /ctx
// The context folder comes from DRYDOCK_BENCH_CONTEXT (it is renamed for every run).
//   DRYDOCK_BENCH_CONTEXT=/path deno run -A bench/build.ts --progress=quiet
import process from "node:process";
import { build, image, local } from "../mod.ts";

const context = process.env.DRYDOCK_BENCH_CONTEXT;
if (!context) throw new Error("set DRYDOCK_BENCH_CONTEXT to the context folder");

// One transfer record per runtime: Deno's lstat gives mtimes in whole milliseconds, Bun's in nanoseconds, so
// after the other runtime's upload every file would look changed (and be sent again) in the incremental shape.
const runtime = "Bun" in globalThis ? "bun" : "deno";
const source = local(context, { sharedKeyHint: `bench-${runtime}` });
const copied = image("busybox").copy(source, ".", "/ctx").run(["test", "-d", "/ctx"]);

await build({ upload: copied });
