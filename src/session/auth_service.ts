/**
 * `Auth/Credentials`: the engine asks for registry credentials per host when it
 * pulls or pushes images and imports or exports registry caches.
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { AuthService } from "../proto/moby_filesync_v1.gen.ts";
import type { CredentialsRequest, CredentialsResponse } from "../proto/moby_filesync_v1.gen.ts";
import { methodDefinition } from "./method.ts";
import type { RegistryCredentialStore } from "./registry_credentials.ts";
import type { SessionMethod } from "./session.ts";

/**
 * Serves Credentials from `store`. A host without credentials gets an empty
 * answer (anonymous access). The token-authority methods (GetTokenAuthority,
 * FetchToken) are not served: their UNIMPLEMENTED makes the engine fetch
 * registry tokens itself with these credentials, as with a Docker CLI that has
 * no token authority.
 *
 * @example
 * ```ts
 * import process from "node:process";
 * import { authMethods } from "./auth_service.ts";
 * import { RegistryCredentialStore } from "./registry_credentials.ts";
 * const methods = authMethods(new RegistryCredentialStore({ env: process.env }));
 * ```
 */
export function authMethods(store: RegistryCredentialStore): SessionMethod[] {
  const handler: grpc.handleUnaryCall<CredentialsRequest, CredentialsResponse> = (call, callback) => {
    store.get(call.request.host ?? "").then(
      (found) => callback(null, found ? { username: found.username, secret: found.secret } : {}),
      (err: Error) => callback({ code: grpc.status.UNAVAILABLE, details: err.message }),
    );
  };
  return [{
    path: AuthService.credentials.path,
    definition: methodDefinition(AuthService.credentials),
    handler: handler as grpc.UntypedHandleCall,
  }];
}
