import { readFileSync } from "node:fs";
import { readdir, unlink } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { writerOf } from "../disk/atomic-write.js";
import { displayPathFor, PathRefusedError, RepositoryFolder } from "../disk/repository-path.js";
import { InputError, type Diagnostic } from "../errors.js";
import { readFastYaml } from "../yaml/fast-reader.js";
import { YamlSource, type Finding } from "../yaml/source.js";
import { formatYamlSubset } from "./format.js";
import { lockfileFindings } from "./check.js";
import { emptyLockfile, type AssetLock, type BatchJobRecord, type Lockfile, type LockStats, type OutputRecord, type SeedRecord } from "./types.js";
import { roundUsd } from "../money.js";

/** `assets.yaml` → `assets.lock.yaml`, beside it. */
export function lockPathFor(manifestPath: string): string {
  const extension = extname(manifestPath);
  const known = extension === ".yaml" || extension === ".yml";
  const stem = known ? basename(manifestPath, extension) : basename(manifestPath);
  return join(dirname(manifestPath), `${stem}.lock${known ? extension : ".yaml"}`);
}

export interface ReadLockfileOptions {
  /** The path as messages name it; default relative to the working directory. */
  displayPath?: string;
  /** The folder the lockfile must stay inside after symlinks; default its own folder. */
  within?: RepositoryFolder;
}

/**
 * Reads the lockfile. A missing file is an empty lockfile (nothing generated yet); anything
 * unreadable, truncated or malformed is an InputError naming file:line:col and how to recover.
 */
export async function readLockfile(path: string, options: ReadLockfileOptions = {}): Promise<Lockfile> {
  const file = resolve(path);
  const display = options.displayPath ?? displayPathFor(file);
  const within = options.within ?? new RepositoryFolder(dirname(file));
  let text: string;
  try {
    text = (await within.readFile(file)).toString("utf8");
  } catch (err) {
    if (err instanceof PathRefusedError) {
      throw new InputError([{ message: `${display}: ${err.message.slice(err.path.length + 1)}`, fix: `replace the symlink with the lockfile itself, or delete ${display} to start over` }]);
    }
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return emptyLockfile();
    throw new InputError([{ message: `${display}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, fix: "check its permissions" }]);
  }
  return parseLockfile(text, display);
}

/** Parses lockfile text; `display` names the file in messages. */
export function parseLockfile(text: string, display: string): Lockfile {
  const wholeFileFix = `restore it from git with git checkout -- ${display}, or delete it to start over, which generates every asset again`;
  const marker = /^(<{7}|={7}|>{7})(?: |$)/m.exec(text);
  if (marker) {
    const line = text.slice(0, marker.index).split("\n").length;
    throw new InputError([
      {
        location: { file: display, line, col: 1 },
        message: "holds git conflict markers: two runs changed the lockfile and git could not merge the text",
        fix: "run `seedlock merge-lock` to merge it asset by asset from git's three versions (nothing is paid for again); to have git do that itself, see docs/LOCKFILE-MERGE.md",
      },
    ]);
  }
  if (text.trim() === "") {
    throw new InputError([{ location: { file: display, line: 1, col: 1 }, message: "the lockfile is empty; it may have been cut off while being written", fix: wholeFileFix }]);
  }
  // Fast path for the text seedlock writes; the general parser for anything else, and for positions.
  let data: unknown = readFastYaml(text)?.data;
  let source: YamlSource | undefined;
  if (data === undefined) {
    source = new YamlSource(text, display);
    if (source.syntax.length) {
      throw new InputError(source.syntax.map((d) => ({ ...d, message: `${d.message}; the lockfile may be damaged or cut off`, fix: wholeFileFix })));
    }
    data = source.toData();
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version !== 1) {
    source ??= new YamlSource(text, display);
    throw new InputError([
      {
        location: source.locate(["version"]),
        path: "version",
        message: `is ${version}; this seedlock reads lockfile version 1`,
        fix: `a newer seedlock wrote it: update seedlock, or ${wholeFileFix}`,
      },
    ]);
  }
  const findings = lockfileFindings(data);
  if (findings.length) {
    source ??= new YamlSource(text, display);
    const diagnostics: Diagnostic[] = findings.map((f) => ({ ...source!.diagnostic(f), fix: entryFix(f, display) ?? wholeFileFix }));
    diagnostics.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
    throw new InputError(diagnostics);
  }
  if (text.includes(`# ${HEADER[0]}`) && !new RegExp(`^# ${FOOTER}\\s*$`, "m").test(text.slice(-40))) {
    source ??= new YamlSource(text, display);
    throw new InputError([
      {
        location: source.at(text.trimEnd().length),
        message: `the lockfile stops before its last line ('# ${FOOTER}'): it was cut off, and entries after this point are lost`,
        fix: wholeFileFix,
      },
    ]);
  }
  return data as Lockfile;
}

function entryFix(finding: Finding, display: string): string | undefined {
  const [section, id] = finding.path;
  if (section !== "assets" || typeof id !== "string" || finding.path.length < 2) return undefined;
  return `delete the '${id}' entry so seedlock generates that asset again, or restore ${display} from git`;
}

/** Last line of a lockfile seedlock wrote: without it, the file was cut off (a lost write, a bad copy). */
const FOOTER = "end of lockfile";

const HEADER = [
  "Written by seedlock after every image; do not edit by hand. Commit it with the outputs.",
  "Per asset: the hash of everything that shapes its pixels, every seed tried with its verdict,",
  "and each output's sha256. `seedlock plan` compares it with the manifest and the files.",
];

/** The lockfile as text: stable key order, assets sorted by id, money rounded to a millionth. */
export function formatLockfile(lock: Lockfile): string {
  const assets: Record<string, unknown> = {};
  for (const id of Object.keys(lock.assets).sort()) assets[id] = orderedAsset(lock.assets[id]!);
  const batches = lock.batches && Object.keys(lock.batches).length ? orderedBatches(lock.batches) : undefined;
  return formatYamlSubset({ version: 1, stats: orderedStats(lock.stats), assets, ...(batches ? { batches } : {}) }, HEADER, [FOOTER]);
}

/**
 * The same text as formatLockfile, re-formatting only the entries said to have changed since the
 * last call (and any entry object replaced since), so a run of thousands of assets rewrites its
 * lockfile after each image in time that does not grow with the entries it did not touch.
 */
export class LockfileText {
  private readonly chunks = new Map<string, { entry: AssetLock; text: string }>();

  /** `changed`: ids whose entries were edited in place since the last call, or "all". */
  format(lock: Lockfile, changed: ReadonlySet<string> | "all"): string {
    const ids = Object.keys(lock.assets).sort();
    if (!ids.length) return formatLockfile(lock);
    const head = formatYamlSubset({ version: 1, stats: orderedStats(lock.stats) }, HEADER).slice(0, -1);
    const parts = [head, "assets:"];
    for (const id of ids) {
      const entry = lock.assets[id]!;
      let chunk = this.chunks.get(id);
      if (!chunk || chunk.entry !== entry || changed === "all" || changed.has(id)) {
        // An entry alone at the top level, indented under `assets:`: every line moves right by two.
        const text = formatYamlSubset({ [id]: orderedAsset(entry) }).slice(0, -1).replace(/^/gm, "  ");
        chunk = { entry, text };
        this.chunks.set(id, chunk);
      }
      parts.push(chunk.text);
    }
    if (this.chunks.size > ids.length) for (const id of this.chunks.keys()) if (!(id in lock.assets)) this.chunks.delete(id);
    // Batch jobs out are few and change as a whole: written afresh each time, after the assets as formatLockfile has them.
    if (lock.batches && Object.keys(lock.batches).length) parts.push(formatYamlSubset({ batches: orderedBatches(lock.batches) }).slice(0, -1));
    parts.push(`# ${FOOTER}`);
    return `${parts.join("\n")}\n`;
  }
}

/**
 * Replaces the lockfile atomically (disk/atomic-write.ts) and durably: flushed to disk before the
 * rename, so a crash leaves either the old or the new file, never half of one.
 */
export async function writeLockfile(path: string, lock: Lockfile, within = new RepositoryFolder(dirname(resolve(path))), formatted?: string): Promise<void> {
  // The folder's real place is checked just before the write: a symlinked folder cannot move it out.
  const file = await within.writeFile(resolve(path), formatted ?? formatLockfile(lock), { durable: true });
  await sweepAbandonedWrites(file);
}

const swept = new Set<string>();

/**
 * Removes temporary files that a killed run left half-written beside the lockfile. Only files of
 * processes that are gone are touched (a live run may be mid-write), once per process and lockfile.
 */
async function sweepAbandonedWrites(file: string): Promise<void> {
  if (swept.has(file)) return;
  swept.add(file);
  const directory = dirname(file);
  for (const entry of await readdir(directory).catch(() => [] as string[])) {
    const pid = writerOf(file, entry);
    if (pid === undefined || pid === process.pid || isProcessAlive(pid)) continue;
    await unlink(join(directory, entry)).catch(() => {});
  }
}

/** Whether a process with this id runs on this machine (EPERM: it does, under another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  return !isZombie(pid);
}

/**
 * A process that has died but was never reaped (an orphan in a container whose first process does
 * not reap, like a run whose parent was killed) still answers signal 0; Linux says so in /proc.
 */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state === "Z" || state === "X";
}

function orderedStats(stats: LockStats): LockStats {
  return {
    drafts: stats.drafts,
    accepted: stats.accepted,
    rejected: stats.rejected,
    regenerated: stats.regenerated,
    rendered: stats.rendered,
    spentUsd: roundUsd(stats.spentUsd),
  };
}

function orderedAsset(entry: AssetLock): Record<string, unknown> {
  const models: Record<string, string> = { draft: entry.models.draft, final: entry.models.final };
  if (entry.models.judge !== undefined) models.judge = entry.models.judge;
  return withExtras(entry, {
    inputHash: entry.inputHash,
    prompt: entry.prompt,
    models,
    tier: entry.tier ? { chosen: entry.tier.chosen, reason: entry.tier.reason } : undefined,
    spentUsd: roundUsd(entry.spentUsd),
    surplus: entry.surplus,
    seeds: [...entry.seeds].sort((a, b) => a.seed - b.seed).map(orderedSeed),
    outputs: entry.outputs.map(orderedOutput),
  });
}

function orderedBatches(batches: Record<string, BatchJobRecord>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const displayName of Object.keys(batches).sort()) {
    const job = batches[displayName]!;
    out[displayName] = withExtras(job, {
      name: job.name,
      model: job.model,
      stage: job.stage,
      submittedAt: job.submittedAt,
      reservedUsd: roundUsd(job.reservedUsd),
      requests: job.requests.map((r) => withExtras(r, { key: r.key, asset: r.asset, seed: r.seed, stage: r.stage, inputHash: r.inputHash, reservedUsd: roundUsd(r.reservedUsd) })),
    });
  }
  return out;
}

function orderedSeed(seed: SeedRecord): Record<string, unknown> {
  return withExtras(seed, {
    seed: seed.seed,
    model: seed.model,
    status: seed.status,
    reasons: seed.reasons,
    phash: seed.phash,
    draft: seed.draft,
    judgeScore: seed.judgeScore,
    regenerated: seed.regenerated,
    costUsd: roundUsd(seed.costUsd),
  });
}

function orderedOutput(output: OutputRecord): Record<string, unknown> {
  return withExtras(output, {
    path: output.path,
    sha256: output.sha256,
    seed: output.seed,
    model: output.model,
    width: output.width,
    height: output.height,
    bytes: output.bytes,
    undersized: output.undersized,
    answered: output.answered,
    asked: output.asked,
  });
}

/** Keys a newer seedlock added come after the known ones, sorted, so they survive a rewrite. */
function withExtras(source: object, ordered: Record<string, unknown>): Record<string, unknown> {
  const extras = Object.keys(source).filter((k) => !(k in ordered)).sort();
  for (const k of extras) ordered[k] = (source as Record<string, unknown>)[k];
  for (const k of Object.keys(ordered)) if (ordered[k] === undefined) delete ordered[k];
  return ordered;
}

/** Whether `text` is a lockfile seedlock wrote: it carries seedlock's header. */
export function writtenBySeedlock(text: string): boolean {
  return text.includes(`# ${HEADER[0]}`);
}
