import { closeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { sha256OfOpenFile } from "../disk/file-hash.js";
import { OUTPUT_HASHES, writeSeedlockIgnore } from "../disk/folders.js";
import { RepositoryFolder } from "../disk/repository-path.js";

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
    return join(dirname(manifestFile), OUTPUT_HASHES);
  }

  /**
   * sha256 of the file at `absolute` (cached under `key`), or undefined when it is missing,
   * unreadable, a symlink, or in a folder that leads out of `within` (the repository).
   */
  sha256(absolute: string, key: string, buffer: Buffer, within: RepositoryFolder): string | undefined {
    const opened = within.openRegularSync(absolute);
    if (!opened) return undefined;
    const { fd, info } = opened;
    let sha: string;
    try {
      const known = this.entries.get(key);
      if (known && known[0] === info.size && known[1] === info.mtimeMs && known[2] === info.ctimeMs && known[3] === info.ino) return known[4];
      sha = sha256OfOpenFile(fd, info.size, buffer);
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
    const known = this.entries.get(key);
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
    // .seedlock/ sits beside the manifest: its real place must stay in the manifest's folder.
    const within = new RepositoryFolder(dirname(directory));
    try {
      await within.writeFile(this.file, JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) }));
      await writeSeedlockIgnore(within, directory).catch(() => {});
      this.dirty = false;
    } catch {
      // Losing the cache only costs time.
    }
  }
}
