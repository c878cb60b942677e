import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { ExitCode, InputError, SeedlockError } from "../errors.js";
import { lockPathFor, readLockfile, writeLockfile } from "../lock/file.js";
import { lockStats } from "../lock/stats.js";
import type { Lockfile } from "../lock/types.js";
import { ceilingUsd } from "../manifest/ceiling.js";
import { loadManifest } from "../manifest/load.js";
import type { Manifest } from "../manifest/spec.js";
import { planRun, type Plan } from "../plan/plan.js";
import { planReport, type Ceiling } from "../plan/report.js";
import { CircuitBreaker } from "../provider/circuit.js";
import { createGeminiProvider } from "../provider/gemini.js";
import type { ImageProvider, RequestGate } from "../provider/provider.js";
import { writeContactSheet } from "../report/contact-sheet.js";
import { thumbnail, writeReportHtml, type GalleryAsset } from "../report/gallery.js";
import { formatUsd } from "../report/table.js";
import { AssetWork, type RunTally, type WorkMode } from "./asset.js";
import { BudgetLedger } from "./ledger.js";
import { RateGate } from "./rate.js";
import { LockfileRecorder } from "./record.js";
import type { AssetReport, AssetStatus, RunReport } from "./result.js";
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
 * is in the report. Invalid input throws InputError (exit 2) before any call is made.
 */
export async function execute(settings: Settings, deps: Dependencies): Promise<RunReport> {
  const { logger } = deps;
  const manifest = await loadManifest(settings.manifestPath, { logger });
  const lockPath = lockPathFor(manifest.file);
  const lock = await readLockfile(lockPath);
  const ceiling = ceilingOf(manifest, settings.maxBudgetUsd);

  if (settings.command === "verify") return verifyOutputs(manifest, lock, ceiling.usd);

  const plan = await planRun(manifest, lock);
  if (settings.command === "plan") return planReport(plan, ceiling, manifest.displayFile);
  return generate(settings.command, settings, deps, { manifest, lock, lockPath, plan, ceiling });
}

interface Loaded {
  manifest: Manifest;
  lock: Lockfile;
  lockPath: string;
  plan: Plan;
  ceiling: Ceiling;
}

async function generate(mode: WorkMode, settings: Settings, deps: Dependencies, loaded: Loaded): Promise<RunReport> {
  const { logger } = deps;
  const now = deps.now ?? Date.now;
  const started = now();
  const { manifest, lock, lockPath, plan, ceiling } = loaded;
  const planned = new Map(plan.assets.map((a) => [a.id, a]));
  const inShard = (index: number) => !settings.shard || index % settings.shard.count === settings.shard.index;

  // Unchanged assets make no call; render leaves alone what was never drafted under these inputs.
  const assets = manifest.assets.filter((a) => inShard(a.index));
  const workList = assets.filter((a) => {
    const state = planned.get(a.id)!.state;
    if (state === "unchanged") return false;
    return mode !== "render" || state === "incomplete";
  });
  const estimatedUsd = round(workList.reduce((sum, a) => sum + (planned.get(a.id)?.estimatedUsd ?? 0), 0));
  if (estimatedUsd > ceiling.usd) {
    logger.warn(
      `the estimate ${formatUsd(estimatedUsd)} is above the ceiling ${formatUsd(ceiling.usd)} (${ceiling.source}): ` +
        "seedlock stops before any call that would cross it and keeps every image accepted so far, so a rerun with more budget continues where this one ends",
    );
  }

  const ledger = new BudgetLedger({
    ceilingUsd: ceiling.usd,
    ...(manifest.budget.warnUsd !== undefined ? { warnUsd: manifest.budget.warnUsd } : {}),
    onWarn: (spent, warn) => logger.warn(`spent ${formatUsd(spent)}, past budget.warnUsd (${formatUsd(warn)}); the ceiling is ${formatUsd(ceiling.usd)}`),
  });
  const recorder = new LockfileRecorder(lockPath, lock, async (path, current) => {
    current.stats = lockStats(current.assets);
    await writeLockfile(path, current);
  });
  const tally: RunTally = { drafts: 0, accepted: 0, rejected: 0, regenerated: 0, rendered: 0 };
  const concurrency = settings.concurrency ?? manifest.concurrency;
  // Built on the first call, so work that needs none (an output re-made from its kept draft) needs no key.
  const provider = deps.provider ?? lazily(() => buildProvider(settings, manifest, deps));

  const works = workList.map(
    (spec) =>
      new AssetWork({
        mode,
        spec,
        manifest,
        inputHash: planned.get(spec.id)!.inputHash,
        provider,
        ledger,
        recorder,
        priorAcceptRate: planned.get(spec.id)!.acceptRate,
        concurrency,
        tally,
        logger,
      }),
  );
  for (const work of works) await work.prepare();

  let lastProgress = -Infinity;
  let scheduler: Scheduler | undefined;
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
  if (works.length) await recorder.persist();

  const waiting = new Set(outcome.waiting);
  const stoppedAs = outcome.stopped ? STOP_STATUS[outcome.stopped.reason] : undefined;
  const byId = new Map(works.map((w) => [w.id, w]));
  const reports: AssetReport[] = assets.map((spec) => {
    const work = byId.get(spec.id);
    const plannedAsset = planned.get(spec.id)!;
    if (!work) {
      const untouched: AssetStatus = plannedAsset.state === "unchanged" ? "unchanged" : "planned";
      const outputs = plannedAsset.state === "unchanged" ? (lock.assets[spec.id]?.outputs ?? []).map((o) => o.path) : [];
      return { id: spec.id, status: untouched, drafts: 0, accepted: 0, rejected: {}, regenerated: 0, rendered: 0, spentUsd: 0, estimatedUsd: 0, outputs };
    }
    const status = work.finalStatus({ waitingForBudget: waiting.has(work), ...(stoppedAs ? { stopped: stoppedAs } : {}) });
    return { ...work.report, status, spentUsd: round(work.report.spentUsd), estimatedUsd: plannedAsset.estimatedUsd };
  });

  const report: RunReport = {
    command: mode,
    spentUsd: round(ledger.spentUsd),
    estimatedUsd,
    ceilingUsd: ceiling.usd,
    drafts: tally.drafts,
    accepted: tally.accepted,
    rendered: tally.rendered,
    acceptRate: tally.drafts ? tally.accepted / tally.drafts : null,
    regenRate: tally.drafts ? tally.regenerated / tally.drafts : null,
    costPerAcceptedUsd: costPerAccepted(mode, ledger.spentUsd, tally),
    changedAssets: assets.filter((a) => planned.get(a.id)!.state !== "unchanged").map((a) => a.id),
    assets: reports,
    exitCode: ExitCode.ok,
  };
  Object.assign(report, verdictOf(report, outcome.stopped, ceiling));

  if (works.length) {
    const reportDir = settings.reportDir ?? join(dirname(manifest.file), REPORT_FOLDER);
    await writeReport(reportDir, report, works, manifest).then(
      () => (report.reportDir = reportDir),
      (error: unknown) => logger.warn(`could not write the report in ${reportDir}: ${(error as Error).message}`),
    );
  }
  if (outcome.stopped?.reason === "failed" && !(outcome.stopped.error instanceof SeedlockError)) throw outcome.stopped.error;
  return report;
}

const STOP_STATUS: Record<StopReason, AssetStatus> = {
  interrupted: "interrupted",
  unavailable: "unavailable",
  failed: "unavailable",
};

/** The exit code and the one sentence that explains it, most serious first. */
function verdictOf(report: RunReport, stopped: { reason: StopReason; error?: unknown } | undefined, ceiling: Ceiling): Pick<RunReport, "exitCode" | "message"> {
  const kept = `every image accepted so far is kept in the lockfile and a rerun continues from there`;
  if (stopped?.reason === "interrupted") return { exitCode: ExitCode.interrupted, message: `interrupted: ${kept}` };
  if (stopped?.reason === "unavailable") {
    const why = stopped.error instanceof Error ? stopped.error.message : "the provider stayed unavailable";
    return { exitCode: ExitCode.providerUnavailable, message: `${why}; ${kept}` };
  }
  if (stopped?.reason === "failed" && stopped.error instanceof SeedlockError) {
    return { exitCode: stopped.error.exitCode, message: `${stopped.error.message}; ${kept}` };
  }
  const budget = report.assets.filter((a) => a.status === "budget").map((a) => a.id);
  const capped = report.assets.filter((a) => a.status === "capped");
  if (budget.length) {
    const lever = ceiling.source === "--max-budget-usd" ? "raise --max-budget-usd (up to budget.maxUsd)" : "raise budget.maxUsd in the manifest";
    return {
      exitCode: ExitCode.budgetExceeded,
      message:
        `the ceiling ${formatUsd(ceiling.usd)} (${ceiling.source}) left ${list(budget)} unfinished after spending ${formatUsd(report.spentUsd)}; ` +
        `${lever} and rerun: ${kept}`,
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
  const rate = new RateGate({ ...((settings.rpm ?? manifest.rpm) ? { rpm: settings.rpm ?? manifest.rpm } : {}), logger: deps.logger });
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
