import { randomBytes } from "node:crypto";
import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rm, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Every file seedlock writes is written the atomic way: a new temporary file beside it (created
 * with O_EXCL and O_NOFOLLOW, so nothing planted there is written through), then one rename over
 * the old file. Readers never see half a file, a crash leaves the old file or the new one, and a
 * symlink standing at the path is replaced, not followed. Callers check the path first
 * (RepositoryFolder.writeFile does); this module only writes.
 */

export interface AtomicWriteOptions {
  /** Flush the file and then its folder to disk before returning: for the lockfile, which a crash must not lose. */
  durable?: boolean;
  /** Permission bits of a new file (default 0o644). */
  mode?: number;
}

/** `.<name>.<pid>.<random>.tmp` beside `file`: hidden, and naming the process that writes it. */
function temporaryFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

/** The process that was writing `file` through the temporary file `entry` (a name in its folder); undefined when `entry` is no such file. */
export function writerOf(file: string, entry: string): number | undefined {
  const prefix = `.${basename(file)}.`;
  if (!entry.startsWith(prefix) || !entry.endsWith(".tmp")) return undefined;
  const pid = Number(/^(\d+)\./.exec(entry.slice(prefix.length))?.[1]);
  return Number.isInteger(pid) ? pid : undefined;
}

/** Writes `data` to `file` (absolute) through a temporary file and a rename. */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const temporary = temporaryFor(file);
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, options.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    if (options.durable) await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, file);
  } catch (error) {
    // The write's own error is the one worth reporting, not a failed clean-up after it.
    await rm(temporary, { force: true }).catch(() => {});
    throw error;
  }
  if (!options.durable) return;
  // The rename itself is durable only once the folder is flushed; some platforms cannot, which is fine.
  const folder = await open(dirname(file), "r").catch(() => undefined);
  await folder?.sync().catch(() => {});
  await folder?.close();
}

/** The same, synchronously: for answers that must be on disk before anything else runs. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const temporary = temporaryFor(file);
  const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data) : data;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
