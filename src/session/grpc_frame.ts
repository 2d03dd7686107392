/**
 * gRPC length-prefixed messages built straight from fsutil packets, for writing them on an HTTP/2 stream
 * without grpc-js's per-message path.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { Packet, Packet_PacketType as T } from "../proto/fsutil_types.gen.ts";

/** gRPC's message prefix: a compression flag byte and a big-endian 32-bit length. */
const PREFIX_BYTES = 5;
/** Room for the prefix and the longest DATA header (type, a 5-byte ID and a 5-byte length). */
const HEADROOM = PREFIX_BYTES + 2 + 6 + 6;
/**
 * Where {@link allocDataBuffer} views start, by buffer: the bytes before each are ours to write the frame
 * header into. A buffer of its own holds one view; a slab holds many small ones.
 */
const viewOffsetsByBuffer = new WeakMap<ArrayBufferLike, number | Set<number>>();

/**
 * Up to this many bytes, views are carved from a shared slab: a fresh ArrayBuffer per small file (50,000
 * of them for 50,000 files) cost more CPU than reading the file. Slabs are not recycled; the collector
 * frees one once every message in it was written.
 */
const SLAB_VIEW_BYTES = 64 * 1024 + 1;
const SLAB_BYTES = 256 * 1024;
let slab: ArrayBuffer | undefined;
let slabUsed = 0;

/**
 * A buffer for `length` bytes of file content that {@link grpcFrame} turns into a DATA message without
 * copying it: the message header is written into spare bytes just before it. Fill it, then pass it (or a
 * `subarray(0, n)` of it) as a DATA packet's `data`.
 *
 * @example
 * ```ts
 * import { allocDataBuffer, grpcFrame } from "./grpc_frame.ts";
 * const data = allocDataBuffer(3);
 * data.set([1, 2, 3]);
 * grpcFrame({ type: 2, id: 5, data }).length; // 5 + 4 + 2 + 3
 * ```
 */
export function allocDataBuffer(length: number): Uint8Array {
  if (length <= SLAB_VIEW_BYTES) return slabView(length);
  const index = freeBuffers.findIndex((b) => b.byteLength >= HEADROOM + length);
  const buffer = index >= 0 ? freeBuffers.splice(index, 1)[0] : new ArrayBuffer(HEADROOM + length);
  viewOffsetsByBuffer.set(buffer, HEADROOM);
  return new Uint8Array(buffer, HEADROOM, length);
}

function slabView(length: number): Uint8Array {
  if (slab === undefined || slabUsed + HEADROOM + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
    viewOffsetsByBuffer.set(slab, new Set());
  }
  const offset = slabUsed + HEADROOM;
  slabUsed = offset + length;
  (viewOffsetsByBuffer.get(slab) as Set<number>).add(offset);
  return new Uint8Array(slab, offset, length);
}

/** Buffers of {@link allocDataBuffer} views given back; at most a few, so at most a few MiB. */
const freeBuffers: ArrayBufferLike[] = [];
const MAX_FREE_BUFFERS = 8;

/**
 * Gives the memory of a DATA message made in place by {@link grpcFrame} back to {@link allocDataBuffer},
 * once nothing reads the message any more (its write was called back). Reusing it keeps memory flat:
 * collectors let hundreds of MiB of dead 1 MiB buffers pile up before freeing them. Other frames (and
 * small ones, which share slabs) are ignored.
 *
 * @example
 * ```ts
 * import { allocDataBuffer, grpcFrame, recycleFrame } from "./grpc_frame.ts";
 * const data = allocDataBuffer(100_000);
 * const frame = grpcFrame({ type: 2, id: 1, data });
 * // ... write `frame`, and when its write is called back:
 * recycleFrame(frame);
 * allocDataBuffer(100_000).buffer === data.buffer; // true: the same memory again
 * ```
 */
export function recycleFrame(frame: Uint8Array): void {
  const buffer = frame.buffer;
  if (typeof viewOffsetsByBuffer.get(buffer) !== "number" || freeBuffers.includes(buffer)) return;
  if (freeBuffers.length >= MAX_FREE_BUFFERS) freeBuffers.shift(); // keep the most recent
  freeBuffers.push(buffer);
}

/**
 * One gRPC message (prefix + protobuf `Packet`) in one fresh buffer. DATA packets, which carry file
 * contents, are encoded by hand so their bytes are copied once (protobufjs and then grpc-js would copy
 * them twice); the bytes are identical to `Packet.encode`.
 *
 * @example
 * ```ts
 * import { grpcFrame } from "./grpc_frame.ts";
 * grpcFrame({ type: 2, id: 1, data: new Uint8Array([7]) }); // [0, 0,0,0,7, 8,2, 24,1, 34,1,7]
 * ```
 */
export function grpcFrame(packet: Packet): Uint8Array {
  if (packet.type === T.PACKET_DATA && packet.stat === undefined) {
    return dataFrame(packet.id ?? 0, packet.data);
  }
  const body = Packet.encode(packet).finish();
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + body.length);
  frame[0] = 0;
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, PREFIX_BYTES);
  return frame;
}

function dataFrame(id: number, data: Uint8Array | undefined): Uint8Array {
  const dataLength = data?.length ?? 0;
  // Field 1 (type) = DATA; field 3 (ID) unless 0; field 4 (data) unless empty, as Packet.encode writes them.
  const header = 2 + (id !== 0 ? 1 + varintLength(id) : 0) +
    (dataLength > 0 ? 1 + varintLength(dataLength) : 0);
  const inPlace = data !== undefined && dataLength > 0 && hasHeadroom(data);
  const frame = inPlace
    ? Buffer.from(data.buffer, data.byteOffset - PREFIX_BYTES - header, PREFIX_BYTES + header + dataLength)
    : Buffer.allocUnsafe(PREFIX_BYTES + header + dataLength);
  frame[0] = 0;
  frame.writeUInt32BE(header + dataLength, 1);
  let at = PREFIX_BYTES;
  frame[at++] = 0x08;
  frame[at++] = T.PACKET_DATA;
  if (id !== 0) {
    frame[at++] = 0x18;
    at = writeVarint(frame, at, id);
  }
  if (dataLength > 0) {
    frame[at++] = 0x22;
    at = writeVarint(frame, at, dataLength);
    if (!inPlace) frame.set(data!, at);
  }
  return frame;
}

/** Whether `data` is (a prefix of) a view from {@link allocDataBuffer}. */
function hasHeadroom(data: Uint8Array): boolean {
  if (data.byteOffset < HEADROOM) return false;
  // subarray(0, n) of a registered view shares its buffer and offset; check the view it came from.
  const offsets = viewOffsetsByBuffer.get(data.buffer);
  return offsets === data.byteOffset || (typeof offsets === "object" && offsets.has(data.byteOffset));
}

function varintLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}

function writeVarint(buffer: Uint8Array, at: number, n: number): number {
  while (n >= 0x80) {
    buffer[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buffer[at++] = n;
  return at;
}
