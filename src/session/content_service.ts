/**
 * `containerd.services.content.v1.Content` on the session: BuildKit's `local`
 * cache exporter writes blobs through it and the importer reads them. The
 * store is chosen by the `buildkit-attachable-store-id` header (`local:<dir>`).
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import {
  type AbortRequest,
  type AbortResponse,
  ContentService,
  type InfoRequest,
  type InfoResponse,
  type ReadContentRequest,
  type ReadContentResponse,
  type StatusRequest,
  type StatusResponse,
  WriteAction,
  type WriteContentRequest,
  type WriteContentResponse,
} from "../proto/containerd_services_content_v1.gen.ts";
import { ContentError, type Ingest, type LocalContentStore } from "./content_store.ts";
import { methodDefinition } from "./method.ts";
import type { SessionMethod } from "./session.ts";

const STORE_HEADER = "buildkit-attachable-store-id";

const timestamp = (d: Date) => ({ seconds: BigInt(Math.floor(d.getTime() / 1000)), nanos: 0 });

/**
 * The content methods serving `stores` (by store id, e.g. `local:/abs/dir`).
 *
 * @example
 * ```ts
 * import { contentMethods } from "./content_service.ts";
 * import { LocalContentStore } from "./content_store.ts";
 * const methods = contentMethods(new Map([["local:/tmp/cache", new LocalContentStore("/tmp/cache")]]));
 * ```
 */
export function contentMethods(stores: ReadonlyMap<string, LocalContentStore>): SessionMethod[] {
  if (stores.size === 0) return [];
  const choose = (md: grpc.Metadata): LocalContentStore => {
    const id = String(md.get(STORE_HEADER)[0] ?? "");
    const store = stores.get(id);
    if (!store) throw new ContentError(grpc.status.NOT_FOUND, `unknown store ${JSON.stringify(id)}`);
    return store;
  };
  const fail = (err: unknown): grpc.ServiceError =>
    ({
      code: err instanceof ContentError ? err.grpcCode : grpc.status.UNKNOWN,
      details: err instanceof Error ? err.message : String(err),
    }) as grpc.ServiceError;

  const info: grpc.handleUnaryCall<InfoRequest, InfoResponse> = (call, callback) => {
    try {
      const digest = call.request.digest ?? "";
      const i = choose(call.metadata).info(digest);
      const t = timestamp(i.modified);
      callback(null, { info: { digest, size: BigInt(i.size), createdAt: t, updatedAt: t, labels: {} } });
    } catch (err) {
      callback(fail(err));
    }
  };

  const read: grpc.handleServerStreamingCall<ReadContentRequest, ReadContentResponse> = (call) => {
    try {
      const r = call.request;
      let offset = Number(r.offset ?? 0n);
      for (const data of choose(call.metadata).read(r.digest ?? "", offset, Number(r.size ?? 0n))) {
        call.write({ offset: BigInt(offset), data });
        offset += data.byteLength;
      }
      call.end();
    } catch (err) {
      call.emit("error", fail(err));
    }
  };

  const status: grpc.handleUnaryCall<StatusRequest, StatusResponse> = (call, callback) => {
    // Writes never outlive their stream here, so no ref has a status to resume from.
    callback(
      fail(new ContentError(grpc.status.NOT_FOUND, `no write in progress for ${call.request.ref ?? ""}`)),
    );
  };

  const abort: grpc.handleUnaryCall<AbortRequest, AbortResponse> = (call, callback) => {
    try {
      choose(call.metadata).abort(call.request.ref ?? "");
      callback(null, {});
    } catch (err) {
      callback(fail(err));
    }
  };

  const write: grpc.handleBidiStreamingCall<WriteContentRequest, WriteContentResponse> = (call) => {
    let store: LocalContentStore;
    let ingest: Ingest | undefined;
    let failed = false;
    try {
      store = choose(call.metadata);
    } catch (err) {
      call.emit("error", fail(err));
      return;
    }
    // Events, not `for await`: ending the iteration would destroy the call before its status.
    call.on("data", (req: WriteContentRequest) => {
      if (failed) return;
      try {
        const action = req.action ?? WriteAction.STAT;
        ingest ??= store.begin(req.ref ?? "", req.expected || undefined);
        const data = req.data ?? new Uint8Array();
        if (action !== WriteAction.STAT) store.write(ingest, Number(req.offset ?? 0n), data);
        const base = {
          action,
          startedAt: timestamp(ingest.startedAt),
          updatedAt: timestamp(new Date()),
          offset: BigInt(ingest.offset),
          total: req.total ?? 0n,
        };
        if (action === WriteAction.COMMIT) {
          const digest = store.commit(ingest, Number(req.total ?? 0n), req.expected || undefined);
          call.write({ ...base, digest });
          ingest = undefined;
        } else call.write(base);
      } catch (err) {
        failed = true;
        if (ingest) store.abort(ingest.ref);
        call.emit("error", fail(err));
      }
    });
    call.on("end", () => {
      if (ingest) store.abort(ingest.ref);
      if (!failed) call.end();
    });
  };

  const entries = [
    [ContentService.info, info],
    [ContentService.read, read],
    [ContentService.status, status],
    [ContentService.write, write],
    [ContentService.abort, abort],
  ] as const;
  return entries.map(([m, handler]) => ({
    path: m.path,
    definition: methodDefinition(m as Parameters<typeof methodDefinition>[0]),
    handler: handler as grpc.UntypedHandleCall,
  }));
}
