/**
 * `State`: an immutable filesystem plus the settings later steps run with.
 * Every method returns a new State; nothing runs until the graph is built. The methods say what each
 * step means; the steps themselves are made in `state_files.ts`, `state_settings.ts`,
 * `state_run_settings.ts` and `run.ts`.
 *
 * @module
 */
import type { ExecNode } from "./graph.ts";
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
import { schemas } from "./option_schemas.ts";
import { execMountData, execNode } from "./run.ts";
import { fail, validate } from "../core/validate.ts";
import { z } from "zod";
import {
  copyStepData,
  dirData,
  mkdirData,
  mkfileData,
  rmData,
  symlinkData,
  workdirMkdirData,
} from "./state_files.ts";
import { argPatch, configuredImage, envPatch, userPatch, workdirPatch } from "./state_settings.ts";
import { RunSettingsBase } from "./state_run_settings.ts";
import { baseEnvValue, joinDir, type StateData, type StateSettings } from "./state_data.ts";
import { baseRunConfigOf, type ImageConfigResolver, withBaseConfig } from "./resolve_base.ts";
import { stateData } from "./state_base.ts";

// The lowering reads a state's data here as well as from state_base.ts, where it is kept.
export { stateData };

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
export class State extends RunSettingsBase<State> {
  get #data(): StateData {
    return stateData(this);
  }

  /** @internal The state with these settings changed; the run settings' methods make theirs with it. */
  protected override withSettings(patch: Partial<StateSettings>): State {
    return this.#withSettings(patch);
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
    const node = execNode(this.#data, command, options, callerLocation(State.prototype.run));
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
  /**
   * Sets several environment variables at once; each value sees the env before this call.
   *
   * @example
   * ```ts
   * import { image } from "@drydock/core";
   * const s = image("busybox").env({ NODE_ENV: "production", PORT: "8080" });
   * ```
   */
  env(vars: Record<string, string>): State;
  env(nameOrVars: string | Record<string, string>, value?: string): State {
    return this.#withSettings(
      envPatch(this.#data.settings, nameOrVars, value, callerLocation(State.prototype.env)),
    );
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
    return this.#withSettings(
      argPatch(this.#data.settings, name, value, callerLocation(State.prototype.arg)),
    );
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
    const shell = validate(
      "shell",
      "argv",
      z.array(schemas.envValue.min(1)).min(1),
      argv,
      callerLocation(State.prototype.shell),
    );
    return this.#withSettings({ shell });
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
    const location = callerLocation(State.prototype.workdir);
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
    return this.#withUser(validate("user", "user", schemas.user, user, callerLocation(State.prototype.user)));
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
    return new State(
      copyStepData(this.#data, from, src, dest, options, callerLocation(State.prototype.copy)),
    );
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
    return new State(mkdirData(this.#data, path, options, callerLocation(State.prototype.mkdir)));
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
    return new State(mkfileData(this.#data, path, data, options, callerLocation(State.prototype.mkfile)));
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
    return new State(rmData(this.#data, path, options, callerLocation(State.prototype.rm)));
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
    return new State(
      symlinkData(this.#data, oldpath, newpath, options, callerLocation(State.prototype.symlink)),
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
    const data = dirData(this.#data, path, callerLocation(State.prototype.dir));
    return data === this.#data ? this : new State(data);
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
    const location = callerLocation(State.prototype.config);
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
   * ```ts no-eval
   * import { buildTargets, image } from "@drydock/core";
   * await buildTargets({
   *   app: {
   *     state: async (ctx) => {
   *       const node = await image("node:20").resolved(ctx.resolveImageConfig);
   *       return node.env("PATH", `/app/bin:${node.getEnv("PATH")}`).run("node --version");
   *     },
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
    const location = callerLocation(State.prototype.resolved);
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
}

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
    return new State(
      execMountData(
        this.#node,
        path,
        stateData(this).settings.platform,
        callerLocation(ExecState.prototype.mount),
      ),
    );
  }
}
