/**
 * Reading an engine's error message for what a user needs first: the exit code of a command, the path a copy
 * did not find, the image that could not be resolved, the secret that was not provided.
 *
 * @module
 */

/** What a failure means, in a short phrase. */
export interface FailureHint {
  /** E.g. `exited with code 3`, `source path /src does not exist`. */
  readonly summary: string;
  /** The process's exit code, for a failed `run`. */
  readonly exitCode?: number;
}

/**
 * Explains an engine error message. Messages of BuildKit v0.8 (Docker 20.10) and v0.13 (Docker 26) are known;
 * anything else is returned as it is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainFailure } from "./failure_hint.ts";
 *
 * assert.deepEqual(
 *   explainFailure('process "/bin/sh -c exit 3" did not complete successfully: exit code: 3'),
 *   { summary: "exited with code 3", exitCode: 3 },
 * );
 * assert.equal(explainFailure("failed to load cache key: localhost:5000/app:1: not found").summary,
 *   "image localhost:5000/app:1 not found");
 * ```
 */
export function explainFailure(message: string): FailureHint {
  const exit = /exit code: (\d+)/.exec(message);
  if (exit) return { summary: `exited with code ${exit[1]}`, exitCode: Number(exit[1]) };

  // v0.8 and v0.13 walk the source and report the engine's own mount path; keep the part inside the mount.
  const walked = /lstat \S*?(?:buildkit-mount\d+|\/merged|\/diff)(\/[^:]*): no such file or directory/.exec(
    message,
  );
  if (walked) return { summary: `source path ${walked[1]} does not exist` };
  const checksum = /failed to calculate checksum of ref [^:]+(?:::[^:]+)?: "([^"]+)": not found/.exec(
    message,
  );
  if (checksum) return { summary: `source path ${checksum[1]} does not exist` };

  // v0.13: "secret <id>: not found"; v0.8: "secret <id> not found: not found".
  const secret = /secret ([^\s:]+):? not found/i.exec(message);
  if (secret) return { summary: `secret "${secret[1]}" was not provided` };

  const image =
    /(?:failed to load cache key|failed to resolve source metadata for|resolve)[^:]*: (\S+?): not found/
      .exec(message) ?? /^(\S+): not found$/.exec(message);
  if (image) return { summary: `image ${image[1]} not found` };
  if (/pull access denied|insufficient_scope|401 Unauthorized|authorization failed/i.test(message)) {
    return { summary: "access to the image was denied (is the name right, and are you logged in?)" };
  }
  if (/invalid reference format|failed to parse .*reference/i.test(message)) {
    return { summary: "the image reference is not valid" };
  }
  return { summary: message };
}
