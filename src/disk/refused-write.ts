import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { displayPathFor, RepositoryFolder } from "./repository-path.js";
import { WriteRefusedError } from "../errors.js";
import { inOrder } from "../in-order.js";

/**
 * What the disk refused, in the user's words: which path, why (a file where a folder should be,
 * no space, no permission) and what to do. Errors that do not come from the file system stay
 * faults. Folders are probed before the first paid call, so most refusals cost nothing.
 */

type Fix = (shown: string, folder: string, blocker: string | undefined) => string;

const REFUSALS: Record<string, { reason: string; fix: Fix }> = {
  EEXIST: { reason: "a file stands where a folder should be", fix: (_, __, blocker) => (blocker ? `move or delete ${blocker}` : "move the file that stands in the way") },
  ENOTDIR: { reason: "a file stands where a folder should be", fix: (_, __, blocker) => (blocker ? `move or delete ${blocker}` : "move the file that stands in the way") },
  EISDIR: { reason: "a folder stands where a file should be", fix: (shown) => `move or delete the folder ${shown}` },
  EACCES: { reason: "permission denied", fix: (_, folder) => `make ${folder} writable for the user running seedlock` },
  EPERM: { reason: "permission denied", fix: (_, folder) => `make ${folder} writable for the user running seedlock` },
  EROFS: { reason: "the file system is read-only", fix: () => "run seedlock in a writable checkout" },
  ENOSPC: { reason: "no space left on device", fix: () => "free some disk space" },
  EDQUOT: { reason: "the disk quota is used up", fix: () => "free some space or raise the quota" },
  ENAMETOOLONG: { reason: "the path is too long for the file system", fix: () => "shorten the out path or the asset id in the manifest" },
  ELOOP: { reason: "a symbolic link on the way loops back on itself", fix: (shown) => `fix the symbolic links along ${shown}` },
  EIO: { reason: "the disk reported an input/output error", fix: () => "check the disk" },
  EBUSY: { reason: "the file is in use by another program", fix: () => "close the program that holds it" },
};

/**
 * The disk's refusal to write `path` (absolute) as a WriteRefusedError naming it, or undefined
 * when `error` is not a refusal the user can fix. `folder`: `path` is a folder to write into.
 */
export function refusedWrite(error: unknown, path: string, folder = false): WriteRefusedError | undefined {
  if (error instanceof WriteRefusedError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const refusal = code ? REFUSALS[code] : undefined;
  if (!refusal) return undefined;
  const shown = displayPathFor(path);
  const blocker = code === "EEXIST" || code === "ENOTDIR" ? fileInTheWay(path, folder) : undefined;
  const shownBlocker = blocker && displayPathFor(blocker);
  const detail = shownBlocker ? ` (${shownBlocker} is a file)` : "";
  const what = folder ? `into ${shown}/` : shown;
  const fix = refusal.fix(shown, displayPathFor(folder ? path : dirname(path)), shownBlocker);
  return new WriteRefusedError(`cannot write ${what}: ${refusal.reason}${detail}; ${fix}`, shown, { cause: error });
}

/** Runs a write of `path`, turning the disk's refusal into a WriteRefusedError that names it. */
export async function writing<T>(path: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    throw refusedWrite(error, path) ?? error;
  }
}

/**
 * Makes `dir` (with its parents) and writes and removes a small file in it, the way every write
 * here goes (temporary file, rename): the refusal, or undefined when the folder takes files.
 */
export async function probeFolder(dir: string, within?: RepositoryFolder): Promise<WriteRefusedError | undefined> {
  const probe = join(dir, `.seedlock-probe-${randomBytes(4).toString("hex")}`);
  try {
    await (within ?? new RepositoryFolder(dir)).writeFile(probe, "");
    await rm(probe, { force: true });
    return undefined;
  } catch (error) {
    const refused = refusedWrite(error, dir, true);
    if (!refused) throw error;
    return refused;
  }
}

/** Probes every folder, a few at a time; the refused ones with why. */
export async function probeFolders(dirs: Iterable<string>, within?: RepositoryFolder): Promise<Map<string, WriteRefusedError>> {
  const unique = [...new Set(dirs)];
  const probed = await inOrder(unique, { most: 8 }, (dir) => probeFolder(dir, within));
  const refused = new Map<string, WriteRefusedError>();
  unique.forEach((dir, i) => {
    const why = probed[i];
    if (why) refused.set(dir, why);
  });
  return refused;
}

/** The first part of `path` that exists but is not a folder (the file that blocks a mkdir), if any. */
function fileInTheWay(path: string, folder: boolean): string | undefined {
  const chain: string[] = [];
  for (let p = folder ? path : dirname(path); ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  try {
    for (const p of chain) {
      const stat = statSync(p, { throwIfNoEntry: false });
      if (!stat) return undefined;
      if (!stat.isDirectory()) return p;
    }
  } catch {
    // A folder on the way that cannot be read: the message goes without naming the file.
  }
  return undefined;
}
