/**
 * `State`: an immutable filesystem plus the settings later steps run with.
 * Every method returns a new State; nothing runs until the graph is built.
 *
 * @module
 */
import type { ExecNode, FileAction } from "./graph.ts";
import type { NetworkMode, ProxyEnv, SecurityMode } from "./step_settings.ts";
import { execOutputIndex } from "./graph.ts";
import { callerLocation, type SourceLocation } from "../core/location.ts";
import type {
  CopyOptions,
  ImageConfigOptions,
  MkdirOptions,
  MkfileOptions,
  RmOptions,
  RunOptions,
  SymlinkOptions,
} from "./options.ts";
import { schemas, type ULIMIT_NAMES } from "./option_schemas.ts";
import { mkdirAction, mkfileAction, rmAction, symlinkAction } from "./file_actions.ts";
import { execNode } from "./run.ts";
import { fail, validate } from "../core/validate.ts";
import { z } from "zod";
import { copiedData, fileStepData, subtreeData, workdirMkdirData } from "./state_files.ts";
import { configuredImage, settingsWithVars, userPatch, workdirPatch } from "./state_settings.ts";
import {
  baseEnvValue,
  joinDir,
  pathBase,
  resolvePath,
  type StateData,
  type StateSettings,
} from "./state_data.ts";
import { baseRunConfigOf, type ImageConfigResolver, withBaseConfig } from "./resolve_base.ts";

let readState: (s: State) => StateData;

/**
 * A filesystem and the settings to run commands in it.
 *
 * @example A small image, the way a Dockerfile would write it
 * ```ts
 * import { image } from "@drydock/core";
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
   * import { image } from "@drydock/core";
   * const built = image("busybox").run("echo hi > /hi.txt").run(["cat", "/hi.txt"]);
   * ```
   *
   * @example Mounts, secrets and the result of a writable mount
   * ```ts
   * import { cache, image, scratch, secret } from "@drydock/core";
   * const step = image("busybox").run("make -C /src OUT=/out", {
   *   mounts: { "/src": image("busybox"), "/out": scratch(), "/root/.cache": cache("make") },
   *   secrets: { TOKEN: secret("token", { env: "TOKEN" }) },
   * });
   * const out = step.mount("/out"); // the files the step wrote to /out
   * ```
   */
  run(command: string | string[], options: RunOptions = {}): ExecState {
    const node = execNode(this.#data, command, options, callerLocation());
    return new ExecState({ ...this.#data, output: { op: node, index: 0 } }, node);
  }

  /**
   * Sets environment variables for later steps and the exported image. As in
   * a Dockerfile `ENV`, values expand `$NAME`, `${NAME}`, `${NAME:-default}`
   * and `${NAME:+alternative}` from the env in effect, the base image's
   * included (all values of one call see the env before it); `\$` is a `$`.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").env("A", "1").env({ B: "2", C: "${A}3" }); // C is "13"
   * const p = image("busybox").env("PATH", "/app/bin:$PATH"); // busybox's PATH, after /app/bin
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
    return this.#setVars("env", typeof nameOrVars === "string" ? "value" : "vars.", vars, false, location);
  }

  /**
   * Sets a build-time variable, as a Dockerfile `ARG` with a value: later
   * steps see it in their env (and `$NAME` in `env()` values expands it), the
   * exported image's config does not record it.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").arg("VERSION", "1.2").run("echo $VERSION > /version");
   * ```
   */
  arg(name: string, value: string): State {
    const location = callerLocation();
    const vars: [string, string][] = [[
      validate("arg", "name", schemas.envName, name, location),
      validate("arg", "value", schemas.envValue, value, location),
    ]];
    return this.#setVars("arg", "value", vars, true, location);
  }

  /**
   * Sets the shell string commands of later `run` steps go through, and the
   * image's `Shell`, as a Dockerfile `SHELL`.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").shell(["/bin/sh", "-ec"]).run("false; echo never");
   * ```
   */
  shell(argv: string[]): State {
    const location = callerLocation();
    const shell = validate("shell", "argv", z.array(schemas.envValue.min(1)).min(1), argv, location);
    return this.#withSettings({ shell });
  }

  #setVars(
    call: string,
    option: string,
    vars: readonly [string, string][],
    buildOnly: boolean,
    location: SourceLocation | undefined,
  ): State {
    return this.#withSettings(settingsWithVars(this.#data.settings, call, option, vars, buildOnly, location));
  }

  /**
   * Sets the working directory and creates it (with parents, mode 0755, owned
   * by the state's user), as a Dockerfile `WORKDIR` does; a relative path
   * joins the current one.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").workdir("/app").workdir("src"); // cwd is /app/src, which exists
   * ```
   */
  workdir(path: string): State {
    const location = callerLocation();
    const p = validate("workdir", "path", schemas.path, path, location);
    return this.#withWorkdir(p).#mkdirWorkdir(location);
  }

  /** The mkdir a Dockerfile `WORKDIR` makes (none for `/`, which exists). */
  #mkdirWorkdir(location: SourceLocation | undefined): State {
    const data = workdirMkdirData(this.#data, location);
    return data === this.#data ? this : new State(data);
  }

  /**
   * Sets the user later steps run as and the exported image's user.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").user("nobody");
   * ```
   */
  user(user: string): State {
    return this.#withUser(validate("user", "user", schemas.user, user, callerLocation()));
  }

  #withWorkdir(p: string): State {
    return this.#withSettings(workdirPatch(this.#data.settings, p));
  }

  #withUser(user: string): State {
    return this.#withSettings(userPatch(this.#data.settings, user));
  }

  /**
   * Copies `src` (one path or several, relative to `from`'s working directory)
   * from another state to `dest` (relative to this state's working directory).
   * A directory's contents are copied, as a Dockerfile `COPY` does; a `dest`
   * ending in `/` is a directory to copy into.
   *
   * @example
   * ```ts
   * import { image, local } from "@drydock/core";
   * const app = image("busybox").copy(local("."), ["package.json", "src"], "/app/");
   * const owned = image("busybox").copy(local("."), ".", "/srv", {
   *   exclude: ["**\/*.test.ts"],
   *   chown: "nobody:nogroup",
   *   chmod: 0o640,
   * });
   * ```
   */
  copy(from: State, src: string | string[], dest: string, options: CopyOptions = {}): State {
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
    const opts = validate("copy", "", schemas.copy, options, location);
    const fromData = readState(from);
    return new State(copiedData(this.#data, fromData, srcs, destPath, opts, location));
  }

  /**
   * Creates a directory (with parents by default).
   *
   * @example
   * ```ts
   * import { scratch } from "@drydock/core";
   * const s = scratch().mkdir("/data/cache", { mode: 0o700 });
   * ```
   */
  mkdir(path: string, options: MkdirOptions = {}): State {
    const location = callerLocation();
    const p = validate("mkdir", "path", schemas.path, path, location);
    const opts = validate("mkdir", "", schemas.mkdir, options, location);
    const abs = resolvePath(this.#data.settings.cwd, p);
    return this.#file(
      [{ ...mkdirAction(abs, opts), ...pathBase(this.#data.settings, p) }],
      location,
      opts.name ?? `MKDIR ${abs}`,
    );
  }

  /**
   * Creates a file with the given contents (a string is written as UTF-8).
   *
   * @example
   * ```ts
   * import { scratch } from "@drydock/core";
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
      [{ ...mkfileAction(abs, bytes, opts), ...pathBase(this.#data.settings, p) }],
      location,
      opts.name ?? `MKFILE ${abs}`,
    );
  }

  /**
   * Removes a path (relative to the working directory).
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").rm("/tmp/*.log", { allowWildcard: true, allowNotFound: true });
   * ```
   */
  rm(path: string, options: RmOptions = {}): State {
    const location = callerLocation();
    const p = validate("rm", "path", schemas.path, path, location);
    const opts = validate("rm", "", schemas.rm, options, location);
    const abs = resolvePath(this.#data.settings.cwd, p);
    return this.#file(
      [{ ...rmAction(abs, opts), ...pathBase(this.#data.settings, p) }],
      location,
      opts.name ?? `RM ${abs}`,
    );
  }

  /**
   * Creates a symbolic link at `newpath` (relative to the working directory) pointing at
   * `oldpath`, written as given. Needs an engine with the `file.symlink.create` cap (Docker 28+).
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").symlink("/usr/bin/busybox", "/usr/local/bin/vi");
   * ```
   */
  symlink(oldpath: string, newpath: string, options: SymlinkOptions = {}): State {
    const location = callerLocation();
    const target = validate("symlink", "oldpath", schemas.path, oldpath, location);
    const p = validate("symlink", "newpath", schemas.path, newpath, location);
    const opts = validate("symlink", "", schemas.symlink, options, location);
    const abs = resolvePath(this.#data.settings.cwd, p);
    return this.#file(
      [{ ...symlinkAction(target, abs, opts), ...pathBase(this.#data.settings, p) }],
      location,
      opts.name ?? `SYMLINK ${target} ${abs}`,
    );
  }

  /**
   * A subtree of this filesystem as a state of its own: its contents become the root.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const dist = image("busybox").run("mkdir -p /app/dist && echo hi > /app/dist/index.html").dir("/app/dist");
   * ```
   */
  dir(path: string): State {
    const location = callerLocation();
    const p = validate("dir", "path", schemas.path, path, location);
    const abs = resolvePath(this.#data.settings.cwd, p);
    if (abs === "/") return this;
    return new State(subtreeData(this.#data, abs, location));
  }

  /**
   * Sets the host name `run` steps see.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").hostname("builder").run("hostname > /name");
   * ```
   */
  hostname(name: string): State {
    return this.#withSettings({
      hostname: validate("hostname", "name", schemas.hostname, name, callerLocation()),
    });
  }

  /**
   * Sets the network of later `run` steps: `"sandbox"` (default, own network),
   * `"host"` (the engine's network; requests the `network.host` entitlement) or `"none"`.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const offline = image("busybox").network("none").run("make test");
   * ```
   */
  network(mode: NetworkMode): State {
    return this.#withSettings({
      network: validate("network", "mode", schemas.networkMode, mode, callerLocation()),
    });
  }

  /**
   * Sets the security mode of later `run` steps. `"insecure"` runs them
   * privileged and requests the `security.insecure` entitlement, which the
   * engine must allow.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").security("insecure").run("mount -t tmpfs none /mnt");
   * ```
   */
  security(mode: SecurityMode): State {
    return this.#withSettings({
      security: validate("security", "mode", schemas.securityMode, mode, callerLocation()),
    });
  }

  /**
   * Adds an `/etc/hosts` entry for later `run` steps.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").addHost("db.local", "10.0.0.5").run("ping -c1 db.local");
   * ```
   */
  addHost(host: string, ip: string): State {
    const location = callerLocation();
    const h = validate("addHost", "host", schemas.hostname, host, location);
    const i = validate("addHost", "ip", schemas.hostIp, ip, location);
    return this.#withSettings({
      extraHosts: [...(this.#data.settings.extraHosts ?? []), { host: h, ip: i }],
    });
  }

  /**
   * Sets a resource limit of later `run` steps; -1 is unlimited. Needs BuildKit 0.13 (Docker 25+).
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").ulimit("nofile", 1024, 2048).run("ulimit -n");
   * ```
   */
  ulimit(name: UlimitName, soft: number, hard: number = soft): State {
    const location = callerLocation();
    const n = validate("ulimit", "name", schemas.ulimitName, name, location);
    const s = validate("ulimit", "soft", schemas.ulimitValue, soft, location);
    const h = validate("ulimit", "hard", schemas.ulimitValue, hard, location);
    const ulimits = (this.#data.settings.ulimits ?? []).filter((u) => u.name !== n);
    return this.#withSettings({ ulimits: [...ulimits, { name: n, soft: s, hard: h }] });
  }

  /**
   * Sets the cgroup parent of later `run` steps. Needs BuildKit 0.13 (Docker 25+).
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").cgroupParent("builds.slice").run("true");
   * ```
   */
  cgroupParent(parent: string): State {
    return this.#withSettings({
      cgroupParent: validate("cgroupParent", "parent", schemas.path, parent, callerLocation()),
    });
  }

  /**
   * Sets proxy variables (`http_proxy`, ...) for later `run` steps. Unlike
   * `env()`, they are not part of the steps' cache keys, as in BuildKit.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").proxy({ httpProxy: "http://proxy:3128", noProxy: "localhost" });
   * ```
   */
  proxy(env: ProxyEnv): State {
    const p = validate("proxy", "", schemas.proxy, env, callerLocation());
    return this.#withSettings({ proxyEnv: { ...this.#data.settings.proxyEnv, ...p } });
  }

  /**
   * Sets the platform later `run` steps run on (`"linux/arm64"`); the engine
   * needs an emulator for a foreign one.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox", { platform: "linux/arm64" }).platform("linux/arm64").run("uname -m");
   * ```
   */
  platform(platform: string): State {
    const p = validate("platform", "platform", schemas.platform, platform, callerLocation());
    const [os, architecture, variant] = p.split("/");
    return this.#withSettings({ platform: variant ? { os, architecture, variant } : { os, architecture } });
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
   * import { image } from "@drydock/core";
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
    if (c.workdir) state = state.#withWorkdir(c.workdir).#mkdirWorkdir(location);
    if (c.user) state = state.#withUser(c.user);
    if (c.shell) state = state.#withSettings({ shell: c.shell });
    return state.#with({ image: configuredImage(state.#data.image, c) });
  }

  /**
   * This state with its base image's config resolved now, through `resolver`
   * (in a dynamic target, `ctx.resolveImageConfig`), as Go llb's
   * `WithMetaResolver`: afterwards {@link State.getEnv} and
   * {@link State.getWorkdir} see the base image's env and working directory,
   * and `$PATH` in `env()` expands at once. Without it the build resolves the
   * same config when it runs, so the built steps are the same either way. A
   * state with no base image, or on a `dockerfile()` result, is returned as is.
   *
   * @example In a dynamic target, with the engine's resolver
   * ```ts
   * import { buildTargets, image } from "@drydock/core";
   * await buildTargets({
   *   app: async (ctx) => {
   *     const node = await image("node:20").resolved(ctx.resolveImageConfig);
   *     return node.env("PATH", `/app/bin:${node.getEnv("PATH")}`).run("node --version");
   *   },
   * });
   * ```
   *
   * @example With any function answering an image config (a test's fixed answer)
   * ```ts
   * import { image } from "@drydock/core";
   * const base = await image("busybox").resolved(async () => ({ config: { config: { Env: ["PATH=/bin"] } } }));
   * base.getEnv("PATH"); // "/bin"
   * ```
   */
  async resolved(resolver: ImageConfigResolver): Promise<State> {
    const location = callerLocation();
    if (typeof resolver !== "function") {
      fail("resolved", "resolver", "must be a function (ref, { platform }) => Promise<{ config }>", location);
    }
    const inherit = this.#data.settings.inherit;
    if (!inherit || inherit.frontend || inherit.config) return this;
    const answer = await resolver(inherit.image, { platform: inherit.platform });
    return new State(withBaseConfig(this.#data, baseRunConfigOf(answer?.config, location)));
  }

  /**
   * The value of an environment variable: set in build.ts, or the base
   * image's once {@link State.resolved} has resolved its config. Before that,
   * the base image's variables are unknown here (`undefined`), and a value
   * made from them reads as written (`/app/bin:${PATH}`); the build fills
   * them in either way.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * image("busybox").env("A", "1").getEnv("A"); // "1"
   * ```
   */
  getEnv(name: string): string | undefined {
    const { env, inherit } = this.#data.settings;
    const own = env.find(([k]) => k === name);
    if (own) return own[1];
    return inherit?.config ? baseEnvValue(inherit.config.Env, name) : undefined;
  }

  /**
   * The working directory later steps run in. On an image whose config is
   * not resolved yet (see {@link State.resolved}) a relative `workdir()`
   * builds on the base image's working directory, which is unknown here:
   * the path reads as if that were `/`.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * image("busybox").workdir("/app").workdir("src").getWorkdir(); // "/app/src"
   * ```
   */
  getWorkdir(): string {
    const { cwd, inherit } = this.#data.settings;
    const base = inherit?.cwd ? inherit.config?.WorkingDir : undefined;
    return base ? joinDir(base, cwd) : cwd;
  }

  #file(actions: FileAction[], location: SourceLocation | undefined, name: string): State {
    return new State(fileStepData(this.#data, actions, location, name));
  }
}

/** A resource limit name, as Docker's `--ulimit` spells it. */
export type UlimitName = typeof ULIMIT_NAMES[number];

/**
 * The state after a `run` step: its root filesystem, plus the results of its
 * writable mounts through {@link ExecState.mount}.
 *
 * @example
 * ```ts
 * import { image, scratch } from "@drydock/core";
 * const out = image("busybox").run("echo hi > /out/hi.txt", { mounts: { "/out": scratch() } }).mount("/out");
 * ```
 */
export class ExecState extends State {
  readonly #node: ExecNode;

  /** @internal Made by {@link State.run}. */
  constructor(data: StateData, node: ExecNode) {
    super(data);
    this.#node = node;
  }

  /**
   * The filesystem a writable mount of this step ended with, as a state whose
   * root is that mount.
   *
   * @example
   * ```ts
   * import { image, scratch } from "@drydock/core";
   * const step = image("busybox").run("echo hi > /out/hi.txt", { mounts: { "/out": scratch() } });
   * const files = step.mount("/out");
   * ```
   */
  mount(path: string): State {
    const location = callerLocation();
    const p = validate("mount", "path", schemas.path, path, location);
    const dest = resolvePath(this.#node.cwd, p);
    const index = execOutputIndex(this.#node.mounts, dest);
    if (index < 0) {
      const writable = this.#node.mounts.filter((m) => m.kind === "bind" && !m.readonly && m.dest !== "/");
      fail(
        "mount",
        "path",
        `${dest} is not a writable mount of this run step` +
          (writable.length ? ` (writable: ${writable.map((m) => m.dest).join(", ")})` : ""),
        location,
      );
    }
    const data = stateData(this);
    return new State({
      output: { op: this.#node, index },
      settings: { env: [], cwd: "/", user: "", platform: data.settings.platform },
      image: { labels: {}, exposedPorts: [] },
    });
  }
}

/**
 * The data a state is made of, for lowering to LLB.
 *
 * @example
 * ```ts
 * import { scratch } from "@drydock/core";
 * import { stateData } from "./state.ts";
 * stateData(scratch()).output; // null
 * ```
 */
export function stateData(state: State): StateData {
  return readState(state);
}
