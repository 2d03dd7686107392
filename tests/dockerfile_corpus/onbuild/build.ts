import { build, image } from "../../../mod.ts";

const final = image("busybox").config({ onbuild: ["RUN echo child > /child.txt", "COPY . /src"] });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
