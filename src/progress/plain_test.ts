import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { PlainRenderer } from "./plain.ts";
import { lines, screen } from "./plain_test_util.ts";
import { log, merge, status, vertex } from "./status_test_util.ts";

describe("PlainRenderer", () => {
  test("`PlainRenderer` renders a whole build like buildx", () => {
    const DEF = "sha256:d1", META = "sha256:d2", IGNORE = "sha256:d3", FROM = "sha256:d4";
    const CTX = "sha256:d5", COPY = "sha256:d6", RUN = "sha256:d7", EXPORT = "sha256:d8";
    const META_NAME = "[internal] load metadata for docker.io/library/alpine:3.19";
    const RUN_NAME = "[3/3] RUN echo hello-$RANDOM && cat /a.txt";
    const s = screen().feed(
      // The frontend announces everything first; nothing prints until a step starts.
      merge(
        vertex(DEF, "[internal] load build definition from Dockerfile"),
        vertex(META, META_NAME),
        vertex(IGNORE, "[internal] load .dockerignore"),
      ),
      vertex(DEF, "[internal] load build definition from Dockerfile", { started: 0 }),
      merge(
        status(DEF, "transferring dockerfile:", { current: 108, started: 1, completed: 8 }),
        vertex(DEF, "[internal] load build definition from Dockerfile", { started: 0, completed: 30 }),
      ),
      vertex(META, META_NAME, { started: 40 }),
      // Starts while metadata is being resolved: it waits for the screen...
      vertex(IGNORE, "[internal] load .dockerignore", { started: 41 }),
      // ...and takes it once it has finished.
      merge(
        status(IGNORE, "transferring context:", { current: 2, started: 42, completed: 45 }),
        vertex(IGNORE, "[internal] load .dockerignore", { started: 41, completed: 50 }),
      ),
      vertex(META, META_NAME, { started: 40, completed: 1240 }),
      vertex(FROM, "[1/3] FROM docker.io/library/alpine:3.19@sha256:c5b1261d", {
        cached: true,
        started: 1250,
        completed: 1250,
      }),
      vertex(CTX, "[internal] load build context", { started: 1251 }),
      merge(
        status(CTX, "transferring context: 33B", { started: 1252, completed: 1260 }),
        vertex(CTX, "[internal] load build context", { started: 1251, completed: 1262 }),
      ),
      vertex(COPY, "[2/3] COPY a.txt /a.txt", { cached: true, started: 1270, completed: 1270 }),
      vertex(RUN, RUN_NAME, { started: 1300 }),
      // Output split mid-line across responses.
      log(RUN, 1555, "hello-90"),
      log(RUN, 1555, "35\nhi\n"),
      vertex(RUN, RUN_NAME, { started: 1300, completed: 1600 }),
      vertex(EXPORT, "exporting to image", { started: 1610 }),
      status(EXPORT, "exporting layers", { started: 1611, completed: 1641 }),
      status(EXPORT, "writing image sha256:658ef743…", { started: 1642, completed: 1646 }),
      status(EXPORT, "naming to docker.io/library/rawtest:1", { started: 1647, completed: 1647 }),
      vertex(EXPORT, "exporting to image", { started: 1610, completed: 1650 }),
    );
    s.renderer.done();
    assert.equal(
      s.out,
      lines(
        "#1 [internal] load build definition from Dockerfile",
        "#1 transferring dockerfile: 108B done",
        "#1 DONE 0.0s",
        "",
        `#2 ${META_NAME}`,
        "#2 ...",
        "",
        "#3 [internal] load .dockerignore",
        "#3 transferring context: 2B done",
        "#3 DONE 0.0s",
        "",
        `#2 ${META_NAME}`,
        "#2 DONE 1.2s",
        "",
        "#4 [1/3] FROM docker.io/library/alpine:3.19@sha256:c5b1261d",
        "#4 CACHED",
        "",
        "#5 [internal] load build context",
        "#5 transferring context: 33B done",
        "#5 DONE 0.0s",
        "",
        "#6 [2/3] COPY a.txt /a.txt",
        "#6 CACHED",
        "",
        `#7 ${RUN_NAME}`,
        "#7 0.255 hello-9035",
        "#7 0.255 hi",
        "#7 DONE 0.3s",
        "",
        "#8 exporting to image",
        "#8 exporting layers 0.0s done",
        "#8 writing image sha256:658ef743… done",
        "#8 naming to docker.io/library/rawtest:1 done",
        "#8 DONE 0.0s",
      ),
    );
  });

  test("`PlainRenderer` prints ERROR and CANCELED, then the failure summary", () => {
    const RUN = "sha256:run", SLEEP = "sha256:sleep";
    const failing = "[2/3] RUN echo failing; exit 3";
    const error = 'process "/bin/sh -c echo failing; exit 3" did not complete successfully: exit code: 3';
    const s = screen().feed(
      vertex(RUN, failing, { started: 0 }),
      vertex(SLEEP, "[3/3] RUN sleep 5", { started: 10 }),
      log(RUN, 152, "failing\n"),
      log(RUN, 160, "exit ", 2n),
      merge(
        vertex(RUN, failing, { started: 0, completed: 300, error }),
        vertex(SLEEP, "[3/3] RUN sleep 5", { started: 10, completed: 301, error: "context canceled" }),
      ),
    );
    s.renderer.done();
    assert.equal(
      s.out,
      lines(
        `#1 ${failing}`,
        "#1 0.152 failing",
        "#1 0.160 exit ",
        `#1 ERROR: ${error}`,
        "",
        "#2 [3/3] RUN sleep 5",
        "#2 CANCELED",
        "------",
        ` > ${failing}:`,
        "0.152 failing",
        "0.160 exit ",
        "------",
      ),
    );
  });

  test("`PlainRenderer` treats any error ending in context canceled as CANCELED", () => {
    const s = screen({ errorLogs: true }).feed(
      vertex("sha256:a", "a", {
        started: 0,
        completed: 1,
        error: "failed to compute cache key: context canceled",
      }),
    );
    s.renderer.done();
    assert.equal(s.out, lines("#1 a", "#1 CANCELED"));
  });

  test("`PlainRenderer` leaves the failure summary out when asked", () => {
    const s = screen({ errorLogs: false }).feed(
      vertex("sha256:a", "a", { started: 0, completed: 1, error: "boom" }),
    );
    s.renderer.done();
    assert.equal(s.out, lines("#1 a", "#1 ERROR: boom"));
  });

  test("`PlainRenderer` rate-limits repeated status lines and formats sizes like buildx", () => {
    const PULL = "sha256:pull";
    const layer = "sha256:4abcf20661432fb2d719aaf90656f55c287f8ca915dc1c92ec14ff61e67fbaf8";
    const s = screen().feed(
      vertex(PULL, "[1/1] FROM docker.io/library/busybox", { started: 0 }),
      status(PULL, layer, { current: 0, total: 10_000_000, started: 0, timestamp: 0 }),
      status(PULL, layer, { current: 200_000, total: 10_000_000, started: 0, timestamp: 500 }), // 2 %: skipped
      status(PULL, layer, { current: 1_048_576, total: 10_000_000, started: 0, timestamp: 1000 }), // 10 %
      status(PULL, layer, { current: 1_100_000, total: 10_000_000, started: 0, timestamp: 3000 }), // skipped
      status(PULL, layer, { current: 1_100_000, total: 10_000_000, started: 0, timestamp: 6500 }), // 5.5 s later
      status(PULL, layer, { current: 10_000_000, total: 10_000_000, started: 0, completed: 7000 }),
      status(PULL, `extracting ${layer}`, { started: 7000, completed: 7300 }),
      status(PULL, "resolve docker.io/library/busybox:latest", {
        current: 1125,
        started: 7300,
        completed: 7305,
      }),
      vertex(PULL, "[1/1] FROM docker.io/library/busybox", { started: 0, completed: 7310 }),
    );
    assert.equal(
      s.out,
      lines(
        "#1 [1/1] FROM docker.io/library/busybox",
        `#1 ${layer} 0B / 10.00MB`,
        `#1 ${layer} 1.05MB / 10.00MB 1.0s`,
        `#1 ${layer} 1.10MB / 10.00MB 6.5s`,
        `#1 ${layer} 10.00MB / 10.00MB 7.0s done`,
        `#1 extracting ${layer} 0.3s done`,
        // 1.125 kB is an exact tie: Go rounds it to even.
        "#1 resolve docker.io/library/busybox:latest 1.12kB done",
        "#1 DONE 7.3s",
      ),
    );
  });

  test("`PlainRenderer` does not report a step done while a status is still running", () => {
    const s = screen().feed(
      vertex("sha256:a", "a", { started: 0 }),
      merge(
        status("sha256:a", "pushing layers", { started: 10, timestamp: 20 }),
        vertex("sha256:a", "a", { started: 0, completed: 30 }),
      ),
    );
    assert.equal(s.out, lines("#1 a", "#1 pushing layers"));
    // The finished step holds no claim on the screen.
    s.feed(vertex("sha256:b", "b", { started: 40 }));
    assert.equal(s.out, lines("#1 a", "#1 pushing layers", "#1 ...", "", "#2 b"));
    s.feed(status("sha256:a", "pushing layers", { started: 10, completed: 900 }));
    assert.equal(
      s.out,
      lines(
        "#1 a",
        "#1 pushing layers",
        "#1 ...",
        "",
        "#2 b",
        "#2 ...",
        "",
        "#1 a",
        "#1 pushing layers 0.9s done",
        "#1 DONE 0.0s",
      ),
    );
  });

  test("`PlainRenderer` prints warnings before the step's logs", () => {
    const DEF = "sha256:def";
    const short = new TextEncoder().encode(
      "FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
    );
    const s = screen().feed(
      vertex(DEF, "[internal] load build definition from Dockerfile", { started: 0 }),
      merge(
        {
          warnings: [{
            vertex: DEF,
            level: 1n,
            short,
            detail: [],
            url: "https://docs.docker.com/go/dockerfile/rule/from-as-casing/",
          }],
        },
        log(DEF, 5, "parsed\n"),
        vertex(DEF, "[internal] load build definition from Dockerfile", { started: 0, completed: 20 }),
      ),
    );
    assert.equal(
      s.out,
      lines(
        "#1 [internal] load build definition from Dockerfile",
        "#1 WARN: FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)",
        "#1 0.005 parsed",
        "#1 DONE 0.0s",
      ),
    );
  });

  test("`PlainRenderer` times logs from the latest start and sums every run in DONE", () => {
    const X = "sha256:x";
    const s = screen().feed(
      vertex(X, "[1/1] RUN ./flaky", { started: 0 }),
      log(X, 100, "first\n"),
      vertex(X, "[1/1] RUN ./flaky", { started: 0, completed: 200 }),
      vertex(X, "[1/1] RUN ./flaky", { started: 1000 }),
      log(X, 1050, "second\n"),
      vertex(X, "[1/1] RUN ./flaky", { started: 1000, completed: 1300 }),
    );
    assert.equal(
      s.out,
      lines(
        "#1 [1/1] RUN ./flaky",
        "#1 0.100 first",
        "#1 DONE 0.2s",
        "",
        "#1 [1/1] RUN ./flaky",
        "#1 0.050 second",
        "#1 DONE 0.5s",
      ),
    );
  });

  test("`PlainRenderer` narrows log time precision as a step runs longer", () => {
    const X = "sha256:x";
    const s = screen().feed(
      vertex(X, "x", { started: 0 }),
      log(X, 9_999.4, "a\n"),
      log(X, 12_345.6, "b\n"),
      log(X, 123_440, "c\n"),
      vertex(X, "x", { started: 0, completed: 250 + 123_440 }),
    );
    assert.equal(s.out, lines("#1 x", "#1 9.999 a", "#1 12.35 b", "#1 123.4 c", "#1 DONE 123.7s"));
  });

  test("`PlainRenderer` rounds DONE times half to even, as Go does", () => {
    const s = screen().feed(
      vertex("sha256:a", "a", { started: 0 }),
      vertex("sha256:a", "a", { started: 0, completed: 250 }),
    );
    assert.equal(s.out, lines("#1 a", "#1 DONE 0.2s"));
  });

  test("`PlainRenderer` shows a progress group as one step", () => {
    const group = { id: "pull-1", name: "pulling busybox" };
    const s = screen().feed(
      // A weak member alone does not reveal the group.
      vertex("sha256:m1", "resolve", { started: 0, progressGroup: { ...group, weak: true } }),
      vertex("sha256:m2", "layer 1", { started: 10, progressGroup: group }),
      status("sha256:m2", "sha256:aaa", { current: 500, total: 1000, started: 10, timestamp: 10 }),
      vertex("sha256:m1", "resolve", { started: 0, completed: 50, progressGroup: { ...group, weak: true } }),
      status("sha256:m2", "sha256:aaa", { current: 1000, total: 1000, started: 10, completed: 300 }),
      vertex("sha256:m2", "layer 1", { started: 10, completed: 400, progressGroup: group }),
    );
    assert.equal(
      s.out,
      lines(
        "#1 pulling busybox",
        "#1 sha256:aaa 500B / 1.00kB",
        "#1 sha256:aaa 1.00kB / 1.00kB 0.3s done",
        "#1 DONE 0.4s",
      ),
    );
  });

  test("`PlainRenderer` ignores duplicate and stale updates", () => {
    const A = "sha256:a";
    const s = screen().feed(
      vertex(A, "a", { started: 0 }),
      vertex(A, "a", { started: 0 }),
      vertex(A, "a"),
      status(A, "exporting layers", { started: 5, completed: 40 }),
      status(A, "exporting layers", { started: 5, completed: 40 }),
      vertex(A, "a", { started: 0, completed: 50 }),
      vertex(A, "a", { started: 0, completed: 50 }),
      vertex(A, "a", { started: 0 }),
    );
    assert.equal(s.out, lines("#1 a", "#1 exporting layers 0.0s done", "#1 DONE 0.1s"));
  });

  test("`PlainRenderer` holds output that arrives before its vertex", () => {
    const A = "sha256:a";
    const s = screen().feed(log(A, 20, "early\n"));
    assert.equal(s.out, "");
    s.feed(vertex(A, "a", { started: 0 }), vertex(A, "a", { started: 0, completed: 100 }));
    // Like buildx, a line is stamped when it arrives; with no start known yet that is 0.
    assert.equal(s.out, lines("#1 a", "#1 0.000 early", "#1 DONE 0.1s"));
  });

  test("`PlainRenderer.done()` flushes waiting output and ends an unterminated line", () => {
    const A = "sha256:a", B = "sha256:b";
    const s = screen().feed(
      vertex(A, "A", { started: 0 }),
      log(A, 1, "50%"),
      vertex(B, "B", { started: 2 }),
      log(B, 3, "waiting\n"),
    );
    assert.equal(s.out, "#1 A\n#1 0.001 50%");
    s.renderer.done();
    assert.equal(s.out, lines("#1 A", "#1 0.001 50%", "#1 ...", "", "#2 B", "#2 0.001 waiting"));
    s.renderer.done();
    s.feed(log(B, 4, "after the end\n"));
    assert.equal(s.out, lines("#1 A", "#1 0.001 50%", "#1 ...", "", "#2 B", "#2 0.001 waiting"));
  });

  test("`PlainRenderer` calls the sink once per update that prints", () => {
    const s = screen().feed(
      merge(vertex("sha256:a", "a", { started: 0 }), log("sha256:a", 1, "x\ny\n")),
      vertex("sha256:b", "b"),
    );
    assert.equal(s.writes, 1);
  });

  test("`PlainRenderer` decodes UTF-8 split across log chunks", () => {
    const bytes = new TextEncoder().encode("héllo\n");
    const s = screen().feed(
      vertex("sha256:a", "a", { started: 0 }),
      log("sha256:a", 1, bytes.slice(0, 2)),
      log("sha256:a", 1, bytes.slice(2)),
    );
    assert.equal(s.out, lines("#1 a", "#1 0.001 héllo"));
  });
});

describe("PlainRenderer rate limit", () => {
  test("`PlainRenderer` with `intervalMs` prints updates that arrive together as one, like buildx", async () => {
    let out = "";
    let clock = 0;
    const renderer = new PlainRenderer((t) => out += t, { now: () => clock, intervalMs: 100 });
    const ctx = "sha256:ctx";
    renderer.update(vertex(ctx, "[internal] load build context", { started: 0 }));
    clock = 10;
    renderer.update(status(ctx, "transferring context:", { current: 0, started: 0, timestamp: 0 }));
    clock = 20;
    renderer.update(status(ctx, "transferring context:", { current: 30, started: 0, completed: 5 }));
    clock = 30;
    renderer.update(vertex(ctx, "[internal] load build context", { started: 0, completed: 6 }));
    assert.equal(out, "#1 [internal] load build context\n", "only the first update printed so far");
    // The refresh after the updates pause prints the rest, with the status in its final state only.
    for (let i = 0; i < 50 && !out.includes("DONE"); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(
      out,
      "#1 [internal] load build context\n#1 transferring context: 30B done\n#1 DONE 0.0s\n",
    );
    renderer.done();
  });

  test("`PlainRenderer` with `intervalMs` prints again once the interval has passed", () => {
    let out = "";
    let clock = 0;
    const renderer = new PlainRenderer((t) => out += t, { now: () => clock, intervalMs: 100 });
    renderer.update(vertex("sha256:a", "RUN make", { started: 0 }));
    clock = 150;
    renderer.update(log("sha256:a", 150, "compiling\n"));
    assert.equal(out, "#1 RUN make\n#1 0.150 compiling\n");
    renderer.done();
  });
});
