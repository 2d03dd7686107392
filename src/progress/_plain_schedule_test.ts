import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { log, merge, status, vertex } from "./status_test_util.ts";
import { lines, screen } from "./plain_test_util.ts";

// Which step gets the output when several run at once, seen through the plain renderer's output.
describe("plain renderer's output schedule", () => {
  test("`PlainRenderer` numbers steps in order of first print", () => {
    const s = screen().feed(
      merge(vertex("sha256:b", "b"), vertex("sha256:a", "a")),
      vertex("sha256:a", "a", { started: 0 }),
      vertex("sha256:a", "a", { started: 0, completed: 500 }),
      vertex("sha256:b", "b", { started: 600 }),
      vertex("sha256:b", "b", { started: 600, completed: 1600 }),
    );
    assert.equal(s.out, lines("#1 a", "#1 DONE 0.5s", "", "#2 b", "#2 DONE 1.0s"));
  });

  test("`PlainRenderer` switches between running steps with `#N ...` and reprints an interrupted line", () => {
    const A = "sha256:a", B = "sha256:b";
    const s = screen();
    s.feed(vertex(A, "A", { started: 0 }), log(A, 500, "downloading"));
    assert.equal(s.out, "#1 A\n#1 0.500 downloading");

    // B starts and logs, but A keeps the screen until B has waited more than 10 s.
    s.clock = 1000;
    s.feed(vertex(B, "B", { started: 1000 }));
    s.clock = 1500;
    s.feed(log(B, 1100, "b-line\n"));
    assert.equal(s.out, "#1 A\n#1 0.500 downloading");
    s.clock = 12_000;
    s.feed(log(B, 1200, "b-two\n"));
    // A's line continues; B has held the screen for 11 s and has been quiet, so A takes it back.
    s.feed(log(A, 2000, " done\n"));
    // B has the screen no longer: its new line waits until A is done.
    s.feed(log(B, 1300, "b-three\n"));
    s.feed(vertex(A, "A", { started: 0, completed: 2500 }));
    s.feed(vertex(B, "B", { started: 1000, completed: 3000 }));
    s.renderer.done();
    assert.equal(
      s.out,
      lines(
        "#1 A",
        "#1 0.500 downloading",
        "#1 ...",
        "",
        "#2 B",
        "#2 0.100 b-line",
        "#2 0.200 b-two",
        "#2 ...",
        "",
        "#1 A",
        "#1 0.500 downloading done",
        "#1 DONE 2.5s",
        "",
        "#2 B",
        "#2 0.300 b-three",
        "#2 DONE 2.0s",
      ),
    );
  });

  test("`PlainRenderer` keeps a waiting step's output until it gets the screen", () => {
    const A = "sha256:a", B = "sha256:b";
    const s = screen().feed(
      vertex(A, "A", { started: 0 }),
      vertex(B, "B", { started: 5 }),
      log(B, 105, "one\n"),
      log(A, 10, "a1\n"),
      log(B, 205, "two\n"),
      merge(vertex(A, "A", { started: 0, completed: 300 }), vertex(B, "B", { started: 5, completed: 400 })),
    );
    assert.equal(
      s.out,
      lines(
        "#1 A",
        "#1 0.010 a1",
        "#1 DONE 0.3s",
        "",
        "#2 B",
        "#2 0.100 one",
        "#2 0.200 two",
        "#2 DONE 0.4s",
      ),
    );
  });

  test("`PlainRenderer` gives the screen to a step that has waited over 10 s, even from a busy one", () => {
    const A = "sha256:a", B = "sha256:b";
    const s = screen().feed(
      vertex(A, "A", { started: 0 }),
      status(A, "fetch", { current: 0, total: 1_000_000, started: 0, timestamp: 0 }),
    );
    s.clock = 1000;
    s.feed(vertex(B, "B", { started: 1000 }), log(B, 1001, "b\n"));
    // A stays busy with updates too small to print, so fair sharing alone keeps the screen on A.
    // B keeps logging while it waits; its wait counts from its first unshown update, not its latest.
    let i = 1;
    for (; s.clock < 10_900; s.clock += 400) {
      s.feed(status(A, "fetch", { current: i, total: 1_000_000, started: 0, timestamp: i++ }));
      if (s.clock % 2000 === 1000 && s.clock > 1000) s.feed(log(B, s.clock, `b${s.clock}\n`));
    }
    s.clock = 10_900;
    s.feed(status(A, "fetch", { current: i, total: 1_000_000, started: 0, timestamp: i++ }));
    assert.equal(s.out, lines("#1 A", "#1 fetch 0B / 1.00MB"));
    s.clock = 11_100;
    s.feed(status(A, "fetch", { current: i, total: 1_000_000, started: 0, timestamp: i++ }));
    assert.equal(
      s.out,
      lines(
        "#1 A",
        "#1 fetch 0B / 1.00MB",
        "#1 ...",
        "",
        "#2 B",
        "#2 0.001 b",
        "#2 2.000 b3000",
        "#2 4.000 b5000",
        "#2 6.000 b7000",
        "#2 8.000 b9000",
      ),
    );
  });

  test("`PlainRenderer` shows a silently running step as soon as the screen is free", () => {
    const A = "sha256:a", B = "sha256:b";
    const s = screen().feed(vertex(A, "A", { started: 0 }), vertex(B, "B", { started: 0 }));
    s.clock = 11_000;
    s.feed(log(A, 11_000, "a\n")); // B has waited 11 s: it gets the screen, with nothing to show yet
    s.feed(log(A, 11_000, "a2\n")); // and quiet B gives it back
    s.feed(vertex(A, "A", { started: 0, completed: 11_500 }));
    const shown = lines(
      "#1 A",
      "#1 11.00 a",
      "#1 ...",
      "",
      "#2 B",
      "#2 ...",
      "",
      "#1 A",
      "#1 11.00 a2",
      "#1 DONE 11.5s",
      "",
      "#2 B",
    );
    assert.equal(s.out, shown);
    s.feed(vertex(B, "B", { started: 0, completed: 12_000 }));
    assert.equal(s.out, shown + lines("#2 DONE 12.0s"));
  });

  test("`PlainRenderer` reopens an interrupted step's block only when it has news", () => {
    const s = screen().feed(
      vertex("sha256:a", "A", { started: 0 }),
      vertex("sha256:b", "B", { started: 5, completed: 5, cached: true }),
    );
    assert.equal(s.out, lines("#1 A", "#1 ...", "", "#2 B", "#2 CACHED"));
    s.feed(vertex("sha256:a", "A", { started: 0, completed: 700 }));
    assert.equal(s.out, lines("#1 A", "#1 ...", "", "#2 B", "#2 CACHED", "", "#1 A", "#1 DONE 0.7s"));
  });

  test("`PlainRenderer` prints steps that finish together in order of completion", () => {
    const s = screen().feed(
      vertex("sha256:a", "A", { started: 0 }),
      merge(vertex("sha256:b", "B", { started: 0 }), vertex("sha256:c", "C", { started: 0 })),
      merge(
        vertex("sha256:b", "B", { started: 0, completed: 400 }),
        vertex("sha256:c", "C", { started: 0, completed: 200 }),
      ),
      vertex("sha256:a", "A", { started: 0, completed: 500 }),
    );
    assert.equal(
      s.out,
      lines(
        "#1 A",
        "#1 ...",
        "",
        "#2 C",
        "#2 DONE 0.2s",
        "",
        "#3 B",
        "#3 DONE 0.4s",
        "",
        "#1 A",
        "#1 DONE 0.5s",
      ),
    );
  });
});
