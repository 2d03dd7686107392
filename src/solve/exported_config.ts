/**
 * The image config a target exports: on top of its base image's config, or of
 * the config a frontend (`dockerfile()`) made, whose history and creation time
 * come along, as in the image `docker buildx build` exports.
 *
 * @module
 */
import type { Platform } from "../dsl/graph.ts";
import { type State, stateData } from "../dsl/state.ts";
import { baseConfigKey } from "../llb/base_config.ts";
import type { BaseImage } from "./base_configs.ts";
import type { FrontendImage } from "./frontend_result.ts";
import { type ImageConfig, imageConfig } from "./image_config.ts";

/**
 * The config to return with `state`'s result, given the resolved base image
 * configs and the frontends' image configs (both by `baseConfigKey`).
 *
 * @example
 * ```ts
 * import { image } from "../../mod.ts";
 * import { exportedImageConfig } from "./exported_config.ts";
 * exportedImageConfig(image("busybox"), new Map(), new Map()).config.Env; // ["PATH=/usr/local/sbin:..."]
 * ```
 */
export function exportedImageConfig(
  state: State,
  bases: ReadonlyMap<string, BaseImage>,
  frontendImages: ReadonlyMap<string, FrontendImage>,
  platform?: Platform,
): ImageConfig {
  const inherit = stateData(state).settings.inherit;
  const key = inherit && baseConfigKey(inherit.image, inherit.platform);
  // A context() base may stand for a frontend's result: its entry is there, if so.
  const made = key && (inherit.frontend || inherit.context) ? frontendImages.get(key) : undefined;
  if (!made) return imageConfig(state, key ? bases.get(key) : undefined, platform);
  const own = imageConfig(state, made, platform);
  // The frontend's platform fields describe its layers; history and creation time stay as it made them.
  return { ...own, ...made, config: own.config, rootfs: own.rootfs };
}
