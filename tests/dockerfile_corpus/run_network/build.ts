import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .run("ip link show | grep -c mtu > /links.txt", { network: "none" })
  .run("echo default > /default.txt");

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
