import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { readLockfile } from "../../src/lock/file.js";
import { emptyLockfile, type Lockfile } from "../../src/lock/types.js";
import { repoRoot, STACK_LINE, type Ran } from "../support/cli.js";
import type { ServiceCall } from "./service-proxy.js";

/**
 * What each fault scenario cost the user, in the four columns of docs/BENCHMARKS.md's fault
 * table, and the measurements behind them. Rows go to .cache/faults/<scenario>.json (one file per
 * scenario, since test files run in separate processes) and are merged into .cache/faults.json.
 */

export interface FaultRow {
  scenario: string;
  /** Accepted drafts and outputs the lockfile had recorded that were gone afterwards, or whose file no longer matched. */
  acceptedLost: number;
  /** Calls paid again for a seed whose answer seedlock had already received and kept. */
  seedsRepaid: number;
  /** Money past the ceiling, by seedlock's ledger or by what the service billed, whichever is more. */
  overspendUsd: number;
  /** Runs that ended with the wrong exit code, without a message saying what to do, or with a stack trace for a user-caused failure. */
  unclearFailure: number;
  /** What the scenario did and saw, in a sentence. */
  note: string;
}

const ROWS = join(repoRoot, ".cache", "faults");
const TABLE = join(repoRoot, ".cache", "faults.json");

export function recordFault(row: FaultRow): void {
  // A count the scenario could not work out (NaN, written as null) would read as nothing lost.
  for (const key of ["acceptedLost", "seedsRepaid", "overspendUsd", "unclearFailure"] as const) {
    if (!Number.isFinite(row[key])) throw new Error(`${row.scenario}: ${key} is ${row[key]}, not a number`);
  }
  mkdirSync(ROWS, { recursive: true });
  const slug = row.scenario.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  writeFileSync(join(ROWS, `${slug}.json`), `${JSON.stringify(row, null, 2)}\n`);
  const rows = readdirSync(ROWS)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(ROWS, f), "utf8")) as FaultRow)
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
  const temporary = `${TABLE}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(rows, null, 2)}\n`);
  renameSync(temporary, TABLE);
}

/** A call's identity as the service bills it: a draft or a final, of one prompt, at one seed. */
export function callKey(kind: "draft" | "final", prompt: string, seed: number): string {
  return `${kind}|${prompt}|${seed}`;
}

/** What seedlock holds on disk at one moment: the lockfile (if it parses) and its answer journal. */
export interface Kept {
  lock: Lockfile;
  /** The lockfile could not be read: everything it held is lost. */
  damaged: boolean;
  /** Accepted drafts and rendered seeds, as `id:seed`. */
  accepted: Set<string>;
  /** Outputs as `path@seed`. */
  outputs: Set<string>;
  /** Calls whose answers seedlock has kept (recorded verdicts, outputs, journal files): paying for them again is a re-pay. */
  answered: Set<string>;
}

export async function keptIn(dir: string, lockName = "assets.lock.yaml"): Promise<Kept> {
  let lock: Lockfile;
  let damaged = false;
  try {
    lock = await readLockfile(join(dir, lockName));
  } catch {
    lock = emptyLockfile();
    damaged = true;
  }
  const accepted = new Set<string>();
  const outputs = new Set<string>();
  const answered = new Set<string>();
  for (const [id, entry] of Object.entries(lock.assets)) {
    for (const s of entry.seeds) {
      if (s.status === "accepted" || s.status === "rendered") accepted.add(`${id}:${s.seed}`);
      // Every recorded seed was a call without a reference image (on the final model for final-only assets).
      answered.add(callKey("draft", entry.prompt, s.seed));
    }
    for (const o of entry.outputs) {
      outputs.add(`${o.path}@${o.seed}`);
      // Two-tier outputs come from a call of their own on the final model; one-tier outputs are the draft itself.
      if (o.model === entry.models.final && entry.seeds.find((s) => s.seed === o.seed)?.model !== o.model) answered.add(callKey("final", entry.prompt, o.seed));
    }
    for (const name of await readdir(join(dir, ".seedlock", "drafts", id, "incoming")).catch(() => [] as string[])) {
      const m = /^(draft|final)-[0-9a-f]{12}-(\d+)-\d+-\d+\.[a-z]+$/.exec(name);
      if (m) answered.add(callKey(m[1] as "draft" | "final", entry.prompt, Number(m[2])));
    }
  }
  return { lock, damaged, accepted, outputs, answered };
}

/** Images `before` held that `after` does not, and outputs or drafts `after` points at whose files are gone or changed. */
export async function lostImages(dir: string, before: Kept, after: Kept): Promise<string[]> {
  const lost: string[] = [];
  if (after.damaged) lost.push(...[...before.accepted].map((a) => `${a} (lockfile unreadable)`));
  else {
    for (const a of before.accepted) if (!after.accepted.has(a)) lost.push(`accepted seed ${a}`);
    for (const o of before.outputs) if (!after.outputs.has(o)) lost.push(`output ${o}`);
  }
  lost.push(...(await brokenFiles(dir, after.lock)));
  return lost;
}

/** Lockfile entries whose file is missing or no longer has the recorded sha256; accepted drafts awaiting a render whose draft file is gone. */
export async function brokenFiles(dir: string, lock: Lockfile): Promise<string[]> {
  const broken: string[] = [];
  for (const entry of Object.values(lock.assets)) {
    for (const o of entry.outputs) {
      const bytes = await readFile(join(dir, o.path)).catch(() => undefined);
      if (!bytes) broken.push(`${o.path} missing`);
      else if (createHash("sha256").update(bytes).digest("hex") !== o.sha256) broken.push(`${o.path} changed`);
    }
    const rendered = new Set(entry.outputs.map((o) => o.seed));
    for (const s of entry.seeds) {
      if (s.status !== "accepted" || !s.draft || rendered.has(s.seed)) continue;
      if (!(await readFile(join(dir, s.draft)).catch(() => undefined))) broken.push(`${s.draft} missing`);
    }
  }
  return broken;
}

function keyOf(call: ServiceCall): string | undefined {
  return call.seed === undefined ? undefined : callKey(call.final ? "final" : "draft", call.prompt, call.seed);
}

/** Paid calls for answers seedlock had already kept before they were sent. */
export function repaidAfterKept(calls: ServiceCall[], kept: Set<string>): ServiceCall[] {
  return calls.filter((c) => c.billedUsd > 0 && kept.has(keyOf(c) ?? ""));
}

/**
 * Paid calls sent after an earlier paid call for the same draft or final had been answered with
 * an image that decodes (a regeneration of an undecodable image is by design, and is not counted).
 */
export function repaidAfterAnswered(calls: ServiceCall[]): ServiceCall[] {
  const answered = new Map<string, number>();
  const repaid: ServiceCall[] = [];
  for (const c of [...calls].sort((a, b) => a.sentAt - b.sentAt)) {
    const key = keyOf(c);
    if (!key || c.billedUsd <= 0) continue;
    const at = answered.get(key);
    if (at !== undefined && at <= c.sentAt) repaid.push(c);
    if (c.answeredAt !== undefined && c.decodes !== false) answered.set(key, Math.min(at ?? Infinity, c.answeredAt));
  }
  return repaid;
}

/** Money past `ceilingUsd` by seedlock's own count or the service's, whichever is more. */
export function overspend(ceilingUsd: number, spentUsd: number, billedUsd: number): number {
  return Math.max(0, Math.max(spentUsd, billedUsd) - ceilingUsd - 1e-9);
}

/** Whether a finished run failed the way a user can act on: its exit code, a message matching `says`, no stack trace. */
export function clearFailure(ran: Ran, code: number, says: RegExp): boolean {
  return ran.code === code && says.test(ran.stderr) && !STACK_LINE.test(ran.stderr);
}
