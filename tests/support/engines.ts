/**
 * The real engines started by tests/engines/up.sh, as the environment names them.
 * A test whose engine is not configured is skipped, with the reason.
 *
 * @module
 */
import process from "node:process";

/** One engine under test. */
export interface TestEngine {
  readonly name: "dk26c" | "dk26" | "dk20" | "dk28";
  /** Docker's containerd image store (dk26c, dk28): images land in containerd, indexes are kept. */
  readonly containerdStore: boolean;
  /** For drydock's `host` option: Docker's embedded BuildKit at this socket. */
  readonly host: string;
  /** The socket path, for the Docker Engine API. */
  readonly socket: string;
}

function fromEnv(name: TestEngine["name"], variable: string): TestEngine | undefined {
  const value = process.env[variable];
  if (!value?.startsWith("unix://")) return undefined;
  return {
    name,
    host: `docker+${value}`,
    socket: value.slice("unix://".length),
    containerdStore: name === "dk26c" || name === "dk28",
  };
}

export const dk26c = fromEnv("dk26c", "DRYDOCK_DK26C_HOST");
export const dk26 = fromEnv("dk26", "DRYDOCK_DK26_HOST");
export const dk20 = fromEnv("dk20", "DRYDOCK_DK20_HOST");
/** Docker 28.5 (BuildKit 0.25), containerd store: the current engine generation. */
export const dk28 = fromEnv("dk28", "DRYDOCK_DK28_HOST");

/** `skip` option for node:test: false when the engine exists, else the reason. */
export function skipWithout(engine: TestEngine | undefined, name = "this engine"): false | string {
  return engine ? false : `${name} is not configured (run tests/engines/up.sh and source engines.env)`;
}

/** A name no earlier test run used, for images and directories. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
