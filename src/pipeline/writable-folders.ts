import { dirname, join } from "node:path";
import type { RepositoryFolder } from "../disk/repository-path.js";
import { WriteRefusedError } from "../errors.js";
import { renderTemplate } from "../manifest/out.js";
import type { AssetSpec, Manifest } from "../manifest/spec.js";
import { probeFolders } from "../disk/refused-write.js";
import { journalFolder } from "../disk/folders.js";
import type { OutputsRefused } from "./run-verdict.js";

/**
 * Before the first paid call, the folders a run writes are probed: where answers are kept (the
 * lockfile's folder, each asset's journal) and the report must take files, or nothing is sent;
 * outputs that cannot be written are not paid for.
 */

export interface WorkFolders {
  manifest: Manifest;
  lockPath: string;
  workList: AssetSpec[];
  repository: RepositoryFolder;
  reportDir: string;
  /** The report folder's own boundary (a --report-dir the caller chose), or the repository. */
  reportFolder: RepositoryFolder;
}

/** Throws the first refusal, saying that nothing was sent. */
export async function checkWorkFolders(folders: WorkFolders): Promise<void> {
  const { manifest, lockPath, workList, repository, reportDir, reportFolder } = folders;
  const workFolders = [dirname(lockPath), ...workList.map((spec) => journalFolder(manifest, spec.id))];
  // Where each folder really is, before any of them is made: a folder leading outside leaves nothing behind.
  try {
    for (const dir of workFolders) repository.checkFolder(dir);
    reportFolder.checkFolder(reportDir);
  } catch (error) {
    if (error instanceof WriteRefusedError) throw beforeCalls(error);
    throw error;
  }
  const refused = new Map([...(await probeFolders(workFolders, repository)), ...(await probeFolders([reportDir], reportFolder))]);
  const first = [...workFolders, reportDir].find((dir) => refused.has(dir));
  if (first) throw beforeCalls(refused.get(first)!);
}

/** A refusal before the first call says so: nothing was sent, so nothing was spent. */
export function beforeCalls(refused: WriteRefusedError): WriteRefusedError {
  return new WriteRefusedError(`${refused.message}, then rerun; nothing was sent and nothing spent`, refused.path, { cause: refused.cause });
}

/** Probes every folder the work list's outputs go to; which assets cannot have their outputs written. */
export async function refusedOutputs(workList: AssetSpec[], repository: RepositoryFolder): Promise<OutputsRefused | undefined> {
  const folders = new Map(workList.map((spec) => [spec.id, outputFolders(spec, repository.root)]));
  const refused = await probeFolders([...folders.values()].flat(), repository);
  if (!refused.size) return undefined;
  const assets = new Set(workList.filter((spec) => folders.get(spec.id)!.some((dir) => refused.has(dir))).map((spec) => spec.id));
  const first = [...folders.values()].flat().find((dir) => refused.has(dir))!;
  return { error: refused.get(first)!, assets };
}

/** The folders an asset's outputs go to, down to the first one whose name holds the seed (not known before the run). */
function outputFolders(spec: AssetSpec, root: string): string[] {
  const folders = new Set<string>();
  for (let n = 1; n <= spec.count; n++) {
    const parts = renderTemplate(spec.out, spec.id, n, "{seed}").split("/").slice(0, -1);
    const bySeed = parts.findIndex((part) => part.includes("{seed}"));
    folders.add(join(root, ...(bySeed < 0 ? parts : parts.slice(0, bySeed))));
  }
  return [...folders];
}
