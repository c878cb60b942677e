import { normalize, resolve } from "node:path";
import { RepositoryFolder } from "../disk/repository-path.js";
import { ExitCode } from "../errors.js";
import { lockPathFor, readLockfile } from "../lock/file.js";
import { ceilingUsd, parseMaxBudgetUsd } from "../manifest/ceiling.js";
import { loadManifest } from "../manifest/load.js";
import { withTrustedPrices } from "../manifest/pricing.js";
import { parseBatchMode, withBatchMode } from "../manifest/batch-mode.js";
import { planRun } from "../plan/plan.js";
import { overBudgetMessage, planReport, renderMatrix, renderPlan, type Ceiling } from "../plan/report.js";
import { planMatrix } from "../plan/shards.js";
import { runResultJson } from "../report/json.js";
import { formatUsd } from "../money.js";
import type { Command } from "./command.js";
import { shardCountFromCli } from "./settings.js";

export const planCommand: Command = {
  summary: "estimate the spend of the manifest's changes before any call (no network)",
  options: {
    shards: { type: "string", value: "N|auto", help: "also pack the work by estimated cost into N shards (or as many as pay off), each with its slice of the ceiling; with --json, a matrix for a workflow" },
    "allow-lower-prices": { type: "boolean", help: "trust the manifest's pricing: even below the built-in prices" },
    batch: { type: "string", value: "MODE", help: "off | drafts | finals | all: estimate those stages at the Batch API price" },
  },
  async run(ctx) {
    const flagMaxUsd = parseMaxBudgetUsd(ctx.values["max-budget-usd"] as string | undefined);
    const shards = shardCountFromCli(ctx.values.shards as string | undefined);
    // Messages name the files the way the user typed them.
    const typed = normalize((ctx.values.manifest as string | undefined) ?? "assets.yaml");
    const loaded = await loadManifest(resolve(ctx.cwd, typed), { logger: ctx.logger, displayPath: typed });
    const batch = parseBatchMode(ctx.values.batch as string | undefined, "--batch");
    const manifest = withBatchMode(withTrustedPrices(loaded, ctx.values["allow-lower-prices"] === true, ctx.logger), batch);
    const lock = await readLockfile(lockPathFor(manifest.file), { displayPath: lockPathFor(typed), within: new RepositoryFolder(manifest.root) });
    const plan = await planRun(manifest, lock);

    const usd = ceilingUsd(manifest, flagMaxUsd);
    const ceiling: Ceiling = {
      usd,
      source: flagMaxUsd !== undefined && flagMaxUsd < manifest.budget.maxUsd ? "--max-budget-usd" : "budget.maxUsd",
      ...(manifest.budget.warnUsd !== undefined ? { warnUsd: manifest.budget.warnUsd } : {}),
    };
    const matrix = shards === undefined ? undefined : planMatrix(plan, usd, shards, { concurrency: manifest.concurrency, ...(manifest.rpm ? { rpm: manifest.rpm } : {}) });
    if (ctx.values.json) ctx.stdout.write(runResultJson(planReport(plan, ceiling, manifest.displayFile, matrix)));
    else ctx.stdout.write(`${renderPlan(plan, ceiling, manifest.displayFile)}\n${matrix ? `\n${renderMatrix(matrix)}\n` : ""}`);

    // The estimate is this command's answer, already on stdout: say no on stderr and exit 3.
    if (plan.estimatedUsd > ceiling.usd) {
      ctx.logger.error(overBudgetMessage(plan, ceiling));
      return ExitCode.budgetExceeded;
    }
    if (ceiling.warnUsd !== undefined && plan.estimatedUsd > ceiling.warnUsd) {
      ctx.logger.warn(`the estimate ${formatUsd(plan.estimatedUsd)} is above budget.warnUsd (${formatUsd(ceiling.warnUsd)})`);
    }
    return 0;
  },
};
