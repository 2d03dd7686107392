import { build, image } from "../../../mod.ts";

const final = image("busybox")
  .config({ labels: { "org.example.name": "corpus", "with space": "a b" } })
  .config({ labels: { multi: "1", other: "2" } })
  .config({ expose: [80, "443/udp", "8080/tcp"] })
  .config({ volumes: ["/data", "/logs"] })
  .config({ volumes: ["/cache"] })
  .config({ stopSignal: "SIGINT" });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
