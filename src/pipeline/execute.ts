import { RepositoryFolder } from "../disk/repository-path.js";
import { dirname, join } from "node:path";
import { ExitCode, InputError, SeedlockError, WriteRefusedError } from "../errors.js";
import { LockfileText, lockPathFor, readLockfile, writeLockfile } from "../lock/file.js";
import { lockStats } from "../lock/stats.js";
import type { Lockfile } from "../lock/types.js";
import type { Logger } from "../logger.js";
import { ceilingOf, type Ceiling } from "../manifest/ceiling.js";
import { loadManifest } from "../manifest/load.js";
import { withTrustedPrices } from "../manifest/pricing.js";
import type { AssetSpec, Manifest } from "../manifest/spec.js";
import { planRun, type Plan, type PlannedAsset } from "../plan/plan.js";
import { tierPrices } from "../plan/tier.js";
import { planReport } from "../plan/report.js";
import { packShards, planMatrix, shardLabel, shardRpm, sliceFor, workOf } from "../plan/shards.js";
import { CircuitBreaker } from "../provider/circuit.js";
import { createGeminiProvider } from "../provider/gemini.js";
import type { ImageProvider } from "../provider/provider.js";
import { runIdOf } from "../report/history.js";
import { RunPictures } from "../report/images.js";
import { runFigures } from "../report/figures.js";
import { formatUsd } from "../money.js";
import { AssetRun, type AssetGoal } from "./asset-run.js";
import { checkOutputClaims } from "./claims.js";
import { batches, withBatchMode } from "../manifest/batch-mode.js";
import { assetsInBatchJobs, BatchRound, batchClientFor, pendingBatchUsd, waitForBatches } from "./batch/round.js";
import { writing } from "../disk/refused-write.js";
import { REPORT_FOLDER } from "../disk/folders.js";
import { BudgetLedger } from "./ledger.js";
import type { TierChoice } from "./lock-entry.js";
import { RateGate } from "./rate.js";
import { LockfileRecorder } from "./record.js";
import { writeReport } from "./report-pages.js";
import { untouchedAsset, type AssetReport, type AssetStatus, type RunReport, type ShardRun } from "../run-report.js";
import { takeRunLock, type RunLock } from "./run-lock.js";
import { RunTally } from "./run-tally.js";
import { ceilingWords, list, stoppedStatus, verdictOf, type OutputsRefused } from "./run-verdict.js";
import { Scheduler, type CallSource, type SchedulerOutcome } from "./scheduler.js";
import type { Dependencies, Settings } from "./settings.js";
import { verifyOutputs } from "./verify.js";
import { affordableWork, finishesFromKeptDrafts, workListOf, type AffordableWork, type WorkCommand } from "./work-list.js";
import { beforeCalls, checkWorkFolders, refusedOutputs } from "./writable-folders.js";
import { roundUsd } from "../money.js";

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
  const manifest = withBatchMode(withTrustedPrices(await loadManifest(settings.manifestPath, { logger, displayPath: settings.manifestDisplayPath }), settings.allowLowerPrices, logger), settings.batch);
  const lockPath = lockPathFor(manifest.file);
  const ceiling = ceilingOf(manifest, settings.maxBudgetUsd);
  const command = settings.command;

  if (command === "verify" || command === "plan") {
    const lock = await readLockfile(lockPath, { displayPath: lockPathFor(manifest.displayFile), within: new RepositoryFolder(manifest.root) });
    if (command === "verify") return verifyOutputs(manifest, lock, ceiling.usd);
    const plan = await planRun(manifest, lock);
    const matrix = settings.shards === undefined ? undefined : planMatrix(plan, ceiling.usd, settings.shards, { concurrency: manifest.concurrency, ...(manifest.rpm ? { rpm: manifest.rpm } : {}) });
    return planReport(plan, ceiling, manifest.displayFile, matrix);
  }

  // Checked before anything is written: a run that would need the key stops with nothing on disk.
  if (!deps.provider && !settings.apiKey) {
    const lock = await readLockfile(lockPath, { within: new RepositoryFolder(manifest.root) });
    const plan = await planRun(manifest, lock, { hashCache: false });
    const planned = new Map(plan.assets.map((a) => [a.id, a]));
    const repository = new RepositoryFolder(manifest.root);
    const work = workListOf(command, manifest.assets, planned);
    if (work.some((spec) => !finishesFromKeptDrafts(spec, lock, planned.get(spec.id)!, repository))) throw missingKey();
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
    const lock = await readLockfile(lockPath, { within: new RepositoryFolder(manifest.root) });
    const plan = await planRun(manifest, lock);
    const loaded = { manifest, lock, lockPath, plan, ceiling, lockRefused };
    const report = await runPass(command, settings, deps, loaded);
    // --wait: the same run collects, screens and submits the next stage while jobs are out.
    return await waitForBatches(report, settings, deps, async (spentBefore) => {
      const again = await readLockfile(lockPath, { within: new RepositoryFolder(manifest.root) });
      return runPass(command, settings, deps, { ...loaded, lock: again, plan: await planRun(manifest, again), spentBefore });
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

/**
 * One pass of a command over the plan: choose the work, collect batch jobs, run every asset's calls
 * through one pool, and add up what the assets report. `--wait` runs it again while jobs are out.
 */
async function runPass(command: WorkCommand, settings: Settings, deps: Dependencies, loaded: Loaded): Promise<RunReport> {
  const scope = scopeOf(command, settings, deps, loaded);
  const { manifest, logger } = scope;
  const chosen = await chooseWork(scope);
  const recorder = recorderFor(loaded.lockPath, loaded.lock, scope.repository);
  const { batchRound, workList } = await collectBatches(scope, chosen.workList, recorder);
  const ledger = ledgerFor(scope, pendingBatchUsd(recorder.lock));
  // Collected batch answers were paid when the job ran; they are booked as this run's spending.
  if (batchRound?.collectedUsd) ledger.settle(ledger.reserve(0)!, batchRound.collectedUsd);
  const tally = new RunTally([...(batchRound?.collectedDrafts.values() ?? [])].reduce((n, k) => n + k, 0));
  const concurrency = settings.concurrency ?? manifest.concurrency;
  // One controller per run: it paces every attempt and sets how many calls are in flight, up to `concurrency`.
  // The declared limit is the project's, shared by every shard of a matrix.
  const rpm = shardRpm(settings.rpm ?? manifest.rpm, settings.shard);
  const rate = new RateGate({ ...(rpm ? { rpm } : {}), concurrency: { ceiling: concurrency }, logger });
  // Built on the first call, so work that needs none (an output re-made from its kept draft) needs no key.
  const provider = deps.provider ?? lazily(() => buildProvider(settings, manifest, deps, rate));
  // Pictures for the report are written into this run's own folder as answers arrive.
  const runId = runIdOf(scope.started, command);
  const pictures = new RunPictures(join(scope.reportDir, "runs", runId), scope.reportFolder);
  const works = workList.map((spec) =>
    assetRunFor(scope, spec, { provider, ledger, recorder, tally, concurrency, pictures, outputsRefused: chosen.outputsRefused, batched: batchRound !== undefined }),
  );
  for (const work of works) await work.prepare();
  // Drafts a batch job answered count as this run's, as the ones it sends itself do.
  for (const work of works) work.report.drafts += batchRound?.collectedDrafts.get(work.id) ?? 0;

  const outcome = await runPool(works, {
    concurrency,
    ledger,
    // A provider given by the caller tells the controller nothing, so it cannot adapt: use the ceiling.
    ...(deps.provider ? {} : { limit: () => rate.concurrency }),
    deps,
    started: scope.started,
    tally,
    ceilingUsd: scope.ceiling.usd,
  });
  // Every answer already wrote its own lockfile line; this write only settles the statistics.
  let unsaved: unknown;
  const surplus = new Map(works.map((w) => [w, w.recordSurplus()]));
  if (works.length) await recorder.flush().catch((error: unknown) => (unsaved = error));
  const stopped = outcome.stopped ?? (unsaved === undefined ? undefined : { reason: "failed" as const, error: unsaved });
  // What the run could not do at once goes out as the next batch jobs, each reserved in the ledger.
  const inBatch = new Set(batchRound?.held);
  if (batchRound && !stopped) {
    const open = workList.filter((spec, i) => !works[i]!.isDone() && !chosen.outputsRefused?.assets.has(spec.id));
    for (const id of await batchRound.submit(open, ledger)) inBatch.add(id);
  }

  const reports = assetReportsOf(scope, { works, surplus, waiting: new Set(outcome.waiting), stoppedAs: stoppedStatus(stopped), inBatch, chosen });
  const report = runReportOf(scope, { reports, ledger, tally, estimatedUsd: chosen.estimatedUsd });
  Object.assign(report, verdictOf(report, { stopped, ceiling: scope.ceiling, outputsRefused: chosen.outputsRefused && { ...chosen.outputsRefused, command }, deferred: chosen.deferred }));
  if (batchRound) {
    report.batch = batchRound.finish();
    if (report.exitCode === ExitCode.ok && report.batch.pending.length) report.message = batchRound.nextStep();
  }
  if (works.length) {
    const { reportDir, started, repository, reportFolder } = scope;
    await writeReport({ dir: reportDir, runId, started, report, works, manifest, pictures, folders: { repository, reportFolder } }).then(
      () => (report.reportDir = reportDir),
      (error: unknown) => logger.warn(`could not write the report in ${reportDir}: ${(error as Error).message}`),
    );
  }
  if (stopped?.reason === "failed" && !(stopped.error instanceof SeedlockError)) throw stopped.error;
  return report;
}

/** What one pass covers: the manifest as it runs, this shard's assets and slice, where the report goes. */
interface PassScope {
  command: WorkCommand;
  settings: Settings;
  deps: Dependencies;
  logger: Logger;
  loaded: Loaded;
  started: number;
  planned: ReadonlyMap<string, PlannedAsset>;
  /** With `tier: auto` resolved to the tier the plan chose: every stage (assets, batch jobs) sees a fixed tier. */
  manifest: Manifest;
  /** The assets as declared, `tier: auto` and all. */
  declared: ReadonlyMap<string, AssetSpec>;
  shardRun: Omit<ShardRun, "unspentUsd"> | undefined;
  /** The whole ceiling, or this shard's slice of it. */
  ceiling: Ceiling;
  /** The manifest's assets, or this shard's. */
  assets: AssetSpec[];
  reportDir: string;
  /** Every write goes through it; a --report-dir the caller chose is its own boundary. */
  repository: RepositoryFolder;
  reportFolder: RepositoryFolder;
}

function scopeOf(command: WorkCommand, settings: Settings, deps: Dependencies, loaded: Loaded): PassScope {
  const planned = new Map(loaded.plan.assets.map((a) => [a.id, a]));
  const manifest: Manifest = { ...loaded.manifest, assets: loaded.manifest.assets.map((a) => ({ ...a, tier: planned.get(a.id)?.tier ?? a.tier })) };
  // A shard packs the plan made from the checkout it started from, as every other shard does, and
  // runs its own assets under its own slice of the ceiling.
  const shardRun = settings.shard ? shardOf(loaded, settings.shard) : undefined;
  const mine = shardRun ? new Set(shardRun.assets) : undefined;
  const repository = new RepositoryFolder(manifest.root);
  return {
    command,
    settings,
    deps,
    logger: deps.logger,
    loaded,
    started: (deps.now ?? Date.now)(),
    planned,
    manifest,
    declared: new Map(loaded.manifest.assets.map((a) => [a.id, a])),
    shardRun,
    ceiling: shardRun ? { ...loaded.ceiling, usd: shardRun.sliceUsd, shard: shardRun.shard, matrixUsd: loaded.ceiling.usd } : loaded.ceiling,
    assets: manifest.assets.filter((a) => !mine || mine.has(a.id)),
    reportDir: settings.reportDir ?? join(dirname(manifest.file), REPORT_FOLDER),
    repository,
    reportFolder: settings.reportDir ? new RepositoryFolder(settings.reportDir) : repository,
  };
}

/** The run's lockfile, rewritten after every change with its statistics settled. */
function recorderFor(lockPath: string, lock: Lockfile, repository: RepositoryFolder): LockfileRecorder {
  const lockText = new LockfileText();
  return new LockfileRecorder(lockPath, lock, async (path, current, changed) => {
    current.stats = lockStats(current.assets);
    await writing(path, () => writeLockfile(path, current, repository, lockText.format(current, changed)));
  });
}

/**
 * Batch mode: jobs out are collected first (their answers go to the journals the assets read), and
 * the assets still waiting for one are left alone. Preview and render do not collect: they leave
 * alone the seeds a job out will answer.
 */
async function collectBatches(scope: PassScope, chosen: AssetSpec[], recorder: LockfileRecorder): Promise<{ batchRound: BatchRound | undefined; workList: AssetSpec[] }> {
  const { command, settings, deps, logger, manifest } = scope;
  const { lock, plan } = scope.loaded;
  const batching = Object.keys(lock.batches ?? {}).length || chosen.some((a) => batches(a, "draft", settings.batch) || batches(a, "final", settings.batch));
  if (command === "run" && batching) {
    const batchRound = new BatchRound({
      manifest,
      recorder,
      client: deps.batchClient ?? batchClientFor(settings, manifest, logger),
      logger,
      ...(settings.batch ? { override: settings.batch } : {}),
      inputHashes: new Map(plan.assets.map((a) => [a.id, a.inputHash])),
      now: deps.now ?? Date.now,
    });
    await batchRound.collect();
    return { batchRound, workList: chosen.filter((a) => !batchRound.held.has(a.id)) };
  }
  if (!lock.batches) return { batchRound: undefined, workList: chosen };
  const inJobs = assetsInBatchJobs(lock);
  const left = chosen.filter((a) => inJobs.has(a.id)).map((a) => a.id);
  if (left.length) logger.warn(`${list(left)} wait for batch jobs still out; \`seedlock run\` collects them`);
  return { batchRound: undefined, workList: chosen.filter((a) => !inJobs.has(a.id)) };
}

interface RunParts {
  provider: ImageProvider;
  ledger: BudgetLedger;
  recorder: LockfileRecorder;
  tally: RunTally;
  concurrency: number;
  pictures: RunPictures;
  outputsRefused: OutputsRefused | undefined;
  /** A batch round is on: each asset leaves the stages it batches to the jobs submitted after the pass. */
  batched: boolean;
}

function assetRunFor(scope: PassScope, spec: AssetSpec, parts: RunParts): AssetRun {
  const { settings, planned } = scope;
  const { recorder, tally } = parts;
  const plannedAsset = planned.get(spec.id)!;
  return new AssetRun({
    goal: goalOf(scope.command, parts.outputsRefused?.assets.has(spec.id) ?? false),
    spec,
    // `tier: auto` runs as the tier the plan chose for it; the choice and its reason go in the entry.
    ...tierChoiceOf(scope.declared.get(spec.id)!, plannedAsset),
    manifest: scope.manifest,
    inputHash: plannedAsset.inputHash,
    provider: parts.provider,
    ledger: parts.ledger,
    // Each asset's writes name its entry, so only that entry is formatted again.
    recorder: { lock: recorder.lock, persist: () => recorder.persist(spec.id) },
    outputsOnDisk: scope.loaded.plan.outputsOnDisk,
    priorAcceptRate: plannedAsset.expectedAcceptRate,
    concurrency: parts.concurrency,
    runVerdicts: tally,
    announce: (event) => tally.add(event),
    logger: scope.logger,
    ...(parts.batched ? { batched: { drafts: batches(spec, "draft", settings.batch), finals: batches(spec, "final", settings.batch) } } : {}),
    pictures: parts.pictures,
  });
}

interface RunTotals {
  reports: AssetReport[];
  ledger: BudgetLedger;
  tally: RunTally;
  estimatedUsd: number;
}

/** The pass's report from the run's tally and ledger, before its verdict is known. */
function runReportOf(scope: PassScope, totals: RunTotals): RunReport {
  const { reports, ledger, tally } = totals;
  const { shardRun } = scope;
  return {
    command: scope.command,
    spentUsd: roundUsd(ledger.spentUsd),
    estimatedUsd: totals.estimatedUsd,
    ceilingUsd: scope.ceiling.usd,
    drafts: tally.drafts,
    accepted: tally.accepted,
    rendered: tally.rendered,
    rejectedDrafts: tally.rejected,
    surplus: reports.reduce((n, a) => n + (a.surplus ?? 0), 0),
    ...runFigures({ spentUsd: ledger.spentUsd, drafts: tally.drafts, rendered: tally.rendered, accepted: tally.accepted, regenerated: tally.regenerated, assets: reports }),
    changedAssets: scope.assets.filter((a) => scope.planned.get(a.id)!.state !== "unchanged").map((a) => a.id),
    assets: reports,
    exitCode: ExitCode.ok,
    ...(shardRun ? { shard: { ...shardRun, unspentUsd: roundUsd(Math.max(0, shardRun.sliceUsd - ledger.spentUsd)) } } : {}),
  };
}

/** How far the command takes one asset: a run whose outputs cannot be written stops at accepted drafts. */
function goalOf(command: WorkCommand, outputsRefused: boolean): AssetGoal {
  if (command === "preview" || outputsRefused) return "accepted-drafts";
  return command === "render" ? "outputs-from-accepted-drafts" : "outputs";
}

interface ChosenWork extends AffordableWork {
  outputsRefused: OutputsRefused | undefined;
  estimatedUsd: number;
}

/**
 * The assets this pass works on, checked before the first paid call and before anything is
 * written: every output is seedlock's to write, the folders answers go to take files, outputs that
 * cannot be written are not paid for, and whole assets are left for later when the ceiling is short.
 */
async function chooseWork(scope: PassScope): Promise<ChosenWork> {
  const { command, settings, logger, loaded, manifest, planned, ceiling, shardRun, repository, reportDir, reportFolder } = scope;
  let workList = workListOf(command, scope.assets, planned);
  const claims = checkOutputClaims({
    manifest,
    lock: loaded.lock,
    lockPath: loaded.lockPath,
    workList,
    inputHashOf: (id) => planned.get(id)!.inputHash,
    overwrite: settings.overwriteUntracked ?? [],
    logger,
  });
  if (command !== "preview") await claims;
  else {
    // A preview writes no output, but the run after it would stop here: say so while it is cheap to fix.
    await claims.catch((error: unknown) => {
      if (!(error instanceof InputError)) throw error;
      for (const d of error.diagnostics) logger.warn(`the run after this preview would stop: ${d.path ? `${d.path} ` : ""}${d.message}${d.fix ? ` (${d.fix})` : ""}`, d.location);
    });
  }
  if (workList.length) {
    if (loaded.lockRefused) throw beforeCalls(loaded.lockRefused);
    await checkWorkFolders({ manifest, lockPath: loaded.lockPath, workList, repository, reportDir, reportFolder });
  }
  // Outputs that cannot be written are not paid for: their assets are drafted and screened (the
  // accepted drafts are kept for the rerun) but not rendered.
  const outputsRefused = command === "preview" ? undefined : await refusedOutputs(workList, repository);
  if (outputsRefused) {
    const ids = [...outputsRefused.assets];
    logger.warn(`${outputsRefused.error.message}; until then ${list(ids)} ${command === "run" ? "are drafted and screened but not rendered" : "are not rendered"}`);
    if (command === "render") workList = workList.filter((spec) => !outputsRefused.assets.has(spec.id));
  }
  const estimatedUsd = roundUsd(workList.reduce((sum, a) => sum + (planned.get(a.id)?.estimatedUsd ?? 0), 0));
  if (shardRun) {
    const declaredRpm = settings.rpm ?? manifest.rpm;
    logger.info(
      `shard ${shardRun.shard}: ${shardRun.assets.length} asset${shardRun.assets.length === 1 ? "" : "s"} estimated at ${formatUsd(estimatedUsd)}, ` +
        `a slice of ${formatUsd(shardRun.sliceUsd)} of the ${formatUsd(shardRun.matrixCeilingUsd)} ceiling (packing ${shardRun.fingerprint})` +
        (declaredRpm ? `, at ${Math.round(shardRpm(declaredRpm, settings.shard)! * 100) / 100} requests per minute (the project's ${declaredRpm} ÷ ${settings.shard!.count} shards)` : ""),
    );
  }
  const affordable = affordableWork(workList, planned, command, ceiling.usd);
  if (affordable.deferred.size) {
    logger.warn(
      `the estimate ${formatUsd(estimatedUsd)} is above ${ceilingWords(ceiling)}: ` +
        (affordable.workList.length
          ? `working only on ${list(affordable.workList.map((a) => a.id))}, whose estimates fit, and leaving ${list([...affordable.deferred])} for a run with more budget`
          : `not even one asset fits, so nothing is sent and nothing spent`),
    );
  }
  return { ...affordable, outputsRefused, estimatedUsd };
}

/** `pendingBatchUsd`: reserved by batch jobs still out; with what earlier passes spent (--wait) it counts against the ceiling. */
function ledgerFor(scope: PassScope, pendingBatchUsd: number): BudgetLedger {
  const { manifest, ceiling, shardRun, logger } = scope;
  // A shard warns at its slice's share of budget.warnUsd, as the whole matrix would at warnUsd.
  const warnUsd =
    manifest.budget.warnUsd === undefined || !shardRun
      ? manifest.budget.warnUsd
      : shardRun.matrixCeilingUsd > 0
        ? roundUsd((manifest.budget.warnUsd * shardRun.sliceUsd) / shardRun.matrixCeilingUsd)
        : 0;
  return new BudgetLedger({
    // Jobs still out hold their reservations against every command's ceiling, not only run's.
    ceilingUsd: Math.max(0, ceiling.usd - (scope.loaded.spentBefore ?? 0) - pendingBatchUsd),
    ...(warnUsd !== undefined ? { warnUsd } : {}),
    onWarn: (spent, warn) =>
      logger.warn(`spent ${formatUsd(spent)}, past ${shardRun ? "this shard's share of " : ""}budget.warnUsd (${formatUsd(warn)}); ${shardRun ? "its slice" : "the ceiling"} is ${formatUsd(ceiling.usd)}`),
  });
}

interface PoolSetup {
  concurrency: number;
  ledger: BudgetLedger;
  limit?: () => number;
  deps: Dependencies;
  started: number;
  tally: RunTally;
  ceilingUsd: number;
}

/** Runs every asset's calls through one pool, sending progress at most every PROGRESS_EVERY_MS and once at the end. */
async function runPool(works: AssetRun[], setup: PoolSetup): Promise<SchedulerOutcome> {
  const { deps, tally, ledger } = setup;
  const now = deps.now ?? Date.now;
  let scheduler: Scheduler | undefined;
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
      ceilingUsd: setup.ceilingUsd,
      elapsedMs: at - setup.started,
    });
  };
  scheduler = new Scheduler(works, {
    concurrency: setup.concurrency,
    ...(setup.limit ? { limit: setup.limit } : {}),
    ledger,
    ...(deps.signal ? { signal: deps.signal } : {}),
    onChange: () => progress(),
  });
  const outcome = works.length ? await scheduler.run() : { waiting: [], stopped: undefined };
  progress(true);
  return outcome;
}

interface AssetOutcomes {
  works: AssetRun[];
  surplus: ReadonlyMap<AssetRun, number>;
  /** Assets that still wanted a call when the pool ended. */
  waiting: ReadonlySet<CallSource>;
  /** The status of an unfinished asset when the run stopped early. */
  stoppedAs: AssetStatus | undefined;
  inBatch: ReadonlySet<string>;
  chosen: ChosenWork;
}

/** One report per asset of the pass, worked on or not, with the status the user reads. */
function assetReportsOf(scope: PassScope, facts: AssetOutcomes): AssetReport[] {
  const { command, planned } = scope;
  const { inBatch, stoppedAs } = facts;
  const { deferred, outputsRefused } = facts.chosen;
  const byId = new Map(facts.works.map((w) => [w.id, w]));
  return scope.assets.map((spec) => {
    const work = byId.get(spec.id);
    const plannedAsset = planned.get(spec.id)!;
    if (!work) {
      const untouched: AssetStatus = plannedAsset.state === "unchanged" ? "unchanged" : inBatch.has(spec.id) ? "batch" : deferred.has(spec.id) ? "budget" : "planned";
      const outputs = plannedAsset.state === "unchanged" ? (scope.loaded.lock.assets[spec.id]?.outputs ?? []).map((output) => output.path) : [];
      return untouchedAsset(spec.id, untouched, outputs);
    }
    let status = work.finalStatus({ waitingForBudget: facts.waiting.has(work), ...(stoppedAs ? { stopped: stoppedAs } : {}) });
    if (status !== "done" && !stoppedAs && inBatch.has(spec.id)) status = "batch";
    // Drafted but not rendered, for want of a writable output folder: the render is left for the rerun.
    if (status === "done" && outputsRefused?.assets.has(spec.id)) status = "planned";
    if (status === "done" && command === "preview") status = "previewed";
    // Catalog prices on two-tier assets, for the run's two-tier against final-only (report/figures.ts).
    const prices = spec.tier === "two-tier" ? { prices: tierPrices(spec, scope.manifest.pricing) } : {};
    return { ...work.report, status, spentUsd: roundUsd(work.report.spentUsd), estimatedUsd: plannedAsset.estimatedUsd, surplus: facts.surplus.get(work) ?? 0, ...prices };
  });
}

function tierChoiceOf(spec: AssetSpec, planned: PlannedAsset): { tierChoice?: TierChoice } {
  if (spec.tier !== "auto" || planned.tier === "draft-only") return {};
  return { tierChoice: { chosen: planned.tier, reason: planned.tierReason ?? "" } };
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

function lazily(build: () => ImageProvider): ImageProvider {
  let built: ImageProvider | undefined;
  return {
    generate: (request) => (built ??= build()).generate(request),
    judge: (request) => (built ??= build()).judge(request),
  };
}

function missingKey(): InputError {
  return new InputError([{ message: "no API key: GEMINI_API_KEY is not set; nothing was written and nothing spent", fix: "export GEMINI_API_KEY=… (or pass the Action's api-key input); `seedlock plan` needs none" }]);
}

function buildProvider(settings: Settings, manifest: Manifest, deps: Dependencies, rate: RateGate): ImageProvider {
  if (!settings.apiKey) throw missingKey();
  return createGeminiProvider({
    apiKey: settings.apiKey,
    ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}),
    pricing: manifest.pricing,
    gate: rate,
    logger: deps.logger,
    circuit: new CircuitBreaker(),
    ...(deps.signal ? { stop: deps.signal } : {}),
  });
}
