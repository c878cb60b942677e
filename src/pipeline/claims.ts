import { execFile } from "node:child_process";
import { lstat, readdir, realpath } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { displayPathFor, RepositoryFolder } from "../disk/repository-path.js";
import { InputError, type Diagnostic } from "../errors.js";
import type { Logger } from "../logger.js";
import { parseLockfile, writtenBySeedlock } from "../lock/file.js";
import type { Lockfile } from "../lock/types.js";
import { outputPath } from "../manifest/out.js";
import type { AssetSpec, Manifest } from "../manifest/spec.js";
import { AnswerJournal } from "./journal.js";
import { sha256OfBytes, sha256OfFile } from "../disk/file-hash.js";
import { postProcess } from "./render.js";

/** What checking a run's output claims needs: the run's manifest, lockfile and work list. */
export interface OutputClaimsRequest {
  manifest: Manifest;
  lock: Lockfile;
  lockPath: string;
  /** Assets this run may write outputs for. */
  workList: AssetSpec[];
  /** Each asset's inputHash under this manifest, to find the answers a killed run left. */
  inputHashOf: (id: string) => string;
  /** Absolute paths (files, or folders for everything in them) the caller lets this run overwrite (`--overwrite-untracked`). */
  overwrite: readonly string[];
  logger: Logger;
}

/**
 * Before the first paid call: every output the run may write must be seedlock's to write. A file
 * already there that this manifest's lockfile does not record as an output is someone's work
 * (a hand-made image, another tool's file) and is never overwritten silently; an output that
 * another manifest's lockfile records is claimed twice, and the two would overwrite each other
 * (and pay again) on every run. Every problem is reported at once, as exit 2.
 */
export async function checkOutputClaims(request: OutputClaimsRequest): Promise<void> {
  const { manifest, lock, workList } = request;
  if (!workList.length) return;
  const ours = new Set(Object.values(lock.assets).flatMap((a) => a.outputs.map((output) => output.path)));
  const allowed = new Set(request.overwrite.map((p) => resolve(p)));
  const others = await otherClaims(manifest.root, resolve(request.lockPath), request.logger);
  const problems: Diagnostic[] = [];
  for (const spec of workList) {
    for (const path of await candidatePaths(spec, manifest.root, lock.assets[spec.id]?.seeds.length ?? 0)) {
      const where = { ...(spec.location ? { location: spec.location } : {}), path: `assets[${spec.index}].out` };
      const claim = others.get(path);
      if (claim) {
        problems.push({
          ...where,
          message: `writes ${path}, which ${claim.lockfile} records as the output of its asset '${claim.asset}': two manifests would overwrite each other's image, and pay for it again, on every run`,
          fix: `give asset '${spec.id}' or ${claim.manifest}'s '${claim.asset}' another out path`,
        });
        continue;
      }
      if (ours.has(path)) continue;
      const file = join(manifest.root, path);
      if (isAllowed(file, allowed) || !(await holdsFile(file))) continue;
      if (await madeBySeedlock(file, spec, request)) continue;
      const shown = displayPathFor(file);
      problems.push({
        ...where,
        message: `would overwrite ${shown}, a file that seedlock's lockfile does not record as its own (a hand-made image would be lost)`,
        fix: `move it away, or let seedlock replace it with --overwrite-untracked ${shown} (the Action's overwrite-untracked input)`,
      });
    }
  }
  if (problems.length) throw new InputError(problems);
}

/** Paths an asset's outputs may take; with {seed} in `out`, those of them that exist already. */
async function candidatePaths(spec: AssetSpec, root: string, triedSeeds: number): Promise<string[]> {
  const paths = new Set<string>();
  const bySeed = spec.out.includes("{seed}");
  // {seed} is known only when a draft is accepted: seeds are tried in order from seedStart, so every
  // seed the attempt cap still allows is a candidate (bounded, so a huge cap cannot stall the check).
  const seeds = bySeed ? Math.max(1, Math.min(spec.maxAttempts + triedSeeds, Math.floor(MAX_SEED_CANDIDATES / spec.count))) : 1;
  for (let n = 1; n <= spec.count; n++) {
    for (let s = 0; s < seeds; s++) paths.add(outputPath(spec, n, spec.seedStart + s));
  }
  if (!bySeed) return [...paths];
  // Only files that exist matter, and a folder that does not exist holds none: stat in batches.
  const found: string[] = [];
  const list = [...paths];
  for (let i = 0; i < list.length; i += 256) {
    const batch = list.slice(i, i + 256);
    const present = await Promise.all(batch.map((p) => holdsFile(join(root, p))));
    batch.forEach((p, k) => present[k] && found.push(p));
  }
  return found;
}

const MAX_SEED_CANDIDATES = 20_000;

interface Claim {
  lockfile: string;
  manifest: string;
  asset: string;
}

/**
 * Outputs that other seedlock lockfiles of the repository record, by repository path. Lockfiles
 * are found with `git ls-files` (tracked and untracked, ignores honoured), or, outside a git work
 * tree, by walking the folder; a file counts when it carries seedlock's header.
 */
async function otherClaims(root: string, ownLockfile: string, logger: Logger): Promise<Map<string, Claim>> {
  const claims = new Map<string, Claim>();
  for (const rel of await lockfileCandidates(root)) {
    const file = join(root, rel);
    if (resolve(file) === ownLockfile) continue;
    // Through the path rule: a lockfile that is a symlink leading out of the repository is not read.
    const text = await new RepositoryFolder(root).readFile(rel).then((b) => b.toString("utf8"), () => undefined);
    if (text === undefined || !writtenBySeedlock(text)) continue;
    const display = displayPathFor(file);
    let lock: Lockfile;
    try {
      lock = parseLockfile(text, display);
    } catch {
      logger.warn(`${display} cannot be read as a lockfile, so the outputs it claims are not checked against this run's`);
      continue;
    }
    const manifest = display.replace(/\.lock(\.ya?ml)$/, "$1");
    for (const [asset, entry] of Object.entries(lock.assets)) {
      for (const output of entry.outputs) if (!claims.has(output.path)) claims.set(output.path, { lockfile: display, manifest, asset });
    }
  }
  return claims;
}

const LOCKFILE_NAME = /(^|\/)[^/]+\.lock\.ya?ml$/;

async function lockfileCandidates(root: string): Promise<string[]> {
  const listed = await gitFiles(root);
  if (listed) return listed.filter((p) => LOCKFILE_NAME.test(p));
  const found: string[] = [];
  await walk(root, "", found, { left: 50_000 });
  return found;
}

/** Every file git knows in the work tree at `root`, NUL-separated; undefined when `root` is not one. */
function gitFiles(root: string): Promise<string[] | undefined> {
  const git = (args: string[]) =>
    new Promise<string | undefined>((done) =>
      execFile("git", args, { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => done(error ? undefined : stdout)),
    );
  return (async () => {
    const top = (await git(["rev-parse", "--show-toplevel"]))?.trim();
    // git answers with the real path; the root may be reached through a symlink (macOS /var).
    const real = await realpath(root).catch(() => root);
    if (!top || resolve(top) !== resolve(real)) return undefined;
    const out = await git(["ls-files", "-z", "--cached", "--others", "--exclude-standard"]);
    return out?.split("\0").filter(Boolean);
  })();
}

/** Outside git: the folder's files, skipping dot-folders and node_modules, up to a bound. */
async function walk(root: string, rel: string, found: string[], budget: { left: number }): Promise<void> {
  const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (--budget.left < 0) return;
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      await walk(root, path, found, budget);
    } else if (entry.isFile() && LOCKFILE_NAME.test(path)) {
      found.push(path.split(sep).join("/"));
    }
  }
}

/**
 * A run killed between writing an output and recording it leaves a file the lockfile does not
 * name yet; it is seedlock's when it is the post-processed image of an answer seedlock still holds
 * for the asset (the journal's answers, the accepted drafts), byte for byte.
 */
async function madeBySeedlock(file: string, spec: AssetSpec, request: Pick<OutputClaimsRequest, "manifest" | "lock" | "inputHashOf">): Promise<boolean> {
  // Read only inside the repository: a file reached through a symlink leading out is not seedlock's.
  const repository = new RepositoryFolder(request.manifest.root);
  const onDisk = await sha256OfFile(file, repository);
  if (onDisk === undefined) return false;
  const journal = new AnswerJournal(request.manifest, spec.id, request.inputHashOf(spec.id));
  const sources: (() => Promise<Buffer | undefined>)[] = (await journal.pending()).map((entry) => async () => {
    const answer = await entry.result();
    return answer.kind === "image" ? answer.image.data : undefined;
  });
  for (const seed of request.lock.assets[spec.id]?.seeds ?? []) {
    if (seed.draft) sources.push(() => repository.readFile(seed.draft!).catch(() => undefined));
  }
  for (const source of sources) {
    const image = await source();
    if (!image) continue;
    const made = await postProcess(image, spec.output).catch(() => undefined);
    if (made && sha256OfBytes(made.data) === onDisk) return true;
  }
  return false;
}

/** A path named by the caller, or a file inside a folder the caller named. */
function isAllowed(file: string, allowed: ReadonlySet<string>): boolean {
  for (let at = file; ; ) {
    if (allowed.has(at)) return true;
    const parent = dirname(at);
    if (parent === at) return false;
    at = parent;
  }
}

/** Something other than a folder is there (a folder where a file should go is refused when written). */
async function holdsFile(file: string): Promise<boolean> {
  return lstat(file).then(
    (stat) => !stat.isDirectory(),
    () => false,
  );
}
