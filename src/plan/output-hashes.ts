import { createHash, randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { mkdir, open, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { writeSeedlockIgnore } from "../pipeline/draft.js";

/** Read size for hashing: large enough for few calls, small enough that no output sits in memory whole. */
export const HASH_CHUNK = 256 * 1024;

/**
 * Hex sha256 of a file, read in chunks through `buffer`, or undefined when it cannot be read.
 * Pass a buffer to reuse it across thousands of files.
 */
export async function sha256File(path: string, buffer: Buffer = Buffer.allocUnsafe(HASH_CHUNK)): Promise<string | undefined> {
  const hash = createHash("sha256");
  let handle;
  try {
    handle = await open(path, "r");
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
  return hash.digest("hex");
}

/**
 * The same, read synchronously: for thousands of small files already in the page cache, a plain
 * system call per step costs a fraction of an asynchronous round trip through libuv's pool.
 */
export function sha256FileSync(path: string, buffer: Buffer = Buffer.allocUnsafe(HASH_CHUNK), size = Infinity): string | undefined {
  const hash = createHash("sha256");
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    // Knowing the size saves the last read that would only say "end of file".
    for (let total = 0; total < size; ) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      total += bytesRead;
    }
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return hash.digest("hex");
}

/** [size, mtimeMs, ctimeMs, inode, sha256] */
type Entry = [number, number, number, number, string];

/** A file modified this recently may change again within its mtime's resolution; its hash is not kept. */
const SETTLE_MS = 2000;

/**
 * A cache of output hashes keyed by path and the file's stat (size, mtime, ctime, inode), the way
 * git's index avoids re-reading unchanged files: a second `plan` in the same checkout hashes only
 * what changed. A fresh checkout has no cache and hashes everything. Kept in `.seedlock/` beside
 * the manifest (ignored by git through its own .gitignore); losing it only costs time.
 */
export class OutputHashes {
  private dirty = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly entries: Map<string, Entry>,
  ) {}

  /** Opens the cache at `file`; a missing or unreadable cache is an empty one. `undefined`: no cache. */
  static async open(file: string | undefined): Promise<OutputHashes> {
    const entries = new Map<string, Entry>();
    if (file) {
      try {
        const saved = JSON.parse(await readFile(file, "utf8")) as { version?: number; entries?: Record<string, Entry> };
        if (saved.version === 1 && saved.entries) for (const [path, entry] of Object.entries(saved.entries)) entries.set(path, entry);
      } catch {
        // No cache yet, or a damaged one: start empty.
      }
    }
    return new OutputHashes(file, entries);
  }

  /** The cache file for a manifest: `.seedlock/output-hashes.json` beside it. */
  static beside(manifestFile: string): string {
    return join(dirname(manifestFile), ".seedlock", "output-hashes.json");
  }

  /** sha256 of the file at `absolute` (cached under `key`), or undefined when it is missing or unreadable. */
  sha256(absolute: string, key: string, buffer: Buffer): string | undefined {
    const info = statSync(absolute, { throwIfNoEntry: false });
    if (!info?.isFile()) return undefined;
    const known = this.entries.get(key);
    if (known && known[0] === info.size && known[1] === info.mtimeMs && known[2] === info.ctimeMs && known[3] === info.ino) return known[4];
    const sha = sha256FileSync(absolute, buffer, info.size);
    if (sha === undefined) return undefined;
    if (this.file && Date.now() - info.mtimeMs > SETTLE_MS) {
      this.entries.set(key, [info.size, info.mtimeMs, info.ctimeMs, info.ino, sha]);
      this.dirty = true;
    } else if (known) {
      this.entries.delete(key);
      this.dirty = true;
    }
    return sha;
  }

  /** Writes the cache if it changed; atomically, and silently giving up where it cannot write. */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    const directory = dirname(this.file);
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await mkdir(directory, { recursive: true });
      await writeSeedlockIgnore(directory).catch(() => {});
      await writeFile(temporary, JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) }));
      await rename(temporary, this.file);
      this.dirty = false;
    } catch {
      await unlink(temporary).catch(() => {});
    }
  }
}
