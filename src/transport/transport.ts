/**
 * What the build layer needs from a connection to an engine.
 *
 * @module
 */
import type { Duplex } from "node:stream";
import type { RpcClient } from "./rpc.ts";
import type { DockerApiResponse } from "./docker_api.ts";

/** A connection to one engine: typed RPCs for the Control API and LLBBridge, and a way to attach sessions. */
export interface Transport {
  /** `docker` for Docker's embedded BuildKit, `buildkitd` for a standalone one. */
  readonly engine: "docker" | "buildkitd";
  /** The address, for messages: `unix:///var/run/docker.sock`. */
  readonly address: string;
  /** gRPC to the Control API and LLBBridge. */
  readonly rpc: RpcClient;
  /** Checks the engine answers; rejects with a reason otherwise. */
  ping(signal?: AbortSignal): Promise<void>;
  /**
   * Opens the byte stream a session runs on: the engine speaks HTTP/2 as the
   * client on it, and we serve the session's gRPC services.
   */
  openSession(headers: Record<string, string | readonly string[]>, signal?: AbortSignal): Promise<Duplex>;
  /** Docker only: one Engine API request (e.g. pushing an image from Docker's store). */
  dockerApi?(
    method: string,
    path: string,
    headers?: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<DockerApiResponse>;
  /** Closes every connection and removes anything created locally. */
  close(): Promise<void>;
}
