/**
 * The OCI image config of a state, returned to the engine as result metadata
 * (`containerimage.config`) so every exporter, including Docker's graphdriver
 * store, writes it into the image.
 *
 * @module
 */
import { type State, stateData } from "../dsl/state.ts";

/** The default PATH Docker gives images that set none, as the Dockerfile frontend does. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The parts of an OCI image config that drydock writes. */
export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  config: {
    Env: string[];
    Entrypoint?: string[];
    Cmd?: string[];
    WorkingDir?: string;
    User?: string;
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, Record<string, never>>;
  };
  rootfs: { type: "layers"; diff_ids: string[] };
}

/**
 * The image config for exporting `state` as an image.
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { imageConfig } from "./image_config.ts";
 * imageConfig(image("busybox").workdir("/app")).config.WorkingDir; // "/app"
 * ```
 */
export function imageConfig(state: State): ImageConfig {
  const { settings, image } = stateData(state);
  const env = settings.env.map(([k, v]) => `${k}=${v}`);
  if (!settings.env.some(([k]) => k === "PATH")) env.unshift(`PATH=${DEFAULT_PATH}`);
  const config: ImageConfig["config"] = { Env: env };
  if (image.entrypoint) config.Entrypoint = [...image.entrypoint];
  if (image.cmd) config.Cmd = [...image.cmd];
  if (settings.cwd !== "/") config.WorkingDir = settings.cwd;
  if (settings.user) config.User = settings.user;
  if (Object.keys(image.labels).length > 0) config.Labels = { ...image.labels };
  if (image.exposedPorts.length > 0) {
    config.ExposedPorts = Object.fromEntries(image.exposedPorts.map((p) => [p, {}]));
  }
  const p = settings.platform;
  return {
    architecture: p.architecture,
    os: p.os,
    ...(p.variant ? { variant: p.variant } : {}),
    config,
    rootfs: { type: "layers", diff_ids: [] },
  };
}
