import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { ExitCode, InputError, SeedlockError, WriteRefusedError } from "../errors.js";
import { LockfileText, lockPathFor, readLockfile, writeLockfile } from "../lock/file.js";
import { lockStats } from "../lock/stats.js";
import type { Lockfile } from "../lock/types.js";
import { ceilingUsd } from "../manifest/ceiling.js";
import { loadManifest } from "../manifest/load.js";
import { withTrustedPrices } from "../manifest/pricing.js";
import { renderTemplate } from "../manifest/out.js";
import type { AssetSpec, Manifest } from "../manifest/spec.js";
import { planRun, type Plan, type PlannedAsset } from "../plan/plan.js";
import type { FixedTier } from "../plan/tier.js";
import { planReport, type Ceiling } from "../plan/report.js";
import { shardLabel } from "../plan/shard-knobs.js";
import { packShards, planMatrix, shardRpm, sliceFor, workOf } from "../plan/shards.js";
import { CircuitBreaker } from "../provider/circuit.js";
import { createGeminiProvider } from "../provider/gemini.js";
import type { ImageProvider, RequestGate } from "../provider/provider.js";
import { writeContactSheet } from "../report/contact-sheet.js";
import { thumbnail, writeReportHtml, type GalleryAsset } from "../report/gallery.js";
import { formatUsd } from "../report/table.js";
import { AssetWork, type RunTally, type WorkMode } from "./asset.js";
import { checkOutputClaims } from "./claims.js";
import { batches, withBatchMode } from "./batch/mode.js";
import { assetsInBatchJobs, BatchRound, batchClientFor, waitForBatches } from "./batch/round.js";
import { probeFolders, writing } from "./disk.js";
import { journalFolder } from "./journal.js";
import { BudgetLedger } from "./ledger.js";
import { RateGate } from "./rate.js";
import { LockfileRecorder } from "./record.js";
import type { AssetReport, AssetStatus, RunReport, ShardRun } from "./result.js";
import { takeRunLock, type RunLock } from "./run-lock.js";
import { Scheduler, type StopReason } from "./scheduler.js";
import type { Dependencies, Settings } from "./settings.js";
import { verifyOutputs } from "./verify.js";

/** Where report.html and the contact sheets go unless the caller says otherwise. */
export const REPORT_FOLDER = join(".seedlock", "report");

/** Progress snapshots are sent at most this often; the last one always goes. */
const PROGRESS_EVERY_MS = 100;

/**
 * Runs one command from its settings: `plan` estimates, `preview` drafts and screens, `run`
 * drafts, screens and renders what the plan says is missing, `render` renders accepted drafts
 * only, `verify` checks the outputs against the lockfile. Returns what happened; the exit code
 * is in the report. Invalid input throws InputError (exit 2) before any call is made; so do
 * another run working on the same manifest (RunLockedError) and a folder the run could not write
 * (WriteRefusedError).
 */
export async function execute(settings: Settings, deps: Dependencies): Promise<RunReport> {
  const { logger } = deps;
  // --batch wins over every asset's batch:, for the plan's prices as for the run.
  const manifest = withBatchMode(withTrustedPrices(await loadManifest(settings.manifestPath, { logger }), settings.allowLowerPrices, logger), settings.batch);
  const lockPath = lockPathFor(manifest.file);
  const ceiling = ceilingOf(manifest, settings.maxBudgetUsd);
  const command = settings.command;

  if (command === "verify" || command === "plan") {
    const lock = await readLockfile(lockPath);
    if (command === "verify") return verifyOutputs(manifest, lock, ceiling.usd);
    const plan = await planRun(manifest, lock);
    const matrix = settings.shards === undefined ? undefined : planMatrix(plan, ceiling.usd, settings.shards, { concurrency: manifest.concurrency, ...(manifest.rpm ? { rpm: manifest.rpm } : {}) });
    return planReport(plan, ceiling, manifest.displayFile, matrix);
  }

  // Taken before the lockfile is read, so that no run works from a copy another run is rewriting.
  // A lock the disk refuses matters only if there is work to do: an up-to-date checkout writes nothing.
  let runLock: RunLock | undefined;
  let lockRefused: WriteRefusedError | undefined;
  try {
    runLock = await takeRunLock(manifest.file, command, deps.now);
  } catch (error) {
    if (!(error instanceof WriteRefusedError)) throw error;
    lockRefused = error;
  }
  try {
    const lock = await readLockfile(lockPath);
    const plan = await planRun(manifest, lock);
    const loaded = { manifest, lock, lockPath, plan, ceiling, lockRefused };
    const report = await generate(command, settings, deps, loaded);
    // --wait: the same run collects, screens and submits the next stage while jobs are out.
    return await waitForBatches(report, settings, deps, async (spentBefore) => {
      const again = await readLockfile(lockPath);
      return generate(command, settings, deps, { ...loaded, lock: again, plan: await planRun(manifest, again), spentBefore });
    });
  } finally {
    await runLock?.release();
  }
}

interface Loaded {
  manifest: Manifest;
  lock: Lockfile;
  lockPath: string;
  plan: Plan;
  ceiling: Ceiling;
  /** Why the run lock could not be taken, when the disk refused it. */
  lockRefused: WriteRefusedError | undefined;
  /** Spent by earlier passes of this run (--wait): it counts against the ceiling. */
  spentBefore?: number;
}

async function generate(mode: WorkMode, settings: Settings, deps: Dependencies, loaded: Loaded): Promise<RunReport> {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const started = now();
  const { manifest, lock, lockPath, plan, lockRefused } = loaded;
  const planned = new Map(plan.assets.map((a) => [a.id, a]));
  // A shard packs the plan made from the checkout it started from, as every other shard does, and
  // runs its own assets under its own slice of the ceiling.
  const shardRun = settings.shard ? shardOf(loaded, settings.shard) : undefined;
  const ceiling: Ceiling = shardRun ? { ...loaded.ceiling, usd: shardRun.sliceUsd, shard: shardRun.shard, matrixUsd: loaded.ceiling.usd } : loaded.ceiling;
  const mine = shardRun ? new Set(shardRun.assets) : undefined;
  const declaredRpm = settings.rpm ?? manifest.rpm;

  // Unchanged assets make no call; render leaves alone what was never drafted under these inputs.
  const assets = manifest.assets.filter((a) => !mine || mine.has(a.id));
  let workList = assets.filter((a) => {
    const state = planned.get(a.id)!.state;
    if (state === "unchanged") return false;
    return mode !== "render" || state === "incomplete";
  });
  const reportDir = settings.reportDir ?? join(dirname(manifest.file), REPORT_FOLDER);

  // Before the first paid call, and before anything is written: every output is seedlock's to write.
  const claims = checkOutputClaims({
    manifest,
    lock,
    lockPath,
    workList,
    inputHashOf: (id) => planned.get(id)!.inputHash,
    overwrite: settings.overwriteUntracked ?? [],
    logger,
  });
  if (mode !== "preview") await claims;
  else {
    // A preview writes no output, but the run after it would stop here: say so while it is cheap to fix.
    await claims.catch((error: unknown) => {
      if (!(error instanceof InputError)) throw error;
      for (const d of error.diagnostics) logger.warn(`the run after this preview would stop: ${d.path ? `${d.path} ` : ""}${d.message}${d.fix ? ` (${d.fix})` : ""}`, d.location);
    });
  }
  // Before the first paid call: the folders where answers are kept must take files, or nothing is sent.
  if (workList.length) {
    if (lockRefused) throw beforeCalls(lockRefused);
    const workFolders = [dirname(lockPath), reportDir, ...workList.map((spec) => journalFolder(manifest, spec.id))];
    const refused = await probeFolders(workFolders);
    const first = workFolders.find((dir) => refused.has(dir));
    if (first) throw beforeCalls(refused.get(first)!);
  }
  // Outputs that cannot be written are not paid for: their assets are drafted and screened (the
  // accepted drafts are kept for the rerun) but not rendered.
  const outputsRefused = mode === "preview" ? undefined : await refusedOutputs(workList, manifest.root);
  if (outputsRefused) {
    const ids = [...outputsRefused.assets];
    logger.warn(`${outputsRefused.error.message}; until then ${list(ids)} ${mode === "run" ? "are drafted and screened but not rendered" : "are not rendered"}`);
    if (mode === "render") workList = workList.filter((spec) => !outputsRefused.assets.has(spec.id));
  }
  const estimatedUsd = round(workList.reduce((sum, a) => sum + (planned.get(a.id)?.estimatedUsd ?? 0), 0));
  if (shardRun) {
    logger.info(
      `shard ${shardRun.shard}: ${shardRun.assets.length} asset${shardRun.assets.length === 1 ? "" : "s"} estimated at ${formatUsd(estimatedUsd)}, ` +
        `a slice of ${formatUsd(shardRun.sliceUsd)} of the ${formatUsd(shardRun.matrixCeilingUsd)} ceiling (packing ${shardRun.fingerprint})` +
        (declaredRpm ? `, at ${round(shardRpm(declaredRpm, settings.shard)!)} requests per minute (the project's ${declaredRpm} ÷ ${settings.shard!.count} shards)` : ""),
    );
  }
  if (estimatedUsd > ceiling.usd) {
    logger.warn(
      `the estimate ${formatUsd(estimatedUsd)} is above ${ceilingWords(ceiling)}: ` +
        "seedlock stops before any call that would cross it and keeps every image accepted so far, so a rerun with more budget continues where this one ends",
    );
  }

  const warnUsd =
    manifest.budget.warnUsd === undefined || !shardRun
      ? manifest.budget.warnUsd
      : shardRun.matrixCeilingUsd > 0
        ? round((manifest.budget.warnUsd * shardRun.sliceUsd) / shardRun.matrixCeilingUsd)
        : 0;
  const lockText = new LockfileText();
  const recorder = new LockfileRecorder(lockPath, lock, async (path, current, changed) => {
    current.stats = lockStats(current.assets);
    await writing(path, () => writeLockfile(path, current, lockText.format(current, changed)));
  });
  // Batch mode: jobs out are collected first (their answers go to the journals the works read), and
  // the assets still waiting for one are left alone; what jobs still out reserved counts against the ceiling.
  const batchRound =
    mode === "run" && (Object.keys(lock.batches ?? {}).length || workList.some((a) => batches(a, "draft", settings.batch) || batches(a, "final", settings.batch)))
      ? new BatchRound({
          manifest,
          recorder,
          client: deps.batchClient ?? batchClientFor(settings, manifest, logger),
          logger,
          ...(settings.batch ? { override: settings.batch } : {}),
          inputHashes: new Map(plan.assets.map((a) => [a.id, a.inputHash])),
          now,
        })
      : undefined;
  if (batchRound) {
    await batchRound.collect();
    workList = workList.filter((a) => !batchRound.held.has(a.id));
  } else if (lock.batches) {
    // preview and render do not collect: they leave alone the seeds a job out will answer.
    const inJobs = assetsInBatchJobs(lock);
    const left = workList.filter((a) => inJobs.has(a.id)).map((a) => a.id);
    if (left.length) logger.warn(`${list(left)} wait for batch jobs still out; \`seedlock run\` collects them`);
    workList = workList.filter((a) => !inJobs.has(a.id));
  }
  const ledger = new BudgetLedger({
    ceilingUsd: Math.max(0, ceiling.usd - (loaded.spentBefore ?? 0) - (batchRound?.pendingUsd ?? 0)),
    // A shard warns at its slice's share of budget.warnUsd, as the whole matrix would at warnUsd.
    ...(warnUsd !== undefined ? { warnUsd } : {}),
    onWarn: (spent, warn) =>
      logger.warn(`spent ${formatUsd(spent)}, past ${shardRun ? "this shard's share of " : ""}budget.warnUsd (${formatUsd(warn)}); ${shardRun ? "its slice" : "the ceiling"} is ${formatUsd(ceiling.usd)}`),
  });
  // Collected batch answers were paid when the job ran; they are booked as this run's spending.
  if (batchRound?.collectedUsd) ledger.settle(ledger.reserve(0)!, batchRound.collectedUsd);
  const collectedDrafts = [...(batchRound?.collectedDrafts.values() ?? [])].reduce((n, k) => n + k, 0);
  const tally: RunTally = { drafts: collectedDrafts, accepted: 0, rejected: 0, regenerated: 0, rendered: 0 };
  const concurrency = settings.concurrency ?? manifest.concurrency;
  // Built on the first call, so work that needs none (an output re-made from its kept draft) needs no key.
  const provider = deps.provider ?? lazily(() => buildProvider(settings, manifest, deps));

  let scheduler: Scheduler | undefined;
  const works = workList.map(
    (spec) =>
      new AssetWork({
        mode: outputsRefused?.assets.has(spec.id) ? "preview" : mode,
        // `tier: auto` runs as the tier the plan chose for it; the choice and its reason go in the entry.
        spec: { ...spec, tier: planned.get(spec.id)!.tier },
        ...tierChoiceOf(spec, planned.get(spec.id)!),
        manifest,
        inputHash: planned.get(spec.id)!.inputHash,
        provider,
        ledger,
        // Each asset's writes name its entry, so only that entry is formatted again.
        recorder: { lock: recorder.lock, persist: () => recorder.persist(spec.id) },
        priorAcceptRate: planned.get(spec.id)!.acceptRate,
        concurrency,
        tally,
        logger,
        halt: (error) => scheduler?.stop("failed", error),
        ...(batchRound ? { batched: { drafts: batches(spec, "draft", settings.batch), finals: batches(spec, "final", settings.batch) } } : {}),
      }),
  );
  for (const work of works) await work.prepare();
  // Drafts a batch job answered count as this run's, as the ones it sends itself do.
  for (const work of works) work.report.drafts += batchRound?.collectedDrafts.get(work.id) ?? 0;

  let lastProgress = -Infinity;
  const progress = (force = false) => {
    if (!deps.progress) return;
    const at = now();
    if (!force && at - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = at;
    deps.progress({
      assetsTotal: works.length,
      assetsDone: works.filter((w) => w.isDone()).length,
      drafts: tally.drafts,
      accepted: tally.accepted,
      rejected: tally.rejected,
      rendered: tally.rendered,
      inFlight: scheduler?.calls ?? 0,
      spentUsd: ledger.spentUsd,
      ceilingUsd: ceiling.usd,
      elapsedMs: at - started,
    });
  };

  scheduler = new Scheduler(works, {
    concurrency,
    ledger,
    ...(deps.signal ? { signal: deps.signal } : {}),
    onChange: () => progress(),
  });
  const outcome = works.length ? await scheduler.run() : { waiting: [], stopped: undefined };
  progress(true);
  // Every answer already wrote its own lockfile line; this write only settles the statistics.
  let unsaved: unknown;
  const surplus = new Map(works.map((w) => [w, w.recordSurplus()]));
  if (works.length) await recorder.persist().catch((error: unknown) => (unsaved = error));
  const stopped = outcome.stopped ?? (unsaved === undefined ? undefined : { reason: "failed" as const, error: unsaved });
  // What the run could not do at once goes out as the next batch jobs, each reserved in the ledger.
  const inBatch = new Set(batchRound?.held);
  if (batchRound && !stopped) {
    const open = workList.filter((spec, i) => !works[i]!.isDone() && !outputsRefused?.assets.has(spec.id));
    for (const id of await batchRound.submit(open, ledger)) inBatch.add(id);
  }

  const waiting = new Set(outcome.waiting);
  const stoppedAs = stopped ? (stopped.error instanceof WriteRefusedError ? "interrupted" : STOP_STATUS[stopped.reason]) : undefined;
  const byId = new Map(works.map((w) => [w.id, w]));
  const reports: AssetReport[] = assets.map((spec) => {
    const work = byId.get(spec.id);
    const plannedAsset = planned.get(spec.id)!;
    if (!work) {
      const untouched: AssetStatus = plannedAsset.state === "unchanged" ? "unchanged" : inBatch.has(spec.id) ? "batch" : "planned";
      const outputs = plannedAsset.state === "unchanged" ? (lock.assets[spec.id]?.outputs ?? []).map((o) => o.path) : [];
      return { id: spec.id, status: untouched, drafts: 0, accepted: 0, rejected: {}, regenerated: 0, rendered: 0, spentUsd: 0, estimatedUsd: 0, outputs };
    }
    let status = work.finalStatus({ waitingForBudget: waiting.has(work), ...(stoppedAs ? { stopped: stoppedAs } : {}) });
    if (status !== "done" && !stoppedAs && inBatch.has(spec.id)) status = "batch";
    // Drafted but not rendered, for want of a writable output folder: the render is left for the rerun.
    if (status === "done" && outputsRefused?.assets.has(spec.id)) status = "planned";
    return { ...work.report, status, spentUsd: round(work.report.spentUsd), estimatedUsd: plannedAsset.estimatedUsd, surplus: surplus.get(work) ?? 0 };
  });

  const report: RunReport = {
    command: mode,
    spentUsd: round(ledger.spentUsd),
    estimatedUsd,
    ceilingUsd: ceiling.usd,
    drafts: tally.drafts,
    accepted: tally.accepted,
    rendered: tally.rendered,
    surplus: reports.reduce((n, a) => n + (a.surplus ?? 0), 0),
    acceptRate: tally.drafts ? tally.accepted / tally.drafts : null,
    regenRate: tally.drafts ? tally.regenerated / tally.drafts : null,
    costPerAcceptedUsd: costPerAccepted(mode, ledger.spentUsd, tally),
    changedAssets: assets.filter((a) => planned.get(a.id)!.state !== "unchanged").map((a) => a.id),
    assets: reports,
    exitCode: ExitCode.ok,
    ...(shardRun ? { shard: { ...shardRun, unspentUsd: round(Math.max(0, shardRun.sliceUsd - ledger.spentUsd)) } } : {}),
  };
  Object.assign(report, verdictOf(report, stopped, ceiling, outputsRefused && { ...outputsRefused, mode }));
  if (batchRound) {
    report.batch = batchRound.finish();
    if (report.exitCode === ExitCode.ok && report.batch.pending.length) report.message = batchRound.nextStep();
  }

  if (works.length) {
    await writeReport(reportDir, report, works, manifest).then(
      () => (report.reportDir = reportDir),
      (error: unknown) => logger.warn(`could not write the report in ${reportDir}: ${(error as Error).message}`),
    );
  }
  if (stopped?.reason === "failed" && !(stopped.error instanceof SeedlockError)) throw stopped.error;
  return report;
}

function tierChoiceOf(spec: AssetSpec, planned: PlannedAsset): { tierChoice?: { chosen: FixedTier; reason: string } } {
  if (spec.tier !== "auto" || planned.tier === "draft-only") return {};
  return { tierChoice: { chosen: planned.tier, reason: planned.tierReason ?? "" } };
}

/** A refusal before the first call says so: nothing was sent, so nothing was spent. */
function beforeCalls(refused: WriteRefusedError): WriteRefusedError {
  return new WriteRefusedError(`${refused.message}, then rerun; nothing was sent and nothing spent`, refused.path, { cause: refused.cause });
}

interface OutputsRefused {
  /** The first refusal, as the user sees it. */
  error: WriteRefusedError;
  /** Assets with an output in a folder that was refused. */
  assets: Set<string>;
}

/** Probes every folder the work list's outputs go to; which assets cannot have their outputs written. */
async function refusedOutputs(workList: AssetSpec[], root: string): Promise<OutputsRefused | undefined> {
  const folders = new Map(workList.map((spec) => [spec.id, outputFolders(spec, root)]));
  const refused = await probeFolders([...folders.values()].flat());
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

const STOP_STATUS: Record<StopReason, AssetStatus> = {
  interrupted: "interrupted",
  unavailable: "unavailable",
  failed: "unavailable",
};

/** The exit code and the one sentence that explains it, most serious first. */
function verdictOf(
  report: RunReport,
  stopped: { reason: StopReason; error?: unknown } | undefined,
  ceiling: Ceiling,
  outputsRefused: (OutputsRefused & { mode: WorkMode }) | undefined,
): Pick<RunReport, "exitCode" | "message"> {
  const kept = `every image accepted so far is kept in the lockfile and a rerun continues from there`;
  if (stopped?.reason === "interrupted") return { exitCode: ExitCode.interrupted, message: `interrupted: ${kept}` };
  if (stopped?.reason === "unavailable") {
    const why = stopped.error instanceof Error ? stopped.error.message : "the provider stayed unavailable";
    return { exitCode: ExitCode.providerUnavailable, message: `${why}; ${kept}` };
  }
  if (stopped?.reason === "failed" && stopped.error instanceof WriteRefusedError) {
    return { exitCode: stopped.error.exitCode, message: `${stopped.error.message}, then rerun: everything accepted so far is kept and the rerun continues from there` };
  }
  if (stopped?.reason === "failed" && stopped.error instanceof SeedlockError) {
    return { exitCode: stopped.error.exitCode, message: `${stopped.error.message}; ${kept}` };
  }
  if (outputsRefused) {
    const ids = list([...outputsRefused.assets]);
    const left =
      outputsRefused.mode === "run"
        ? `${ids}: drafted and screened but not rendered; the rerun renders their accepted drafts without drafting them again`
        : `${ids}: not rendered; the rerun renders them`;
    return { exitCode: outputsRefused.error.exitCode, message: `${outputsRefused.error.message}, then rerun (${left})` };
  }
  const budget = report.assets.filter((a) => a.status === "budget").map((a) => a.id);
  const capped = report.assets.filter((a) => a.status === "capped");
  if (budget.length) {
    const lever = ceiling.source === "--max-budget-usd" ? "raise --max-budget-usd (up to budget.maxUsd)" : "raise budget.maxUsd in the manifest";
    return {
      exitCode: ExitCode.budgetExceeded,
      message:
        `${ceilingWords(ceiling)} left ${list(budget)} unfinished after spending ${formatUsd(report.spentUsd)}; ` +
        `${lever} and rerun${ceiling.shard ? " the whole matrix" : ""}: ${kept}`,
    };
  }
  if (capped.length) {
    const each = capped.map((a) => `${a.id} (${a.accepted} accepted of ${a.drafts} drafts this run)`);
    return {
      exitCode: ExitCode.attemptCap,
      message: `${list(each)} used every draft maxAttempts allows without reaching count; raise maxAttempts, loosen the screen rules or reword the prompt`,
    };
  }
  return { exitCode: ExitCode.ok };
}

function list(items: string[]): string {
  return items.length <= 5 ? items.join(", ") : `${items.slice(0, 5).join(", ")} and ${items.length - 5} more`;
}

function costPerAccepted(mode: WorkMode, spentUsd: number, tally: RunTally): number | null {
  const keepers = mode === "preview" ? tally.accepted : tally.rendered;
  return keepers ? round(spentUsd / keepers) : null;
}

/** "the ceiling $10 (budget.maxUsd)", or for a shard "shard 2/4's slice $2.50 of the ceiling $10 (budget.maxUsd)". */
function ceilingWords(ceiling: Ceiling): string {
  const whole = `the ceiling ${formatUsd(ceiling.matrixUsd ?? ceiling.usd)} (${ceiling.source})`;
  return ceiling.shard ? `shard ${ceiling.shard}'s slice ${formatUsd(ceiling.usd)} of ${whole}` : whole;
}

/** This shard's assets and slice: the packing every shard of the matrix computes alike. */
function shardOf(loaded: Loaded, shard: { index: number; count: number }): Omit<ShardRun, "unspentUsd"> {
  const matrix = packShards(workOf(loaded.plan), shard.count, loaded.ceiling.usd);
  const slice = sliceFor(matrix, shard);
  return {
    shard: shardLabel(shard),
    matrixCeilingUsd: matrix.ceilingUsd,
    sliceUsd: slice.ceilingUsd,
    fingerprint: matrix.fingerprint,
    assets: slice.assets,
  };
}

function ceilingOf(manifest: Manifest, flagMaxUsd: number | undefined): Ceiling {
  const usd = ceilingUsd(manifest, flagMaxUsd);
  return {
    usd,
    source: flagMaxUsd !== undefined && flagMaxUsd < manifest.budget.maxUsd ? "--max-budget-usd" : "budget.maxUsd",
    ...(manifest.budget.warnUsd !== undefined ? { warnUsd: manifest.budget.warnUsd } : {}),
  };
}

function lazily(build: () => ImageProvider): ImageProvider {
  let built: ImageProvider | undefined;
  return {
    generate: (request) => (built ??= build()).generate(request),
    judge: (request) => (built ??= build()).judge(request),
  };
}

function buildProvider(settings: Settings, manifest: Manifest, deps: Dependencies): ImageProvider {
  if (!settings.apiKey) {
    throw new InputError([{ message: "no API key: GEMINI_API_KEY is not set", fix: "export GEMINI_API_KEY=… (or pass the Action's api-key input); `seedlock plan` needs none" }]);
  }
  // The declared limit is the project's, shared by every shard of a matrix.
  const rpm = shardRpm(settings.rpm ?? manifest.rpm, settings.shard);
  const rate = new RateGate({ ...(rpm ? { rpm } : {}), logger: deps.logger });
  // A wait for the rate limit is cut short by an interrupt; a request already sent is not.
  const gate: RequestGate = {
    acquire: (signal) => rate.acquire(signal ?? deps.signal),
    throttled: (ms) => rate.throttled(ms),
    succeeded: () => rate.succeeded(),
  };
  return createGeminiProvider({
    apiKey: settings.apiKey,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    pricing: manifest.pricing,
    gate,
    logger: deps.logger,
    circuit: new CircuitBreaker(),
  });
}

/** One contact sheet per asset that drafted, and report.html with every output and draft. */
async function writeReport(dir: string, report: RunReport, works: AssetWork[], manifest: Manifest): Promise<void> {
  const gallery: GalleryAsset[] = [];
  for (const work of works) {
    const entry: GalleryAsset = { id: work.id, prompt: work.lockEntry.prompt, drafts: [], outputs: [] };
    const tiles = work.tiles.filter((t) => t.image);
    if (tiles.length) {
      const file = `${work.id}.contact-sheet.jpg`;
      await writeContactSheet(tiles.map((t) => ({ seed: t.seed, image: t.image!, accepted: t.accepted, reasons: t.reasons })), join(dir, file));
      entry.contactSheet = file;
      const asset = report.assets.find((a) => a.id === work.id);
      if (asset) asset.contactSheet = file;
    }
    for (const t of tiles) entry.drafts.push({ seed: t.seed, thumbnail: await thumbnail(t.image!), accepted: t.accepted, reasons: t.reasons });
    for (const output of work.lockEntry.outputs) {
      const image = await readOrUndefined(join(manifest.root, output.path));
      if (image) entry.outputs.push({ path: output.path, thumbnail: await thumbnail(image), seed: output.seed, width: output.width, height: output.height });
    }
    gallery.push(entry);
  }
  await writeReportHtml(dir, { report, assets: gallery, subtitle: relative(process.cwd(), manifest.file) || manifest.file });
}

function readOrUndefined(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch(() => undefined);
}

function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
