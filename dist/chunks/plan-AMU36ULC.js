import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  shardCountFromCli
} from "./chunk-2OBPMKXN.js";
import {
  runResultJson
} from "./chunk-6M3LJYRS.js";
import {
  ceilingUsd,
  overBudgetMessage,
  parseBatchMode,
  parseMaxBudgetUsd,
  planMatrix,
  planReport,
  planRun,
  renderMatrix,
  renderPlan,
  withBatchMode,
  withTrustedPrices
} from "./chunk-KTQQCZLI.js";
import {
  formatUsd
} from "./chunk-P6T6WWVU.js";
import {
  RepositoryFolder,
  loadManifest,
  lockPathFor,
  readLockfile
} from "./chunk-VB46BMHO.js";
import "./chunk-67RSKPRZ.js";
import "./chunk-PK654C6K.js";
import {
  ExitCode
} from "./chunk-BYMAINSJ.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/plan.ts
import { normalize, resolve } from "node:path";
var planCommand = {
  summary: "estimate the spend of the manifest's changes before any call (no network)",
  options: {
    shards: { type: "string", value: "N|auto", help: "also pack the work by estimated cost into N shards (or as many as pay off), each with its slice of the ceiling; with --json, a matrix for a workflow" },
    "allow-lower-prices": { type: "boolean", help: "trust the manifest's pricing: even below the built-in prices" },
    batch: { type: "string", value: "MODE", help: "off | drafts | finals | all: estimate those stages at the Batch API price" }
  },
  async run(ctx) {
    const flagMaxUsd = parseMaxBudgetUsd(ctx.values["max-budget-usd"]);
    const shards = shardCountFromCli(ctx.values.shards);
    const typed = normalize(ctx.values.manifest ?? "assets.yaml");
    const loaded = await loadManifest(resolve(ctx.cwd, typed), { logger: ctx.logger, displayPath: typed });
    const batch = parseBatchMode(ctx.values.batch, "--batch");
    const manifest = withBatchMode(withTrustedPrices(loaded, ctx.values["allow-lower-prices"] === true, ctx.logger), batch);
    const lock = await readLockfile(lockPathFor(manifest.file), { displayPath: lockPathFor(typed), within: new RepositoryFolder(manifest.root) });
    const plan = await planRun(manifest, lock);
    const usd = ceilingUsd(manifest, flagMaxUsd);
    const ceiling = {
      usd,
      source: flagMaxUsd !== void 0 && flagMaxUsd < manifest.budget.maxUsd ? "--max-budget-usd" : "budget.maxUsd",
      ...manifest.budget.warnUsd !== void 0 ? { warnUsd: manifest.budget.warnUsd } : {}
    };
    const matrix = shards === void 0 ? void 0 : planMatrix(plan, usd, shards, { concurrency: manifest.concurrency, ...manifest.rpm ? { rpm: manifest.rpm } : {} });
    if (ctx.values.json) ctx.stdout.write(runResultJson(planReport(plan, ceiling, manifest.displayFile, matrix)));
    else ctx.stdout.write(`${renderPlan(plan, ceiling, manifest.displayFile)}
${matrix ? `
${renderMatrix(matrix)}
` : ""}`);
    if (plan.estimatedUsd > ceiling.usd) {
      ctx.logger.error(overBudgetMessage(plan, ceiling));
      return ExitCode.budgetExceeded;
    }
    if (ceiling.warnUsd !== void 0 && plan.estimatedUsd > ceiling.warnUsd) {
      ctx.logger.warn(`the estimate ${formatUsd(plan.estimatedUsd)} is above budget.warnUsd (${formatUsd(ceiling.warnUsd)})`);
    }
    return 0;
  }
};
export {
  planCommand
};
