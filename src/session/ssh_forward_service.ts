/**
 * `SSH/CheckAgent` and `SSH/ForwardAgent`: ssh mounts in the build reach an
 * ssh-agent on this machine. Every connection a step makes to its agent socket
 * becomes one ForwardAgent stream, which we splice onto a fresh connection to
 * the agent's unix socket.
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import type { Buffer } from "node:buffer";
import { connect } from "node:net";
import { SSHService } from "../proto/moby_sshforward_v1.gen.ts";
import type { BytesMessage, CheckAgentRequest, CheckAgentResponse } from "../proto/moby_sshforward_v1.gen.ts";
import { failCall } from "./grpc_packet_channel.ts";
import { methodDefinition } from "./method.ts";
import type { SessionMethod } from "./session.ts";

/** The id an ssh mount uses when it names none. */
export const DEFAULT_SSH_ID = "default";

// The engine names the agent of a ForwardAgent stream in this metadata key.
const SSH_ID_KEY = "buildkit.ssh.id";

/**
 * Serves ssh-agent forwarding for the given agents (unix socket paths, by id).
 * An unknown id fails CheckAgent, which skips optional mounts and fails
 * required ones with the engine's message.
 *
 * @example
 * ```ts
 * import { sshForwardMethods } from "./ssh_forward_service.ts";
 * const methods = sshForwardMethods(new Map([["default", "/run/user/1000/ssh-agent.sock"]]));
 * ```
 */
export function sshForwardMethods(agents: ReadonlyMap<string, string>): SessionMethod[] {
  const check: grpc.handleUnaryCall<CheckAgentRequest, CheckAgentResponse> = (call, callback) => {
    const id = call.request.id || DEFAULT_SSH_ID;
    if (agents.has(id)) callback(null, {});
    else callback({ code: grpc.status.NOT_FOUND, details: unknownAgent(id, agents) });
  };
  const forward: grpc.handleBidiStreamingCall<BytesMessage, BytesMessage> = (call) => {
    const id = String(call.metadata.get(SSH_ID_KEY)[0] || DEFAULT_SSH_ID);
    const socketPath = agents.get(id);
    if (socketPath === undefined) {
      failCall(call, grpc.status.NOT_FOUND, unknownAgent(id, agents));
      return;
    }
    spliceAgent(call, socketPath, id);
  };
  return [
    {
      path: SSHService.checkAgent.path,
      definition: methodDefinition(SSHService.checkAgent),
      handler: check as grpc.UntypedHandleCall,
    },
    {
      path: SSHService.forwardAgent.path,
      definition: methodDefinition(SSHService.forwardAgent),
      handler: forward as grpc.UntypedHandleCall,
    },
  ];
}

function unknownAgent(id: string, agents: ReadonlyMap<string, string>): string {
  const known = [...agents.keys()];
  return `no ssh agent with id ${JSON.stringify(id)} was given to this build` +
    (known.length ? ` (ids: ${known.join(", ")})` : "");
}

// Bytes flow both ways with backpressure; each side's end half-closes the other,
// as the agent protocol is request/response and either side may finish first.
function spliceAgent(
  call: grpc.ServerDuplexStream<BytesMessage, BytesMessage>,
  socketPath: string,
  id: string,
): void {
  const socket = connect(socketPath);
  let finished = false;
  const fail = (message: string) => {
    if (finished) return;
    finished = true;
    socket.destroy();
    failCall(call, grpc.status.UNAVAILABLE, message);
  };
  socket.on("error", (err) => fail(`ssh agent ${JSON.stringify(id)}: ${err.message}`));
  socket.on("data", (chunk: Buffer) => {
    if (!call.write({ data: chunk })) {
      socket.pause();
      call.once("drain", () => socket.resume());
    }
  });
  socket.on("end", () => {
    if (!finished) call.end();
  });
  socket.on("close", () => {
    finished = true;
  });
  call.on("data", (message: BytesMessage) => {
    if (!message.data?.length) return;
    if (!socket.write(message.data)) {
      call.pause();
      socket.once("drain", () => call.resume());
    }
  });
  call.on("end", () => socket.end());
  call.on("cancelled", () => {
    finished = true;
    socket.destroy();
  });
  call.on("error", () => {
    finished = true;
    socket.destroy();
  });
}
