import { test } from "node:test";
import assert from "node:assert/strict";
import type { ExecMessage } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import { ContainerProcess } from "./container_process.ts";
import type { ExecStream, ProcessListener } from "./exec_stream.ts";

/** Records what the process sends; `reply` plays the engine's side for the registered process. */
function fakeStream() {
  const sent: ExecMessage[] = [];
  let listener: ProcessListener | undefined;
  const stream = {
    register: (_id: string, l: ProcessListener) => void (listener = l),
    unregister: () => void (listener = undefined),
    send: (m: ExecMessage) => void sent.push(m),
  } as unknown as ExecStream;
  return {
    stream,
    sent,
    reply: (m: ExecMessage) => listener?.message(m),
    end: (e: Error) => listener?.ended(e),
  };
}

const bytes = (s: string) => new TextEncoder().encode(s);

test("a process starts on Started, streams stdout and stderr, and exits with the code of Exit at Done", async () => {
  const f = fakeStream();
  const starting = ContainerProcess.start(f.stream, "c:1", { containerID: "c", meta: { args: ["ls"] } }, {});
  assert.deepEqual(f.sent[0].init?.meta?.args, ["ls"]);
  f.reply({ processID: "c:1", started: {} });
  const proc = await starting;
  f.reply({ processID: "c:1", file: { fd: 1, data: bytes("out\n") } });
  f.reply({ processID: "c:1", file: { fd: 2, data: bytes("err\n") } });
  f.reply({ processID: "c:1", exit: { code: 3 } });
  f.reply({ processID: "c:1", done: {} });
  assert.deepEqual(await proc.exit, { code: 3 });
  assert.equal(await new Response(proc.stdout).text(), "out\n");
  assert.equal(await new Response(proc.stderr).text(), "err\n");
  assert.equal(proc.outputTail(), "out\nerr\n");
});

test("stdin, resize and signals go out tagged with the process id; nothing is sent once it is done", async () => {
  const f = fakeStream();
  const starting = ContainerProcess.start(f.stream, "c:2", { containerID: "c", fds: [0, 1, 2] }, {});
  f.reply({ processID: "c:2", started: {} });
  const proc = await starting;
  proc.write("hi");
  proc.closeStdin();
  proc.resize({ rows: 40, cols: 100 });
  proc.signal("SIGINT");
  assert.deepEqual(f.sent.slice(1).map((m) => [m.processID, m.file ?? m.resize ?? m.signal]), [
    ["c:2", { fd: 0, data: bytes("hi") }],
    ["c:2", { fd: 0, eof: true }],
    ["c:2", { rows: 40, cols: 100 }],
    ["c:2", { name: "INT" }],
  ]);
  f.reply({ processID: "c:2", exit: { code: 0 } });
  f.reply({ processID: "c:2", done: {} });
  await proc.exit;
  proc.signal("KILL");
  assert.equal(f.sent.length, 6); // 5, and the stdin EOF sent at Exit
});

test("a process with stdin closes it at Exit, since the engine says Done only once every stream is closed", async () => {
  const f = fakeStream();
  const starting = ContainerProcess.start(
    f.stream,
    "c:4",
    { containerID: "c", fds: [0, 1, 2], tty: true },
    {},
  );
  f.reply({ processID: "c:4", started: {} });
  const proc = await starting;
  assert.equal(f.sent.length, 1);
  f.reply({ processID: "c:4", exit: { code: 5 } });
  assert.deepEqual(f.sent.slice(1).map((m) => [m.processID, m.file]), [["c:4", { fd: 0, eof: true }]]);
  f.reply({ processID: "c:4", done: {} });
  assert.deepEqual(await proc.exit, { code: 5 });
  // Without stdin there is nothing to close.
  const g = fakeStream();
  const other = ContainerProcess.start(g.stream, "c:5", { containerID: "c", fds: [1, 2] }, {});
  g.reply({ processID: "c:5", started: {} });
  await other;
  g.reply({ processID: "c:5", exit: { code: 0 } });
  assert.equal(g.sent.length, 1);
});

test("a stream that ends before Started fails the start with its reason", async () => {
  const f = fakeStream();
  const starting = ContainerProcess.start(f.stream, "c:3", { containerID: "c" }, {});
  f.end(new Error("the engine ended the container stream"));
  await assert.rejects(starting, /the engine ended the container stream/);
});

test("a signalled process reported as uint32(-1) (BuildKit 0.25 with runc 1.1) exits with 255, not 4294967295", async () => {
  const f = fakeStream();
  const starting = ContainerProcess.start(f.stream, "c:9", {
    containerID: "c",
    meta: { args: ["sleep", "9"] },
  }, {});
  f.reply({ processID: "c:9", started: {} });
  const proc = await starting;
  f.reply({ processID: "c:9", exit: { code: 4294967295 } });
  f.reply({ processID: "c:9", done: {} });
  assert.equal((await proc.exit).code, 255);
});
