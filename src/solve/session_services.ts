/**
 * The session services of one build besides files: secrets, ssh agents and
 * registry credentials, prepared (and checked) before the solve starts.
 *
 * @module
 */
import type { Writable } from "node:stream";
import { z } from "zod";
import type { SourceLocation } from "../core/location.ts";
import { nonEmptyString } from "../dsl/text_schemas.ts";
import { validate } from "../core/validate.ts";
import type { SecretUse, SshUse } from "../llb/uses.ts";
import { authMethods } from "../session/auth_service.ts";
import { RegistryCredentialStore, type RegistryLogin } from "../session/registry_credentials.ts";
import { secretsMethods } from "../session/secrets_service.ts";
import type { SessionMethod } from "../session/session.ts";
import { sshForwardMethods } from "../session/ssh_forward_service.ts";
import { resolveSecrets } from "./secret_resolution.ts";
import type { SecretSpec } from "./secret_flag.ts";
import { resolveSshAgents } from "./ssh_resolution.ts";
import type { SshSpec } from "./ssh_flag.ts";

/** What the caller (CLI or library user) adds to the build's own declarations. */
export interface SessionServiceOptions {
  /** `--secret` values: override build.ts secret sources by id, or add ids. */
  readonly secrets?: readonly SecretSpec[];
  /** `--ssh` values: override build.ts `ssh()` agents by id, or add ids. */
  readonly ssh?: readonly SshSpec[];
  /** Registry logins by host; they win over `DOCKER_AUTH_CONFIG` and the Docker config file. */
  readonly registryAuth?: Readonly<Record<string, RegistryLogin>>;
  /** Environment for env secrets, `SSH_AUTH_SOCK` and Docker config. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Base of relative paths given on the command line. */
  readonly cwd: string;
  /** The build's one credential store. @default a store of `env` and `registryAuth` */
  readonly registryCredentials?: RegistryCredentialStore;
  /** Where `-` outputs (a tarball on standard output) are written. @default they fail */
  readonly stdout?: Writable;
}

/** Ready-to-serve session methods and what to clean up after the build. */
export interface PreparedServices {
  readonly methods: readonly SessionMethod[];
  /** Registry credentials handed out, for error hints. */
  readonly registryCredentials: RegistryCredentialStore;
  /**
   * Serves more secrets and agents while the build runs (those of states a dynamic target makes): read and
   * checked as the first ones were; ids already served keep their value.
   */
  add(
    uses: {
      readonly secrets: ReadonlyMap<string, SecretUse>;
      readonly sshAgents: ReadonlyMap<string, SshUse>;
    },
  ): Promise<void>;
  /** Every secret's value (those added while the build runs too), to mask them in what is shown. */
  readonly secretValues: readonly Uint8Array[];
  /** Stops ssh agents started for key files. */
  close(): Promise<void>;
}

/**
 * Reads every secret, finds or starts every ssh agent and sets up registry
 * credentials. Throws before anything reaches the engine when a required
 * secret or agent is missing.
 *
 * @example
 * ```ts
 * import { image, secret } from "@drydock/core";
 * import { marshal } from "../llb/marshal.ts";
 * import { prepareSessionServices } from "./session_services.ts";
 * const { secrets, sshAgents } = marshal(image("busybox").run("true", { secrets: { T: secret("t", { value: "x" }) } }));
 * const services = await prepareSessionServices({ secrets, sshAgents }, { env: {}, cwd: "/src" });
 * // new Session({ methods: [...services.methods, ...] }) ... finally: await services.close();
 * ```
 */
export async function prepareSessionServices(
  uses: { readonly secrets: ReadonlyMap<string, SecretUse>; readonly sshAgents: ReadonlyMap<string, SshUse> },
  options: SessionServiceOptions,
): Promise<PreparedServices> {
  const { env, cwd } = options;
  const secrets = await resolveSecrets(uses.secrets, { overrides: options.secrets, env, cwd });
  const agents = await resolveSshAgents(uses.sshAgents, { overrides: options.ssh, env, cwd });
  // The services read these maps on every call, so entries added later are served.
  const sockets = new Map(agents.sockets);
  const closers = [agents.close];
  const registryCredentials = options.registryCredentials ??
    new RegistryCredentialStore({ env, logins: options.registryAuth });
  return {
    methods: [
      ...secretsMethods(secrets),
      ...sshForwardMethods(sockets),
      ...authMethods(registryCredentials),
    ],
    registryCredentials,
    get secretValues() {
      return [...secrets.values()];
    },
    async add(more) {
      const newSecrets = new Map([...more.secrets].filter(([id]) => !secrets.has(id)));
      const newAgents = new Map([...more.sshAgents].filter(([id]) => !sockets.has(id)));
      for (const [id, value] of await resolveSecrets(newSecrets, { env, cwd })) secrets.set(id, value);
      if (newAgents.size === 0) return;
      const added = await resolveSshAgents(newAgents, { env, cwd });
      closers.push(added.close);
      for (const [id, socket] of added.sockets) sockets.set(id, socket);
    },
    close: async () => {
      await Promise.all(closers.map((close) => close()));
    },
  };
}

const loginSchema = z.union([
  z.strictObject({ username: nonEmptyString, password: z.string() }),
  z.strictObject({ token: nonEmptyString }),
], { error: "must be { username, password } or { token }" });

const optionsSchema = z.object({
  secrets: z.array(z.strictObject({
    id: nonEmptyString,
    source: z.union([
      z.strictObject({ env: nonEmptyString }),
      z.strictObject({ file: nonEmptyString }),
    ], { error: "must be { env: NAME } or { file: PATH }" }).optional(),
  })).optional(),
  ssh: z.array(z.strictObject({ id: nonEmptyString, paths: z.array(nonEmptyString) })).optional(),
  registryAuth: z.record(nonEmptyString, loginSchema).optional(),
});

/**
 * Checks the session options of a build call (`secrets`, `ssh`,
 * `registryAuth`) and gives what {@link prepareSessionServices} takes, but for the environment.
 *
 * @example
 * ```ts
 * import { sessionServiceOptions } from "./session_services.ts";
 * sessionServiceOptions({ registryAuth: { "ghcr.io": { token: "…" } } }, "/src/app", undefined);
 * ```
 */
export function sessionServiceOptions(
  options: Pick<SessionServiceOptions, "secrets" | "ssh" | "registryAuth">,
  cwd: string,
  location: SourceLocation | undefined,
): Omit<SessionServiceOptions, "env"> {
  const picked = { secrets: options.secrets, ssh: options.ssh, registryAuth: options.registryAuth };
  validate("build", "", optionsSchema, picked, location);
  return { ...picked, cwd };
}
