import { RepositoryFolder } from "../disk/repository-path.js";
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
import { tierPrices, type FixedTier } from "../plan/tier.js";
import { planReport, type Ceiling } from "../plan/report.js";
import { packShards, planMatrix, shardLabel, shardRpm, sliceFor, workOf } from "../plan/shards.js";
import { CircuitBreaker } from "../provider/circuit.js";
import { createGeminiProvider } from "../provider/gemini.js";
import type { ImageProvider } from "../provider/provider.js";
import { writeContactSheet } from "../report/contact-sheet.js";
import { thumbnail, writeReportHtml, type GalleryAsset, type GalleryOutput } from "../report/gallery.js";
import { keepRun, runIdOf } from "../report/history.js";
import { previewOf, RunPictures } from "../report/images.js";
import { runFigures } from "../report/figures.js";
import { formatUsd } from "../money.js";
import { AssetWork, type RunTally, type WorkMode } from "./asset.js";
import { checkOutputClaims } from "./claims.js";
import { batches, withBatchMode } from "../manifest/batch-mode.js";
import { assetsInBatchJobs, BatchRound, batchClientFor, pendingBatchUsd, waitForBatches } from "./batch/round.js";
import { probeFolders, writing } from "./disk.js";
import { journalFolder, mimeTypeOf, REPORT_FOLDER } from "../disk/folders.js";
import { BudgetLedger } from "./ledger.js";
import { RateGate } from "./rate.js";
import { LockfileRecorder } from "./record.js";
import type { AssetReport, AssetStatus, RunReport, ShardRun } from "../run-report.js";
import { takeRunLock, type RunLock } from "./run-lock.js";
import { Scheduler, type StopReason } from "./scheduler.js";
import type { Dependencies, Settings } from "./settings.js";
import { verifyOutputs } from "./verify.js";
import { roundUsd as round } from "../money.js";

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
    const work = workListOf(command, manifest, plan);
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
  const { lock, lockPath, plan, lockRefused } = loaded;
  const planned = new Map(plan.assets.map((a) => [a.id, a]));
  // `tier: auto` runs as the tier the plan chose: every stage below (works, batch jobs) sees a fixed tier.
  const declaredTier = new Map(loaded.manifest.assets.map((a) => [a.id, a]));
  const manifest: Manifest = { ...loaded.manifest, assets: loaded.manifest.assets.map((a) => ({ ...a, tier: planned.get(a.id)?.tier ?? a.tier })) };
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
  // Every write goes through it; a --report-dir the caller chose is its own boundary.
  const repository = new RepositoryFolder(manifest.root);
  const reportFolder = settings.reportDir ? new RepositoryFolder(settings.reportDir) : repository;

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
    const workFolders = [dirname(lockPath), ...workList.map((spec) => journalFolder(manifest, spec.id))];
    // Where each folder really is, before any of them is made: a folder leading outside leaves nothing behind.
    try {
      for (const dir of workFolders) repository.checkFolder(dir);
      reportFolder.checkFolder(reportDir);
    } catch (error) {
      if (error instanceof WriteRefusedError) throw beforeCalls(error);
      throw error;
    }
    const refused = new Map([...(await probeFolders(workFolders, repository)), ...(await probeFolders([reportDir], reportFolder))]);
    const first = [...workFolders, reportDir].find((dir) => refused.has(dir));
    if (first) throw beforeCalls(refused.get(first)!);
  }
  // Outputs that cannot be written are not paid for: their assets are drafted and screened (the
  // accepted drafts are kept for the rerun) but not rendered.
  const outputsRefused = mode === "preview" ? undefined : await refusedOutputs(workList, repository);
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
  // Over the ceiling, money spread over every asset can end with none finished (observed: $0.24
  // spent, 0 outputs). So take whole assets, in manifest order, while their estimates fit; the rest
  // wait, unpaid, for a run with more budget.
  const deferred = new Set<string>();
  if (workList.reduce((sum, spec) => sum + affordabilityUsd(planned.get(spec.id), mode), 0) > ceiling.usd) {
    let room = ceiling.usd;
    for (const spec of workList) {
      const cost = affordabilityUsd(planned.get(spec.id), mode);
      if (cost <= room) room -= cost;
      else deferred.add(spec.id);
    }
    workList = workList.filter((spec) => !deferred.has(spec.id));
    logger.warn(
      `the estimate ${formatUsd(estimatedUsd)} is above ${ceilingWords(ceiling)}: ` +
        (workList.length
          ? `working only on ${list(workList.map((a) => a.id))}, whose estimates fit, and leaving ${list([...deferred])} for a run with more budget`
          : `not even one asset fits, so nothing is sent and nothing spent`),
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
    await writing(path, () => writeLockfile(path, current, repository, lockText.format(current, changed)));
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
    // Jobs still out hold their reservations against every command's ceiling, not only run's.
    ceilingUsd: Math.max(0, ceiling.usd - (loaded.spentBefore ?? 0) - pendingBatchUsd(recorder.lock)),
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
  // One controller per run: it paces every attempt and sets how many calls are in flight, up to `concurrency`.
  // The declared limit is the project's, shared by every shard of a matrix.
  const rpm = shardRpm(declaredRpm, settings.shard);
  const rate = new RateGate({
    ...(rpm ? { rpm } : {}),
    concurrency: { ceiling: concurrency },
    logger: deps.logger,
  });
  // Built on the first call, so work that needs none (an output re-made from its kept draft) needs no key.
  const provider = deps.provider ?? lazily(() => buildProvider(settings, manifest, deps, rate));

  // Pictures for the report are written into this run's own folder as answers arrive.
  const runId = runIdOf(started, mode);
  const pictures = new RunPictures(join(reportDir, "runs", runId), reportFolder);
  let scheduler: Scheduler | undefined;
  const works = workList.map(
    (spec) =>
      new AssetWork({
        mode: outputsRefused?.assets.has(spec.id) ? "preview" : mode,
        // `tier: auto` runs as the tier the plan chose for it; the choice and its reason go in the entry.
        spec,
        ...tierChoiceOf(declaredTier.get(spec.id)!, planned.get(spec.id)!),
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
        pictures,
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
    // A provider given by the caller tells the controller nothing, so it cannot adapt: use the ceiling.
    ...(deps.provider ? {} : { limit: () => rate.concurrency }),
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
      const untouched: AssetStatus = plannedAsset.state === "unchanged" ? "unchanged" : inBatch.has(spec.id) ? "batch" : deferred.has(spec.id) ? "budget" : "planned";
      const outputs = plannedAsset.state === "unchanged" ? (lock.assets[spec.id]?.outputs ?? []).map((o) => o.path) : [];
      return { id: spec.id, status: untouched, drafts: 0, accepted: 0, rejectedDrafts: 0, rejected: {}, regenerated: 0, rendered: 0, spentUsd: 0, estimatedUsd: 0, outputs };
    }
    let status = work.finalStatus({ waitingForBudget: waiting.has(work), ...(stoppedAs ? { stopped: stoppedAs } : {}) });
    if (status !== "done" && !stoppedAs && inBatch.has(spec.id)) status = "batch";
    // Drafted but not rendered, for want of a writable output folder: the render is left for the rerun.
    if (status === "done" && outputsRefused?.assets.has(spec.id)) status = "planned";
    if (status === "done" && mode === "preview") status = "previewed";
    // Catalog prices on two-tier assets, for the run's two-tier against final-only (report/figures.ts).
    const prices = spec.tier === "two-tier" ? { prices: tierPrices(spec, manifest.pricing) } : {};
    return { ...work.report, status, spentUsd: round(work.report.spentUsd), estimatedUsd: plannedAsset.estimatedUsd, surplus: surplus.get(work) ?? 0, ...prices };
  });

  const report: RunReport = {
    command: mode,
    spentUsd: round(ledger.spentUsd),
    estimatedUsd,
    ceilingUsd: ceiling.usd,
    drafts: tally.drafts,
    accepted: tally.accepted,
    rendered: tally.rendered,
    rejectedDrafts: tally.rejected,
    surplus: reports.reduce((n, a) => n + (a.surplus ?? 0), 0),
    acceptRate: tally.drafts ? tally.accepted / tally.drafts : null,
    regenRate: tally.drafts ? tally.regenerated / tally.drafts : null,
    ...runFigures({ spentUsd: ledger.spentUsd, rendered: tally.rendered, accepted: tally.accepted, assets: reports }),
    changedAssets: assets.filter((a) => planned.get(a.id)!.state !== "unchanged").map((a) => a.id),
    assets: reports,
    exitCode: ExitCode.ok,
    ...(shardRun ? { shard: { ...shardRun, unspentUsd: round(Math.max(0, shardRun.sliceUsd - ledger.spentUsd)) } } : {}),
  };
  Object.assign(report, verdictOf(report, stopped, ceiling, outputsRefused && { ...outputsRefused, mode }, deferred));
  if (batchRound) {
    report.batch = batchRound.finish();
    if (report.exitCode === ExitCode.ok && report.batch.pending.length) report.message = batchRound.nextStep();
  }

  if (works.length) {
    await writeReport(reportDir, runId, started, report, works, manifest, pictures, { repository, reportFolder }).then(
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
async function refusedOutputs(workList: AssetSpec[], repository: RepositoryFolder): Promise<OutputsRefused | undefined> {
  const folders = new Map(workList.map((spec) => [spec.id, outputFolders(spec, repository.root)]));
  const refused = await probeFolders([...folders.values()].flat(), repository);
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
  deferred: ReadonlySet<string> = new Set(),
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
    const stopped = budget.filter((id) => !deferred.has(id));
    if (stopped.length === 0) {
      const started = report.assets.filter((a) => a.status !== "budget" && a.status !== "unchanged").map((a) => a.id);
      return {
        exitCode: ExitCode.budgetExceeded,
        message:
          `the estimate is above ${ceilingWords(ceiling)}: ` +
          (started.length ? `${list(started)} ${started.length === 1 ? "was" : "were"} worked on for ${formatUsd(report.spentUsd)}, ` : "nothing was sent and nothing spent; ") +
          `${list(budget)} ${budget.length === 1 ? "was" : "were"} left for the next run, unpaid; ${lever} and rerun, or rerun as it is to take the next ones`,
      };
    }
  }
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

/** What an asset is expected to cost in this mode: a preview drafts and judges, it renders nothing. */
function affordabilityUsd(asset: Plan["assets"][number] | undefined, mode: WorkMode): number {
  if (!asset) return 0;
  return mode === "preview" ? asset.draftUsd + asset.judgeUsd : asset.estimatedUsd;
}

function list(items: string[]): string {
  return items.length <= 5 ? items.join(", ") : `${items.slice(0, 5).join(", ")} and ${items.length - 5} more`;
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

function missingKey(): InputError {
  return new InputError([{ message: "no API key: GEMINI_API_KEY is not set; nothing was written and nothing spent", fix: "export GEMINI_API_KEY=… (or pass the Action's api-key input); `seedlock plan` needs none" }]);
}

/**
 * Whether an asset's missing outputs can all be made from accepted drafts kept on disk, with no
 * call: a draft-only or final-only asset whose output was deleted. Anything else needs the key.
 */
function finishesFromKeptDrafts(spec: AssetSpec, lock: Lockfile, planned: Plan["assets"][number], repository: RepositoryFolder): boolean {
  const entry = lock.assets[spec.id];
  if (spec.tier === "two-tier" || !entry || entry.inputHash !== planned.inputHash) return false;
  const kept = entry.seeds.filter((s) => (s.status === "accepted" || s.status === "rendered") && s.draft && repository.holdsRegularFile(s.draft));
  return kept.length - planned.have >= planned.missing;
}

/**
 * The assets a command would work on, over the whole manifest: unchanged ones make no call; render
 * leaves alone what was never drafted under these inputs. (A shard's own slice is a subset.)
 */
function workListOf(mode: Settings["command"], manifest: Manifest, plan: Plan): AssetSpec[] {
  const planned = new Map(plan.assets.map((a) => [a.id, a]));
  return manifest.assets.filter((a) => {
    const state = planned.get(a.id)!.state;
    if (state === "unchanged") return false;
    return mode !== "render" || state === "incomplete";
  });
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

/**
 * One contact sheet per asset that drafted, and report.html with every output and draft, in this
 * run's folder (runs/<run>/) and as the latest page at the top of the report folder, which links
 * the runs before it. The pictures are already on disk: nothing is decoded again here.
 */
async function writeReport(dir: string, runId: string, started: number, report: RunReport, works: AssetWork[], manifest: Manifest, pictures: RunPictures, folders: { repository: RepositoryFolder; reportFolder: RepositoryFolder }): Promise<void> {
  const runFolder = pictures.runFolder;
  const gallery: GalleryAsset[] = [];
  for (const work of works) {
    const entry: GalleryAsset = { id: work.id, prompt: work.lockEntry.prompt, drafts: [], outputs: [] };
    const rendered = new Set(work.lockEntry.outputs.map((o) => o.seed));
    const tiles = (
      await Promise.all(
        work.tiles.map(async (t) => ({ ...t, sheetImage: t.picture ? await folders.reportFolder.readFile(join(runFolder, t.picture.thumbnail)).catch(() => undefined) : t.image })),
      )
    );
    // Every tile gets a cell, a picture or not, so a draft's #index is the same on the sheet and the page.
    if (tiles.some((t) => t.sheetImage)) {
      const file = `${work.id}.contact-sheet.jpg`;
      const spare = (seed: number, accepted: boolean) => accepted && report.command !== "preview" && !rendered.has(seed);
      // One sheet that cannot be made costs that sheet, not the page.
      const made = await writeContactSheet(
        tiles.map((t) => ({ seed: t.seed, image: t.sheetImage ?? Buffer.alloc(0), accepted: t.accepted, reasons: t.reasons, spare: spare(t.seed, t.accepted) })),
        join(runFolder, file),
        { within: folders.reportFolder },
      ).then(
        () => true,
        () => false,
      );
      if (made) {
        entry.contactSheet = file;
        const asset = report.assets.find((a) => a.id === work.id);
        if (asset) asset.contactSheet = `runs/${runId}/${file}`;
      }
    }
    for (const t of work.tiles) {
      entry.drafts.push({ seed: t.seed, accepted: t.accepted, reasons: t.reasons, ...(t.picture ? { thumbnail: t.picture.thumbnail, full: t.picture.full } : t.image ? { thumbnail: await thumbnail(t.image) } : {}) });
    }
    // Outputs rendered from drafts an earlier run accepted (a preview's): their kept draft file stands beside them.
    for (const output of work.lockEntry.outputs) {
      if (entry.drafts.some((d) => d.seed === output.seed)) continue;
      const record = work.lockEntry.seeds.find((r) => r.seed === output.seed);
      const kept = record?.draft ? await folders.repository.readFile(record.draft).catch(() => undefined) : undefined;
      const preview = kept ? await previewOf(kept).catch(() => undefined) : undefined;
      const picture = kept && preview ? await pictures.draft(work.id, output.seed, preview, { data: kept, mimeType: mimeTypeOf(record!.draft!) }).catch(() => undefined) : undefined;
      if (picture) entry.drafts.push({ seed: output.seed, accepted: true, reasons: [], note: "accepted by an earlier run", thumbnail: picture.thumbnail, full: picture.full });
    }
    const pictured = new Map(work.outputPictures.map((o) => [o.path, o.picture]));
    for (const output of work.lockEntry.outputs) {
      const shown: GalleryOutput = { path: output.path, seed: output.seed, width: output.width, height: output.height };
      const picture = pictured.get(output.path);
      if (picture) Object.assign(shown, { thumbnail: picture.thumbnail, full: picture.full });
      else {
        // An output an earlier run made: shown from its file, inlined.
        const image = await folders.repository.readFile(output.path).catch(() => undefined);
        if (image) shown.thumbnail = await thumbnail(image).catch(() => undefined);
      }
      entry.outputs.push(shown);
    }
    gallery.push(entry);
  }
  const subtitle = relative(process.cwd(), manifest.file) || manifest.file;
  const earlier = await keepRun(dir, { id: runId, command: report.command, at: new Date(started).toISOString(), spentUsd: report.spentUsd, exitCode: report.exitCode, rendered: report.rendered, drafts: report.drafts }, folders.reportFolder);
  const label = (r: (typeof earlier)[number]) => `${r.at.replace("T", " ").slice(0, 19)} UTC · ${r.command} · ${r.drafts} drafts · ${r.rendered} rendered · ${formatUsd(r.spentUsd)} · exit ${r.exitCode}`;
  await writeReportHtml(runFolder, { report, assets: gallery, subtitle, history: earlier.map((r) => ({ href: `../${r.id}/report.html`, label: label(r) })) }, "report.html", folders.reportFolder);
  await writeReportHtml(dir, { report, assets: gallery, subtitle, base: `runs/${runId}/`, history: earlier.map((r) => ({ href: `runs/${r.id}/report.html`, label: label(r) })) }, "report.html", folders.reportFolder);
}
