/**
 * What a graph asks of the client besides files: secrets, ssh agents and
 * entitlements, collected while lowering so the session can serve them.
 *
 * @module
 */
import { OptionError } from "../core/errors.ts";
import type { ExecNode, SecretRef, SshRef } from "../dsl/graph.ts";
import { formatLocation, type SourceLocation } from "../core/location.ts";
import type { Secret, SecretSource, SshAgent } from "../dsl/secrets.ts";

/** How a build uses one secret id. */
export interface SecretUse {
  /** The declared secret (the one with a source, when several declare the id). */
  readonly secret: Secret;
  /** True when every use may run without it. */
  readonly optional: boolean;
  /** The build.ts calls that use it. */
  readonly locations: readonly SourceLocation[];
}

/** How a build uses one ssh agent id. */
export interface SshUse {
  readonly agent: SshAgent;
  /** True when every use may run without it. */
  readonly optional: boolean;
  readonly locations: readonly SourceLocation[];
}

/** A privilege the solve must request (`SolveRequest.entitlements`). */
export type Entitlement = "network.host" | "security.insecure";

interface MutableUse<T> {
  value: T;
  optional: boolean;
  locations: SourceLocation[];
}

/**
 * Collects secret, ssh and entitlement uses, by id.
 *
 * @example
 * ```ts
 * import { secret } from "@drydock/core";
 * import { UseCollector } from "./uses.ts";
 * const uses = new UseCollector();
 * uses.addSecret({ secret: secret("a"), optional: false }, undefined);
 * uses.secrets().get("a")!.optional; // false
 * ```
 */
export class UseCollector {
  readonly #secrets = new Map<string, MutableUse<Secret>>();
  readonly #ssh = new Map<string, MutableUse<SshAgent>>();
  readonly #entitlements = new Set<Entitlement>();

  /** Records the secrets, ssh agents and entitlements of an exec node. */
  addExec(node: ExecNode): void {
    for (const m of node.mounts) {
      if (m.kind === "secret") this.addSecret(m, node.location);
      if (m.kind === "ssh") this.addSsh(m, node.location);
    }
    for (const s of node.secretEnv) this.addSecret(s, node.location);
    if (node.network === "host") this.#entitlements.add("network.host");
    if (node.security === "insecure") this.#entitlements.add("security.insecure");
  }

  /** Records one use of a secret. */
  addSecret(ref: SecretRef, location: SourceLocation | undefined): void {
    const known = this.#secrets.get(ref.secret.id);
    if (!known) {
      this.#secrets.set(ref.secret.id, {
        value: ref.secret,
        optional: ref.optional,
        locations: location ? [location] : [],
      });
      return;
    }
    if (ref.secret !== known.value && ref.secret.source !== undefined) {
      if (known.value.source === undefined) known.value = ref.secret;
      else if (!sameSource(known.value.source, ref.secret.source)) {
        conflict("secret", ref.secret.id, known.value.location, ref.secret.location);
      }
    }
    known.optional &&= ref.optional;
    if (location && !known.locations.includes(location)) known.locations.push(location);
  }

  /** Records one use of an ssh agent. */
  addSsh(ref: SshRef, location: SourceLocation | undefined): void {
    const known = this.#ssh.get(ref.agent.id);
    if (!known) {
      this.#ssh.set(ref.agent.id, {
        value: ref.agent,
        optional: ref.optional,
        locations: location ? [location] : [],
      });
      return;
    }
    if (ref.agent !== known.value && !sameAgent(known.value, ref.agent)) {
      conflict("ssh", ref.agent.id, known.value.location, ref.agent.location);
    }
    known.optional &&= ref.optional;
    if (location && !known.locations.includes(location)) known.locations.push(location);
  }

  /** Secrets by id. */
  secrets(): ReadonlyMap<string, SecretUse> {
    return new Map(
      [...this.#secrets].map((
        [id, u],
      ) => [id, { secret: u.value, optional: u.optional, locations: u.locations }]),
    );
  }

  /** SSH agents by id. */
  sshAgents(): ReadonlyMap<string, SshUse> {
    return new Map(
      [...this.#ssh].map(([id, u]) => [id, { agent: u.value, optional: u.optional, locations: u.locations }]),
    );
  }

  /** Entitlements, sorted. */
  entitlements(): readonly Entitlement[] {
    return [...this.#entitlements].sort();
  }
}

function sameSource(a: SecretSource, b: SecretSource): boolean {
  if ("env" in a || "env" in b) return "env" in a && "env" in b && a.env === b.env;
  if ("file" in a || "file" in b) return "file" in a && "file" in b && a.file === b.file;
  const x = a.value;
  const y = (b as { value: unknown }).value;
  if (x instanceof Uint8Array && y instanceof Uint8Array) {
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return x === y;
}

function sameAgent(a: SshAgent, b: SshAgent): boolean {
  return a.socket === b.socket && JSON.stringify(a.keys ?? []) === JSON.stringify(b.keys ?? []);
}

function conflict(
  call: "secret" | "ssh",
  id: string,
  first: SourceLocation | undefined,
  second: SourceLocation | undefined,
): never {
  throw new OptionError(call, [{
    option: "id",
    message: (cwd) => {
      const where = first ? ` at ${formatLocation(first, cwd)}` : "";
      return `"${id}" is declared twice with different sources (first${where}); use one ${call}() value`;
    },
  }], second);
}
