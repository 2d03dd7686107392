import { build, image } from "../../../mod.ts";

const final = image("busybox").config({
  healthcheck: {
    test: "wget -q -O- localhost:8080 || exit 1",
    interval: "30s",
    timeout: "3s",
    startPeriod: "5s",
    startInterval: "2s",
    retries: 2,
  },
});

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
