/**
 * The built-in flags of a build.ts run as a program: one table that drives
 * parsing, `--help` and the README's CLI reference.
 *
 * @module
 */

import { PROGRESS_MODES, type ProgressMode } from "../progress/renderer.ts";

/** One built-in flag. */
export interface FlagSpec {
  /** Long name without dashes: `target` for `--target`. */
  readonly name: string;
  readonly short?: string;
  readonly type: "string" | "boolean";
  /** May be given several times (values are collected in order). */
  readonly multiple?: boolean;
  /** What the value is, in help: `NAME`, `ADDRESS`. */
  readonly value?: string;
  /** The help text; wrapped lines are continued on the next line. */
  readonly help: string;
  readonly group: FlagGroup;
}

/** Sections of `--help`, in display order. */
export const FLAG_GROUPS = ["Target", "Build", "Output", "Engine", "Reporting", "Other"] as const;
export type FlagGroup = typeof FLAG_GROUPS[number];

/** The progress modes `--progress` accepts: the progress layer's list. */
export { PROGRESS_MODES };
export type { ProgressMode };

/**
 * Every built-in flag. Only flags whose feature works are listed: a flag is
 * never accepted and then ignored.
 */
export const FLAGS: readonly FlagSpec[] = [
  {
    name: "target",
    short: "t",
    type: "string",
    multiple: true,
    value: "NAME",
    group: "Target",
    help: "build this target (repeatable; positional names work too)",
  },
  { name: "list", type: "boolean", group: "Target", help: "list the targets with their descriptions" },
  {
    name: "build-arg",
    type: "string",
    multiple: true,
    value: "NAME=VALUE",
    group: "Build",
    help: "set a declared parameter (same as --NAME VALUE)",
  },
  {
    name: "secret",
    type: "string",
    multiple: true,
    value: "SPEC",
    group: "Build",
    help: "a secret: id=ID[,src=FILE] or id=ID,env=VAR (repeatable; beats build.ts)",
  },
  {
    name: "ssh",
    type: "string",
    multiple: true,
    value: "SPEC",
    group: "Build",
    help: "an ssh agent: default, ID=SOCKET or ID=KEY[,KEY...] (repeatable; beats build.ts)",
  },
  {
    name: "build-context",
    type: "string",
    multiple: true,
    value: "NAME=SPEC",
    group: "Build",
    help: "replace a named context (context() or dockerfile()'s contexts) with a DIR,\n" +
      "docker-image://REF or target:NAME (repeatable)",
  },
  { name: "no-cache", type: "boolean", group: "Build", help: "run every step again, ignoring the cache" },
  {
    name: "no-persist",
    type: "boolean",
    group: "Build",
    help: "neither seed nor save persisted cache mounts (cache(id, { persist }))",
  },
  {
    name: "dry-run",
    type: "boolean",
    group: "Build",
    help: "validate and compile the targets to LLB, without an engine",
  },
  {
    name: "interactive",
    short: "i",
    type: "boolean",
    group: "Build",
    help: "when a run step fails, open a shell in its view before it ran (needs a terminal);\n" +
      "exiting the shell ends the build with the step's exit code",
  },
  {
    name: "on-error",
    type: "string",
    value: "ACTION",
    group: "Build",
    help: "what a failed run step does: fail (the default) or shell (as -i)",
  },
  {
    name: "shell",
    type: "string",
    value: "TARGET",
    group: "Build",
    help: "open a shell in TARGET's final state once it is built (needs a terminal)",
  },
  {
    name: "shell-command",
    type: "string",
    value: "CMD",
    group: "Build",
    help: "the shell -i and --shell run (default /bin/sh), split at spaces",
  },
  {
    name: "output",
    short: "o",
    type: "string",
    multiple: true,
    value: "SPEC",
    group: "Output",
    help: "add an output to every target (repeatable): type=local,dest=DIR;\n" +
      "type=tar,dest=FILE; type=image,name=NAME[,push=true]; type=registry,name=NAME;\n" +
      "type=oci|docker,dest=FILE; a bare DIR means type=local, - a tar on stdout",
  },
  { name: "push", type: "boolean", group: "Output", help: "push every image output to its registry" },
  {
    name: "load",
    type: "boolean",
    group: "Output",
    help: "load every image output into Docker (DOCKER_HOST/docker context) from BUILDKIT_HOST",
  },
  {
    name: "platform",
    type: "string",
    multiple: true,
    value: "LIST",
    group: "Output",
    help: "build for these platforms instead, e.g. linux/amd64,linux/arm64 (repeatable)",
  },
  {
    name: "cache-from",
    type: "string",
    multiple: true,
    value: "SPEC",
    group: "Output",
    help: "import build cache: type=registry,ref=REF, or just REF (repeatable)",
  },
  {
    name: "cache-to",
    type: "string",
    multiple: true,
    value: "SPEC",
    group: "Output",
    help: "export build cache: type=inline, or type=registry,ref=REF[,mode=max] (repeatable)",
  },
  {
    name: "host",
    type: "string",
    value: "ADDRESS",
    group: "Engine",
    help: "buildkitd at unix:///path.sock or tcp://host:port; Docker with docker+unix://… or\n" +
      "docker+tcp://… (overrides BUILDKIT_HOST, DOCKER_HOST and the docker context)",
  },
  {
    name: "builder",
    type: "string",
    value: "NAME",
    group: "Engine",
    help: "a buildx builder (remote or docker driver) or a docker context, by name;\n" +
      "or an address as for --host",
  },
  {
    name: "node",
    type: "string",
    multiple: true,
    value: '"ADDRESS [platforms=P,...]"',
    group: "Engine",
    help: "a node of a multi-node builder (repeatable; replaces build.ts's builder): each\n" +
      "platform is built on the first node serving it, one image index is pushed",
  },
  {
    name: "tlscacert",
    type: "string",
    value: "FILE",
    group: "Engine",
    help: "CA certificate for a tcp host",
  },
  {
    name: "tlscert",
    type: "string",
    value: "FILE",
    group: "Engine",
    help: "client certificate (mutual TLS)",
  },
  { name: "tlskey", type: "string", value: "FILE", group: "Engine", help: "client private key (mutual TLS)" },
  {
    name: "tls-server-name",
    type: "string",
    value: "NAME",
    group: "Engine",
    help: "name the server certificate must have, when it differs from the host",
  },
  {
    name: "metadata-file",
    type: "string",
    value: "FILE",
    group: "Reporting",
    help: "write the build's metadata as JSON (image digest, build ref), as buildx does",
  },
  {
    name: "print",
    type: "boolean",
    group: "Reporting",
    help: "print the target's LLB as JSON lines (as buildctl debug dump-llb); no build",
  },
  {
    name: "dot",
    type: "boolean",
    group: "Reporting",
    help: "print the target's build graph in Graphviz DOT; no build",
  },
  {
    name: "progress",
    type: "string",
    value: "MODE",
    group: "Reporting",
    help:
      `${PROGRESS_MODES.slice(0, -1).join(", ")} or ${PROGRESS_MODES.at(-1)}; auto (the default) is the\n` +
      "live view on a terminal, plain in CI or a pipe",
  },
  { name: "help", short: "h", type: "boolean", group: "Other", help: "show this help" },
  { name: "version", type: "boolean", group: "Other", help: "show drydock's version" },
];

/**
 * `node:util` parseArgs options for `flags`.
 *
 * @example
 * ```ts
 * import { FLAGS, parseArgsOptions } from "./flags.ts";
 * parseArgsOptions(FLAGS).target; // { type: "string", short: "t", multiple: true }
 * ```
 */
export function parseArgsOptions(
  flags: readonly Pick<FlagSpec, "name" | "short" | "type" | "multiple">[],
): Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const f of flags) {
    options[f.name] = {
      type: f.type,
      ...(f.short ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  }
  return options;
}
