/**
 * `State`: an immutable filesystem plus the settings later steps run with.
 * Every method returns a new State; nothing runs until the graph is built.
 *
 * @module
 */
import { posix } from "node:path";
import type {
  ExecNode,
  FileAction,
  FileNode,
  Healthcheck,
  InheritedConfig,
  Output,
  Platform,
} from "./graph.ts";
import { callerLocation, type SourceLocation } from "./location.ts";
import type { ImageConfigOptions, MkdirOptions, MkfileOptions, RunOptions } from "./options.ts";
import { schemas } from "./options.ts";
import { validate } from "./validate.ts";
import { z } from "zod";

/** Settings that later `run` steps inherit and an exported image records. */
export interface StateSettings {
  /** Environment in definition order; a later set of the same name replaces it and moves it last. */
  readonly env: readonly (readonly [string, string])[];
  /** Absolute working directory. */
  readonly cwd: string;
  /** User to run as; empty means the image default (root). */
  readonly user: string;
  readonly platform: Platform;
  /** The base image whose config (env, working directory, user) later steps start from. */
  readonly inherit?: InheritedConfig;
}

/** Image config carried by a state for export; unset fields come from the base image. */
export interface ImageSettings {
  readonly entrypoint?: readonly string[];
  /** `null`: cleared (a new entrypoint was set without a command), as in a Dockerfile. */
  readonly cmd?: readonly string[] | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly exposedPorts: readonly string[];
  readonly volumes?: readonly string[];
  readonly stopSignal?: string;
  readonly healthcheck?: Healthcheck;
}

/** What a State is made of; read by the LLB lowering, not by users. */
export interface StateData {
  /** The filesystem; `null` is the empty filesystem (scratch). */
  readonly output: Output | null;
  readonly settings: StateSettings;
  readonly image: ImageSettings;
}

let readState: (s: State) => StateData;

/**
 * A filesystem and the settings to run commands in it.
 *
 * @example A small image, the way a Dockerfile would write it
 * ```ts
 * import { image } from "../../mod.ts";
 * const app = image("busybox")
 *   .workdir("/app")
 *   .env("GREETING", "hello")
 *   .run("echo $GREETING > greeting.txt")
 *   .config({ cmd: ["cat", "greeting.txt"] });
 * ```
 */
export class State {
  readonly #data: StateData;

  static {
    readState = (s) => s.#data;
  }

  /** @internal Use {@link image}, {@link scratch} or {@link local}. */
  constructor(data: StateData) {
    this.#data = data;
  }

  #with(patch: Partial<StateData>): State {
    return new State({ ...this.#data, ...patch });
  }

  #withSettings(patch: Partial<StateSettings>): State {
    return this.#with({ settings: { ...this.#data.settings, ...patch } });
  }

  /**
   * Runs a command: a string runs with `/bin/sh -c` (like a Dockerfile `RUN`),
   * an array runs as-is.
   *
   * @example
   * ```ts
   * import { image } from "../../mod.ts";
   * const built = image("busybox").run("echo hi > /hi.txt").run(["cat", "/hi.txt"]);
   * ```
   */
  run(command: string | string[], options: RunOptions = {}): State {
    const location = callerLocation();
    const cmd = validate("run", "command", schemas.command, command, location);
    const opts = validate("run", "", schemas.run, options, location);
    const settings = this.#data.settings;
    let env = settings.env;
    for (const [k, v] of Object.entries(opts.env ?? {})) env = setEnv(env, k, v);
    const args = typeof cmd === "string" ? ["/bin/sh", "-c", cmd] : cmd;
    const node: ExecNode = {
      kind: "exec",
      location,
      name: opts.name ?? `RUN ${typeof cmd === "string" ? cmd : JSON.stringify(cmd)}`,
      args,
      env: env.map(([k, v]) => `${k}=${v}`),
      cwd: opts.workdir ? resolvePath(settings.cwd, opts.workdir) : settings.cwd,
      user: opts.user ?? settings.user,
      platform: settings.platform,
      ...(settings.inherit ? { inherit: inheritFor(settings.inherit, opts) } : {}),
      mounts: [{ kind: "bind", dest: "/", source: this.#data.output, readonly: false }],
    };
    return this.#with({ output: { op: node, index: 0 } });
  }

  /**
   * Sets environment variables for later steps and the exported image.
   *
   * @example
   * ```ts
   * import { image } from "../../mod.ts";
   * const s = image("busybox").env("A", "1").env({ B: "2", C: "3" });
   * ```
   */
  env(name: string, value: string): State;
  env(vars: Record<string, string>): State;
  env(nameOrVars: string | Record<string, string>, value?: string): State {
    const location = callerLocation();
    const vars: [string, string][] = typeof nameOrVars === "string"
      ? [[
        validate("env", "name", schemas.envName, nameOrVars, location),
        validate("env", "value", schemas.envValue, value, location),
      ]]
      : Object.entries(
        validate("env", "vars", z.record(schemas.envName, schemas.envValue), nameOrVars, location),
      );
    let env = this.#data.settings.env;
    for (const [k, v] of vars) env = setEnv(env, k, v);
    return this.#withSettings({ env });
  }

  /**
   * Sets the working directory; a relative path joins the current one.
   *
   * @example
   * ```ts
   * import { image } from "../../mod.ts";
   * const s = image("busybox").workdir("/app").workdir("src"); // cwd is /app/src
   * ```
   */
  workdir(path: string): State {
    const p = validate("workdir", "path", schemas.path, path, callerLocation());
    return this.#withWorkdir(p);
  }

  /**
   * Sets the user later steps run as and the exported image's user.
   *
   * @example
   * ```ts
   * import { image } from "../../mod.ts";
   * const s = image("busybox").user("nobody");
   * ```
   */
  user(user: string): State {
    return this.#withUser(validate("user", "user", schemas.user, user, callerLocation()));
  }

  #withWorkdir(p: string): State {
    const inherit = this.#data.settings.inherit;
    // A relative path keeps building on the base image's working directory.
    const patch = inherit && p.startsWith("/") ? { inherit: { ...inherit, cwd: false } } : {};
    return this.#withSettings({ cwd: resolvePath(this.#data.settings.cwd, p), ...patch });
  }

  #withUser(user: string): State {
    const inherit = this.#data.settings.inherit;
    return this.#withSettings({ user, ...(inherit ? { inherit: { ...inherit, user: false } } : {}) });
  }

  /**
   * Copies `src` (one path or several, relative to `from`'s working directory)
   * from another state to `dest` (relative to this state's working directory).
   * A directory's contents are copied, as a Dockerfile `COPY` does; a `dest`
   * ending in `/` is a directory to copy into.
   *
   * @example
   * ```ts
   * import { image, local } from "../../mod.ts";
   * const app = image("busybox").copy(local("."), ["package.json", "src"], "/app/");
   * ```
   */
  copy(from: State, src: string | string[], dest: string): State {
    const location = callerLocation();
    if (!(from instanceof State)) {
      validate(
        "copy",
        "from",
        z.custom(() => false, "must be a State (from image(), local(), scratch() ...)"),
        from,
        location,
      );
    }
    const srcs = validate(
      "copy",
      "src",
      z.union([schemas.path, z.array(schemas.path).min(1)]),
      src,
      location,
    );
    const destPath = validate("copy", "dest", schemas.path, dest, location);
    const fromData = readState(from);
    const list = typeof srcs === "string" ? [srcs] : srcs;
    const target = resolvePath(this.#data.settings.cwd, destPath, true);
    const actions: FileAction[] = list.map((s) => ({
      kind: "copy",
      source: fromData.output,
      src: resolvePath(fromData.settings.cwd, s),
      dest: list.length > 1 && !target.endsWith("/") ? target + "/" : target,
    }));
    return this.#file(actions, location, `COPY ${list.join(" ")} ${destPath}`);
  }

  /**
   * Creates a directory (with parents by default).
   *
   * @example
   * ```ts
   * import { scratch } from "../../mod.ts";
   * const s = scratch().mkdir("/data/cache", { mode: 0o700 });
   * ```
   */
  mkdir(path: string, options: MkdirOptions = {}): State {
    const location = callerLocation();
    const p = validate("mkdir", "path", schemas.path, path, location);
    const opts = validate("mkdir", "", schemas.mkdir, options, location);
    const abs = resolvePath(this.#data.settings.cwd, p);
    return this.#file(
      [{ kind: "mkdir", path: abs, mode: opts.mode ?? 0o755, parents: opts.parents ?? true }],
      location,
      `MKDIR ${abs}`,
    );
  }

  /**
   * Creates a file with the given contents (a string is written as UTF-8).
   *
   * @example
   * ```ts
   * import { scratch } from "../../mod.ts";
   * const s = scratch().mkfile("/etc/motd", "welcome\n", { mode: 0o644 });
   * ```
   */
  mkfile(path: string, data: string | Uint8Array, options: MkfileOptions = {}): State {
    const location = callerLocation();
    const p = validate("mkfile", "path", schemas.path, path, location);
    const d = validate("mkfile", "data", schemas.fileData, data, location);
    const opts = validate("mkfile", "", schemas.mkfile, options, location);
    const abs = resolvePath(this.#data.settings.cwd, p);
    const bytes = typeof d === "string" ? new TextEncoder().encode(d) : new Uint8Array(d);
    return this.#file(
      [{ kind: "mkfile", path: abs, mode: opts.mode ?? 0o644, data: bytes }],
      location,
      `MKFILE ${abs}`,
    );
  }

  /**
   * Sets the image config written when this state is exported as an image.
   * Whatever is not set is inherited from the base image, as a Dockerfile
   * does. A new `entrypoint` without a `cmd` clears the inherited command.
   * `env`, `workdir` and `user` here are the same as the State methods of
   * those names: later steps see them too.
   *
   * @example
   * ```ts
   * import { image } from "../../mod.ts";
   * const s = image("busybox").config({
   *   entrypoint: ["/bin/sh", "-c"],
   *   cmd: ["echo hi"],
   *   expose: [8080],
   *   volumes: ["/data"],
   *   stopSignal: "SIGTERM",
   *   healthcheck: { test: "wget -q -O- localhost:8080/health", interval: "30s", retries: 3 },
   * });
   * ```
   */
  config(config: ImageConfigOptions): State {
    const location = callerLocation();
    const c = validate("config", "", schemas.config, config, location);
    let state = this.#with({});
    if (c.env) state = state.env(c.env);
    if (c.workdir) state = state.#withWorkdir(c.workdir);
    if (c.user) state = state.#withUser(c.user);
    const image = state.#data.image;
    return state.#with({
      image: {
        ...image,
        entrypoint: c.entrypoint ?? image.entrypoint,
        cmd: c.cmd ?? (c.entrypoint ? null : image.cmd),
        labels: { ...image.labels, ...c.labels },
        exposedPorts: [
          ...new Set([
            ...image.exposedPorts,
            ...(c.expose ?? []).map((p) => typeof p === "number" || !p.includes("/") ? `${p}/tcp` : p),
          ]),
        ],
        ...(c.volumes ? { volumes: [...new Set([...(image.volumes ?? []), ...c.volumes])] } : {}),
        ...(c.stopSignal ? { stopSignal: c.stopSignal } : {}),
        ...(c.healthcheck ? { healthcheck: healthcheckOf(c.healthcheck) } : {}),
      },
    });
  }

  /**
   * The value of an environment variable as later steps will see it.
   *
   * @example
   * ```ts
   * import { image } from "../../mod.ts";
   * image("busybox").env("A", "1").getEnv("A"); // "1"
   * ```
   */
  getEnv(name: string): string | undefined {
    return this.#data.settings.env.find(([k]) => k === name)?.[1];
  }

  #file(actions: FileAction[], location: SourceLocation | undefined, name: string): State {
    const node: FileNode = { kind: "file", location, name, base: this.#data.output, actions };
    return this.#with({ output: { op: node, index: 0 } });
  }
}

/**
 * The data a state is made of, for lowering to LLB.
 *
 * @example
 * ```ts
 * import { scratch } from "../../mod.ts";
 * import { stateData } from "./state.ts";
 * stateData(scratch()).output; // null
 * ```
 */
export function stateData(state: State): StateData {
  return readState(state);
}

function inheritFor(inherit: InheritedConfig, opts: { workdir?: string; user?: string }): InheritedConfig {
  return {
    ...inherit,
    cwd: inherit.cwd && !opts.workdir?.startsWith("/"),
    user: inherit.user && opts.user === undefined,
  };
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "µs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** A Go duration (`30s`, `1m30s`, `500ms`) or seconds, in nanoseconds. */
function durationNs(d: string | number): number {
  if (typeof d === "number") return Math.round(d * 1e9);
  let total = 0;
  for (const [, n, unit] of d.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(n) * DURATION_UNITS[unit];
  }
  return Math.round(total);
}

function healthcheckOf(h: NonNullable<ImageConfigOptions["healthcheck"]>): Healthcheck {
  if (h === "none") return { test: ["NONE"] };
  return {
    test: typeof h.test === "string" ? ["CMD-SHELL", h.test] : ["CMD", ...h.test],
    ...(h.interval !== undefined ? { intervalNs: durationNs(h.interval) } : {}),
    ...(h.timeout !== undefined ? { timeoutNs: durationNs(h.timeout) } : {}),
    ...(h.startPeriod !== undefined ? { startPeriodNs: durationNs(h.startPeriod) } : {}),
    ...(h.startInterval !== undefined ? { startIntervalNs: durationNs(h.startInterval) } : {}),
    ...(h.retries !== undefined ? { retries: h.retries } : {}),
  };
}

function setEnv(
  env: readonly (readonly [string, string])[],
  name: string,
  value: string,
): readonly (readonly [string, string])[] {
  return [...env.filter(([k]) => k !== name), [name, value]];
}

/** Joins `p` to `cwd` unless absolute; keeps a trailing slash when asked (copy targets). */
function resolvePath(cwd: string, p: string, keepTrailingSlash = false): string {
  const joined = posix.resolve("/", cwd, p);
  return keepTrailingSlash && p.endsWith("/") && joined !== "/" ? joined + "/" : joined;
}
