import { build, cache, image, local } from "../../../mod.ts";

// The base image (tests/dockerfile_corpus/_bases/workdir) has WORKDIR /w, ENV BASE_VAR and a PATH of its own.
const ctx = local(".");
const final = image("drydock-corpus-base:workdir")
  .workdir("sub")
  .copy(ctx, "a.txt", ".")
  .env({ PATH: "/app/bin:$PATH", DERIVED: "${BASE_VAR}-derived" })
  .run('pwd > pwd.txt && echo "$PATH $DERIVED" > env.txt', { mounts: { cache: cache("/corpus-base") } })
  .config({ entrypoint: ["/bin/echo"] });

export const targets = { final };
export const defaultTarget = "final";
if (import.meta.main) await build(targets, { default: defaultTarget });
