// Prints the SHA-256 of the sources graph's Definition bytes and its op digests,
// so a test can compare what Deno and Bun produce.
import { createHash } from "node:crypto";
import { marshal } from "../../src/llb/marshal.ts";
import * as pb from "../../src/proto/pb.gen.ts";
import { sourcesGraph } from "./sources_graph.ts";

const result = marshal(sourcesGraph(), {
  localUniqueKey: "k",
  localExcludes: new Map([["/srv/ctx", ["*.tmp"]]]),
});
const bytes = pb.Definition.toBinary(result.definition!);
console.log(JSON.stringify({
  definition: createHash("sha256").update(bytes).digest("hex"),
  ops: result.ops.map((o) => o.digest),
}));
