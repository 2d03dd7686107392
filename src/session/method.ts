/**
 * Generated method descriptors as grpc-js server method definitions.
 *
 * @module
 */
import type * as grpc from "@grpc/grpc-js";
import type { MethodDescriptor } from "../proto/runtime.gen.ts";
import { codecs } from "../transport/rpc.ts";

/**
 * The grpc-js definition of a method, using our generated codecs.
 *
 * @example
 * ```ts
 * import { methodDefinition } from "./method.ts";
 * import { HealthService } from "../proto/grpc_health_v1.gen.ts";
 * methodDefinition(HealthService.check).path; // "/grpc.health.v1.Health/Check"
 * ```
 */
export function methodDefinition<Req, Res>(
  m: MethodDescriptor<Req, Res>,
): grpc.MethodDefinition<unknown, unknown> {
  const c = codecs(m);
  return {
    path: m.path,
    requestStream: m.requestStream,
    responseStream: m.responseStream,
    requestSerialize: c.serializeRequest as (v: unknown) => Buffer,
    requestDeserialize: c.deserializeRequest,
    responseSerialize: c.serializeResponse as (v: unknown) => Buffer,
    responseDeserialize: c.deserializeResponse,
  };
}
