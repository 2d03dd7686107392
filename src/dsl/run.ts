/**
 * Turns `run(command, options)` into an exec node: the command, the state's
 * settings, and every mount, secret and ssh agent the options name.
 *
 * @module
 */
import { posix } from "node:path";
import { z } from "zod";
import {
  type ExecMount,
  type ExecNode,
  sameDest,
  type SecretEnv,
  type SecretMount,
  type SshMount,
} from "./graph.ts";
import type { NetworkMode, SecurityMode } from "./step_settings.ts";
import type { SourceLocation } from "../core/location.ts";
import { isCacheMount, isTmpfsMount } from "./mounts.ts";
import { schemas } from "./option_schemas.ts";
import { isSecret, isSshAgent, type Secret, type SshAgent } from "./secrets.ts";
import { isState, type StateBase, stateData } from "./state_base.ts";
import type { StateData } from "./state_data.ts";
import { fail, validate } from "../core/validate.ts";

const flag = z.boolean().optional();

const secretMountSchema = z.strictObject({
  secret: z.custom<Secret>(isSecret, "must be a secret(...)"),
  uid: schemas.id.optional(),
  gid: schemas.id.optional(),
  mode: schemas.mode.optional(),
  optional: flag,
});

const secretEnvSchema = z.strictObject({
  secret: z.custom<Secret>(isSecret, "must be a secret(...)"),
  optional: flag,
});

const sshMountSchema = z.strictObject({
  agent: z.custom<SshAgent>(isSshAgent, "must be an ssh(...)"),
  target: schemas.path.optional(),
  uid: schemas.id.optional(),
  gid: schemas.id.optional(),
  mode: schemas.mode.optional(),
  optional: flag,
});

const bindSchema = z.strictObject({
  from: z.custom<StateBase>(isState, "must be a State (from image(), local(), scratch() ...)"),
  path: schemas.path.optional(),
  readonly: flag,
  discard: flag,
}).refine((b) => !(b.readonly && b.discard), "readonly and discard exclude each other");

const MOUNT_KINDS =
  "must be a State, { from, path, readonly }, cache(...), tmpfs(...), secret(...) or { secret, mode, ... }";

/**
 * The exec node `run()` makes on a state.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { stateData } from "./state.ts";
 * import { execNode } from "./run.ts";
 * const node = execNode(stateData(image("busybox")), "true", {}, undefined);
 * node.args; // ["/bin/sh", "-c", "true"]
 * ```
 */
export function execNode(
  data: StateData,
  command: unknown,
  options: unknown,
  location: SourceLocation | undefined,
): ExecNode {
  const cmd = validate("run", "command", schemas.command, command, location);
  const opts = validate("run", "", schemas.run, options, location);
  const settings = data.settings;
  const cwd = opts.workdir ? posix.resolve("/", settings.cwd, opts.workdir) : settings.cwd;
  let env = [...settings.env];
  for (const [k, v] of Object.entries(opts.env ?? {})) env = [...env.filter(([n]) => n !== k), [k, v]];

  const mounts: ExecMount[] = [{ kind: "bind", dest: "/", source: data.output, readonly: false }];
  // Relative targets under a working directory the base image gives: the lowering moves them under it.
  const cwdFromBase = settings.inherit?.cwd === true && !opts.workdir?.startsWith("/");
  const baseRelativeMounts: string[] = [];
  const secretMounts: SecretMount[] = [];
  for (const [rawDest, value] of Object.entries(opts.mounts ?? {})) {
    const option = `mounts.${rawDest}`;
    const dest = validate("run", option, schemas.path, rawDest, location);
    const abs = posix.resolve("/", cwd, dest);
    if (abs === "/") {
      fail("run", option, "cannot replace the root filesystem; run on that state instead", location);
    }
    if ([...mounts, ...secretMounts].some((m) => sameDest(m.dest, abs))) {
      fail("run", option, `mounts ${abs} twice`, location);
    }
    // A target written with a trailing "/" keeps it, as Go's llb sends the target as given.
    const target = dest.endsWith("/") ? `${abs}/` : abs;
    if (cwdFromBase && !dest.startsWith("/")) baseRelativeMounts.push(target);
    const m = mountOf(target, value, option, location);
    if (m.kind === "secret") secretMounts.push(m);
    else mounts.push(m);
  }
  mounts.sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));

  const secretEnv: SecretEnv[] = [];
  for (const [name, value] of Object.entries(opts.secrets ?? {})) {
    const option = `secrets.${name}`;
    validate("run", option, schemas.envName, name, location);
    if (!isSecret(value) && (typeof value !== "object" || value === null)) {
      fail("run", option, "must be a secret(...) or { secret, optional }", location);
    }
    const s = isSecret(value) ? { secret: value } : validate("run", option, secretEnvSchema, value, location);
    secretEnv.push({ name, secret: s.secret, optional: s.optional ?? false });
  }

  const sshMounts = sshMountsOf(opts.ssh, cwd, location);
  if (sshMounts.length > 0 && !env.some(([k]) => k === "SSH_AUTH_SOCK")) {
    env = [...env, ["SSH_AUTH_SOCK", sshMounts[0].dest]];
  }

  const network: NetworkMode = opts.network ?? settings.network ?? "sandbox";
  const security: SecurityMode = opts.security ?? settings.security ?? "sandbox";
  return {
    kind: "exec",
    location,
    name: opts.name ?? `RUN ${typeof cmd === "string" ? cmd : JSON.stringify(cmd)}`,
    ...(opts.ignoreCache ? { ignoreCache: true } : {}),
    ...(opts.group ? { progressGroup: { id: opts.group, name: opts.group } } : {}),
    args: typeof cmd === "string" ? [...(settings.shell ?? ["/bin/sh", "-c"]), cmd] : [...cmd],
    env: env.map(([k, v]) => `${k}=${v}`),
    cwd,
    user: opts.user ?? settings.user,
    platform: settings.platform,
    // Resolved by the engine at build time; a step's own absolute workdir or user wins.
    ...(baseEnvOf(settings.baseEnv, opts.env)),
    ...(baseRelativeMounts.length > 0 ? { baseRelativeMounts } : {}),
    ...(settings.inherit
      ? {
        inherit: {
          ...settings.inherit,
          cwd: settings.inherit.cwd && !opts.workdir?.startsWith("/"),
          user: settings.inherit.user && opts.user === undefined,
        },
      }
      : {}),
    mounts: [...mounts, ...secretMounts, ...sshMounts],
    secretEnv,
    network,
    security,
    hostname: settings.hostname ?? "",
    extraHosts: settings.extraHosts ?? [],
    ulimits: settings.ulimits ?? [],
    cgroupParent: settings.cgroupParent ?? "",
    ...(settings.proxyEnv ? { proxyEnv: settings.proxyEnv } : {}),
    ...(opts.validExitCodes ? { validExitCodes: [...opts.validExitCodes] } : {}),
    ...(opts.devices?.length
      ? {
        devices: opts.devices.map((d) =>
          typeof d === "string"
            ? { name: d, optional: false }
            : { name: d.name, optional: d.optional ?? false }
        ),
      }
      : {}),
  };
}

/** The base-env templates a step keeps: those its own `env` option does not replace. */
function baseEnvOf(
  templates: StateData["settings"]["baseEnv"],
  own: Record<string, string> | undefined,
): { baseEnv?: NonNullable<StateData["settings"]["baseEnv"]> } {
  if (!templates) return {};
  const kept = Object.fromEntries(Object.entries(templates).filter(([k]) => !(own && k in own)));
  return Object.keys(kept).length > 0 ? { baseEnv: kept } : {};
}

function mountOf(
  dest: string,
  value: unknown,
  option: string,
  location: SourceLocation | undefined,
): ExecMount {
  if (isState(value)) {
    return { kind: "bind", dest, source: stateData(value).output, readonly: false };
  }
  if (isCacheMount(value)) {
    const { kind, id, sharing, source, selector, readonly, persist } = value;
    const seed = source && stateData(source).output;
    return {
      kind,
      dest,
      id,
      sharing,
      source: seed,
      ...(selector !== undefined ? { selector } : {}),
      readonly,
      ...(persist ? { persist } : {}),
    };
  }
  if (isTmpfsMount(value)) return { kind: "tmpfs", dest, size: value.size };
  if (isSecret(value)) return secretMount(dest, { secret: value });
  if (typeof value === "object" && value !== null && "from" in value) {
    const b = validate("run", option, bindSchema, value, location);
    const from = stateData(b.from);
    const selector = b.path === undefined ? undefined : posix.resolve("/", from.settings.cwd, b.path);
    return {
      kind: "bind",
      dest,
      source: from.output,
      // As Go's llb's SourcePath: a path given is sent, "/" included.
      ...(selector !== undefined ? { selector } : {}),
      readonly: b.readonly ?? false,
      ...(b.discard ? { discard: true } : {}),
    };
  }
  if (typeof value === "object" && value !== null && "secret" in value) {
    return secretMount(dest, validate("run", option, secretMountSchema, value, location));
  }
  return fail("run", option, MOUNT_KINDS, location);
}

function secretMount(dest: string, o: z.output<typeof secretMountSchema>): SecretMount {
  return {
    kind: "secret",
    dest,
    secret: o.secret,
    optional: o.optional ?? false,
    uid: o.uid ?? 0,
    gid: o.gid ?? 0,
    mode: o.mode ?? 0o400,
  };
}

function sshMountsOf(value: unknown, cwd: string, location: SourceLocation | undefined): SshMount[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    const option = Array.isArray(value) ? `ssh.${i}` : "ssh";
    if (!isSshAgent(v) && (typeof v !== "object" || v === null)) {
      fail("run", option, "must be an ssh(...) or { agent, target, optional, ... }", location);
    }
    const o = isSshAgent(v) ? { agent: v } : validate("run", option, sshMountSchema, v, location);
    return {
      kind: "ssh",
      dest: o.target === undefined ? `/run/buildkit/ssh_agent.${i}` : posix.resolve("/", cwd, o.target),
      agent: o.agent,
      optional: o.optional ?? false,
      uid: o.uid ?? 0,
      gid: o.gid ?? 0,
      mode: o.mode ?? 0o600,
    };
  });
}

/**
 * The data of `mount(path)` on a run step's result: the filesystem the writable mount at `path` ended with,
 * as a state whose root is that mount.
 *
 * @example
 * ```ts
 * import { image, scratch } from "@drydock/core";
 * import { stateData } from "./state_base.ts";
 * import { execNode, execMountData } from "./run.ts";
 * const data = stateData(image("busybox"));
 * const node = execNode(data, "true", { mounts: { "/out": scratch() } }, undefined);
 * execMountData(node, "/out", data.settings.platform, undefined).output?.index; // 1
 * ```
 */
export function execMountData(
  node: ExecNode,
  path: string,
  platform: StateData["settings"]["platform"],
  location: SourceLocation | undefined,
): StateData {
  const p = validate("mount", "path", schemas.path, path, location);
  const dest = posix.resolve("/", node.cwd, p);
  const index = execOutputIndex(node.mounts, dest);
  if (index < 0) {
    const writable = node.mounts.filter((m) => m.kind === "bind" && !m.readonly && m.dest !== "/");
    fail(
      "mount",
      "path",
      `${dest} is not a writable mount of this run step` +
        (writable.length ? ` (writable: ${writable.map((m) => m.dest).join(", ")})` : ""),
      location,
    );
  }
  return {
    output: { op: node, index },
    settings: { env: [], cwd: "/", user: "", platform },
    image: { labels: {}, exposedPorts: [] },
  };
}

// Which mounts of an exec produce an output, and its index: writable binds, in mount order, as the engine
// numbers them; -1 for none.
function execOutputIndex(mounts: readonly ExecMount[], dest: string): number {
  let index = 0;
  for (const m of mounts) {
    if (m.kind !== "bind" || m.readonly || m.discard) continue;
    if (sameDest(m.dest, dest)) return index;
    index++;
  }
  return -1;
}
