import type { RepositoryFolder } from "../disk/repository-path.js";
import type { OutputRecord, SeedRecord } from "../lock/types.js";
import { outputPath } from "../manifest/out.js";
import type { AssetSpec } from "../manifest/spec.js";
import type { AnswerJournal, JournalEntry } from "./journal.js";
import { STATUS_WITH_IMAGE, type AssetEntry } from "./lock-entry.js";
import type { SeenDraft } from "./screening.js";

/** Reason prefix of a draft that passed the screen and was set aside by a reviewer. */
export const REVIEW_REASON = "review:";

export interface ResumeSetup {
  spec: AssetSpec;
  entry: AssetEntry;
  /** The plan's measurement: the sha256 of each locked output's file on disk, by path (undefined: missing). */
  outputsOnDisk: ReadonlyMap<string, string | undefined>;
  journal: AnswerJournal;
  /** Not a preview: finals a killed run received are taken up, and accepted seeds go in line to render. */
  mayRender: boolean;
  /** Rendering reads the accepted draft's file (as the reference, or as the output itself). */
  needsDraftFile: boolean;
  /** Draft paths are looked up through it: inside the repository, after symlinks. */
  repository: RepositoryFolder;
}

/** An answer a killed run received and never recorded, handled from its file instead of paid again. */
export type RecoveredAnswer = { kind: "draft"; answer: JournalEntry } | { kind: "final"; answer: JournalEntry; slot: number };

/** Where the asset stands before this run sends anything. */
export interface Resumed {
  /** Output numbers still to make, lowest first (recovered finals have taken theirs). */
  freeSlots: number[];
  /** Paths of the outputs still on disk as recorded. */
  outputs: string[];
  /** Seeds drafted under these inputs: never drafted again. */
  tried: Set<number>;
  /** Verdicts recorded, and how many of them kept the seed (its accept rate leans on them). */
  answered: number;
  acceptedDrafts: number;
  /** Seeds a reviewer set aside: paid for, but not held against maxAttempts. */
  setAside: number;
  /** Images kept, for near-copy checks. */
  seen: SeenDraft[];
  /** In seed order. */
  recovered: RecoveredAnswer[];
  /** Accepted seeds to render, in seed order. */
  toRender: number[];
  /** Accepted seeds whose draft file is gone (a fresh checkout, an ignored `.seedlock/`): drawn and screened again first. */
  toRedraw: SeedRecord[];
}

/**
 * Reads what the lockfile already holds for the asset: seeds tried, outputs still on disk with their
 * recorded sha256 (as the plan measured them, not hashed again), accepted seeds still to render, and
 * the answers a killed run received but never recorded. Edits the entry to match what it finds.
 */
export async function resume(setup: ResumeSetup): Promise<Resumed> {
  const { spec, entry, journal } = setup;
  const resumed: Resumed = { freeSlots: [], outputs: [], tried: new Set(), answered: 0, acceptedDrafts: 0, setAside: 0, seen: [], recovered: [], toRender: [], toRedraw: [] };
  for (let n = 1; n <= spec.count; n++) resumed.freeSlots.push(n);
  const toRender = entry.inLock ? resumeEntry(setup, resumed) : [];
  for (const answer of await journal.pending()) {
    if (answer.kind === "draft") {
      if (resumed.tried.has(answer.seed)) {
        await journal.drop(answer.path);
        continue;
      }
      // Paid for by the run that was killed: booked with its verdict, screened from the file.
      resumed.tried.add(answer.seed);
      entry.bookWithRecord("draft", answer.seed, answer.costUsd);
      resumed.recovered.push({ kind: "draft", answer });
    } else if (setup.mayRender) {
      const waiting = toRender.findIndex((r) => r.seed === answer.seed);
      if (waiting < 0 || !resumed.freeSlots.length) {
        await journal.drop(answer.path);
        continue;
      }
      toRender.splice(waiting, 1);
      entry.bookWithRecord("final", answer.seed, answer.costUsd);
      resumed.recovered.push({ kind: "final", answer, slot: resumed.freeSlots.shift()! });
    }
  }
  if (!setup.mayRender) return resumed;
  for (const record of toRender) {
    // Present is enough here: a draft that may not be read (a symlink out) stays in line, so reading it refuses it by name rather than paying to draw it again.
    if (setup.needsDraftFile && !(record.draft && (await setup.repository.holds(record.draft)))) resumed.toRedraw.push(record);
    else resumed.toRender.push(record.seed);
  }
  return resumed;
}

/** The entry's outputs and seeds: which outputs stand, which seeds were tried, which accepted ones still need an output. */
function resumeEntry(setup: ResumeSetup, resumed: Resumed): SeedRecord[] {
  const { spec, entry, outputsOnDisk } = setup;
  const seedsWithOutput = new Set<number>();
  const kept: OutputRecord[] = [];
  for (const output of entry.value.outputs) {
    const slot = resumed.freeSlots.find((n) => outputPath(spec, n, output.seed) === output.path);
    const intact = slot !== undefined && outputsOnDisk.get(output.path) === output.sha256;
    if (!intact || seedsWithOutput.has(output.seed)) continue;
    kept.push(output);
    seedsWithOutput.add(output.seed);
    resumed.freeSlots.splice(resumed.freeSlots.indexOf(slot), 1);
    resumed.outputs.push(output.path);
  }
  entry.keepOutputs(kept);
  const toRender: SeedRecord[] = [];
  for (const record of [...entry.value.seeds].sort((a, b) => a.seed - b.seed)) {
    resumed.tried.add(record.seed);
    resumed.answered++;
    if (record.status !== "rejected") resumed.acceptedDrafts++;
    else if (record.reasons?.[0]?.startsWith(REVIEW_REASON)) resumed.setAside++;
    if (STATUS_WITH_IMAGE.has(record.status) && record.phash) resumed.seen.push({ seed: record.seed, phash: record.phash });
    if (!STATUS_WITH_IMAGE.has(record.status) || seedsWithOutput.has(record.seed)) continue;
    // An accepted seed, or one rendered whose output is gone: it goes back in line to render.
    const accepted: SeedRecord = record.status === "accepted" ? record : { ...record, status: "accepted" };
    if (accepted !== record) entry.putSeed(accepted);
    toRender.push(accepted);
  }
  return toRender;
}
