import { access } from "node:fs/promises";
import { RepositoryFolder } from "../disk/repository-path.js";
import { dirname, extname, join } from "node:path";
import { ExitCode, SeedlockError } from "../errors.js";
import type { AssetLock, OutputRecord, SeedRecord } from "../lock/types.js";
import type { Logger } from "../logger.js";
import { outputPath } from "../manifest/out.js";
import type { AssetSpec, Manifest } from "../manifest/spec.js";
import {
  findModel,
  imageCallCeilingUsd,
  imagePriceUsd,
  judgeCallCeilingUsd,
  pixelSize,
  type ImageModel,
  type ImageSize,
} from "../models/catalog.js";
import type { ImageProvider, ImageResult, InlineImage } from "../provider/provider.js";
import { JudgeAnswerError } from "../provider/errors.js";
import { PREVIEW_SIDE, previewOf, type ReportPicture, type ReportPictures } from "../report/images.js";
import { refusedWrite, writing } from "./disk.js";
import { draftPath, mimeTypeOf } from "../disk/folders.js";
import { keepDraftsInGit, tileOf } from "./draft.js";
import { draftsToKeepInFlight } from "./in-flight.js";
import { AnswerJournal, type AnswerKind, type JournalEntry } from "./journal.js";
import type { BudgetLedger, Reservation } from "./ledger.js";
import type { LockfileRecorder } from "./record.js";
import { writeOutput } from "./render.js";
import { sha256OfFile } from "../disk/file-hash.js";
import type { AssetReport, AssetStatus } from "../run-report.js";
import type { Call, CallSource } from "./scheduler.js";
import { analyzeImage, geometryReasons, judgeVerdict, screenDraft, UndecodableImageError, type ImageAnalysis, type RejectReason } from "./screen.js";
import { roundUsd as round } from "../money.js";

/**
 * One asset's way through the pipeline: which seed to draft next and how many drafts to keep in
 * flight, screening each answer, rendering the accepted ones, and recording every verdict and
 * image in the lockfile the moment it exists. The scheduler asks it for its next call.
 */

export type WorkMode = "run" | "preview" | "render";

/** Counts across every asset, for progress while the run goes. */
export interface RunTally {
  drafts: number;
  accepted: number;
  rejected: number;
  regenerated: number;
  rendered: number;
}

export interface DraftTile {
  seed: number;
  accepted: boolean;
  reasons: string[];
  image?: Buffer;
  /** The preview and full image written for the report, when the run writes one. */
  picture?: ReportPicture;
}

/** An output as the report shows it: its preview and full image beside the draft it came from. */
export interface OutputPicture {
  seed: number;
  path: string;
  picture: ReportPicture;
}

export interface AssetWorkOptions {
  mode: WorkMode;
  spec: AssetSpec;
  manifest: Manifest;
  inputHash: string;
  provider: ImageProvider;
  ledger: BudgetLedger;
  /** The run's lockfile; `persist()` writes this asset's entry (execute.ts binds it to the asset). */
  recorder: Pick<LockfileRecorder, "lock" | "persist">;
  /** Share of drafts expected to pass before this asset has answers of its own. */
  priorAcceptRate: number;
  /** The pool's calls in flight at once; also the most drafts one asset has open (called or being screened). */
  concurrency: number;
  tally: RunTally;
  logger: Logger;
  /** Stops the run at once (no new call is sent) while this answer is still handled. */
  halt(error: unknown): void;
  /** For `tier: auto`: the tier `spec.tier` was resolved to and why, recorded in the entry. */
  tierChoice?: { chosen: "two-tier" | "final-only"; reason: string };
  /** Calls this asset sends through the Batch API: the run leaves them to be submitted after it. */
  batched?: { drafts: boolean; finals: boolean };
  /** Where the report's pictures go as answers arrive; absent, tiles are kept in memory as before. */
  pictures?: ReportPictures;
}

/** What is known about one draft on its way to a verdict. */
interface DraftVerdict {
  seed: number;
  /** Every call made for this seed so far: draft, regeneration, judge. */
  costUsd: number;
  regenerated: number;
  phash?: string;
  judgeScore?: number;
  /** The answer's bytes, for the contact-sheet tile made once the verdict is safely recorded. */
  bytes?: Buffer;
  mimeType?: string;
  /** The screen's preview of it, for the report. */
  preview?: Buffer;
  /** Journal files holding this seed's answers, dropped (or moved into place) once it is recorded. */
  kept: string[];
  /** Said in the lockfile with the verdict, e.g. that the seed was drawn again for a missing draft file. */
  note?: string;
}

/** A final on its way to becoming an output. */
interface FinalAnswer {
  seed: number;
  slot: number;
  costUsd: number;
  regenerated: number;
  kept: string[];
  /** What happened to earlier answers for this final (a paid one re-rendered for its geometry). */
  notes?: string[];
}

function seedFields(v: DraftVerdict): Pick<SeedRecord, "seed" | "phash" | "judgeScore" | "regenerated" | "costUsd"> {
  return {
    seed: v.seed,
    ...(v.phash ? { phash: v.phash } : {}),
    ...(v.judgeScore === undefined ? {} : { judgeScore: v.judgeScore }),
    ...(v.regenerated ? { regenerated: v.regenerated } : {}),
    costUsd: round(v.costUsd),
  };
}

function withRegenerated(record: SeedRecord, more: number): SeedRecord {
  return more ? { ...record, regenerated: (record.regenerated ?? 0) + more } : record;
}

/** Drafts shown per asset on its contact sheet and in report.html. */
const MAX_TILES = 60;

/** Weight of the run's accept rate in an asset's, in drafts: after a few answers its own rate leads. */
const PRIOR_WEIGHT = 2;
/** Weight of the prior in the run's accept rate, in drafts. */
const RUN_PRIOR_WEIGHT = 3;

function clampRate(rate: number): number {
  return Math.min(1, Math.max(0.02, rate));
}
const STATUS_WITH_IMAGE = new Set(["accepted", "rendered"]);

/** Reason prefix of a draft that passed the screen and was set aside by a reviewer. */
export const REVIEW_REASON = "review:";

export class AssetWork implements CallSource {
  readonly report: AssetReport;
  readonly tiles: DraftTile[] = [];
  readonly outputPictures: OutputPicture[] = [];
  private readonly spec: AssetSpec;
  private readonly draftModel: ImageModel;
  private readonly draftSize: ImageSize;
  private readonly finalModel: ImageModel;
  private readonly draftPrice: number;
  private readonly finalPrice: number;
  private readonly judgePrice: number;
  /** The most a draft or render call can bill (several images, thinking, input): what the ledger reserves. */
  private readonly draftCeiling: number;
  private readonly finalCeiling: number;
  /** Whether an accepted seed needs a call on the final model (two-tier) or only post-processing. */
  private readonly rendersOnFinal: boolean;
  private entry: AssetLock;
  private entryInLock: boolean;

  private readonly tried = new Set<number>();
  /** Seeds a reviewer set aside: paid for and never drafted again, but not held against maxAttempts. */
  private setAside = 0;
  private cursor: number;
  private answered = 0;
  private acceptedDrafts = 0;
  private draftsOpen = 0;
  private rendersOpen = 0;
  private outputsDone = 0;
  private redraftsOpen = 0;
  private readonly freeSlots: number[] = [];
  private readonly acceptedQueue: number[] = [];
  private readonly followUps: Call[] = [];
  private readonly seen: { seed: number; phash: string }[] = [];
  private readonly judging: boolean;
  private readonly draftCall: Call;
  private readonly renderCall: Call;
  private readonly journal: AnswerJournal;
  /** Every output and draft is read and written through it: inside the repository, after symlinks. */
  private readonly repository: RepositoryFolder;
  /** Journal answers a killed run paid for, by kind and seed: added to the entry's spend with their record. */
  private readonly unbooked = new Map<string, number>();

  constructor(private readonly o: AssetWorkOptions) {
    const { spec, manifest } = o;
    this.spec = spec;
    const finalOnly = spec.tier === "final-only";
    this.draftModel = imageModel(finalOnly ? spec.models.final : spec.models.draft);
    this.draftSize = finalOnly ? spec.finalSize : spec.draftSize;
    this.finalModel = imageModel(spec.models.final);
    this.rendersOnFinal = spec.tier === "two-tier";
    this.draftPrice = imagePriceUsd(this.draftModel, this.draftSize, manifest.pricing);
    this.finalPrice = this.rendersOnFinal ? imagePriceUsd(this.finalModel, spec.finalSize, manifest.pricing) : 0;
    this.judging = Boolean(spec.screen.judge && spec.models.judge);
    const judge = this.judging ? findModel(spec.models.judge!) : undefined;
    // A judge call is billed by its tokens, known only after: hold the most it can bill so the settle fits.
    this.judgePrice = judge?.kind === "text" ? judgeCallCeilingUsd(judge, spec.screen.judge?.rubric) : 0;
    this.draftCeiling = imageCallCeilingUsd(this.draftModel, this.draftSize, { prompt: spec.prompt, inputImages: 0 }, manifest.pricing);
    this.finalCeiling = this.rendersOnFinal
      ? imageCallCeilingUsd(this.finalModel, spec.finalSize, { prompt: spec.prompt, inputImages: spec.reference ? 1 : 0 }, manifest.pricing)
      : 0;
    this.draftCall = {
      priority: 1,
      priceUsd: this.draftCeiling,
      // A draft is worth sending only if the judge and the final it may lead to can be paid too.
      headroomUsd: o.mode === "preview" ? this.judgePrice : this.judgePrice + this.finalPrice,
      send: (reservation, answered) => this.draft(reservation, answered),
    };
    this.renderCall = this.rendersOnFinal
      ? { priority: 0, priceUsd: this.finalCeiling, send: (reservation, answered) => this.render(reservation, answered, undefined) }
      : { priority: 0, priceUsd: 0, send: (reservation, answered) => this.materialize(reservation, answered) };
    this.cursor = spec.seedStart;
    this.repository = new RepositoryFolder(manifest.root);
    this.journal = new AnswerJournal(manifest, spec.id, o.inputHash, this.repository);
    const existing = o.recorder.lock.assets[spec.id];
    this.entryInLock = existing?.inputHash === o.inputHash;
    this.entry = this.entryInLock
      ? existing!
      : { inputHash: o.inputHash, prompt: spec.prompt, models: { ...spec.models }, seeds: [], outputs: [], spentUsd: 0 };
    if (o.tierChoice && !this.entry.tier) this.entry.tier = o.tierChoice;
    this.report = {
      id: spec.id,
      status: "done",
      drafts: 0,
      accepted: 0,
      rejectedDrafts: 0,
      rejected: {},
      regenerated: 0,
      rendered: 0,
      spentUsd: 0,
      estimatedUsd: 0,
      outputs: [],
    };
  }

  get id(): string {
    return this.spec.id;
  }

  /**
   * Reads what the lockfile already holds for this asset: seeds tried (never drafted again),
   * outputs still on disk with their recorded sha256, accepted seeds still to render, and the
   * answers a killed run received but never recorded (handled from their files, not paid again).
   */
  async prepare(): Promise<void> {
    for (let n = 1; n <= this.spec.count; n++) this.freeSlots.push(n);
    const root = this.o.manifest.root;
    const seedsWithOutput = new Set<number>();
    const toRender: SeedRecord[] = [];
    if (this.entryInLock) {
      const kept: OutputRecord[] = [];
      for (const output of this.entry.outputs) {
        const slot = this.slotOf(output);
        const intact = slot !== undefined && (await sha256OfFile(join(root, output.path), this.repository)) === output.sha256;
        if (!intact || seedsWithOutput.has(output.seed)) continue;
        kept.push(output);
        seedsWithOutput.add(output.seed);
        this.takeSlot(slot);
        this.outputsDone++;
        this.report.outputs.push(output.path);
      }
      if (kept.length !== this.entry.outputs.length) this.entry.outputs = kept;
      for (const record of [...this.entry.seeds].sort((a, b) => a.seed - b.seed)) {
        this.tried.add(record.seed);
        this.answered++;
        if (record.status !== "rejected") this.acceptedDrafts++;
        else if (record.reasons?.[0]?.startsWith(REVIEW_REASON)) this.setAside++;
        if (STATUS_WITH_IMAGE.has(record.status) && record.phash) this.seen.push({ seed: record.seed, phash: record.phash });
        if (!STATUS_WITH_IMAGE.has(record.status) || seedsWithOutput.has(record.seed)) continue;
        // An accepted seed, or one rendered whose output is gone: it goes back in line to render.
        record.status = "accepted";
        toRender.push(record);
      }
    }
    const answers = await this.journal.pending();
    for (const answer of answers) {
      if (answer.kind === "draft") {
        if (this.tried.has(answer.seed)) {
          await this.journal.drop(answer.path);
          continue;
        }
        // Paid for by the run that was killed: booked with its verdict (one write carries both, so
        // a kill in between cannot book it twice), screened from the file.
        this.tried.add(answer.seed);
        this.draftsOpen++;
        this.unbooked.set(`draft:${answer.seed}`, answer.costUsd);
        this.followUps.push(this.recoveredDraft(answer));
      } else if (this.o.mode !== "preview") {
        const waiting = toRender.findIndex((r) => r.seed === answer.seed);
        if (waiting < 0 || !this.freeSlots.length) {
          await this.journal.drop(answer.path);
          continue;
        }
        toRender.splice(waiting, 1);
        this.unbooked.set(`final:${answer.seed}`, answer.costUsd);
        const slot = this.freeSlots.shift()!;
        this.rendersOpen++;
        this.followUps.push(this.recoveredFinal(answer, slot));
      }
    }
    if (this.o.mode === "preview") return;
    for (const record of toRender) {
      if (this.needsDraftFile() && !(record.draft && (await exists(join(root, record.draft))))) this.queueRedraft(record);
      else this.acceptedQueue.push(record.seed);
    }
  }

  /** What the report says about this asset once the run is over. */
  finalStatus(outcome: { waitingForBudget: boolean; stopped?: AssetStatus }): AssetStatus {
    if (this.isDone()) return "done";
    if (outcome.stopped) return outcome.stopped;
    if (outcome.waitingForBudget) return "budget";
    if (this.o.mode !== "render" && this.tried.size - this.setAside >= this.spec.maxAttempts) return "capped";
    // Render only renders what was accepted; the drafts still missing are work for `run`.
    return "planned";
  }

  /** Has its count: outputs for run and render, accepted drafts for preview. */
  isDone(): boolean {
    if (this.o.mode === "preview") return this.remaining() <= 0;
    return this.outputsDone >= this.spec.count;
  }

  /**
   * Accepted drafts beyond the count, once the asset has it: paid for and kept in the lockfile for
   * a later run (a larger count), but not needed by this one. Written into the entry as `surplus`.
   */
  recordSurplus(): number {
    let surplus = 0;
    if (this.isDone()) {
      const kept = this.entry.seeds.filter((s) => s.status === "accepted").length;
      surplus = this.o.mode === "preview" ? Math.max(0, kept + this.entry.seeds.filter((s) => s.status === "rendered").length - this.spec.count) : kept;
    }
    if (surplus && this.entryInLock) this.entry.surplus = surplus;
    else if (this.entry.surplus !== undefined) delete this.entry.surplus;
    return surplus;
  }

  /** Seeds drafted for this asset under its current inputs, this run and before. */
  get attempts(): number {
    return this.tried.size;
  }

  next(): Call | undefined {
    if (this.followUps.length) return this.followUps[0];
    const rendersHere = !(this.rendersOnFinal && this.o.batched?.finals);
    if (this.o.mode !== "preview" && rendersHere && this.acceptedQueue.length && this.outputsDone + this.rendersOpen < this.spec.count) {
      return this.renderCall;
    }
    if (this.o.mode === "render" || this.o.batched?.drafts) return undefined;
    const remaining = this.remaining();
    if (remaining <= 0 || this.tried.size - this.setAside >= this.spec.maxAttempts) return undefined;
    const keep = draftsToKeepInFlight({ remaining, acceptRate: this.acceptRate(), spareIsFinal: this.spec.tier === "final-only", ceiling: this.o.concurrency });
    if (this.draftsOpen >= keep) return undefined;
    return this.draftCall;
  }

  /** Images still wanted that nothing under way will give. */
  private remaining(): number {
    if (this.o.mode === "preview") {
      const withImage = this.entry.seeds.filter((s) => STATUS_WITH_IMAGE.has(s.status)).length;
      return this.spec.count - withImage;
    }
    return this.spec.count - this.outputsDone - this.rendersOpen - this.acceptedQueue.length - this.redraftsOpen;
  }

  /**
   * This asset's accept rate so far, leaning on the whole run's rate while it has few answers of
   * its own; the run's rate leans in turn on the prior (the lockfile's measure or 1 ÷ oversample).
   */
  acceptRate(): number {
    const prior = clampRate(this.o.priorAcceptRate);
    const { accepted, rejected } = this.o.tally;
    const run = clampRate((accepted + RUN_PRIOR_WEIGHT * prior) / (accepted + rejected + RUN_PRIOR_WEIGHT));
    return clampRate((this.acceptedDrafts + PRIOR_WEIGHT * run) / (this.answered + PRIOR_WEIGHT));
  }

  // ── draft ────────────────────────────────────────────────────────────────────────────────

  private async draft(reservation: Reservation, answered: () => void): Promise<void> {
    const seed = this.claimSeed();
    this.draftsOpen++;
    let result: ImageResult;
    try {
      // A seed whose output folder leads out of the repository is refused before it is paid for.
      if (this.o.mode !== "preview") this.checkOutputFolders(seed);
      result = await this.generate(this.draftModel, this.draftSize, seed);
    } catch (error) {
      this.o.ledger.release(reservation);
      this.unclaimSeed(seed);
      this.draftsOpen--;
      throw error;
    }
    const kept = this.keep("draft", seed, result, result.costUsd, 0);
    answered();
    this.pay(reservation, result.costUsd);
    this.report.drafts++;
    this.o.tally.drafts++;
    await this.screen(result, { seed, costUsd: result.costUsd, regenerated: 0, kept });
  }

  /** An answer a killed run received: screened from its file, at no cost. */
  private recoveredDraft(answer: JournalEntry): Call {
    return {
      priceUsd: 0,
      priority: 0,
      send: async (reservation, answered) => {
        this.followUps.shift();
        this.o.ledger.release(reservation);
        answered();
        const result = await answer.result();
        await this.screen(result, { seed: answer.seed, costUsd: answer.costUsd, regenerated: answer.regenerated, kept: [answer.path] });
      },
    };
  }

  /** Screens one answer; the draft stays open until its verdict is recorded. */
  private async screen(result: ImageResult, verdict: DraftVerdict): Promise<void> {
    if (result.kind === "rejected") {
      await this.reject(verdict, [{ key: result.reason, detail: `${result.reason}: ${result.message}` }]);
      return;
    }
    let analysis: ImageAnalysis;
    try {
      analysis = await analyzeImage(result.image.data, this.o.pictures ? { preview: PREVIEW_SIDE } : {});
    } catch (error) {
      if (!(error instanceof UndecodableImageError)) throw error;
      if (verdict.regenerated === 0) {
        this.followUps.push(this.regenerateCall(verdict));
        return;
      }
      await this.reject(verdict, [error.reason]);
      return;
    }
    // Without a final render the draft becomes the output, so it must be big enough to make it.
    const screened = screenDraft(analysis, this.spec.screen, {
      aspectRatio: this.spec.aspectRatio,
      seen: this.seen.filter((s) => s.seed !== verdict.seed),
      ...(this.rendersOnFinal ? {} : { output: this.spec.output }),
    });
    const described = { ...verdict, phash: analysis.phash, bytes: result.image.data, mimeType: result.image.mimeType, ...(analysis.preview ? { preview: analysis.preview } : {}), ...answerNote(result, verdict.note) };
    if (!screened.accepted) {
      await this.reject(described, screened.reasons);
      return;
    }
    // Seen from now on, so that a near-copy screened meanwhile is caught before the judge has ruled.
    const seenEntry = { seed: verdict.seed, phash: analysis.phash };
    this.seen.push(seenEntry);
    if (this.judging) {
      this.followUps.push(this.judgeCall(result.image, described, seenEntry));
      return;
    }
    await this.accept(result.image, described);
  }

  /** The answer did not decode: the same seed is called once more, and paid for. */
  private regenerateCall(verdict: DraftVerdict): Call {
    return {
      priceUsd: this.draftCeiling,
      priority: 0,
      send: async (reservation, answered) => {
        this.followUps.shift();
        let result: ImageResult;
        try {
          result = await this.generate(this.draftModel, this.draftSize, verdict.seed);
        } catch (error) {
          // The first answer stays in the journal: the next run regenerates it.
          this.o.ledger.release(reservation);
          this.draftsOpen--;
          throw error;
        }
        const costUsd = verdict.costUsd + result.costUsd;
        const kept = this.keep("draft", verdict.seed, result, costUsd, verdict.regenerated + 1);
        answered();
        this.pay(reservation, result.costUsd);
        this.report.regenerated++;
        this.o.tally.regenerated++;
        await this.screen(result, { ...verdict, costUsd, regenerated: verdict.regenerated + 1, kept: [...verdict.kept, ...kept] });
      },
    };
  }

  private judgeCall(image: InlineImage, verdict: DraftVerdict, seenEntry: { seed: number; phash: string }): Call {
    const rule = this.spec.screen.judge!;
    return {
      priceUsd: this.judgePrice,
      priority: 0,
      send: async (reservation, answered) => {
        this.followUps.shift();
        let score: number;
        let cost: number;
        try {
          const judged = await this.o.provider.judge({ model: this.spec.models.judge!, image, rubric: rule.rubric });
          score = judged.score;
          cost = judged.costUsd;
        } catch (error) {
          // Without a verdict the draft stays in the journal, to be screened and judged next run.
          // An answer that came but could not be read was still billed: book it, do not release it.
          if (error instanceof JudgeAnswerError) this.pay(reservation, error.costUsd);
          else this.o.ledger.release(reservation);
          this.forgetSeen(seenEntry);
          this.draftsOpen--;
          throw error;
        }
        answered();
        this.pay(reservation, cost);
        const judged = { ...verdict, costUsd: verdict.costUsd + cost, judgeScore: score };
        const reason = judgeVerdict(score, rule);
        if (reason) {
          this.forgetSeen(seenEntry);
          await this.reject(judged, [reason]);
        } else {
          await this.accept(image, judged);
        }
      },
    };
  }

  private async accept(image: InlineImage, verdict: DraftVerdict): Promise<void> {
    const { manifest } = this.o;
    const { seed } = verdict;
    const draft = draftPath(manifest, this.spec.id, seed, image.mimeType);
    // The file first, then the lockfile line that points at it; the journal keeps the answer until both are down.
    await this.writeDraft(draft, image.data);
    if (verdict.phash && !this.seen.some((s) => s.seed === seed)) this.seen.push({ seed, phash: verdict.phash });
    this.putSeed({ ...seedFields(verdict), model: this.draftModel.id, status: "accepted", draft, ...(verdict.note ? { reasons: [verdict.note] } : {}) });
    this.acceptedDrafts++;
    this.answered++;
    this.report.accepted++;
    this.o.tally.accepted++;
    try {
      await this.o.recorder.persist();
    } finally {
      // Rendered only once the lockfile records the acceptance: a resumed run keeps a final only
      // for a seed the lockfile calls accepted, so a final answered earlier would be paid again.
      this.draftsOpen--;
      if (this.o.mode !== "preview") this.acceptedQueue.push(seed);
    }
    for (const path of verdict.kept) await this.journal.drop(path);
    await this.addTile({ seed, accepted: true, reasons: [] }, verdict);
  }

  private async reject(verdict: DraftVerdict, reasons: RejectReason[]): Promise<void> {
    const details = [...(verdict.note ? [verdict.note] : []), ...reasons.map((r) => r.detail)];
    this.putSeed({ ...seedFields(verdict), model: this.draftModel.id, status: "rejected", reasons: details });
    this.answered++;
    for (const r of reasons) this.report.rejected[r.key] = (this.report.rejected[r.key] ?? 0) + 1;
    this.report.rejectedDrafts++;
    this.o.tally.rejected++;
    this.draftsOpen--;
    await this.o.recorder.persist();
    for (const path of verdict.kept) await this.journal.drop(path);
    // Made after the verdict is on disk: a kill meanwhile loses a thumbnail, not an answer.
    await this.addTile({ seed: verdict.seed, accepted: false, reasons: details }, verdict);
  }

  /**
   * An accepted seed whose draft file is gone (a fresh checkout, an ignored `.seedlock/`): its seed
   * is drafted once more, and since a seed is not a recipe the new image is screened again (judge
   * included) before it is rendered or sent as a reference. Rejected, it is recorded so and the
   * asset drafts another seed.
   */
  private queueRedraft(record: SeedRecord): void {
    this.redraftsOpen++;
    const call: Call = {
      priceUsd: this.draftCeiling,
      priority: 0,
      send: async (reservation, answered) => {
        this.followUps.shift();
        let result: ImageResult;
        try {
          result = await this.generate(this.draftModel, this.draftSize, record.seed);
        } catch (error) {
          this.o.ledger.release(reservation);
          this.followUps.unshift(call);
          throw error;
        }
        const regenerated = (record.regenerated ?? 0) + 1;
        const costUsd = record.costUsd + result.costUsd;
        const kept = this.keep("draft", record.seed, result, costUsd, regenerated);
        answered();
        this.pay(reservation, result.costUsd);
        this.report.regenerated++;
        this.o.tally.regenerated++;
        this.redraftsOpen--;
        // prepare() counted this seed as an accepted answer; its new image gets its own verdict.
        this.answered--;
        this.acceptedDrafts--;
        this.draftsOpen++;
        const at = this.seen.findIndex((s) => s.seed === record.seed);
        if (at >= 0) this.seen.splice(at, 1);
        const note = `re-drawn from seed ${record.seed} because its draft file ${record.draft ?? "(none)"} was missing, and screened again`;
        await this.screen(result, { seed: record.seed, costUsd, regenerated, kept, note });
      },
    };
    this.followUps.push(call);
  }

  // ── render ───────────────────────────────────────────────────────────────────────────────

  /** Two-tier: the final model gets the prompt, the seed and (by default) the accepted draft. */
  private async render(reservation: Reservation, answered: () => void, again: FinalAnswer | undefined): Promise<void> {
    const seed = again?.seed ?? this.acceptedQueue.shift()!;
    const slot = again?.slot ?? this.freeSlots.shift()!;
    if (!again) this.rendersOpen++;
    let result: ImageResult;
    try {
      const reference = this.spec.reference ? await this.readDraft(seed) : undefined;
      result = await this.o.provider.generate({
        model: this.finalModel.id,
        prompt: this.spec.prompt,
        seed,
        aspectRatio: this.spec.aspectRatio,
        imageSize: this.spec.finalSize,
        ...(reference ? { reference } : {}),
      });
    } catch (error) {
      this.o.ledger.release(reservation);
      this.acceptedQueue.unshift(seed);
      this.freeSlot(slot);
      this.rendersOpen--;
      throw error;
    }
    const costUsd = (again?.costUsd ?? 0) + result.costUsd;
    const regenerated = again ? again.regenerated + 1 : 0;
    const kept = this.keep("final", seed, result, costUsd, regenerated);
    answered();
    this.pay(reservation, result.costUsd);
    const notes = [...(again?.notes ?? []), ...(result.kind === "image" && (result.imageCount ?? 1) > 1 ? [`final: the answer held ${result.imageCount} images; kept the last`] : [])];
    await this.finishRender(result, { seed, slot, costUsd, regenerated, kept: [...(again?.kept ?? []), ...kept], ...(notes.length ? { notes } : {}) });
  }

  /** A final a killed run received: checked and written from its file, at no cost. */
  private recoveredFinal(answer: JournalEntry, slot: number): Call {
    return {
      priceUsd: 0,
      priority: 0,
      send: async (reservation, answered) => {
        this.followUps.shift();
        this.o.ledger.release(reservation);
        answered();
        const result = await answer.result();
        await this.finishRender(result, { seed: answer.seed, slot, costUsd: answer.costUsd, regenerated: answer.regenerated, kept: [answer.path] });
      },
    };
  }

  /**
   * Checks a final by tolerance (it decodes, its aspect is near the ratio asked, it can make the
   * output without enlarging) and writes it, smaller than asked or not. One that cannot serve the
   * output is rendered once more, paid and said so; a second such answer fails the seed, recorded.
   */
  private async finishRender(result: ImageResult, final: FinalAnswer): Promise<void> {
    if (result.kind === "rejected") {
      await this.failRender(final, [{ key: result.reason, detail: `${result.reason}: ${result.message}` }]);
      return;
    }
    let analysis: ImageAnalysis;
    try {
      analysis = await analyzeImage(result.image.data, this.o.pictures ? { preview: PREVIEW_SIDE } : {});
    } catch (error) {
      if (!(error instanceof UndecodableImageError)) throw error;
      if (final.regenerated === 0) {
        this.renderAgain(final);
        return;
      }
      await this.failRender(final, [error.reason]);
      return;
    }
    const geometry = geometryReasons(analysis, { minWidth: 0, minHeight: 0, aspectTolerance: this.spec.screen.aspectTolerance }, { aspectRatio: this.spec.aspectRatio, output: this.spec.output });
    if (geometry.length) {
      if (final.regenerated === 0) {
        this.renderAgain({ ...final, notes: [...(final.notes ?? []), `final: re-rendered (the paid answer was not used): ${geometry.map((r) => r.detail).join("; ")}`] });
        return;
      }
      await this.failRender(final, geometry);
      return;
    }
    await this.writeFinal(final.seed, final.slot, result.image.data, this.finalModel.id, final.costUsd, final.regenerated, final.kept, {
      asked: pixelSize(this.spec.aspectRatio, this.spec.finalSize),
      answered: analysis,
      notes: final.notes ?? [],
    }, analysis.preview);
  }

  /** The same seed on the final model once more, paid for: its first answer could not be used. */
  private renderAgain(final: FinalAnswer): void {
    this.report.regenerated++;
    this.o.tally.regenerated++;
    this.followUps.push({
      priceUsd: this.finalCeiling,
      priority: 0,
      send: (r, a) => {
        this.followUps.shift();
        return this.render(r, a, final);
      },
    });
  }

  /** Final-only and draft-only: the accepted image itself becomes the output, post-processed. */
  private async materialize(reservation: Reservation, answered: () => void): Promise<void> {
    this.o.ledger.release(reservation);
    answered();
    const seed = this.acceptedQueue.shift()!;
    const slot = this.freeSlots.shift()!;
    this.rendersOpen++;
    const image = await this.readDraft(seed);
    const size = await analyzeImage(image.data).catch(() => undefined);
    await this.writeFinal(seed, slot, image.data, this.draftModel.id, 0, 0, [], size ? { asked: pixelSize(this.spec.aspectRatio, this.draftSize), answered: size, notes: [] } : undefined);
  }

  private async writeFinal(
    seed: number,
    slot: number,
    image: Buffer,
    model: string,
    costUsd: number,
    regenerated = 0,
    kept: string[] = [],
    geometry?: { asked: { width: number; height: number }; answered: { width: number; height: number }; notes: string[] },
    preview?: Buffer,
  ): Promise<void> {
    const path = outputPath(this.spec, slot, seed);
    const file = join(this.o.manifest.root, path);
    const written = await writing(file, () => writeOutput(image, this.spec.output, file, this.repository));
    const record = this.entry.seeds.find((s) => s.seed === seed);
    const notes = geometry?.notes ?? [];
    if (record) {
      const reasons = notes.length ? { reasons: [...(record.reasons ?? []), ...notes] } : {};
      this.putSeed({ ...withRegenerated(record, regenerated), status: "rendered", costUsd: round(record.costUsd + costUsd), ...reasons });
    }
    const undersized = geometry && isUndersized(geometry.answered, geometry.asked);
    const sizes = geometry ? `${geometry.answered.width}x${geometry.answered.height}` : undefined;
    for (const note of notes) this.note(`${path}: ${note}`);
    if (undersized) this.note(`${path}: undersized: the model answered ${sizes}, asked ${geometry.asked.width}x${geometry.asked.height}; it still makes the output`);
    this.entry.outputs = this.entry.outputs.filter((o) => o.path !== path);
    this.entry.outputs.push({
      path,
      sha256: written.sha256,
      seed,
      model,
      width: written.width,
      height: written.height,
      bytes: written.bytes,
      ...(undersized ? { undersized: true, answered: sizes!, asked: `${geometry.asked.width}x${geometry.asked.height}` } : {}),
    });
    this.commitEntry();
    this.outputsDone++;
    this.rendersOpen--;
    this.report.rendered++;
    this.report.outputs.push(path);
    this.o.tally.rendered++;
    await this.o.recorder.persist();
    for (const p of kept) await this.journal.drop(p);
    await this.addOutputPicture(seed, slot, path, file, preview);
  }

  /** The output's picture for the report: the screen's preview when the output keeps the final's frame, else one made from the output. */
  private async addOutputPicture(seed: number, slot: number, path: string, file: string, preview: Buffer | undefined): Promise<void> {
    if (!this.o.pictures) return;
    try {
      const data = await this.repository.readFile(path);
      const reframed = this.spec.output.width !== undefined || this.spec.output.height !== undefined;
      const shown = preview && !reframed ? preview : await previewOf(data);
      const picture = await this.o.pictures.output(this.spec.id, slot, shown, { data, extension: extname(path) });
      this.outputPictures.push({ seed, path, picture });
    } catch {
      // A missing preview costs the report one picture, never the run.
    }
  }

  private async failRender(final: FinalAnswer, reasons: RejectReason[]): Promise<void> {
    const record = this.entry.seeds.find((s) => s.seed === final.seed);
    const details = [...(final.notes ?? []), ...reasons.map((r) => `final: ${r.detail}`)];
    for (const note of details) this.note(`seed ${final.seed}: ${note}`);
    if (record) {
      this.putSeed({ ...withRegenerated(record, final.regenerated), status: "failed", reasons: [...(record.reasons ?? []), ...details], costUsd: round(record.costUsd + final.costUsd) });
    }
    for (const r of reasons) this.report.rejected[`final ${r.key}`] = (this.report.rejected[`final ${r.key}`] ?? 0) + 1;
    this.freeSlot(final.slot);
    this.rendersOpen--;
    await this.o.recorder.persist();
    for (const p of final.kept) await this.journal.drop(p);
  }

  // ── bookkeeping ──────────────────────────────────────────────────────────────────────────

  /**
   * Puts a paid answer in the journal before anything else happens to it. When the disk refuses,
   * the run stops sending calls, and this answer goes on from memory to its verdict or output,
   * recorded wherever the disk still takes it: paid for, it is not dropped.
   */
  private keep(kind: AnswerKind, seed: number, result: ImageResult, costUsd: number, regenerated: number): string[] {
    try {
      return [this.journal.keep(kind, seed, result, costUsd, regenerated)];
    } catch (error) {
      this.o.halt(refusedWrite(error, this.journal.dir, true) ?? error);
      return [];
    }
  }

  private async writeDraft(draft: string, data: Buffer): Promise<void> {
    const file = join(this.o.manifest.root, draft);
    await writing(file, () => this.repository.writeFile(file, data));
    await keepDraftsInGit(this.o.manifest);
  }

  /** A line for the report about what happened to a paid image (undersized, re-rendered, several in one answer). */
  private note(line: string): void {
    (this.report.notes ??= []).push(line);
    this.o.logger.debug(`${this.spec.id}: ${line}`);
  }

  /** A tile for the contact sheet; past the cap only accepted drafts are kept, so memory stays flat. */
  private async addTile(tile: DraftTile, verdict: Pick<DraftVerdict, "bytes" | "preview" | "mimeType">): Promise<void> {
    if (this.tiles.length >= MAX_TILES) {
      if (!tile.accepted) return;
      const rejected = this.tiles.findIndex((t) => !t.accepted);
      if (rejected < 0) return;
      this.tiles.splice(rejected, 1);
    }
    const { bytes, preview } = verdict;
    // With a report folder, the screen's preview goes to a file now; nothing is decoded again later.
    if (this.o.pictures && bytes && preview) {
      const picture = await this.o.pictures.draft(this.spec.id, tile.seed, preview, { data: bytes, mimeType: verdict.mimeType ?? "image/jpeg" }).catch(() => undefined);
      this.tiles.push({ ...tile, ...(picture ? { picture } : {}) });
      return;
    }
    this.tiles.push({ ...tile, ...(bytes ? { image: await tileOf(bytes) } : {}) });
  }

  private generate(model: ImageModel, size: ImageSize, seed: number): Promise<ImageResult> {
    return this.o.provider.generate({ model: model.id, prompt: this.spec.prompt, seed, aspectRatio: this.spec.aspectRatio, imageSize: size });
  }

  private async readDraft(seed: number): Promise<InlineImage> {
    const record = this.entry.seeds.find((s) => s.seed === seed);
    if (!record?.draft) throw new SeedlockError(`${this.spec.id}: seed ${seed} has no saved draft to render from`, ExitCode.fault);
    return { mimeType: mimeTypeOf(record.draft), data: await this.repository.readFile(record.draft) };
  }

  private pay(reservation: Reservation, costUsd: number): void {
    this.o.ledger.settle(reservation, costUsd);
    this.report.spentUsd += costUsd;
    this.entry.spentUsd = round(this.entry.spentUsd + costUsd);
  }

  private putSeed(record: SeedRecord): void {
    for (const key of [`draft:${record.seed}`, `final:${record.seed}`]) {
      const usd = this.unbooked.get(key);
      if (usd === undefined) continue;
      this.entry.spentUsd = round(this.entry.spentUsd + usd);
      this.unbooked.delete(key);
    }
    const at = this.entry.seeds.findIndex((s) => s.seed === record.seed);
    if (at >= 0) this.entry.seeds[at] = record;
    else this.entry.seeds.push(record);
    this.commitEntry();
  }

  /** A changed asset's new entry replaces the old one with its first record, not before. */
  private commitEntry(): void {
    if (this.entryInLock) return;
    this.o.recorder.lock.assets[this.spec.id] = this.entry;
    this.entryInLock = true;
  }

  /** Outputs named by their seed land in folders known only now; each must stay inside the repository. */
  private checkOutputFolders(seed: number): void {
    if (!this.spec.out.includes("{seed}")) return;
    const folders = new Map<string, string>();
    for (let n = 1; n <= this.spec.count; n++) {
      const file = join(this.o.manifest.root, outputPath(this.spec, n, seed));
      if (!folders.has(dirname(file))) folders.set(dirname(file), file);
    }
    for (const [folder, file] of folders) this.repository.checkFolder(folder, file);
  }

  private claimSeed(): number {
    while (this.tried.has(this.cursor)) this.cursor++;
    const seed = this.cursor++;
    this.tried.add(seed);
    return seed;
  }

  /** A draft whose answer never came: its seed was not paid for and is free again. */
  private unclaimSeed(seed: number): void {
    this.tried.delete(seed);
    this.cursor = Math.min(this.cursor, seed);
  }

  private forgetSeen(entry: { seed: number; phash: string }): void {
    const at = this.seen.indexOf(entry);
    if (at >= 0) this.seen.splice(at, 1);
  }

  private slotOf(output: OutputRecord): number | undefined {
    for (const n of this.freeSlots) if (outputPath(this.spec, n, output.seed) === output.path) return n;
    return undefined;
  }

  private takeSlot(n: number): void {
    const at = this.freeSlots.indexOf(n);
    if (at >= 0) this.freeSlots.splice(at, 1);
  }

  private freeSlot(n: number): void {
    this.freeSlots.push(n);
    this.freeSlots.sort((a, b) => a - b);
  }

  private needsDraftFile(): boolean {
    return !this.rendersOnFinal || this.spec.reference;
  }

  /** Per-call prices, for the estimate of what is left. */
  get prices(): { draftUsd: number; finalUsd: number; judgeUsd: number } {
    return { draftUsd: this.draftPrice, finalUsd: this.finalPrice, judgeUsd: this.judgePrice };
  }

  /** The lock entry as it stands (the old one when this run has not recorded anything yet). */
  get lockEntry(): AssetLock {
    return this.entry;
  }
}

/** Smaller than asked by more than pixel tables differ (Gemini 2.5 vs 3 differ by under 4 %): another size class came back. */
const UNDERSIZED_BELOW = 0.9;

function isUndersized(answered: { width: number; height: number }, asked: { width: number; height: number }): boolean {
  return answered.width < asked.width * UNDERSIZED_BELOW || answered.height < asked.height * UNDERSIZED_BELOW;
}

/** What the lockfile says about an answer beyond its verdict: several images in it, a note passed along. */
function answerNote(result: ImageResult, note: string | undefined): { note?: string } {
  const several = result.kind === "image" && (result.imageCount ?? 1) > 1 ? `the answer held ${result.imageCount} images; kept the last` : undefined;
  const text = [note, several].filter(Boolean).join("; ");
  return text ? { note: text } : {};
}

function imageModel(id: string): ImageModel {
  const model = findModel(id);
  if (!model || model.kind !== "image") throw new SeedlockError(`${id} is not an image model seedlock knows`, ExitCode.invalidInput);
  return model;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

