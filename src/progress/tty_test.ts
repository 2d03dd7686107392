import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { TtyRenderer } from "./tty.ts";
import { createRenderer } from "./renderer.ts";
import { PlainRenderer } from "./plain.ts";
import { buildFrame, PLAIN_PALETTE } from "./_tty_frame.ts";
import { ProgressModel } from "./model.ts";
import { EPOCH_MS, log, merge, status, vertex } from "./status_test_util.ts";

/** A fake terminal that records every write and can be resized. */
class Terminal {
  writes: string[] = [];
  columns = 60;
  rows = 20;
  #resize: (() => void) | undefined;
  write(text: string): void {
    this.writes.push(text);
  }
  on(_event: "resize", listener: () => void): void {
    this.#resize = listener;
  }
  off(): void {
    this.#resize = undefined;
  }
  resize(columns: number): void {
    this.columns = columns;
    this.#resize?.();
  }
  get last(): string {
    return this.writes[this.writes.length - 1];
  }
}

const layout = (now: number, extra: Partial<Parameters<typeof buildFrame>[2]> = {}) => ({
  now: EPOCH_MS + now,
  columns: 60,
  rows: 20,
  logLines: 2,
  palette: PLAIN_PALETTE,
  startedAt: EPOCH_MS,
  ...extra,
});

/** Rows of a frame's text with the escape sequences taken out. */
const rows = (text: string) =>
  // deno-lint-ignore no-control-regex -- reading back what the renderer wrote
  text.replace(/\x1b\[\?\d+[hl]|\r\x1b\[\d+A|\x1b\[[KJ]/g, "").split("\n").filter((r) => r !== "");

describe("tty frame", () => {
  test("`buildFrame()` shows running steps with timers and their last log lines", () => {
    const model = new ProgressModel();
    model.apply(vertex("sha256:a", "[app 1/2] RUN make", { started: 0 }));
    model.apply(log("sha256:a", 100, "one\ntwo\nthree\n"));
    const frame = buildFrame(model, new Map(), layout(1500));
    assert.deepEqual(frame.committed, []);
    assert.deepEqual(frame.live, [
      "[+] Building 1.5s (0/1)",
      " => [app 1/2] RUN make                                  1.5s",
      "    │ two",
      "    │ three",
    ]);
  });

  test("`buildFrame()` commits finished steps once, collapsing cached ones into one row", () => {
    const model = new ProgressModel();
    const finished = new Map<string, number>();
    model.apply(merge(
      vertex("sha256:a", "[app 1/4] FROM busybox", { cached: true, started: 0, completed: 0 }),
      vertex("sha256:b", "[app 2/4] COPY . .", { cached: true, started: 0, completed: 1 }),
      vertex("sha256:c", "[app 3/4] RUN make", { started: 10, completed: 2010 }),
      vertex("sha256:d", "[app 4/4] RUN test", { started: 2010 }),
    ));
    const first = buildFrame(model, finished, layout(2500));
    assert.deepEqual(first.committed, [
      " => CACHED 2 steps: [app 1/4] FROM busybox, [app 2/4] COPY …",
      " => [app 3/4] RUN make                                  2.0s",
    ]);
    assert.equal(first.live[0], "[+] Building 2.5s (3/4) 2 cached");
    assert.equal(buildFrame(model, finished, layout(2600)).committed.length, 0);
  });

  test("`buildFrame()` marks failed and canceled steps", () => {
    const model = new ProgressModel();
    model.apply(merge(
      vertex("sha256:a", "RUN false", { started: 0, completed: 300, error: "exit code: 1" }),
      vertex("sha256:b", "RUN other", { started: 0, completed: 400, error: "context canceled" }),
    ));
    assert.deepEqual(buildFrame(model, new Map(), layout(500)).committed, [
      " => ERROR RUN false                                     0.3s",
      " => CANCELED RUN other                                  0.4s",
    ]);
  });

  test("`buildFrame()` shows transfers with sizes, a bar and a rate", () => {
    const model = new ProgressModel();
    model.apply(vertex("sha256:a", "[ctx 1/1] load local .", { started: 0 }));
    model.apply(
      status("sha256:a", "transferring .:", {
        current: 5_000_000,
        total: 10_000_000,
        started: 0,
        timestamp: 1000,
      }),
    );
    const live = buildFrame(model, new Map(), { ...layout(1000), columns: 80 }).live;
    assert.equal(live[2], "    ↓ transferring .:             5.00MB / 10.00MB ██████████░░░░░░░░░░ 5.00MB/s");
    // Too narrow for the bar: the numbers stay.
    const narrow = buildFrame(model, new Map(), { ...layout(1000), columns: 40 }).live;
    assert.equal(narrow[2], "    ↓ transferring .:   5.00MB / 10.00MB");
  });

  test("`buildFrame()` never draws more rows than the terminal has", () => {
    const model = new ProgressModel();
    for (let i = 0; i < 10; i++) {
      model.apply(vertex(`sha256:${i}`, `RUN job ${i}`, { started: 0 }));
      model.apply(log(`sha256:${i}`, 1, "a\nb\n"));
    }
    const live = buildFrame(model, new Map(), { ...layout(100), rows: 6 }).live;
    assert.equal(live.length, 6);
    assert.equal(live[5], "    … and 6 more running");
  });

  test("`buildFrame()` strips escape sequences and carriage-return redraws from log lines", () => {
    const model = new ProgressModel();
    model.apply(vertex("sha256:a", "RUN npm ci", { started: 0 }));
    model.apply(log("sha256:a", 1, "10%\r55%\r\x1b[32mdone\x1b[0m\n"));
    assert.equal(buildFrame(model, new Map(), layout(100)).live[2], "    │ done");
  });
});

describe("TtyRenderer", () => {
  test("`TtyRenderer` draws each frame in one synchronized write and redraws in place", () => {
    const term = new Terminal();
    let now = EPOCH_MS;
    const renderer = new TtyRenderer(term, { frameMs: 0, color: false, now: () => now });
    renderer.update(vertex("sha256:a", "RUN make", { started: 0 }));
    renderer.update(log("sha256:a", 1, "compiling\n"));
    now += 1000;
    renderer.flush();
    assert.equal(term.writes.length, 1);
    assert.ok(term.last.startsWith("\x1b[?2026h\x1b[?25l"), "synchronized, cursor hidden");
    assert.ok(term.last.endsWith("\x1b[J\x1b[?2026l"));
    assert.deepEqual(rows(term.last), [
      "[+] Building 1.0s (0/1)",
      " => RUN make                                           1.0s",
      "    │ compiling",
    ]);
    // Nothing changed: no write at all.
    renderer.flush();
    assert.equal(term.writes.length, 1);
    // The next frame goes back up over the three live rows first.
    now += 100;
    renderer.flush();
    assert.ok(term.last.startsWith("\x1b[?2026h\r\x1b[3A"), JSON.stringify(term.last.slice(0, 20)));
    renderer.done();
  });

  test("`TtyRenderer` moves up over rows that wrapped when the terminal got narrower", () => {
    const term = new Terminal();
    const renderer = new TtyRenderer(term, { frameMs: 0, color: false, now: () => EPOCH_MS + 500 });
    renderer.update(vertex("sha256:a", "RUN a step with a long name to fill the row", { started: 0 }));
    renderer.flush();
    // Rows were up to 59 columns wide; at 30 columns the step row takes two.
    term.resize(30);
    assert.equal(term.writes.length, 2, "a resize redraws at once");
    assert.ok(term.last.startsWith("\x1b[?2026h\r\x1b[3A"), JSON.stringify(term.last.slice(0, 20)));
    for (const row of rows(term.last)) assert.ok(row.length < 30, row);
    renderer.done();
  });

  test("`TtyRenderer.done()` leaves finished steps and a summary, and shows the cursor", () => {
    const term = new Terminal();
    let now = EPOCH_MS;
    const renderer = new TtyRenderer(term, { frameMs: 0, color: false, now: () => now });
    renderer.update(vertex("sha256:a", "[app 1/2] FROM busybox", { cached: true, started: 0, completed: 0 }));
    renderer.update(vertex("sha256:b", "[app 2/2] RUN make", { started: 0 }));
    renderer.flush();
    renderer.update(vertex("sha256:b", "[app 2/2] RUN make", { started: 0, completed: 2000 }));
    now += 2100;
    renderer.done({ outputs: ["app: image app:dev"] });
    const final = term.last;
    assert.ok(final.includes("\x1b[?25h"));
    assert.deepEqual(rows(final), [
      " => [app 2/2] RUN make                                 2.0s",
      "Built in 2.1s: 1 step run, 1 cached",
      "  slowest: [app 2/2] RUN make 2.0s",
      "  app: image app:dev",
    ]);
    // The cached step was committed with the first frame.
    assert.ok(term.writes[0].includes(" => CACHED [app 1/2] FROM busybox"));
    renderer.update(vertex("sha256:c", "late", { started: 3000 }));
    renderer.flush();
    assert.equal(term.last, final, "nothing is drawn after done()");
  });

  test("`TtyRenderer` draws on its own timer and stops it when done", async () => {
    const term = new Terminal();
    const renderer = new TtyRenderer(term, { frameMs: 10, color: false });
    renderer.update(vertex("sha256:a", "RUN make", { started: 0 }));
    for (let i = 0; i < 100 && term.writes.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(term.writes.length > 0);
    renderer.done();
    const count = term.writes.length;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(term.writes.length, count);
  });

  test("`TtyRenderer` colours rows unless told not to", () => {
    const term = new Terminal();
    const renderer = new TtyRenderer(term, { frameMs: 0, now: () => EPOCH_MS + 100 });
    renderer.update(vertex("sha256:a", "RUN false", { started: 0, completed: 50, error: "exit code: 1" }));
    renderer.flush();
    assert.ok(term.last.includes("\x1b[31m => ERROR RUN false"));
    renderer.done();
  });
});

describe("tty view of warnings and groups", () => {
  const short = (text: string) => new TextEncoder().encode(text);

  test("engine warnings show under their step while it runs, in the scrollback and in the summary", () => {
    const term = new Terminal();
    let now = EPOCH_MS;
    const renderer = new TtyRenderer(term, { frameMs: 0, color: false, now: () => now });
    renderer.update(vertex("sha256:a", "RUN old-tool", { started: 0 }));
    renderer.update({
      warnings: [{ vertex: "sha256:a", level: 1n, short: short("old-tool is deprecated") }],
    });
    now += 100;
    renderer.flush();
    assert.ok(rows(term.last).includes("    ! WARN: old-tool is deprecated"));
    renderer.update(vertex("sha256:a", "RUN old-tool", { started: 0, completed: 200 }));
    now += 200;
    renderer.done();
    assert.deepEqual(rows(term.last), [
      " => RUN old-tool                                       0.2s",
      "    ! WARN: old-tool is deprecated",
      "Built in 0.3s: 1 step run, 0 cached",
      "  slowest: RUN old-tool 0.2s",
      "  1 warning:",
      "    ! old-tool is deprecated",
    ]);
  });

  test("a progress group is one step, running while any member runs", () => {
    const model = new ProgressModel();
    const group = { id: "g1", name: "[app 2/3] fetch sources" };
    model.apply(merge(
      vertex("sha256:a", "git fetch a", { started: 0, completed: 300, progressGroup: group }),
      vertex("sha256:b", "git fetch b", { started: 100, progressGroup: group }),
    ));
    model.apply(log("sha256:b", 200, "receiving objects\n"));
    const running = buildFrame(model, new Map(), layout(1000));
    assert.deepEqual(running.live.slice(1), [
      " => [app 2/3] fetch sources                             1.0s",
      "    │ receiving objects",
    ]);
    model.apply(vertex("sha256:b", "git fetch b", { started: 100, completed: 900, progressGroup: group }));
    assert.deepEqual(buildFrame(model, new Map(), layout(1000)).committed, [
      " => [app 2/3] fetch sources                             0.9s",
    ]);
  });
});

describe("messages during a build", () => {
  test("`TtyRenderer.print()` puts a message above the live view and keeps redrawing in place", () => {
    const term = new Terminal();
    const renderer = new TtyRenderer(term, { frameMs: 0, color: false, now: () => EPOCH_MS + 1000 });
    renderer.update(vertex("sha256:a", "RUN make", { started: 0 }));
    renderer.flush();
    renderer.print("Interrupted: cancelling\n");
    assert.ok(term.last.startsWith("\x1b[?2026h\r\x1b[2A"), "back over the two live rows");
    assert.deepEqual(rows(term.last), [
      "Interrupted: cancelling",
      "[+] Building 0.0s (0/1)",
      " => RUN make                                           1.0s",
    ]);
    renderer.done();
    renderer.print("after\n");
    assert.equal(term.last, "after\n");
  });

  test("plain, rawjson and quiet renderers print messages between whole lines", () => {
    let out = "";
    const sink = (text: string) => out += text;
    for (const mode of ["plain", "rawjson", "quiet"] as const) {
      out = "";
      const renderer = createRenderer(mode, { write: sink });
      renderer.print("hello\n");
      renderer.done();
      assert.equal(out, "hello\n", mode);
    }
    // A plain log line left open is ended first.
    out = "";
    const plain = new PlainRenderer(sink);
    plain.update(vertex("sha256:a", "RUN x", { started: 0 }));
    plain.update(log("sha256:a", 10, "no newline yet"));
    plain.print("hello\n");
    assert.match(out, /no newline yet\nhello\n$/);
    plain.done();
  });
});

describe("engine clock", () => {
  test("`TtyRenderer` counts running time in the engine's clock when it is far off from ours", () => {
    const term = new Terminal();
    let now = EPOCH_MS + 60_000; // our clock runs a minute ahead of the engine's
    const renderer = new TtyRenderer(term, { frameMs: 0, color: false, now: () => now });
    renderer.update(vertex("sha256:a", "RUN make", { started: 0 }));
    now += 2500;
    renderer.flush();
    assert.ok(
      rows(term.last).includes(" => RUN make                                           2.5s"),
      term.last,
    );
    renderer.done();
  });
});

describe("a build that never started", () => {
  test("`TtyRenderer.done()` prints no summary when no step was seen, and still shows the cursor", () => {
    const term = new Terminal();
    const renderer = new TtyRenderer(term, { frameMs: 0, color: false });
    renderer.done({ failed: true });
    assert.equal(rows(term.last).length, 0);
    assert.ok(term.last.includes("\x1b[?25h"));
  });
});

describe("steps that run more than once", () => {
  test("`buildFrame()` shows a step that starts again as running, and commits its second run", () => {
    const model = new ProgressModel();
    const finished = new Map<string, number>();
    model.apply(vertex("sha256:a", "load local .", { started: 0, completed: 100 }));
    assert.equal(buildFrame(model, finished, layout(200)).committed.length, 1);
    model.apply(vertex("sha256:a", "load local .", { started: 300 }));
    const again = buildFrame(model, finished, layout(400));
    assert.deepEqual(again.committed, []);
    assert.equal(again.live[1], " => load local .                                        0.2s");
    model.apply(vertex("sha256:a", "load local .", { started: 300, completed: 500 }));
    assert.deepEqual(buildFrame(model, finished, layout(600)).committed, [
      " => load local .                                        0.3s",
    ]);
  });

  test("`buildFrame()` does not repeat a finished step the engine re-announces as cached", () => {
    const model = new ProgressModel();
    const finished = new Map<string, number>();
    model.apply(vertex("sha256:a", "FROM busybox", { started: 0, completed: 50 }));
    assert.equal(buildFrame(model, finished, layout(100)).committed.length, 1);
    model.apply(vertex("sha256:a", "FROM busybox", { started: 200, completed: 210, cached: true }));
    assert.deepEqual(buildFrame(model, finished, layout(300)).committed, []);
  });
});
