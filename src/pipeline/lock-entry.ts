import type { AssetLock, Lockfile, OutputRecord, SeedRecord, SeedStatus } from "../lock/types.js";
import type { AssetSpec } from "../manifest/spec.js";
import { roundUsd } from "../money.js";

/**
 * One asset's entry in the lockfile, as the run builds it: every verdict and output is put in the
 * moment it exists. A changed asset's new entry replaces the old one with its first record, not
 * before, so a run that records nothing leaves the old entry (and its outputs) as they were.
 */

/** For `tier: auto`: the tier the asset runs as and why, recorded in its entry. */
export interface TierChoice {
  chosen: "two-tier" | "final-only";
  reason: string;
}

export interface AssetEntrySetup {
  /** The run's lockfile: the entry is read from it and, once it has a record, written into it. */
  lock: Lockfile;
  spec: AssetSpec;
  inputHash: string;
  tierChoice?: TierChoice;
}

/** What a draft's verdict writes about its seed: the same for an accepted and a rejected one. */
export interface DraftFacts {
  seed: number;
  /** Every call made for this seed so far: draft, regeneration, judge. */
  costUsd: number;
  regenerated: number;
  phash?: string;
  judgeScore?: number;
  /** Said in the lockfile with the verdict, e.g. that the seed was drawn again for a missing draft file. */
  note?: string;
}

/** A final's account against its accepted seed: what it cost beyond the draft and what happened to it. */
export interface FinalFacts {
  costUsd: number;
  regenerated: number;
  /** Reasons added to the seed's, e.g. that a paid answer was re-rendered for its geometry. */
  reasons: string[];
}

/** Seeds whose image is kept: an accepted draft, or one rendered into an output. */
export const STATUS_WITH_IMAGE: ReadonlySet<SeedStatus> = new Set(["accepted", "rendered"]);

export class AssetEntry {
  private entry: AssetLock;
  private inLockfile: boolean;
  /** Journal answers a killed run paid for, by kind and seed: added to the entry's spend with their record. */
  private readonly unbooked = new Map<string, number>();

  constructor(private readonly setup: AssetEntrySetup) {
    const { lock, spec, inputHash, tierChoice } = setup;
    const existing = lock.assets[spec.id];
    this.inLockfile = existing?.inputHash === inputHash;
    this.entry = this.inLockfile
      ? existing!
      : { inputHash, prompt: spec.prompt, models: { ...spec.models }, seeds: [], outputs: [], spentUsd: 0 };
    if (tierChoice && !this.entry.tier) this.entry.tier = tierChoice;
  }

  /** The entry as it stands (the old one when this run has not recorded anything yet). */
  get value(): AssetLock {
    return this.entry;
  }

  /** Whether the lockfile holds this entry: one of these inputs from before, or one this run recorded into. */
  get inLock(): boolean {
    return this.inLockfile;
  }

  seed(seed: number): SeedRecord | undefined {
    return this.entry.seeds.find((s) => s.seed === seed);
  }

  /** Seeds with an image kept (accepted or rendered). */
  imagesKept(): number {
    return this.entry.seeds.filter((s) => STATUS_WITH_IMAGE.has(s.status)).length;
  }

  /** Puts a seed's record in (replacing the one for the same seed), with what its journal answers cost. */
  putSeed(record: SeedRecord): void {
    for (const key of [`draft:${record.seed}`, `final:${record.seed}`]) {
      const usd = this.unbooked.get(key);
      if (usd === undefined) continue;
      this.entry.spentUsd = roundUsd(this.entry.spentUsd + usd);
      this.unbooked.delete(key);
    }
    const at = this.entry.seeds.findIndex((s) => s.seed === record.seed);
    if (at >= 0) this.entry.seeds[at] = record;
    else this.entry.seeds.push(record);
    this.commit();
  }

  /** Puts an output in, replacing any earlier one at its path. */
  putOutput(record: OutputRecord): void {
    this.entry.outputs = this.entry.outputs.filter((output) => output.path !== record.path);
    this.entry.outputs.push(record);
    this.commit();
  }

  /** On resume: only the outputs still on disk as recorded stay in the entry. */
  keepOutputs(kept: OutputRecord[]): void {
    if (kept.length !== this.entry.outputs.length) this.entry.outputs = kept;
  }

  /** A call this run paid for. */
  spend(usd: number): void {
    this.entry.spentUsd = roundUsd(this.entry.spentUsd + usd);
  }

  /** An answer a killed run paid for: booked with the seed's record, so a kill in between cannot book it twice. */
  bookWithRecord(kind: "draft" | "final", seed: number, usd: number): void {
    this.unbooked.set(`${kind}:${seed}`, usd);
  }

  /** Accepted drafts beyond the count, written as `surplus` once the entry is in the lockfile. */
  recordSurplus(surplus: number): void {
    if (surplus && this.inLockfile) this.entry.surplus = surplus;
    else if (this.entry.surplus !== undefined) delete this.entry.surplus;
  }

  private commit(): void {
    if (this.inLockfile) return;
    this.setup.lock.assets[this.setup.spec.id] = this.entry;
    this.inLockfile = true;
  }
}

export function acceptedSeed(facts: DraftFacts, model: string, draft: string): SeedRecord {
  return { ...seedFields(facts), model, status: "accepted", draft, ...(facts.note ? { reasons: [facts.note] } : {}) };
}

export function rejectedSeed(facts: DraftFacts, model: string, reasons: string[]): SeedRecord {
  return { ...seedFields(facts), model, status: "rejected", reasons };
}

/** The accepted seed once its output is written. */
export function renderedSeed(record: SeedRecord, final: FinalFacts): SeedRecord {
  const reasons = final.reasons.length ? { reasons: [...(record.reasons ?? []), ...final.reasons] } : {};
  return { ...withRegenerated(record, final.regenerated), status: "rendered", costUsd: roundUsd(record.costUsd + final.costUsd), ...reasons };
}

/** The accepted seed whose final could not serve the output twice: recorded, not rendered again. */
export function failedSeed(record: SeedRecord, final: FinalFacts): SeedRecord {
  return { ...withRegenerated(record, final.regenerated), status: "failed", reasons: [...(record.reasons ?? []), ...final.reasons], costUsd: roundUsd(record.costUsd + final.costUsd) };
}

function seedFields(facts: DraftFacts): Pick<SeedRecord, "seed" | "phash" | "judgeScore" | "regenerated" | "costUsd"> {
  return {
    seed: facts.seed,
    ...(facts.phash ? { phash: facts.phash } : {}),
    ...(facts.judgeScore === undefined ? {} : { judgeScore: facts.judgeScore }),
    ...(facts.regenerated ? { regenerated: facts.regenerated } : {}),
    costUsd: roundUsd(facts.costUsd),
  };
}

function withRegenerated(record: SeedRecord, more: number): SeedRecord {
  return more ? { ...record, regenerated: (record.regenerated ?? 0) + more } : record;
}
