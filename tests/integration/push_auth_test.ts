// Pushing to and caching through the htpasswd registry: the image exporter
// gets credentials from the session's Auth service (Docker 26.1, containerd
// store); graphdriver Dockers get them in X-Registry-Auth on the Engine API
// push. Without credentials the registry refuses, and the error says so.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { buildTargets, image, type State } from "../../mod.ts";
import { dk20, dk26, dk26c, dk28, skipWithout, type TestEngine, unique } from "../support/engines.ts";
import { removeImage } from "../support/docker_api.ts";
import { authRegistry } from "../support/auth_registry.ts";
import { fetchManifest } from "../support/registry.ts";

const skipReason = (engine: TestEngine | undefined, label: string) =>
  authRegistry ? skipWithout(engine, label) : "DRYDOCK_AUTH_REGISTRY is not configured";
const login = () => ({
  [authRegistry!.host]: { username: authRegistry!.username, password: authRegistry!.password },
});

function pushOn(engine: TestEngine | undefined, label: string) {
  test(
    `push to the htpasswd registry with registryAuth (${label})`,
    { skip: skipReason(engine, label) },
    async () => {
      const repo = unique("drydock-authpush");
      const name = `${authRegistry!.host}/${repo}:v1`;
      const state: State = image("busybox").run(`echo ${repo} > /id`);
      try {
        const r = await buildTargets({ app: { state, output: { type: "image", name, push: true } } }, {
          host: engine!.host,
          registryAuth: login(),
        });
        const m = await fetchManifest(authRegistry!.host, repo, "v1", authRegistry!);
        assert.equal(m.status, 200);
        const digest = engine!.containerdStore
          ? r.app.exporterResponse["containerimage.digest"]
          : r.app.pushed[0]?.digest;
        assert.equal(m.digest, digest);
        const text = JSON.stringify(r);
        assert.ok(!text.includes(authRegistry!.password), "the password is in no result");
      } finally {
        await removeImage(engine!.socket, name);
      }
    },
  );

  test(
    `push without credentials is refused by the registry (${label})`,
    { skip: skipReason(engine, label) },
    async () => {
      const name = `${authRegistry!.host}/${unique("drydock-noauth")}:v1`;
      try {
        await assert.rejects(
          buildTargets({ app: { state: image("busybox"), output: { type: "image", name, push: true } } }, {
            host: engine!.host,
            env: {},
          }),
          (e: Error) =>
            /unauthorized|authentication required|no basic auth credentials/i.test(e.message) &&
            e.message.includes(`no credentials were found for`) && e.message.includes(authRegistry!.host),
        );
      } finally {
        await removeImage(engine!.socket, name);
      }
    },
  );
}

describe("push with registry auth", () => {
  pushOn(dk26c, "Docker 26.1, containerd store");
  pushOn(dk28, "Docker 28.5, containerd store");
  pushOn(dk26, "Docker 26.1, overlay2");
  pushOn(dk20, "Docker 20.10");
});

describe("registry cache with auth", () => {
  test("a registry cache in the htpasswd registry is exported and reused on another engine", {
    skip: authRegistry ? skipWithout(dk26c, "dk26c") || skipWithout(dk26, "dk26") : "no auth registry",
  }, async () => {
    const id = unique("authcache");
    const ref = `${authRegistry!.host}/drydock-cache:${id}`;
    const state = image(`${authRegistry!.host}/busybox:latest`).run(`echo ${id} > /id`, {
      name: `make ${id}`,
    });
    const cachedOn = async (engine: TestEngine, options: Parameters<typeof buildTargets>[1]) => {
      let cached: boolean | undefined;
      await buildTargets({ t: state }, {
        ...options,
        host: engine.host,
        registryAuth: login(),
        onStatus: (_t, s) => {
          for (const v of s.vertexes ?? []) {
            if (v.name?.replace(/^\[\S+ \d+\/\d+\] /, "") === `make ${id}` && v.completed) {
              cached = v.cached ?? false;
            }
          }
        },
      });
      return cached;
    };
    assert.equal(await cachedOn(dk26c!, { cacheTo: [{ type: "registry", ref, mode: "max" }] }), false);
    assert.equal((await fetchManifest(authRegistry!.host, "drydock-cache", id, authRegistry!)).status, 200);
    assert.equal(await cachedOn(dk26!, { cacheFrom: [{ type: "registry", ref }] }), true);
  });
});
