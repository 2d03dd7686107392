import { build, image } from "../../../mod.ts";

const TAG = "latest";
const VERSION = "1.0";
const final = image(`busybox:${TAG}`)
  .arg("VERSION", VERSION)
  .env("APP_VERSION", "$VERSION")
  .run('echo "$VERSION/$APP_VERSION/${EMPTY:-none}" > /version.txt');

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
