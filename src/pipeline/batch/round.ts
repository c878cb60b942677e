import { createHash } from "node:crypto";
import type { BatchJobRecord, BatchRequestRecord, BatchStage, Lockfile } from "../../lock/types.js";
import type { Logger } from "../../logger.js";
import type { AssetSpec, BatchMode, Manifest } from "../../manifest/spec.js";
import { batchShareOf, imageModelOf, imageCallCeilingUsd } from "../../models/catalog.js";
import { InputError } from "../../errors.js";
import { RepositoryFolder } from "../../disk/repository-path.js";
import { batches } from "../../manifest/batch-mode.js";
import { createBatchClient, type BatchClient, type BatchRequest } from "../../provider/batch.js";
import { createGeminiProvider } from "../../provider/gemini.js";
import type { ImageRequest } from "../../provider/provider.js";
import { mimeTypeOf } from "../../disk/folders.js";
import { AnswerJournal } from "../journal.js";
import type { BudgetLedger, Reservation } from "../ledger.js";
import type { LockfileRecorder } from "../record.js";
import { sleep } from "../../sleep.js";
import type { BatchJobSummary, BatchReport, RunReport } from "../../run-report.js";
import { formatUsd, roundUsd } from "../../money.js";
import type { Dependencies, Settings } from "../settings.js";

/**
 * One run's part in batch mode. First it collects: every job the lockfile holds is looked at, the
 * answers of finished ones are put in their assets' answer journals (where the run screens and
 * renders them as it does the answers a killed run left), and jobs that failed, expired or were
 * cancelled give their requests back to the work list. After the run it submits: the drafts and
 * renders still needed by assets that batch them, each job recorded in the lockfile under its
 * display name before it is sent, so that a run killed at any moment finds it again instead of
 * sending it twice.
 */

export interface BatchRoundOptions {
  manifest: Manifest;
  recorder: LockfileRecorder;
  client: BatchClient;
  logger: Logger;
  /** The run's `--batch`, over every asset's `batch:`. */
  override?: BatchMode;
  /** Current inputHash per asset id. */
  inputHashes: Map<string, string>;
  now: () => number;
}

/**
 * A job holds at most this many requests: a render carries its draft (up to ~1.5 MB as base64), so
 * a render job is built in memory at ~150 MB at most, far below the API's 2 GB file; drafts are text.
 */
const MAX_REQUESTS_PER_JOB: Record<BatchStage, number> = { draft: 1000, final: 100 };
/** The service runs at most this many jobs at once. */
const MAX_OPEN_JOBS = 100;
/** Weight of the lockfile's run-wide accept rate in an asset's own, in drafts (as the interactive run does). */
const PRIOR_WEIGHT = 2;

export class BatchRound {
  readonly report: BatchReport = { submitted: [], pending: [], collected: { jobs: 0, answers: 0, failedRequests: 0 }, returned: [] };
  /** Assets with requests in a job still out: the run leaves them alone until it is collected. */
  readonly held = new Set<string>();
  /** What the collected jobs cost, to be booked in this run's ledger. */
  collectedUsd = 0;
  /** Draft answers collected, by asset: drafts of this run, screened from the journal. */
  readonly collectedDrafts = new Map<string, number>();
  private readonly specs: Map<string, AssetSpec>;

  constructor(private readonly options: BatchRoundOptions) {
    this.specs = new Map(options.manifest.assets.map((a) => [a.id, a]));
    this.repository = new RepositoryFolder(options.manifest.root);
  }

  private readonly repository: RepositoryFolder;

  /** Throws PathRefusedError for a final's reference draft that the path rule will not read. */
  private async checkReferences(job: BatchJobRecord): Promise<void> {
    for (const r of job.requests) {
      if (r.stage !== "final" || !this.specs.get(r.asset)?.reference) continue;
      const draft = this.lock.assets[r.asset]?.seeds.find((s) => s.seed === r.seed)?.draft;
      if (draft) await this.repository.realFile(draft);
    }
  }

  private get lock(): Lockfile {
    return this.options.recorder.lock;
  }

  /**
   * Looks at every job in the lockfile: sends one that was recorded but never answered (unless the
   * service already has it under its display name), and collects the ones that have ended.
   */
  async collect(): Promise<void> {
    const jobs = this.lock.batches ?? {};
    for (const [displayName, job] of Object.entries(jobs)) {
      if (!job.name) {
        const found = await this.options.client.find(displayName);
        job.name = found?.name ?? (await this.options.client.submit(displayName, job.model, await this.requestsOf(job, true)));
        this.options.logger.info(found ? `batch ${displayName}: found ${job.name}, submitted by a run that stopped before recording it` : `batch ${displayName}: submitted as ${job.name}`);
        await this.options.recorder.persist();
      }
      let polled = await this.options.client.poll(job.name, await this.requestsOf(job, false));
      // A job whose every request answers inputs that changed since is of no use: cancelled, not waited for.
      if (polled.state === "pending" && job.requests.every((r) => this.options.inputHashes.get(r.asset) !== r.inputHash)) {
        await this.options.client.cancel(job.name);
        polled = { state: "cancelled" };
      }
      if (polled.state === "pending") {
        for (const r of job.requests) this.held.add(r.asset);
        continue;
      }
      if (polled.state === "succeeded") {
        let answers = 0;
        let failed = 0;
        const byKey = new Map(job.requests.map((r) => [r.key, r]));
        for (const answer of polled.answers ?? []) {
          const record = byKey.get(answer.key);
          if (!record) continue;
          if ("error" in answer) {
            failed++;
            this.options.logger.warn(`batch ${displayName}: ${record.asset} ${record.stage} seed ${record.seed} failed inside the job (${answer.error}); it goes back to the work list`);
            continue;
          }
          answers++;
          this.collectedUsd += answer.result.costUsd;
          if (record.stage === "draft") this.collectedDrafts.set(record.asset, (this.collectedDrafts.get(record.asset) ?? 0) + 1);
          // Answers to inputs that changed since were paid for but are of no use now.
          if (this.options.inputHashes.get(record.asset) !== record.inputHash) continue;
          new AnswerJournal(this.options.manifest, record.asset, record.inputHash).keep(record.stage, record.seed, answer.result, answer.result.costUsd, 0);
        }
        this.report.collected.jobs++;
        this.report.collected.answers += answers;
        this.report.collected.failedRequests += failed;
        this.options.logger.info(`batch ${displayName}: collected ${answers} answers${failed ? `, ${failed} failed requests back in the work list` : ""}`);
      } else {
        this.report.returned.push({ displayName, state: polled.state, requests: job.requests.length });
        const how = polled.state === "missing" ? "is no longer known to the service" : `ended ${polled.state}`;
        this.options.logger.warn(`batch ${displayName} (${job.name}) ${how}: its ${job.requests.length} requests go back to the work list and its reservation of ${formatUsd(job.reservedUsd)} is released`);
      }
      // The answers are in the journals (written synchronously) before the job leaves the lockfile.
      delete jobs[displayName];
      await this.options.recorder.persist();
    }
    if (this.lock.batches && !Object.keys(this.lock.batches).length) delete this.lock.batches;
  }

  /**
   * Submits what the assets that batch still need, after the run screened and rendered what it
   * could: renders of accepted seeds, and as many drafts as the accept rate measured in the lockfile
   * says their count needs. Each request's batch price is reserved in the ledger first.
   */
  async submit(specs: AssetSpec[], ledger: BudgetLedger): Promise<Set<string>> {
    const submittedAssets = new Set<string>();
    const groups = new Map<string, { stage: BatchStage; model: string; requests: BatchRequestRecord[] }>();
    const rate = runAcceptRate(this.lock);
    const reservations = new Map<string, Reservation>();
    let budgetShort = false;
    for (const spec of specs) {
      if (this.held.has(spec.id)) continue;
      const inputHash = this.options.inputHashes.get(spec.id)!;
      for (const wanted of await this.wantedOf(spec, inputHash, rate)) {
        const model = imageModelOf(wanted.stage === "final" ? spec.models.final : spec.tier === "final-only" ? spec.models.final : spec.models.draft);
        const size = wanted.stage === "final" || spec.tier === "final-only" ? spec.finalSize : spec.draftSize;
        // The most the answer can bill (input, thinking, every image), at the batch share: a settle never passes it.
        const inputImages = wanted.stage === "final" && spec.reference ? 1 : 0;
        const price = imageCallCeilingUsd(model, size, { prompt: spec.prompt, inputImages }, this.options.manifest.pricing) * batchShareOf(model);
        const reservation = ledger.reserve(price);
        if (!reservation) {
          budgetShort = true;
          break;
        }
        const groupKey = `${wanted.stage}\u0000${model.id}`;
        const group = groups.get(groupKey) ?? { stage: wanted.stage, model: model.id, requests: [] };
        groups.set(groupKey, group);
        const key = `${spec.id}/${wanted.stage}/${wanted.seed}`;
        reservations.set(key, reservation);
        group.requests.push({ key, asset: spec.id, seed: wanted.seed, stage: wanted.stage, inputHash, reservedUsd: reservation.usd });
        submittedAssets.add(spec.id);
      }
    }
    if (budgetShort) this.options.logger.warn("the ceiling leaves no room for more batch requests; the rest wait for a run with more budget");
    const submittedAt = new Date(this.options.now()).toISOString();
    const open = Object.keys(this.lock.batches ?? {}).length;
    const fresh: [string, BatchJobRecord][] = [];
    for (const group of groups.values()) {
      const most = MAX_REQUESTS_PER_JOB[group.stage];
      for (let at = 0; at < group.requests.length; at += most) {
        if (open + fresh.length >= MAX_OPEN_JOBS) break;
        const requests = group.requests.slice(at, at + most);
        const job: BatchJobRecord = { model: group.model, stage: group.stage, submittedAt, reservedUsd: roundUsd(requests.reduce((s, r) => s + r.reservedUsd, 0)), requests };
        fresh.push([displayNameOf(job), job]);
      }
    }
    // Requests left out (the service's limit of jobs at once) are not reserved: a later run sends them.
    const sent = new Set(fresh.flatMap(([, job]) => job.requests.map((r) => r.key)));
    for (const [key, reservation] of reservations) if (!sent.has(key)) ledger.release(reservation);
    if (!fresh.length) return submittedAssets;
    // Checked before anything is recorded: a reference the path rule refuses is bad input (exit 2), not a job to retry.
    for (const [, job] of fresh) await this.checkReferences(job);
    // Recorded first, with the reservations: a run killed after sending finds the job by this name.
    this.lock.batches ??= {};
    for (const [displayName, job] of fresh) this.lock.batches[displayName] = job;
    await this.options.recorder.persist();
    for (const [displayName, job] of fresh) {
      try {
        job.name = await this.options.client.submit(displayName, job.model, await this.requestsOf(job, true));
      } catch (error) {
        this.options.logger.warn(`batch ${displayName}: ${(error as Error).message}; the next run looks for it and submits it if the service never got it`);
        continue;
      }
      await this.options.recorder.persist();
      this.report.submitted.push(summaryOf(displayName, job));
    }
    return submittedAssets;
  }

  /** What to do now that jobs are out: the sentence the report ends with. */
  nextStep(): string {
    const { submitted, pending } = this.report;
    const reserved = pending.reduce((sum, job) => sum + job.reservedUsd, 0);
    const requests = pending.reduce((sum, job) => sum + job.requests, 0);
    const sent = submitted.length ? `submitted ${submitted.reduce((n, j) => n + j.requests, 0)} requests in ${submitted.length} batch job${submitted.length === 1 ? "" : "s"}; ` : "";
    return (
      `${sent}${pending.length} batch job${pending.length === 1 ? "" : "s"} out with ${requests} requests (${formatUsd(reserved)} reserved against the ceiling). ` +
      "The Batch API answers within 24 h: run `seedlock run` again later (a scheduled workflow does) to collect, screen and submit the next stage, or pass --wait MINUTES to poll now"
    );
  }

  /** Jobs the lockfile still holds, for the report. */
  finish(): BatchReport {
    this.report.pending = Object.entries(this.lock.batches ?? {}).map(([displayName, job]) => summaryOf(displayName, job));
    return this.report;
  }

  /** The seeds this asset still needs called, by stage, from what the lockfile and the files say. */
  private async wantedOf(spec: AssetSpec, inputHash: string, runRate: number | undefined): Promise<{ stage: BatchStage; seed: number }[]> {
    const entry = this.lock.assets[spec.id]?.inputHash === inputHash ? this.lock.assets[spec.id] : undefined;
    const seeds = entry?.seeds ?? [];
    const outputs = entry?.outputs.length ?? 0;
    const wanted: { stage: BatchStage; seed: number }[] = [];
    const rendersOnFinal = spec.tier === "two-tier";
    const waiting = seeds.filter((s) => s.status === "accepted" && !entry!.outputs.some((output) => output.seed === s.seed)).sort((a, b) => a.seed - b.seed);
    let toRender = 0;
    if (rendersOnFinal && batches(spec, "final", this.options.override)) {
      for (const record of waiting) {
        if (outputs + toRender >= spec.count) break;
        // A render needs its draft as the reference; a missing one is drafted again by the run first.
        if (spec.reference && !(record.draft && (await this.repository.holds(record.draft)))) continue;
        wanted.push({ stage: "final", seed: record.seed });
        toRender++;
      }
    }
    if (!batches(spec, "draft", this.options.override)) return wanted;
    const stillWanted = spec.count - outputs - (rendersOnFinal ? waiting.length : 0);
    const room = spec.maxAttempts - seeds.length;
    if (stillWanted <= 0 || room <= 0) return wanted;
    const answered = seeds.length;
    const accepted = seeds.filter((s) => s.status !== "rejected").length;
    const prior = clamp(runRate ?? 1 / spec.oversample);
    const rate = clamp((accepted + PRIOR_WEIGHT * prior) / (answered + PRIOR_WEIGHT));
    // A batch round takes hours: ask for what the count needs at the measured rate, rounded up.
    const drafts = Math.min(room, Math.ceil(stillWanted / rate - 1e-9));
    const tried = new Set(seeds.map((s) => s.seed));
    for (let seed = spec.seedStart; wanted.length - toRender < drafts; seed++) if (!tried.has(seed)) wanted.push({ stage: "draft", seed });
    return wanted;
  }

  /** The requests of a recorded job as the provider sends them (with the reference image only when sending). */
  private async requestsOf(job: BatchJobRecord, sending: boolean): Promise<BatchRequest[]> {
    const out: BatchRequest[] = [];
    for (const r of job.requests) {
      const spec = this.specs.get(r.asset);
      if (!spec) continue;
      const onFinal = r.stage === "final" || spec.tier === "final-only";
      const request: ImageRequest = {
        model: job.model,
        prompt: spec.prompt,
        seed: r.seed,
        aspectRatio: spec.aspectRatio,
        imageSize: onFinal ? spec.finalSize : spec.draftSize,
      };
      if (sending && r.stage === "final" && spec.reference) {
        const draft = this.lock.assets[r.asset]?.seeds.find((s) => s.seed === r.seed)?.draft;
        // Through the path rule, as the interactive render reads it: a draft behind a symlink leading out is not sent.
        if (draft) request.reference = { mimeType: mimeTypeOf(draft), data: await this.repository.readFile(draft) };
      }
      out.push({ key: r.key, request });
    }
    return out;
  }
}

/** `seedlock-<stage>-<hash>`: derived from the job's requests and the time it was recorded, so the same record always gives the same name. */
export function displayNameOf(job: BatchJobRecord): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([job.model, job.stage, job.submittedAt, job.requests.map((r) => [r.key, r.inputHash])]))
    .digest("hex")
    .slice(0, 16);
  return `seedlock-${job.stage}-${hash}`;
}

function summaryOf(displayName: string, job: BatchJobRecord): BatchJobSummary {
  return { displayName, ...(job.name ? { name: job.name } : {}), stage: job.stage, model: job.model, requests: job.requests.length, reservedUsd: job.reservedUsd, submittedAt: job.submittedAt };
}

/** The lockfile's accept rate over every asset, when it has drafts. */
function runAcceptRate(lock: Lockfile): number | undefined {
  let drafts = 0;
  let accepted = 0;
  for (const entry of Object.values(lock.assets)) {
    for (const seed of entry.seeds) {
      drafts++;
      if (seed.status !== "rejected") accepted++;
    }
  }
  return drafts ? accepted / drafts : undefined;
}

function clamp(rate: number): number {
  return Math.min(1, Math.max(0.02, rate));
}

/** The batch client for a run, on the same key and endpoint as its interactive calls. */
export function batchClientFor(settings: Pick<Settings, "apiKey" | "baseUrl">, manifest: Manifest, logger: Logger): BatchClient {
  if (!settings.apiKey) {
    throw new InputError([{ message: "no API key: GEMINI_API_KEY is not set, and batch jobs need one to be submitted or collected", fix: "export GEMINI_API_KEY=… (or pass the Action's api-key input); `seedlock plan` needs none" }]);
  }
  const common = { apiKey: settings.apiKey, ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}) };
  const reader = createGeminiProvider({ ...common, pricing: manifest.pricing, logger });
  return createBatchClient({ ...common, reader, logger });
}

/** Sleeps this long at first between looks at jobs out, doubling up to the most. */
const FIRST_POLL_MS = 1000;
const MOST_POLL_MS = 60_000;

/**
 * `--wait MINUTES`: while jobs are out and time is left, waits, then runs again (collect, screen,
 * submit the next stage). The report is the last pass's, with the counts and spending of all.
 */
export async function waitForBatches(
  first: RunReport,
  settings: Pick<Settings, "waitMinutes">,
  deps: Pick<Dependencies, "signal" | "now" | "logger">,
  again: (spentBefore: number) => Promise<RunReport>,
): Promise<RunReport> {
  if (!settings.waitMinutes) return first;
  const now = deps.now ?? Date.now;
  const deadline = now() + settings.waitMinutes * 60_000;
  let report = first;
  let pause = FIRST_POLL_MS;
  while (report.batch?.pending.length && report.exitCode === 0 && now() < deadline && !deps.signal?.aborted) {
    try {
      await sleep(Math.min(pause, deadline - now()), deps.signal);
    } catch {
      break;
    }
    pause = Math.min(pause * 2, MOST_POLL_MS);
    const next = await again(report.spentUsd);
    if (next.batch?.collected.jobs) pause = FIRST_POLL_MS;
    const collected = report.batch!.collected;
    const nextBatch = next.batch ?? { submitted: [], pending: [], collected: { jobs: 0, answers: 0, failedRequests: 0 }, returned: [] };
    report = {
      ...next,
      spentUsd: roundUsd(report.spentUsd + next.spentUsd),
      drafts: report.drafts + next.drafts,
      accepted: report.accepted + next.accepted,
      rendered: report.rendered + next.rendered,
      batch: {
        submitted: [...report.batch!.submitted, ...nextBatch.submitted],
        pending: nextBatch.pending,
        collected: { jobs: collected.jobs + nextBatch.collected.jobs, answers: collected.answers + nextBatch.collected.answers, failedRequests: collected.failedRequests + nextBatch.collected.failedRequests },
        returned: [...report.batch!.returned, ...nextBatch.returned],
      },
    };
  }
  if (report.batch?.pending.length && report.exitCode === 0 && now() >= deadline) deps.logger.info(`--wait ${settings.waitMinutes}: jobs are still out; a later run collects them`);
  return report;
}

/** Assets with requests in a job the lockfile holds: commands that do not collect leave them alone. */
export function assetsInBatchJobs(lock: Lockfile): Set<string> {
  return new Set(Object.values(lock.batches ?? {}).flatMap((job) => job.requests.map((r) => r.asset)));
}

/** What the jobs recorded in the lockfile still hold against the ceiling, whichever command runs. */
export function pendingBatchUsd(lock: Lockfile): number {
  return Object.values(lock.batches ?? {}).reduce((sum, job) => sum + job.reservedUsd, 0);
}
