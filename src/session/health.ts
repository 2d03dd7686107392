/**
 * `grpc.health.v1.Health/Check`: the engine polls it (every 1 s on Docker 20.10,
 * 5 s on 26.1) and drops the session at the first failure.
 *
 * @module
 */
import type * as grpc from "@grpc/grpc-js";
import { HealthCheckResponse_ServingStatus, HealthService } from "../proto/grpc_health_v1.gen.ts";
import type { HealthCheckRequest, HealthCheckResponse } from "../proto/grpc_health_v1.gen.ts";
import { methodDefinition } from "./method.ts";
import type { SessionMethod } from "./session.ts";

/**
 * The Health method, always answering SERVING.
 *
 * @example
 * ```ts
 * import { Session } from "./session.ts";
 * import { healthMethods } from "./health.ts";
 * new Session({ sharedKey: "k", methods: healthMethods() });
 * ```
 */
export function healthMethods(): SessionMethod[] {
  const handler: grpc.handleUnaryCall<HealthCheckRequest, HealthCheckResponse> = (_call, callback) =>
    callback(null, { status: HealthCheckResponse_ServingStatus.SERVING });
  return [{
    path: HealthService.check.path,
    definition: methodDefinition(HealthService.check),
    handler: handler as grpc.UntypedHandleCall,
  }];
}
