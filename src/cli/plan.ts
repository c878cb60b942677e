import { execute } from "../pipeline/execute.js";
import type { Ceiling } from "../manifest/ceiling.js";
import { renderMatrix, renderPlan, type PlanReport } from "../plan/report.js";
import { runResultJson } from "../report/json.js";
import { formatUsd } from "../money.js";
import type { Command } from "./command.js";
import { settingsFromCli } from "./settings.js";

export const planCommand: Command = {
  summary: "estimate the spend of the manifest's changes before any call (no network)",
  options: {
    shards: { type: "string", value: "N|auto", help: "also pack the work by estimated cost into N shards (or as many as pay off), each with its slice of the ceiling; with --json, a matrix for a workflow" },
    "allow-lower-prices": { type: "boolean", help: "trust the manifest's pricing: even below the built-in prices" },
    batch: { type: "string", value: "MODE", help: "off | drafts | finals | all: estimate those stages at the Batch API price" },
  },
  async run(ctx) {
    // The core answers `plan` with a PlanReport: the RunReport plus the plan's detail.
    const report = (await execute(settingsFromCli("plan", ctx), { logger: ctx.logger, signal: ctx.signal })) as PlanReport;
    if (ctx.values.json) ctx.stdout.write(runResultJson(report));
    else ctx.stdout.write(`${renderPlan(report, ceilingOf(report), report.manifest)}\n${report.matrix ? `\n${renderMatrix(report.matrix)}\n` : ""}`);

    // The estimate is this command's answer, already on stdout: say no on stderr and exit 3.
    if (report.exitCode !== 0) {
      if (report.message) ctx.logger.error(report.message);
      return report.exitCode;
    }
    if (report.warnUsd !== undefined && report.estimatedUsd > report.warnUsd) {
      ctx.logger.warn(`the estimate ${formatUsd(report.estimatedUsd)} is above budget.warnUsd (${formatUsd(report.warnUsd)})`);
    }
    return 0;
  },
};

function ceilingOf(report: PlanReport): Ceiling {
  return { usd: report.ceilingUsd, source: report.ceilingSource, ...(report.warnUsd !== undefined ? { warnUsd: report.warnUsd } : {}) };
}
