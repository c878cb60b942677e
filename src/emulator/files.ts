import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { bodyForStatus, invalidArgument } from "./wire.js";

/**
 * The Files API as the SDK uses it: a resumable upload (`POST /upload/v1beta/files` with
 * `X-Goog-Upload-Protocol: resumable` and `X-Goog-Upload-Command: start` answers an
 * `x-goog-upload-url`; the bytes follow there in chunks, the last one with `upload, finalize`,
 * answered `x-goog-upload-status: final` and `{file}`), `GET /v1beta/files/{id}` for the
 * metadata and `GET /v1beta/files/{id}:download?alt=media` for the bytes. Batch jobs read their
 * JSONL input here and leave their results here.
 */

export interface StoredFile {
  name: string;
  displayName?: string;
  mimeType: string;
  bytes: Buffer;
  createTime: string;
}

interface OpenUpload {
  mimeType: string;
  displayName?: string;
  size: number;
  chunks: Buffer[];
  received: number;
}

/** Files live 48 h on the service; the emulator keeps them until it stops. */
const LIFETIME_MS = 48 * 3600 * 1000;

export class FileStore {
  private readonly files = new Map<string, StoredFile>();
  private readonly uploads = new Map<string, OpenUpload>();

  /** Whether this request is for the Files API. */
  owns(pathname: string): boolean {
    return pathname.startsWith("/upload/") || /^\/(v1|v1beta)\/files(\/|$)/.test(pathname);
  }

  get(name: string): StoredFile | undefined {
    return this.files.get(name.startsWith("files/") ? name : `files/${name}`);
  }

  /** Keeps bytes the emulator made itself (a batch job's results). */
  put(bytes: Buffer, mimeType: string, displayName?: string): StoredFile {
    const file: StoredFile = { name: `files/${randomBytes(6).toString("hex")}`, mimeType, bytes, createTime: new Date().toISOString(), ...(displayName ? { displayName } : {}) };
    this.files.set(file.name, file);
    return file;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, base: string): Promise<string> {
    if (url.pathname.startsWith("/upload/")) return this.upload(req, res, url, body, base);
    const m = /^\/(?:v1|v1beta)\/files\/([^/:]+)(:download)?$/.exec(url.pathname);
    const file = m ? this.get(m[1]!) : undefined;
    if (!m || req.method !== "GET") {
      sendJson(res, 404, bodyForStatus(404));
      return "no such files method";
    }
    if (!file) {
      sendJson(res, 404, { error: { code: 404, message: `File ${m[1]} not found.`, status: "NOT_FOUND" } });
      return "no such file";
    }
    if (m[2]) {
      res.writeHead(200, { "content-type": file.mimeType, "content-length": file.bytes.length });
      res.end(file.bytes);
      return `download ${file.name} (${file.bytes.length} bytes)`;
    }
    sendJson(res, 200, describe(file));
    return `file ${file.name}`;
  }

  private upload(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer, base: string): string {
    const command = String(req.headers["x-goog-upload-command"] ?? "").toLowerCase();
    const id = url.searchParams.get("upload_id");
    if (!id) {
      if (req.headers["x-goog-upload-protocol"] !== "resumable" || command !== "start") {
        sendJson(res, 400, invalidArgument("Only resumable uploads are accepted here: send X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start."));
        return "not a resumable start";
      }
      let meta: { file?: { mimeType?: string; displayName?: string } } = {};
      try {
        meta = body.length ? (JSON.parse(body.toString("utf8")) as typeof meta) : {};
      } catch {
        sendJson(res, 400, invalidArgument("Invalid JSON payload received."));
        return "bad JSON";
      }
      const mimeType = String(req.headers["x-goog-upload-header-content-type"] ?? meta.file?.mimeType ?? "application/octet-stream");
      const size = Number(req.headers["x-goog-upload-header-content-length"] ?? 0);
      const uploadId = randomBytes(12).toString("base64url");
      this.uploads.set(uploadId, { mimeType, size, chunks: [], received: 0, ...(meta.file?.displayName ? { displayName: meta.file.displayName } : {}) });
      res.writeHead(200, {
        "x-goog-upload-url": `${base}/upload/v1beta/files?upload_id=${uploadId}&upload_protocol=resumable`,
        "x-goog-upload-status": "active",
        "content-length": 0,
      });
      res.end();
      return `upload started (${size} bytes of ${mimeType})`;
    }
    const open = this.uploads.get(id);
    if (!open) {
      sendJson(res, 404, { error: { code: 404, message: "No upload with this id.", status: "NOT_FOUND" } });
      return "unknown upload";
    }
    const offset = Number(req.headers["x-goog-upload-offset"] ?? open.received);
    if (offset !== open.received) {
      sendJson(res, 400, invalidArgument(`Upload offset ${offset} does not match the ${open.received} bytes received.`));
      return "bad offset";
    }
    open.chunks.push(body);
    open.received += body.length;
    if (!command.includes("finalize")) {
      res.writeHead(200, { "x-goog-upload-status": "active", "content-length": 0 });
      res.end();
      return `upload chunk (${open.received} bytes)`;
    }
    this.uploads.delete(id);
    const file = this.put(Buffer.concat(open.chunks), open.mimeType, open.displayName);
    const text = JSON.stringify({ file: describe(file) });
    res.writeHead(200, { "x-goog-upload-status": "final", "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
    return `uploaded ${file.name} (${file.bytes.length} bytes)`;
  }
}

function describe(file: StoredFile): Record<string, unknown> {
  return {
    name: file.name,
    ...(file.displayName ? { displayName: file.displayName } : {}),
    mimeType: file.mimeType,
    sizeBytes: String(file.bytes.length),
    createTime: file.createTime,
    updateTime: file.createTime,
    expirationTime: new Date(Date.parse(file.createTime) + LIFETIME_MS).toISOString(),
    sha256Hash: createHash("sha256").update(file.bytes).digest("base64"),
    uri: `https://generativelanguage.googleapis.com/v1beta/${file.name}`,
    state: "ACTIVE",
    source: "UPLOADED",
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
