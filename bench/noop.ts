// The drydock side of the no-op rebuild: the equivalent of bench/noop.Dockerfile
//   FROM busybox / RUN echo cached
// built with no output (the engine's cache only). Run it once to fill the cache; every later run is the
// fully cached rebuild the bench times.
//   deno run -A bench/noop.ts --progress=quiet
import { build, image } from "../mod.ts";

await build({ noop: image("busybox").run("echo cached") });
