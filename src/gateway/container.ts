/**
 * A container the engine runs on solved filesystems (`LLBBridge.NewContainer`),
 * its processes, and its release.
 *
 * @module
 */
import { DrydockError } from "../core/errors.ts";
import { randomBytes } from "node:crypto";
import { LLBBridgeService, type NewContainerRequest } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type { InitMessage } from "../proto/moby_buildkit_v1_frontend.gen.ts";
import type { CallOptions, RpcClient } from "../transport/rpc.ts";
import { ContainerProcess } from "./container_process.ts";
import type { ExecStream } from "./exec_stream.ts";

/** What a new container is made of: its mounts (results by id), network, platform, hostname. */
export type ContainerRequest = Omit<NewContainerRequest, "containerID">;

/**
 * One container in the engine. Start processes in it; release it when done
 * (releasing twice is harmless).
 *
 * @example
 * ```ts
 * import { GatewayContainer } from "./container.ts";
 * // const ctr = await GatewayContainer.create(rpc, bridge, stream, { mounts: [{ dest: "/", resultID: ref, mountType: 0, output: -1n }] });
 * // const proc = await ctr.start({ meta: { args: ["ls", "/"], cwd: "/" }, fds: [1, 2] });
 * // await proc.exit; await ctr.release();
 * ```
 */
export class GatewayContainer {
  #released: Promise<void> | undefined;
  #processes = 0;

  private constructor(
    readonly id: string,
    readonly rpc: RpcClient,
    readonly call: CallOptions,
    readonly stream: ExecStream,
  ) {}

  /** Asks the engine for a container; fails with the engine's reason. */
  static async create(
    rpc: RpcClient,
    call: CallOptions,
    stream: ExecStream,
    request: ContainerRequest,
  ): Promise<GatewayContainer> {
    // The engine takes letters and digits only.
    const id = `drydock${randomBytes(12).toString("hex")}`;
    await rpc.unary(LLBBridgeService.newContainer, { ...request, containerID: id }, call);
    return new GatewayContainer(id, rpc, call, stream);
  }

  /** Starts a process; resolves once the engine says it started. */
  start(
    init: Omit<InitMessage, "containerID">,
    options: { onOutput?: (fd: number, data: Uint8Array) => void } = {},
  ): Promise<ContainerProcess> {
    if (this.#released) {
      return Promise.reject(new DrydockError("E_CONTAINER", `container ${this.id} was released`));
    }
    const pid = `${this.id}:${++this.#processes}`;
    return ContainerProcess.start(this.stream, pid, { ...init, containerID: this.id }, options);
  }

  /** Stops every process and removes the container from the engine. */
  release(): Promise<void> {
    // Released even when the build is being cancelled: the call must not carry the build's signal.
    this.#released ??= this.rpc.unary(
      LLBBridgeService.releaseContainer,
      { containerID: this.id },
      { metadata: this.call.metadata, timeoutMs: 30_000 },
    ).then(() => {});
    return this.#released;
  }
}
