// The drydock side of the local export shape: the equivalent of export_shape.ts's Dockerfile
//   FROM busybox AS gen / RUN <script> / FROM scratch / COPY --from=gen /out/ /
// exported to the folder DRYDOCK_BENCH_EXPORT_DEST. The shape comes as JSON in DRYDOCK_BENCH_SHAPE.
//   DRYDOCK_BENCH_SHAPE='{"files":5000,...}' DRYDOCK_BENCH_EXPORT_DEST=/path deno run -A bench/export.ts --progress=quiet
import process from "node:process";
import { build, image, scratch } from "../mod.ts";
import { exportScript } from "./export_shape.ts";

const dest = process.env.DRYDOCK_BENCH_EXPORT_DEST;
const shape = process.env.DRYDOCK_BENCH_SHAPE;
if (!dest || !shape) throw new Error("set DRYDOCK_BENCH_SHAPE and DRYDOCK_BENCH_EXPORT_DEST");

const gen = image("busybox").run(["sh", "-c", exportScript(JSON.parse(shape), "/out")]);
await build({ export: { state: scratch().copy(gen, "/out/", "/"), output: { type: "local", dest } } });
