import { RepositoryFolder } from "../disk/repository-path.js";
import type { AssetLock, SeedRecord } from "../lock/types.js";
import type { Logger } from "../logger.js";
import type { AssetSpec, Manifest } from "../manifest/spec.js";
import { JudgeAnswerError } from "../provider/errors.js";
import type { ImageProvider, ImageResult, InlineImage } from "../provider/provider.js";
import type { ReportPictures } from "../report/images.js";
import { blockedAnswer, severalImagesNote } from "./answer-check.js";
import { AssetPictures, type DraftTile, type OutputPicture } from "./asset-pictures.js";
import { assetCallsOf, type AssetCalls } from "./call-prices.js";
import { refusedWrite } from "../disk/refused-write.js";
import { Drafting, readKeptDraft } from "./draft.js";
import { expectedAcceptRate, nextCall, nextSeed } from "./in-flight.js";
import { AnswerJournal, type AnswerKind } from "./journal.js";
import type { BudgetLedger, Reservation } from "./ledger.js";
import { acceptedSeed, AssetEntry, failedSeed, rejectedSeed, renderedSeed, type DraftFacts, type TierChoice } from "./lock-entry.js";
import type { LockfileRecorder } from "./record.js";
import { Rendering, type OutputGeometry } from "./render.js";
import { untouchedAsset, type AssetReport, type AssetStatus } from "../run-report.js";
import { resume, type RecoveredAnswer } from "./resume.js";
import type { RunVerdicts, TallyEvent } from "./run-tally.js";
import type { Answered, Call, CallSource } from "./scheduler.js";
import type { RejectReason } from "./screen.js";
import { Screening, type Judged, type SeenDraft } from "./screening.js";

/**
 * One asset's way through a run, as a state machine the pool asks for its next call: it holds the
 * counts (drafts open, renders open, outputs done, seeds tried) and the queues (follow-ups, accepted
 * seeds, free output numbers), and moves on the values its stages give back (an answer, a verdict,
 * an output written). Every verdict and image goes into the lockfile entry the moment it exists.
 */

/**
 * How far this run takes the asset: to accepted drafts (a preview, or a run whose output folder was
 * refused), to its outputs, or to outputs rendered from drafts already accepted (`render`).
 */
export type AssetGoal = "accepted-drafts" | "outputs" | "outputs-from-accepted-drafts";

export interface AssetRunSetup {
  goal: AssetGoal;
  spec: AssetSpec;
  manifest: Manifest;
  inputHash: string;
  provider: ImageProvider;
  ledger: BudgetLedger;
  /** The run's lockfile; `persist()` writes this asset's entry. */
  recorder: Pick<LockfileRecorder, "lock" | "persist">;
  /** The plan's measurement: the sha256 of each locked output's file on disk, by path. */
  outputsOnDisk: ReadonlyMap<string, string | undefined>;
  /** Share of drafts expected to pass before this asset has answers of its own. */
  priorAcceptRate: number;
  /** The pool's calls in flight at once; also the most drafts one asset has open (called or being screened). */
  concurrency: number;
  /** The whole run's verdicts so far: this asset's accept rate leans on them. */
  runVerdicts: RunVerdicts;
  /** Tells the run what this asset did, as it happens; the run adds it up. */
  announce(event: TallyEvent): void;
  logger: Logger;
  /** For `tier: auto`: the tier `spec.tier` was resolved to and why, recorded in the entry. */
  tierChoice?: TierChoice;
  /** Calls this asset sends through the Batch API: the run leaves them to be submitted after it. */
  batched?: { drafts: boolean; finals: boolean };
  /** Where the report's pictures go as answers arrive; absent, tiles are kept in memory. */
  pictures?: ReportPictures;
}

/** A draft on its way to a verdict. */
interface OpenDraft extends DraftFacts {
  /** The answer's bytes, for the contact-sheet tile made once the verdict is safely recorded. */
  bytes?: Buffer;
  mimeType?: string;
  /** The screen's preview of it, for the report. */
  preview?: Buffer;
  /** Journal files holding this seed's answers, dropped once it is recorded. */
  kept: string[];
}

/** A final on its way to becoming an output. */
interface OpenFinal {
  seed: number;
  slot: number;
  costUsd: number;
  regenerated: number;
  kept: string[];
  /** What happened to earlier answers for this final (a paid one re-rendered for its geometry). */
  notes?: string[];
}

export class AssetRun implements CallSource {
  readonly report: AssetReport;
  private readonly spec: AssetSpec;
  private readonly calls: AssetCalls;
  private readonly entry: AssetEntry;
  private readonly journal: AnswerJournal;
  /** Every output and draft is read and written through it: inside the repository, after symlinks. */
  private readonly repository: RepositoryFolder;
  private readonly drafting: Drafting;
  private readonly screening: Screening;
  private readonly rendering: Rendering;
  private readonly pictures: AssetPictures;
  private readonly draftCall: Call;
  private readonly renderCall: Call;

  private tried = new Set<number>();
  /** Seeds a reviewer set aside: paid for and never drafted again, but not held against maxAttempts. */
  private setAside = 0;
  private cursor: number;
  private answered = 0;
  private acceptedDrafts = 0;
  private draftsOpen = 0;
  private rendersOpen = 0;
  private redraftsOpen = 0;
  private freeSlots: number[] = [];
  private readonly acceptedQueue: number[] = [];
  private readonly followUps: Call[] = [];

  constructor(private readonly setup: AssetRunSetup) {
    const { spec, manifest } = setup;
    this.spec = spec;
    this.calls = assetCallsOf(spec, manifest);
    this.repository = new RepositoryFolder(manifest.root);
    this.entry = new AssetEntry({ lock: setup.recorder.lock, spec, inputHash: setup.inputHash, ...(setup.tierChoice ? { tierChoice: setup.tierChoice } : {}) });
    this.journal = new AnswerJournal(manifest, spec.id, setup.inputHash, this.repository);
    this.pictures = new AssetPictures(spec, this.repository, setup.pictures);
    const preview = this.pictures.wantsPreviews;
    const { provider } = setup;
    this.drafting = new Drafting({ spec, manifest, provider, model: this.calls.draftModel, size: this.calls.draftSize, repository: this.repository });
    this.screening = new Screening({ spec, provider, judging: this.calls.judging, rendersOnFinal: this.calls.rendersOnFinal, preview });
    this.rendering = new Rendering({ spec, manifest, provider, finalModel: this.calls.finalModel, repository: this.repository, preview });
    const { draftCeilingUsd, judgePriceUsd, finalPriceUsd, finalCeilingUsd } = this.calls;
    this.draftCall = {
      priority: 1,
      priceUsd: draftCeilingUsd,
      // A draft is worth sending only if the judge and the final it may lead to can be paid too.
      headroomUsd: setup.goal === "accepted-drafts" ? judgePriceUsd : judgePriceUsd + finalPriceUsd,
      send: (reservation, answered) => this.draft(reservation, answered),
    };
    this.renderCall = this.calls.rendersOnFinal
      ? { priority: 0, priceUsd: finalCeilingUsd, send: (reservation, answered) => this.render(reservation, answered, undefined) }
      : { priority: 0, priceUsd: 0, send: (reservation, answered) => this.materialize(reservation, answered) };
    this.cursor = spec.seedStart;
    this.report = untouchedAsset(spec.id, "done");
  }

  get id(): string {
    return this.spec.id;
  }

  get tiles(): readonly DraftTile[] {
    return this.pictures.tiles;
  }

  get outputPictures(): readonly OutputPicture[] {
    return this.pictures.outputs;
  }

  /** The lock entry as it stands (the old one when this run has not recorded anything yet). */
  get lockEntry(): AssetLock {
    return this.entry.value;
  }

  /** Takes up where the lockfile and the answer journal left the asset, before any call is sent. */
  async prepare(): Promise<void> {
    const { goal, outputsOnDisk } = this.setup;
    const resumed = await resume({
      spec: this.spec,
      entry: this.entry,
      outputsOnDisk,
      journal: this.journal,
      mayRender: goal !== "accepted-drafts",
      needsDraftFile: !this.calls.rendersOnFinal || this.spec.reference,
      repository: this.repository,
    });
    this.freeSlots = resumed.freeSlots;
    this.report.outputs.push(...resumed.outputs);
    this.tried = resumed.tried;
    this.answered = resumed.answered;
    this.acceptedDrafts = resumed.acceptedDrafts;
    this.setAside = resumed.setAside;
    for (const seen of resumed.seen) this.screening.remember(seen.seed, seen.phash);
    for (const recovered of resumed.recovered) {
      // Open from now on, as a draft sent or a render under way would be.
      if (recovered.kind === "draft") this.draftsOpen++;
      else this.rendersOpen++;
      this.followUps.push(this.recoveredCall(recovered));
    }
    this.acceptedQueue.push(...resumed.toRender);
    for (const record of resumed.toRedraw) this.queueRedraft(record);
  }

  /** What the report says about this asset once the run is over. */
  finalStatus(outcome: { waitingForBudget: boolean; stopped?: AssetStatus }): AssetStatus {
    if (this.isDone()) return "done";
    if (outcome.stopped) return outcome.stopped;
    if (outcome.waitingForBudget) return "budget";
    if (this.setup.goal !== "outputs-from-accepted-drafts" && this.attemptsLeft() <= 0) return "capped";
    // Render only renders what was accepted; the drafts still missing are work for `run`.
    return "planned";
  }

  /** Has its count: outputs for run and render, accepted drafts for preview. */
  isDone(): boolean {
    if (this.setup.goal === "accepted-drafts") return this.remaining() <= 0;
    return this.report.outputs.length >= this.spec.count;
  }

  /**
   * Accepted drafts beyond the count, once the asset has it: paid for and kept in the lockfile for
   * a later run (a larger count), but not needed by this one. Written into the entry as `surplus`.
   */
  recordSurplus(): number {
    let surplus = 0;
    if (this.isDone()) {
      const accepted = this.entry.value.seeds.filter((s) => s.status === "accepted").length;
      surplus = this.setup.goal === "accepted-drafts" ? Math.max(0, this.entry.imagesKept() - this.spec.count) : accepted;
    }
    this.entry.recordSurplus(surplus);
    return surplus;
  }

  next(): Call | undefined {
    const { goal, batched, concurrency } = this.setup;
    const rendersHere = goal !== "accepted-drafts" && !(this.calls.rendersOnFinal && batched?.finals);
    const wanted = nextCall({
      followUps: this.followUps.length,
      rendersWaiting: rendersHere ? this.acceptedQueue.length : 0,
      outputsUnderWay: this.report.outputs.length + this.rendersOpen,
      count: this.spec.count,
      drafts: goal !== "outputs-from-accepted-drafts" && !batched?.drafts,
      remaining: this.remaining(),
      attemptsLeft: this.attemptsLeft(),
      draftsOpen: this.draftsOpen,
      acceptRate: expectedAcceptRate({ prior: this.setup.priorAcceptRate, run: this.setup.runVerdicts, asset: { accepted: this.acceptedDrafts, answered: this.answered } }),
      spareIsFinal: this.spec.tier === "final-only",
      ceiling: concurrency,
    });
    if (wanted === "follow-up") return this.followUps[0];
    if (wanted === "render") return this.renderCall;
    return wanted === "draft" ? this.draftCall : undefined;
  }

  /** Images still wanted that nothing under way will give. */
  private remaining(): number {
    if (this.setup.goal === "accepted-drafts") return this.spec.count - this.entry.imagesKept();
    return this.spec.count - this.report.outputs.length - this.rendersOpen - this.acceptedQueue.length - this.redraftsOpen;
  }

  private attemptsLeft(): number {
    return this.spec.maxAttempts - (this.tried.size - this.setAside);
  }

  // ── draft ────────────────────────────────────────────────────────────────────────────────

  private async draft(reservation: Reservation, answered: Answered): Promise<void> {
    const seed = this.claimSeed();
    this.draftsOpen++;
    let result: ImageResult;
    try {
      // A seed whose output folder leads out of the repository is refused before it is paid for.
      if (this.setup.goal !== "accepted-drafts") this.rendering.checkOutputFolders(seed);
      result = await this.drafting.draw(seed);
    } catch (error) {
      this.setup.ledger.release(reservation);
      this.unclaimSeed(seed);
      this.draftsOpen--;
      throw error;
    }
    const kept = this.keepAnswer("draft", seed, result, result.costUsd, 0, answered);
    this.pay(reservation, result.costUsd);
    this.count("drafted");
    await this.screen(result, { seed, costUsd: result.costUsd, regenerated: 0, kept });
  }

  /** An answer a killed run received: handled from its file, at no cost. */
  private recoveredCall(recovered: RecoveredAnswer): Call {
    const { answer } = recovered;
    return {
      priceUsd: 0,
      priority: 0,
      send: async (reservation, answered) => {
        this.followUps.shift();
        this.setup.ledger.release(reservation);
        answered();
        const result = await answer.result();
        const facts = { seed: answer.seed, costUsd: answer.costUsd, regenerated: answer.regenerated, kept: [answer.path] };
        if (recovered.kind === "draft") await this.screen(result, facts);
        else await this.finishRender(result, { ...facts, slot: recovered.slot });
      },
    };
  }

  /** Screens one answer; the draft stays open until its verdict is recorded. */
  private async screen(result: ImageResult, draft: OpenDraft): Promise<void> {
    const check = result.kind === "rejected" ? blockedAnswer(result) : await this.screening.check(result.image, draft.seed);
    if (check.verdict === "blocked") return this.reject(draft, check.reasons);
    if (check.verdict === "undecodable") {
      if (draft.regenerated === 0) this.followUps.push(this.drawAgainCall("undecodable", draft));
      else await this.reject(draft, check.reasons);
      return;
    }
    const { image, analysis } = check;
    const note = [draft.note, severalImagesNote(result)].filter(Boolean).join("; ");
    const described: OpenDraft = { ...draft, phash: analysis.phash, bytes: image.data, mimeType: image.mimeType, ...(analysis.preview ? { preview: analysis.preview } : {}), ...(note ? { note } : {}) };
    if (check.verdict === "unfit") return this.reject(described, check.reasons);
    if (this.screening.judging) this.followUps.push(this.judgeCall(image, described, check.seen));
    else await this.accept(image, described);
  }

  private judgeCall(image: InlineImage, draft: OpenDraft, seen: SeenDraft): Call {
    return {
      priceUsd: this.calls.judgePriceUsd,
      priority: 0,
      send: async (reservation, answered) => {
        this.followUps.shift();
        let judged: Judged;
        try {
          judged = await this.screening.judge(image);
        } catch (error) {
          // Without a verdict the draft stays in the journal, to be screened and judged next run.
          // An answer that came but could not be read was still billed: book it, do not release it.
          if (error instanceof JudgeAnswerError) this.pay(reservation, error.costUsd);
          else this.setup.ledger.release(reservation);
          this.screening.forget(seen);
          this.draftsOpen--;
          throw error;
        }
        answered();
        this.pay(reservation, judged.costUsd);
        const scored = { ...draft, costUsd: draft.costUsd + judged.costUsd, judgeScore: judged.score };
        if (judged.reason) {
          this.screening.forget(seen);
          await this.reject(scored, [judged.reason]);
        } else {
          await this.accept(image, scored);
        }
      },
    };
  }

  private async accept(image: InlineImage, draft: OpenDraft): Promise<void> {
    const { seed } = draft;
    // The file first, then the lockfile line that points at it; the journal keeps the answer until both are down.
    const path = await this.drafting.keep(seed, image);
    this.screening.rememberOnce(seed, draft.phash);
    this.entry.putSeed(acceptedSeed(draft, this.calls.draftModel.id, path));
    this.acceptedDrafts++;
    this.answered++;
    this.count("accepted");
    try {
      await this.setup.recorder.persist();
    } finally {
      // Rendered only once the lockfile records the acceptance: a resumed run keeps a final only
      // for a seed the lockfile calls accepted, so a final answered earlier would be paid again.
      this.draftsOpen--;
      if (this.setup.goal !== "accepted-drafts") this.acceptedQueue.push(seed);
    }
    for (const kept of draft.kept) await this.journal.drop(kept);
    await this.pictures.addTile({ seed, accepted: true, reasons: [] }, draft);
  }

  private async reject(draft: OpenDraft, reasons: RejectReason[]): Promise<void> {
    const details = [...(draft.note ? [draft.note] : []), ...reasons.map((r) => r.detail)];
    this.entry.putSeed(rejectedSeed(draft, this.calls.draftModel.id, details));
    this.answered++;
    for (const r of reasons) this.report.rejected[r.key] = (this.report.rejected[r.key] ?? 0) + 1;
    this.count("rejected");
    this.draftsOpen--;
    await this.setup.recorder.persist();
    for (const kept of draft.kept) await this.journal.drop(kept);
    // Made after the verdict is on disk: a kill meanwhile loses a thumbnail, not an answer.
    await this.pictures.addTile({ seed: draft.seed, accepted: false, reasons: details }, draft);
  }

  /**
   * An accepted seed whose draft file is gone (a fresh checkout, an ignored `.seedlock/`): its seed
   * is drafted once more, and since a seed is not a recipe the new image is screened again (judge
   * included) before it is rendered or sent as a reference. Rejected, it is recorded so and the
   * asset drafts another seed.
   */
  private queueRedraft(record: SeedRecord): void {
    this.redraftsOpen++;
    const note = `re-drawn from seed ${record.seed} because its draft file ${record.draft ?? "(none)"} was missing, and screened again`;
    this.followUps.push(this.drawAgainCall("draft file gone", { seed: record.seed, costUsd: record.costUsd, regenerated: record.regenerated ?? 0, kept: [], note }));
  }

  /** The same seed called once more, and paid for: its answer did not decode, or its accepted draft's file is gone. */
  private drawAgainCall(why: "undecodable" | "draft file gone", draft: OpenDraft): Call {
    const call: Call = {
      priceUsd: this.calls.draftCeilingUsd,
      priority: 0,
      send: async (reservation, answered) => {
        this.followUps.shift();
        let result: ImageResult;
        try {
          result = await this.drafting.draw(draft.seed);
        } catch (error) {
          this.setup.ledger.release(reservation);
          // An undecodable first answer stays in the journal: the next run regenerates it.
          if (why === "undecodable") this.draftsOpen--;
          else this.followUps.unshift(call);
          throw error;
        }
        const costUsd = draft.costUsd + result.costUsd;
        const regenerated = draft.regenerated + 1;
        const kept = this.keepAnswer("draft", draft.seed, result, costUsd, regenerated, answered);
        this.pay(reservation, result.costUsd);
        this.count("regenerated");
        if (why === "draft file gone") {
          this.redraftsOpen--;
          // Resuming counted this seed as an accepted answer; its new image gets its own verdict.
          this.answered--;
          this.acceptedDrafts--;
          this.draftsOpen++;
          this.screening.forgetSeed(draft.seed);
        }
        await this.screen(result, { ...draft, costUsd, regenerated, kept: [...draft.kept, ...kept] });
      },
    };
    return call;
  }

  // ── render ───────────────────────────────────────────────────────────────────────────────

  /** Two-tier: the final model gets the prompt, the seed and (by default) the accepted draft. */
  private async render(reservation: Reservation, answered: Answered, again: OpenFinal | undefined): Promise<void> {
    const seed = again?.seed ?? this.acceptedQueue.shift()!;
    const slot = again?.slot ?? this.freeSlots.shift()!;
    if (!again) this.rendersOpen++;
    let result: ImageResult;
    try {
      const reference = this.spec.reference ? await readKeptDraft(this.spec.id, seed, this.entry.seed(seed), this.repository) : undefined;
      result = await this.rendering.render(seed, reference);
    } catch (error) {
      this.setup.ledger.release(reservation);
      this.acceptedQueue.unshift(seed);
      this.freeSlot(slot);
      this.rendersOpen--;
      throw error;
    }
    const costUsd = (again?.costUsd ?? 0) + result.costUsd;
    const regenerated = again ? again.regenerated + 1 : 0;
    const kept = this.keepAnswer("final", seed, result, costUsd, regenerated, answered);
    this.pay(reservation, result.costUsd);
    const several = severalImagesNote(result);
    const notes = [...(again?.notes ?? []), ...(several ? [`final: ${several}`] : [])];
    await this.finishRender(result, { seed, slot, costUsd, regenerated, kept: [...(again?.kept ?? []), ...kept], ...(notes.length ? { notes } : {}) });
  }

  /**
   * Writes a final that passes its check, smaller than asked or not. One that cannot serve the output
   * is rendered once more, paid and said so; a second such answer fails the seed, recorded.
   */
  private async finishRender(result: ImageResult, final: OpenFinal): Promise<void> {
    const check = result.kind === "rejected" ? blockedAnswer(result) : await this.rendering.check(result.image);
    if (check.verdict === "blocked") return this.failRender(final, check.reasons);
    if (check.verdict !== "passed") {
      if (final.regenerated > 0) return this.failRender(final, check.reasons);
      const discardNotes = check.verdict === "unfit" ? [`final: re-rendered (the paid answer was not used): ${check.reasons.map((r) => r.detail).join("; ")}`] : [];
      this.renderAgain(discardNotes.length ? { ...final, notes: [...(final.notes ?? []), ...discardNotes] } : final);
      return;
    }
    const geometry = this.rendering.geometry(check.analysis, this.spec.finalSize, final.notes ?? []);
    await this.writeFinal(final, check.image.data, this.calls.finalModel.id, geometry, check.analysis.preview);
  }

  /** The same seed on the final model once more, paid for: its first answer could not be used. */
  private renderAgain(final: OpenFinal): void {
    this.count("regenerated");
    this.followUps.push({
      priceUsd: this.calls.finalCeilingUsd,
      priority: 0,
      send: (reservation, answered) => {
        this.followUps.shift();
        return this.render(reservation, answered, final);
      },
    });
  }

  /** Final-only and draft-only: the accepted image itself becomes the output, post-processed. */
  private async materialize(reservation: Reservation, answered: Answered): Promise<void> {
    this.setup.ledger.release(reservation);
    answered();
    const seed = this.acceptedQueue.shift()!;
    const slot = this.freeSlots.shift()!;
    this.rendersOpen++;
    const image = await readKeptDraft(this.spec.id, seed, this.entry.seed(seed), this.repository);
    const geometry = await this.rendering.geometryOfDraft(image.data, this.calls.draftSize);
    await this.writeFinal({ seed, slot, costUsd: 0, regenerated: 0, kept: [] }, image.data, this.calls.draftModel.id, geometry, undefined);
  }

  private async writeFinal(final: OpenFinal, image: Buffer, model: string, geometry: OutputGeometry | undefined, preview: Buffer | undefined): Promise<void> {
    const { seed, slot } = final;
    const written = await this.rendering.write(seed, slot, image, model, geometry);
    const record = this.entry.seed(seed);
    if (record) this.entry.putSeed(renderedSeed(record, { costUsd: final.costUsd, regenerated: final.regenerated, reasons: geometry?.notes ?? [] }));
    for (const line of written.lines) this.note(line);
    this.entry.putOutput(written.record);
    this.rendersOpen--;
    this.report.outputs.push(written.path);
    this.count("rendered");
    await this.setup.recorder.persist();
    for (const kept of final.kept) await this.journal.drop(kept);
    await this.pictures.addOutput(seed, slot, written.path, preview);
  }

  private async failRender(final: OpenFinal, reasons: RejectReason[]): Promise<void> {
    const record = this.entry.seed(final.seed);
    const details = [...(final.notes ?? []), ...reasons.map((r) => `final: ${r.detail}`)];
    for (const note of details) this.note(`seed ${final.seed}: ${note}`);
    if (record) this.entry.putSeed(failedSeed(record, { costUsd: final.costUsd, regenerated: final.regenerated, reasons: details }));
    for (const r of reasons) this.report.rejected[`final ${r.key}`] = (this.report.rejected[`final ${r.key}`] ?? 0) + 1;
    this.freeSlot(final.slot);
    this.rendersOpen--;
    await this.setup.recorder.persist();
    for (const kept of final.kept) await this.journal.drop(kept);
  }

  // ── bookkeeping ──────────────────────────────────────────────────────────────────────────

  /**
   * Puts a paid answer in the journal before anything else happens to it, then frees the call's
   * slot. When the disk refuses, the run stops sending calls, and this answer goes on from memory to
   * its verdict or output, recorded wherever the disk still takes it: paid for, it is not dropped.
   */
  private keepAnswer(kind: AnswerKind, seed: number, result: ImageResult, costUsd: number, regenerated: number, answered: Answered): string[] {
    let kept: string;
    try {
      kept = this.journal.keep(kind, seed, result, costUsd, regenerated);
    } catch (error) {
      answered({ error: refusedWrite(error, this.journal.dir, true) ?? error });
      return [];
    }
    answered();
    return [kept];
  }

  /** One of this asset's events: counted in its report and told to the run. */
  private count(event: TallyEvent): void {
    if (event === "drafted") this.report.drafts++;
    else if (event === "rejected") this.report.rejectedDrafts++;
    else this.report[event]++;
    this.setup.announce(event);
  }

  /** A line for the report about what happened to a paid image (undersized, re-rendered, several in one answer). */
  private note(line: string): void {
    (this.report.notes ??= []).push(line);
    this.setup.logger.debug(`${this.spec.id}: ${line}`);
  }

  private pay(reservation: Reservation, costUsd: number): void {
    this.setup.ledger.settle(reservation, costUsd);
    this.report.spentUsd += costUsd;
    this.entry.spend(costUsd);
  }

  private claimSeed(): number {
    const seed = nextSeed(this.tried, this.cursor);
    this.cursor = seed + 1;
    this.tried.add(seed);
    return seed;
  }

  /** A draft whose answer never came: its seed was not paid for and is free again. */
  private unclaimSeed(seed: number): void {
    this.tried.delete(seed);
    this.cursor = Math.min(this.cursor, seed);
  }

  private freeSlot(n: number): void {
    this.freeSlots.push(n);
    this.freeSlots.sort((a, b) => a - b);
  }
}
