// FileSync/DiffCopy served by grpc-js over a real HTTP/2 connection, received by a grpc-js client:
// the messages we write straight onto the HTTP/2 stream must be what any gRPC peer can read.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as grpc from "@grpc/grpc-js";
import { mkdir, writeFile } from "node:fs/promises";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileSyncService } from "../proto/moby_filesync_v1.gen.ts";
import { type Packet, Packet_PacketType as T } from "../proto/fsutil_types.gen.ts";
import { methodDefinition } from "./method.ts";
import { sendTree } from "./filesync.ts";
import { packetSenderChannel, writesDirectly } from "./grpc_packet_channel.ts";

let root: string;
let server: grpc.Server;
let client: grpc.Client;
let direct: boolean[] = [];
const contents = new Map<string, Uint8Array>();

before(async () => {
  root = mkdtempSync(join(tmpdir(), "drydock-filesync-"));
  await mkdir(join(root, "many"));
  for (let i = 0; i < 300; i++) {
    const bytes = new TextEncoder().encode(`file ${i}\n`.repeat(i % 5));
    contents.set(`many/f${String(i).padStart(3, "0")}`, bytes);
  }
  // Larger than a DATA chunk on any runtime, with a pattern that shows misplaced bytes.
  contents.set(
    "big.bin",
    Uint8Array.from({ length: 2 * 1024 * 1024 + 123 }, (_, i) => (i * 7 + (i >> 12)) & 0xff),
  );
  for (const [path, bytes] of contents) await writeFile(join(root, path), bytes);

  const method = methodDefinition(FileSyncService.diffCopy);
  server = new grpc.Server();
  server.addService({ diffCopy: method }, {
    diffCopy: (call: grpc.ServerDuplexStream<Packet, Packet>) => {
      const channel = packetSenderChannel(call);
      direct.push(writesDirectly(channel));
      sendTree(channel, root).catch((e: Error) =>
        call.emit("error", { code: grpc.status.UNKNOWN, details: e.message })
      );
    },
  } as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (e, p) => (e ? reject(e) : resolve(p)),
    )
  );
  client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});

after(() => {
  client?.close();
  server?.forceShutdown();
  rmSync(root, { recursive: true, force: true });
});

/** Receives the whole tree like the engine does: REQ every file, collect DATA, FIN at the end. */
async function receiveAll(): Promise<Map<string, Uint8Array>> {
  const method = methodDefinition(FileSyncService.diffCopy);
  const call = client.makeBidiStreamRequest(
    method.path,
    method.requestSerialize as (p: Packet) => Buffer,
    method.responseDeserialize as (b: Buffer) => Packet,
  );
  const paths = new Map<number, string>();
  const received = new Map<string, Uint8Array[]>();
  let id = 0;
  let open = 0;
  let listed = false;
  const finish = () => call.write({ type: T.PACKET_FIN });
  for await (const p of call as AsyncIterable<Packet>) {
    if (p.type === T.PACKET_STAT) {
      if (p.stat === undefined) {
        listed = true;
        if (open === 0) finish();
      } else {
        if (((p.stat.mode ?? 0) & 0x80000000) !== 0) {
          id++; // a directory (Go's ModeDir): listed, never requested
          continue;
        }
        paths.set(id, p.stat.path!);
        received.set(p.stat.path!, []);
        open++;
        call.write({ type: T.PACKET_REQ, id: id++ });
      }
    } else if (p.type === T.PACKET_DATA) {
      if (p.data !== undefined && p.data.length > 0) received.get(paths.get(p.id ?? 0)!)!.push(p.data);
      else if (--open === 0 && listed) finish();
    } else if (p.type === T.PACKET_FIN) {
      call.end();
    } else {
      throw new Error(`unexpected packet ${JSON.stringify(p)}`);
    }
  }
  return new Map([...received].map(([path, parts]) => [path, Buffer.concat(parts)]));
}

describe("FileSync/DiffCopy over grpc-js", () => {
  test("a grpc-js client receives every file intact from the direct HTTP/2 writes", async () => {
    direct = [];
    const got = await receiveAll();
    assert.deepEqual(direct, [true], "packetSenderChannel() wrote the HTTP/2 stream directly");
    assert.deepEqual([...got.keys()].sort(), [...contents.keys()].sort());
    for (const [path, bytes] of contents) {
      assert.ok(Buffer.from(bytes).equals(Buffer.from(got.get(path)!)), `${path} differs`);
    }
  });
});
