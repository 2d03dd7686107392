/**
 * The OCI image config of a state, returned to the engine as result metadata
 * (`containerimage.config`) so every exporter, including Docker's graphdriver
 * store, writes it into the image. It starts from the base image's config
 * (resolved by the engine), as the Dockerfile frontend does.
 *
 * @module
 */
import type { Platform } from "../dsl/graph.ts";
import type { Healthcheck } from "../dsl/step_settings.ts";
import { type State, stateData } from "../dsl/state.ts";
import { inheritedCwd, mergeEnv, resolveBaseEnv } from "../llb/base_config.ts";

/** The default PATH Docker gives images that set none, as the Dockerfile frontend does. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The `config` object of an OCI image config (Docker's field names and casing). */
export interface ContainerConfig {
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  User?: string;
  Labels?: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  Volumes?: Record<string, Record<string, never>>;
  StopSignal?: string;
  Healthcheck?: {
    Test: string[];
    Interval?: number;
    Timeout?: number;
    StartPeriod?: number;
    StartInterval?: number;
    Retries?: number;
  };
  /** Fields drydock does not set (OnBuild, Shell, ...) pass through from the base. */
  [other: string]: unknown;
}

/** An OCI image config, as far as drydock reads and writes it. */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  config: ContainerConfig;
  rootfs: { type: "layers"; diff_ids: string[] };
}

/**
 * The image config for exporting `state`, on top of its base image's config
 * when one is given (`null`/absent: scratch or not resolved).
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { imageConfig } from "./image_config.ts";
 * imageConfig(image("busybox").workdir("/app")).config.WorkingDir; // "/app"
 * imageConfig(image("busybox"), { config: { Cmd: ["sh"] } }).config.Cmd; // ["sh"]
 * ```
 */
export function imageConfig(
  state: State,
  base?: { config?: ContainerConfig } | null,
  platform?: Platform,
): ImageConfig {
  const { settings, image } = stateData(state);
  const from = settings.inherit && base?.config ? base.config : {};
  const config: ContainerConfig = structuredClone(from);
  // arg() variables are for the build's steps only, as a Dockerfile ARG.
  const order = settings.envFirstSet ?? settings.env.map(([k]) => k);
  const own = settings.env.filter(([k]) => !settings.argNames?.includes(k))
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([k, v]) => `${k}=${v}`);
  const resolved = settings.inherit && base?.config
    ? resolveBaseEnv(own, settings.baseEnv, from.Env ?? [])
    : own;
  const env = mergeEnv(from.Env ?? [], resolved);
  if (!env.some((e) => e.startsWith("PATH="))) env.unshift(`PATH=${DEFAULT_PATH}`);
  config.Env = env;

  const cwd = inheritedCwd(settings.cwd, settings.inherit, from);
  if (cwd !== "/" || from.WorkingDir) config.WorkingDir = cwd;
  const user = settings.inherit?.user ? from.User : settings.user;
  if (user) config.User = user;
  else delete config.User;

  if (image.entrypoint) config.Entrypoint = [...image.entrypoint];
  if (image.cmd === null) delete config.Cmd;
  else if (image.cmd) config.Cmd = [...image.cmd];
  const labels = { ...from.Labels, ...image.labels };
  // Keys sorted, as Go writes maps: the same config bytes as the Dockerfile frontend's.
  if (Object.keys(labels).length > 0) config.Labels = Object.fromEntries(Object.entries(labels).sort(byKey));
  const ports = [...Object.keys(from.ExposedPorts ?? {}), ...image.exposedPorts];
  if (ports.length > 0) {
    config.ExposedPorts = Object.fromEntries([...new Set(ports)].sort().map((p) => [p, {}]));
  }
  const volumes = [...Object.keys(from.Volumes ?? {}), ...(image.volumes ?? [])];
  if (volumes.length > 0) {
    config.Volumes = Object.fromEntries([...new Set(volumes)].sort().map((v) => [v, {}]));
  }
  if (image.stopSignal) config.StopSignal = image.stopSignal;
  if (image.healthcheck) config.Healthcheck = dockerHealthcheck(image.healthcheck);
  if (settings.shell) config.Shell = [...settings.shell];
  if (image.onbuild) config.OnBuild = [...(from.OnBuild as string[] | undefined ?? []), ...image.onbuild];

  const p = platform ?? settings.platform;
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    config,
    rootfs: { type: "layers", diff_ids: [] },
  };
}

function dockerHealthcheck(h: Healthcheck): NonNullable<ContainerConfig["Healthcheck"]> {
  return {
    Test: [...h.test],
    ...(h.intervalNs !== undefined ? { Interval: h.intervalNs } : {}),
    ...(h.timeoutNs !== undefined ? { Timeout: h.timeoutNs } : {}),
    ...(h.startPeriodNs !== undefined ? { StartPeriod: h.startPeriodNs } : {}),
    ...(h.startIntervalNs !== undefined ? { StartInterval: h.startIntervalNs } : {}),
    ...(h.retries !== undefined ? { Retries: h.retries } : {}),
  };
}

function byKey([a]: [string, unknown], [b]: [string, unknown]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
