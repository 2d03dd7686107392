/**
 * `Secrets/GetSecret`: the engine asks for a secret's value by id when a step
 * mounts it as a file or an env var (and git sources probe auth secrets).
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { SecretsService } from "../proto/moby_buildkit_secrets_v1.gen.ts";
import type { GetSecretRequest, GetSecretResponse } from "../proto/moby_buildkit_secrets_v1.gen.ts";
import { methodDefinition } from "./method.ts";
import type { SessionMethod } from "./session.ts";

/**
 * Serves secret values, resolved before the build starts, by id. An unknown id
 * is answered with NOT_FOUND: the only code (with UNIMPLEMENTED) the engine
 * reads as "no such secret", which optional mounts and git's probing rely on.
 * The method is always served, so even a build that declares no secrets gets a
 * clean "not found" instead of a transport error.
 *
 * @example
 * ```ts
 * import { secretsMethods } from "./secrets_service.ts";
 * const methods = secretsMethods(new Map([["npm_token", new TextEncoder().encode("s3cr3t")]]));
 * ```
 */
export function secretsMethods(values: ReadonlyMap<string, Uint8Array>): SessionMethod[] {
  const handler: grpc.handleUnaryCall<GetSecretRequest, GetSecretResponse> = (call, callback) => {
    const id = call.request.id ?? "";
    const data = values.get(id);
    if (data === undefined) {
      callback({ code: grpc.status.NOT_FOUND, details: `secret ${JSON.stringify(id)} not found` });
      return;
    }
    callback(null, { data });
  };
  return [{
    path: SecretsService.getSecret.path,
    definition: methodDefinition(SecretsService.getSecret),
    handler: handler as grpc.UntypedHandleCall,
  }];
}
