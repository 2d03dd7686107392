/**
 * The `run` step a build failed at, found in the definitions that were sent,
 * and the container that shows that step's view before it ran: its inputs
 * mounted where it mounted them, its env, working directory and user.
 *
 * @module
 */
import { type Digest, digestOf } from "../llb/digest.ts";
import type { InitMessage } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import * as pb from "../proto/pb.gen.ts";
import type { ContainerRequest } from "../gateway/container.ts";

/** A failed exec op and the definition it was sent in. */
export interface FailedRun {
  readonly digest: Digest;
  readonly op: pb.Op;
  readonly exec: pb.ExecOp;
  readonly definition: pb.Definition;
}

/**
 * The exec op with digest `digest` in one of `definitions`, if it is one.
 *
 * @example
 * ```ts
 * import { findFailedRun } from "./failed_step.ts";
 * findFailedRun([], "sha256:00"); // undefined
 * ```
 */
export function findFailedRun(
  definitions: Iterable<pb.Definition>,
  digest: Digest,
): FailedRun | undefined {
  for (const definition of definitions) {
    for (const bytes of definition.def ?? []) {
      if (digestOf(bytes) !== digest) continue;
      const op = pb.Op.decode(bytes);
      return op.exec ? { digest, op, exec: op.exec, definition } : undefined;
    }
  }
  return undefined;
}

/**
 * A definition whose result is one input of the failed op: what that mount
 * held before the step ran.
 *
 * @example
 * ```ts
 * import { inputDefinition } from "./failed_step.ts";
 * // const def = inputDefinition(run, 0); // solve it to get the root filesystem before the step
 * ```
 */
export function inputDefinition(run: FailedRun, input: number): pb.Definition {
  const wanted = run.op.inputs?.[input];
  if (!wanted) throw new Error(`the failed op has no input ${input}`);
  // Every op but the old terminal; ops nothing reaches from the new terminal are ignored by the engine.
  const ops = (run.definition.def ?? []).slice(0, -1);
  const terminal = pb.Op.toBinary({ inputs: [{ digest: wanted.digest, index: wanted.index }] });
  return { ...run.definition, def: [...ops, terminal] };
}

/**
 * The container to open for a failed step: its mounts with `refs` (one per
 * mount, `""` for mounts with no input), its network and platform.
 *
 * @example
 * ```ts
 * import { failedRunContainer } from "./failed_step.ts";
 * // const request = failedRunContainer(run, ["ref-of-root", ""]);
 * ```
 */
export function failedRunContainer(run: FailedRun, refs: readonly string[]): ContainerRequest {
  return {
    mounts: (run.exec.mounts ?? []).map((m, i) => ({
      dest: m.dest,
      selector: m.selector,
      readonly: m.readonly,
      mountType: m.mountType,
      cacheOpt: m.cacheOpt,
      secretOpt: m.secretOpt,
      sshOpt: m.sshOpt,
      tmpfsOpt: m.tmpfsOpt,
      resultID: refs[i] ?? "",
    })),
    network: run.exec.network,
    ...(run.op.platform ? { platform: run.op.platform } : {}),
    ...(run.exec.meta?.hostname ? { hostname: run.exec.meta.hostname } : {}),
  };
}

/**
 * The shell's process: `args` with the step's env, working directory, user and secret env, on a terminal.
 *
 * @example
 * ```ts
 * import { failedRunShell } from "./failed_step.ts";
 * // failedRunShell(run, ["/bin/sh"]).meta?.cwd; // the step's working directory
 * ```
 */
export function failedRunShell(run: FailedRun, args: readonly string[]): Omit<InitMessage, "containerID"> {
  const meta = run.exec.meta ?? {};
  return {
    meta: {
      args: [...args],
      env: meta.env ?? [],
      cwd: meta.cwd || "/",
      user: meta.user ?? "",
      ...(meta.extraHosts ? { extraHosts: meta.extraHosts } : {}),
    },
    fds: [0, 1, 2],
    tty: true,
    ...(run.exec.secretenv?.length ? { secretenv: run.exec.secretenv } : {}),
  };
}

/**
 * The failed command as a person would type it: `sh -c` scripts unwrapped.
 *
 * @example
 * ```ts
 * import { commandText } from "./failed_step.ts";
 * commandText(["/bin/sh", "-c", "make test"]); // "make test"
 * commandText(["make", "it so"]); // "make 'it so'"
 * ```
 */
export function commandText(args: readonly string[]): string {
  if (args.length === 3 && /(^|\/)(ba|da)?sh$/.test(args[0]) && args[1] === "-c") return args[2];
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");
}
