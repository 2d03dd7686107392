/**
 * `load: true` on a standalone BuildKit: the engine's `docker` exporter streams a `docker load` tarball
 * over the session, and this sink forwards it, chunk by chunk, as the body of Docker Engine's
 * `POST /images/load`. Nothing is written to disk; the engine's own progress shows the transfer.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import { Writable } from "node:stream";
import { DrydockError } from "../core/errors.ts";
import type { EngineAddress } from "../transport/address.ts";
import { dial } from "../transport/dial.ts";
import { parseResponse } from "../transport/docker_api.ts";

/** What Docker loaded. */
export interface LoadResult {
  /** `Loaded image: …` names, as Docker reports them. */
  readonly images: readonly string[];
  /** The Docker Engine the images went into, e.g. `unix:///var/run/docker.sock`. */
  readonly into: string;
}

/**
 * A writable that loads the tarball written to it into a Docker Engine. The connection opens on the first
 * chunk; `end()` finishes the upload and `result` settles with Docker's answer.
 *
 * @example
 * ```ts
 * import { DockerLoadSink } from "./docker_load.ts";
 * import { discoverEngine } from "../transport/discover.ts";
 * const sink = new DockerLoadSink(discoverEngine({ DOCKER_HOST: "unix:///var/run/docker.sock" }));
 * // the docker exporter's stream is piped in; then: sink.end(); const { images } = await sink.result;
 * ```
 */
export class DockerLoadSink extends Writable {
  readonly result: Promise<LoadResult>;
  readonly #target: EngineAddress;
  readonly #signal: AbortSignal | undefined;
  #socket: Promise<Socket> | undefined;
  #settle!: { resolve: (r: LoadResult) => void; reject: (e: Error) => void };
  readonly #answer: Buffer[] = [];
  #ended: Promise<void> | undefined;

  constructor(target: EngineAddress, signal?: AbortSignal) {
    super();
    this.#target = target;
    this.#signal = signal;
    this.result = new Promise((resolve, reject) => this.#settle = { resolve, reject });
    // Awaited by the caller after the build; a failed build destroys the sink and nobody awaits it.
    this.result.catch(() => {});
  }

  #open(): Promise<Socket> {
    this.#socket ??= dial(this.#target.socket, this.#target.tls, this.#signal).then((socket) => {
      this.#ended = new Promise((resolve, reject) => {
        socket.on("data", (c: Buffer) => this.#answer.push(c));
        socket.once("end", () => resolve());
        socket.once("close", () => resolve());
        socket.once("error", reject);
      });
      socket.write(
        [
          "POST /images/load HTTP/1.1",
          "Host: api.moby.localhost",
          "Content-Type: application/x-tar",
          "Transfer-Encoding: chunked",
          "Connection: close",
          "",
          "",
        ].join("\r\n"),
      );
      return socket;
    });
    return this.#socket;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#open().then((socket) => {
      const framed = Buffer.concat([
        Buffer.from(`${chunk.length.toString(16)}\r\n`),
        chunk,
        Buffer.from("\r\n"),
      ]);
      if (socket.write(framed)) callback();
      else socket.once("drain", () => callback());
    }, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#open().then(async (socket) => {
      socket.write("0\r\n\r\n");
      await this.#ended;
      const answer = this.#read();
      this.#settle.resolve(answer);
      callback();
    }).catch((err: Error) => {
      this.#settle.reject(err);
      callback(err);
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#settle.reject(error ?? new DrydockError("E_TRANSFER", "the image load was abandoned"));
    this.#socket?.then((s) => s.destroy(), () => {});
    callback(error);
  }

  #read(): LoadResult {
    const res = parseResponse(Buffer.concat(this.#answer));
    const into = this.#target.text;
    if (res.status !== 200) {
      throw new DrydockError(
        "E_TRANSFER",
        `loading the image into Docker at ${into}: HTTP ${res.status}: ${res.body}`,
      );
    }
    const images: string[] = [];
    // One JSON message per line; an error arrives inside a 200 answer.
    for (const line of res.body.split("\n")) {
      if (!line.trim()) continue;
      let msg: { stream?: string; error?: string; errorDetail?: { message?: string } };
      try {
        msg = JSON.parse(line);
      } catch {
        continue;
      }
      const error = msg.errorDetail?.message ?? msg.error;
      if (error) throw new DrydockError("E_TRANSFER", `loading the image into Docker at ${into}: ${error}`);
      const loaded = /^Loaded image(?: ID)?: (.+)$/.exec(msg.stream?.trim() ?? "");
      if (loaded) images.push(loaded[1]);
    }
    return { images, into };
  }
}
