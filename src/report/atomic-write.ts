import { dirname } from "node:path";
import { RepositoryFolder } from "../disk/repository-path.js";

/**
 * Writes `data` to a temporary file beside `path`, then renames it over: readers never see half a
 * file. `within` is the folder the write must stay inside after symlinks (the repository, for
 * anything under it); by default only `path`'s own folder, so a symlink at `path` is still replaced, never followed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, within = new RepositoryFolder(dirname(path))): Promise<void> {
  await within.writeFile(path, data);
}
