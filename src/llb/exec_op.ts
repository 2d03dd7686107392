/**
 * Lowers an exec node to a `pb.ExecOp`, with the caps each field needs.
 *
 * @module
 */
import type { CacheSharing, ExecMount, ExecNode } from "../dsl/graph.ts";
import type { NetworkMode } from "../dsl/step_settings.ts";
import * as pb from "../proto/pb.gen.ts";
import { Cap, type CapID } from "./caps.ts";
import { type InputList, platformOf } from "./inputs.ts";
import { type BaseConfigs, inheritedMountDest, runSettings } from "./base_config.ts";
import type { EngineCaps } from "./engine_caps.ts";

const NET: Record<NetworkMode, pb.NetMode> = {
  sandbox: pb.NetMode.UNSET,
  host: pb.NetMode.HOST,
  none: pb.NetMode.NONE,
};
const SHARING: Record<CacheSharing, pb.CacheSharingOpt> = {
  shared: pb.CacheSharingOpt.SHARED,
  private: pb.CacheSharingOpt.PRIVATE,
  locked: pb.CacheSharingOpt.LOCKED,
};

/**
 * The op of an exec node. Mounts come in the node's order (sorted binds,
 * caches and tmpfs; then secrets; then ssh), as Go's llb emits them.
 *
 * @example
 * ```ts
 * import { image } from "@drydock/core";
 * import { stateData } from "../dsl/state.ts";
 * import { InputList } from "./inputs.ts";
 * import { execOp } from "./exec_op.ts";
 * const node = stateData(image("busybox").run("true")).output!.op;
 * if (node.kind === "exec") execOp(node, new InputList(() => ({ digest: "sha256:00", index: 0n })), new Set());
 * ```
 */
export function execOp(
  node: ExecNode,
  inputs: InputList,
  caps: Set<CapID>,
  baseConfigs?: BaseConfigs,
  engine?: EngineCaps,
): pb.Op {
  caps.add(Cap.execMetaBase);
  // As the Dockerfile frontend: a discarded writable bind has no output where the engine can say so.
  const noOutput = !engine || engine.supports(Cap.execMountBindReadWriteNoOutput);
  // Go's llb gave secret and ssh mounts input 0 before BuildKit 0.17 and -1 since (the release that
  // brought exec.validexitcode); the cache keys of the engine's own Dockerfile frontend follow its version.
  const inputlessInput = !engine || engine.supports(Cap.execValidExitCode) ? -1n : 0n;
  let nextOutput = 0n;
  const mounts = node.mounts.map((m) => {
    const pm = mountOf(m, inputs, caps);
    // Go's llb before BuildKit 0.10 (no tmpfs size cap) set no tmpfs options; match that engine's frontend.
    if (m.kind === "tmpfs" && m.size === 0 && engine && !engine.supports(Cap.execMountTmpfsSize)) {
      delete pm.tmpfsOpt;
    }
    if (m.kind === "secret" || m.kind === "ssh") pm.input = inputlessInput;
    if (node.baseRelativeMounts?.includes(m.dest)) pm.dest = inheritedMountDest(node, m.dest, baseConfigs);
    if (m.kind === "bind" && m.discard && noOutput) {
      caps.add(Cap.execMountBindReadWriteNoOutput);
      pm.output = -1n;
      return pm;
    }
    // Outputs count up over writable binds only, in mount order (the engine's numbering).
    if (m.kind === "bind") pm.output = m.readonly ? -1n : nextOutput++;
    return pm;
  });
  const meta: pb.Meta = {
    args: [...node.args],
    // env, cwd and user, on top of the base image's config once the engine has resolved it.
    ...runSettings(node, baseConfigs),
    // Go's llb always sets it; the engine keeps it in the cache key, so Dockerfile parity needs it.
    removeMountStubsRecursive: true,
  };
  if (node.hostname) meta.hostname = node.hostname;
  if (node.extraHosts.length > 0) meta.extraHosts = node.extraHosts.map((h) => ({ host: h.host, ip: h.ip }));
  if (node.ulimits.length > 0) {
    caps.add(Cap.execMetaUlimit);
    meta.ulimit = node.ulimits.map((u) => ({ name: u.name, soft: BigInt(u.soft), hard: BigInt(u.hard) }));
  }
  if (node.cgroupParent) {
    // Go's llb sets no cap here; without one an old engine would silently ignore the field.
    caps.add(Cap.execMetaCgroupParent);
    meta.cgroupParent = node.cgroupParent;
  }
  if (node.proxyEnv) {
    caps.add(Cap.execMetaProxy);
    const p = node.proxyEnv;
    meta.proxyEnv = {
      httpProxy: p.httpProxy,
      httpsProxy: p.httpsProxy,
      ftpProxy: p.ftpProxy,
      noProxy: p.noProxy,
    };
  }
  if (node.validExitCodes) {
    caps.add(Cap.execValidExitCode);
    meta.validExitCodes = [...node.validExitCodes];
  }
  if (node.network !== "sandbox") caps.add(Cap.execMetaNetwork);
  if (node.security !== "sandbox") caps.add(Cap.execMetaSecurity);
  if (node.secretEnv.length > 0) {
    caps.add(Cap.execMountSecret);
    caps.add(Cap.execSecretEnv);
  }
  const exec: pb.ExecOp = {
    meta,
    mounts,
    network: NET[node.network],
    security: node.security === "insecure" ? pb.SecurityMode.INSECURE : pb.SecurityMode.SANDBOX,
  };
  if (node.secretEnv.length > 0) {
    exec.secretenv = node.secretEnv.map((s) => ({ id: s.secret.id, name: s.name, optional: s.optional }));
  }
  if (node.devices?.length) {
    caps.add(Cap.execMetaCdi);
    exec.cdiDevices = node.devices.map((d) => ({ name: d.name, optional: d.optional }));
  }
  return { exec, platform: platformOf(node.platform) };
}

function mountOf(m: ExecMount, inputs: InputList, caps: Set<CapID>): pb.Mount {
  switch (m.kind) {
    case "bind":
      if (m.source !== null) caps.add(Cap.execMountBind);
      if (m.selector) caps.add(Cap.execMountSelector);
      return {
        input: inputs.indexOf(m.source),
        selector: m.selector,
        dest: m.dest,
        readonly: m.readonly,
        mountType: pb.MountType.BIND,
      };
    case "cache":
      caps.add(Cap.execMountCache);
      caps.add(Cap.execMountCacheSharing);
      if (m.selector) caps.add(Cap.execMountSelector);
      return {
        input: inputs.indexOf(m.source),
        selector: m.selector,
        dest: m.dest,
        output: -1n,
        readonly: m.readonly,
        mountType: pb.MountType.CACHE,
        cacheOpt: { id: m.id, sharing: SHARING[m.sharing] },
      };
    case "tmpfs":
      caps.add(Cap.execMountTmpfs);
      if (m.size > 0) caps.add(Cap.execMountTmpfsSize);
      return {
        input: -1n,
        dest: m.dest,
        output: -1n,
        mountType: pb.MountType.TMPFS,
        tmpfsOpt: { size: BigInt(m.size) },
      };
    case "secret":
      caps.add(Cap.execMountSecret);
      // As Go: no input, output left at 0 (the engine reads outputs of binds only).
      return {
        input: -1n,
        dest: m.dest,
        mountType: pb.MountType.SECRET,
        secretOpt: { id: m.secret.id, uid: m.uid, gid: m.gid, mode: m.mode, optional: m.optional },
      };
    case "ssh":
      caps.add(Cap.execMountSsh);
      return {
        input: -1n,
        dest: m.dest,
        mountType: pb.MountType.SSH,
        sshOpt: {
          id: m.agent.unnamed ? "" : m.agent.id,
          uid: m.uid,
          gid: m.gid,
          mode: m.mode,
          optional: m.optional,
        },
      };
  }
}
