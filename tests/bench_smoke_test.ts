// The bench's building blocks at tiny sizes (the bench itself is not a test: it measures, on real engines,
// for minutes). Timings are never asserted.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync, statSync as stat } from "node:fs";
import {
  changeOneFile,
  ContextDir,
  fileSizes,
  generateContext,
  scaleShape,
  SCALING_SHAPES,
  SHAPES,
} from "../bench/shapes.ts";
import { median, parseTimeOutput, timed } from "../bench/measure.ts";
import { renderGraphTable, renderIncrementalTable, renderScalingTable, renderTable } from "../bench/table.ts";
import { EXPORT_SHAPE, exportDockerfile, exportScript } from "../bench/export_shape.ts";
import { ByteCounter } from "../bench/byte_counter.ts";
import { Clients } from "../bench/clients.ts";
import { timeGraph } from "../bench/graph.ts";

function filesUnder(dir: string): { count: number; bytes: number } {
  let count = 0, bytes = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    count++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { count, bytes };
}

function withTemp(fn: (dir: string) => void | Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "drydock-bench-smoke-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe("bench shapes", () => {
  test("the three shapes are the issue's: 50,000 × 1 KiB, 5,000 files of 500 MiB, one 512 MiB file", () => {
    assert.deepEqual(
      SHAPES.map((s) => [s.name, s.files, s.bytes]),
      [["small", 50_000, 50_000 * 1024], ["medium", 5_000, 500 * 2 ** 20], ["large", 1, 512 * 2 ** 20]],
    );
  });

  test("the scaling series adds 1k, 10k and 200k files of 1 KiB (50k is the small shape)", () => {
    assert.deepEqual(SCALING_SHAPES.map((s) => [s.name, s.files, s.bytes]), [
      ["files1k", 1_000, 1_000 * 1024],
      ["files10k", 10_000, 10_000 * 1024],
      ["files200k", 200_000, 200_000 * 1024],
    ]);
  });

  test("fileSizes() sums to the shape's bytes exactly", () => {
    for (const shape of SHAPES) assert.equal(fileSizes(shape).reduce((a, b) => a + b, 0), shape.bytes);
  });

  test(
    "generateContext() writes the scaled shape: file count and bytes",
    withTemp((dir) => {
      const small = scaleShape(SHAPES[0], 0.001);
      generateContext(join(dir, "small"), small);
      assert.deepEqual(filesUnder(join(dir, "small")), { count: 50, bytes: 50 * 1024 });
      const medium = scaleShape(SHAPES[1], 0.002);
      generateContext(join(dir, "medium"), medium);
      assert.deepEqual(filesUnder(join(dir, "medium")), { count: 10, bytes: medium.bytes });
    }),
  );

  test(
    "ContextDir generates once, and rotate() gives the context a never-used name",
    withTemp((root) => {
      const shape = scaleShape(SHAPES[0], 0.0004);
      const first = new ContextDir(root, shape);
      const before = first.path;
      const after = first.rotate("1-deno");
      assert.notEqual(after, before);
      assert.ok(!existsSync(before) && existsSync(after));
      assert.equal(filesUnder(after).count, shape.files);
      // A later run finds the same context instead of generating it again.
      assert.equal(new ContextDir(root, shape).path, after);
    }),
  );
});

describe("bench measuring", () => {
  test("parseTimeOutput() reads GNU time's line, after a failing command's notice too", () => {
    assert.deepEqual(parseTimeOutput("Command exited with non-zero status 1\n2.41 60212 1.50 0.25\n"), {
      seconds: 2.41,
      peakRss: 60212 * 1024,
      cpuSeconds: 1.75,
    });
    assert.throws(() => parseTimeOutput("garbage"), /unexpected \/usr\/bin\/time output/);
  });

  test("median()", () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.throws(() => median([]));
  });

  test("renderTable() gives each client its ratio to buildx's median time", () => {
    const run = (seconds: number) => ({ seconds, peakRss: 100 * 2 ** 20, cpuSeconds: 1 });
    const table = renderTable([
      { shape: "large", client: "buildx", runs: [run(4), run(2), run(3)] },
      { shape: "large", client: "deno", runs: [run(1.5), run(1.5)] },
    ], new Map([["large", 300 * 2 ** 20]]));
    const rows = table.split("\n");
    assert.match(rows[2], /^\| large \| buildx \| 3 \| 3\.00 \| 100 \| 1\.00 \|/);
    assert.match(rows[3], /^\| large \| deno \| 2 \| 1\.50 \| 200 \| 2\.00 \|/);
  });

  test("timed() runs a command under /usr/bin/time and reports its peak RSS", {
    skip: existsSync("/usr/bin/time") ? false : "/usr/bin/time (GNU time) is not installed",
  }, async () => {
    const run = await timed(["true"], {});
    assert.ok(run.peakRss > 0);
    await assert.rejects(timed(["false"], {}), /exited with 1/);
  });
});

describe("bench graph", () => {
  test("timeGraph() builds and marshals a chain of one op per step, and a table shows it", () => {
    const chain = timeGraph("chain", 50);
    assert.equal(chain.ops, 52); // the image, 50 steps, the terminal op
    assert.ok(chain.bytes > 0 && chain.cpuMs >= 0);
    const stages = timeGraph("stages", 200);
    assert.equal(stages.ops, 1 + 200 + 2); // the 100 images are one op; 200 steps, the merge, the terminal op
    const table = renderGraphTable([{ steps: 50, runtime: "deno", runs: [chain] }]).split("\n");
    assert.match(table[2], /^\| 50 \| deno \| 1 \| 52 \|/);
  });
});

describe("bench export and incremental shapes", () => {
  test(
    "exportScript() writes the scaled export shape: file count and exact bytes (run here by sh)",
    withTemp((dir) => {
      const shape = scaleShape(EXPORT_SHAPE, 0.002); // 10 files, 1 MiB, sizes differing by one byte
      execFileSync("sh", ["-c", exportScript(shape, join(dir, "out"))]);
      assert.deepEqual(filesUnder(join(dir, "out")), { count: 10, bytes: shape.bytes });
      assert.match(
        exportDockerfile(shape),
        /^FROM busybox AS gen\nRUN set -e; .*\nFROM scratch\nCOPY --from=gen \/out\/ \/\n$/,
      );
    }),
  );

  test(
    "changeOneFile() rewrites the same file each time: same size, new content",
    withTemp((dir) => {
      const shape = scaleShape(SHAPES[0], 0.0002); // 10 files
      generateContext(join(dir, "ctx"), shape);
      const before = filesUnder(join(dir, "ctx"));
      const path = changeOneFile(join(dir, "ctx"), shape);
      const content = readFileSync(join(dir, "ctx", path));
      assert.equal(changeOneFile(join(dir, "ctx"), shape), path);
      assert.notDeepEqual(readFileSync(join(dir, "ctx", path)), content);
      assert.equal(stat(join(dir, "ctx", path)).size, 1024);
      assert.deepEqual(filesUnder(join(dir, "ctx")), before);
    }),
  );

  test(
    "ByteCounter relays a connection both ways and counts the bytes of each direction",
    withTemp(async (dir) => {
      const echo = createServer((s) => s.pipe(s));
      await new Promise<void>((resolve) => echo.listen(join(dir, "echo.sock"), resolve));
      const counter = await ByteCounter.listen(join(dir, "relay.sock"), join(dir, "echo.sock"));
      try {
        const { createConnection } = await import("node:net");
        const client = createConnection(join(dir, "relay.sock"));
        let echoed = 0;
        await new Promise<void>((resolve) => {
          client.on("data", (c: Uint8Array) => {
            echoed += c.length;
            if (echoed === 3000) resolve();
          });
          client.write(new Uint8Array(1000));
          client.write(new Uint8Array(2000));
        });
        client.destroy();
        assert.deepEqual(counter.take(), { sent: 3000, received: 3000 });
        assert.deepEqual(counter.take(), { sent: 0, received: 0 });
      } finally {
        await counter.close();
        echo.close();
      }
    }),
  );

  test("Clients: buildx exports with a generated Dockerfile, drydock gets the shape and dest", () => {
    const clients = new Clients({ engine: "unix:///engine.sock", buildx: "/no/buildx" });
    try {
      const job = { kind: "export" as const, shape: scaleShape(EXPORT_SHAPE, 0.002), dest: "/out/x" };
      const buildx = clients.command("buildx", job);
      assert.ok(buildx.argv.includes("--output=type=local,dest=/out/x"));
      assert.match(
        readFileSync(buildx.argv[buildx.argv.indexOf("--file") + 1], "utf8"),
        /^FROM busybox AS gen/,
      );
      const deno = clients.command("deno", job, "unix:///relay.sock");
      assert.match(deno.argv.join(" "), /bench\/export\.ts --progress=quiet$/);
      assert.equal(deno.env.DOCKER_HOST, "unix:///relay.sock");
      assert.equal(JSON.parse(deno.env.DRYDOCK_BENCH_SHAPE).files, 10);
      assert.throws(() => clients.command("buildx-new", job), /unknown client/);
    } finally {
      clients.close();
    }
  });

  test("the incremental and scaling tables show bytes sent and growth per file count", () => {
    const run = (seconds: number, sentBytes?: number) => ({
      seconds,
      peakRss: 64 * 2 ** 20,
      cpuSeconds: seconds / 2,
      sentBytes,
    });
    const incremental = renderIncrementalTable([
      { shape: "incremental", client: "buildx", runs: [run(2, 2 ** 20), run(4, 3 * 2 ** 20)] },
      { shape: "incremental", client: "deno", runs: [run(1.5, 2 ** 19)] },
    ]).split("\n");
    assert.match(
      incremental[2],
      /^\| incremental \| buildx \| 2 \| 3\.00 \(2\.00–4\.00\) \| 1\.00 \| 2\.00 \|/,
    );
    assert.match(
      incremental[3],
      /^\| incremental \| deno \| 1 \| 1\.50 \(1\.50–1\.50\) \| 2\.00 \| 0\.50 \|/,
    );
    const files = new Map([["files1k", 1000], ["small", 50_000]]);
    const scaling = renderScalingTable([
      { shape: "small", client: "deno", runs: [run(20)] },
      { shape: "files1k", client: "deno", runs: [run(2)] },
    ], files).split("\n");
    assert.match(scaling[2], /^\| 1,000 \| deno \| 2\.00 \(2\.00–2\.00\) \| 1\.00 \| 1000 \| 64 \(64\) \|$/);
    assert.match(scaling[3], /^\| 50,000 \| deno \| 20\.00 /);
    assert.equal(renderScalingTable([{ shape: "small", client: "deno", runs: [run(1)] }], files), "");
  });
});
