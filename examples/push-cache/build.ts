// Push to a registry with a registry build cache (like `buildx build --push --cache-to type=registry,...`).
//   deno run -P build.ts --registry localhost:5000        bun build.ts --registry registry.example.com/team
// Credentials come from `docker login` (the Docker config and its credential helpers).
import { build, image, params, z } from "@drydock/core";

const p = params({
  registry: z.string().describe("registry (and path) to push to, e.g. localhost:5000/team"),
  tag: z.string().default("latest").describe("image tag"),
});

const app = image("busybox:latest")
  .workdir("/app")
  .run("echo 'built once, cached in the registry' > message.txt")
  .config({ cmd: ["cat", "/app/message.txt"] });

const ref = `${p.registry}/drydock-example-push`;
await build({
  app: {
    state: app,
    output: { type: "image", name: `${ref}:${p.tag}`, push: true },
    cacheFrom: { type: "registry", ref: `${ref}:buildcache` },
    cacheTo: { type: "registry", ref: `${ref}:buildcache`, mode: "max" },
    description: "push the image and its build cache",
  },
}, { default: "app" });
