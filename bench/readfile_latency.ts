// How long ctx.readFile() takes on a state the engine has cached: the first read (which solves the state,
// all CACHED) and then repeated reads of the same ref. Not part of the suite; run against one engine:
//   DOCKER_HOST=unix:///path/to/docker.sock deno run -A bench/readfile_latency.ts [reads]
import process from "node:process";
import { buildTargets, image } from "../mod.ts";

const reads = Number(process.argv[2] ?? 50);
const state = image("busybox").run("mkdir -p /cfg && echo 3 > /cfg/count");
let first = 0;
const times: number[] = [];

for (let round = 0; round < 2; round++) {
  // The first round makes sure the state is in the engine's cache; the second is measured.
  times.length = 0;
  await buildTargets({
    latency: {
      state: async (ctx) => {
        let t = performance.now();
        await ctx.readFile(state, "/cfg/count");
        first = performance.now() - t;
        for (let i = 0; i < reads; i++) {
          t = performance.now();
          await ctx.readFile(state, "/cfg/count");
          times.push(performance.now() - t);
        }
        return state;
      },
    },
  });
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
console.log(
  `${runtime}: first read (solve, cached) ${first.toFixed(1)} ms; ${reads} reads of the solved ref: ` +
    `median ${at(0.5)} ms, p90 ${at(0.9)} ms, min ${at(0)} ms`,
);
