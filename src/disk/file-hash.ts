import { createHash } from "node:crypto";
import { closeSync, readSync } from "node:fs";
import type { RepositoryFolder } from "./repository-path.js";

/**
 * The sha256 of a file, as the lockfile records each output's: read in chunks, so no output sits
 * in memory whole, and only through RepositoryFolder.openRegularSync, so a symlink or a folder
 * leading out of the repository is never read.
 */

/** Read size for hashing: large enough for few calls, small enough that no output sits in memory whole. */
/** The sha256 of bytes about to be written, in the form the lockfile records a file's. */
export function sha256OfBytes(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

export const HASH_CHUNK = 256 * 1024;

/** sha256 (hex) of the `size` bytes of an open file, read through `buffer`. */
export function sha256OfOpenFile(fd: number, size: number, buffer: Buffer = Buffer.allocUnsafe(HASH_CHUNK)): string {
  const hash = createHash("sha256");
  for (let total = 0; total < size; ) {
    const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    total += bytesRead;
  }
  return hash.digest("hex");
}

/**
 * The sha256 of a file of the repository, or undefined when it cannot be read, is not a regular
 * file, or is reached through a symlink leading outside (what is out there is none of its business).
 */
export async function sha256OfFile(file: string, within: RepositoryFolder): Promise<string | undefined> {
  const opened = within.openRegularSync(file);
  if (!opened) return undefined;
  try {
    return sha256OfOpenFile(opened.fd, opened.info.size);
  } catch {
    return undefined;
  } finally {
    closeSync(opened.fd);
  }
}
