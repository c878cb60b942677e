import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  settingsFromCli
} from "./chunk-IMHJJ2W7.js";
import {
  execute,
  renderMatrix,
  renderPlan
} from "./chunk-5PNXC5KU.js";
import "./chunk-7IEQLHW7.js";
import "./chunk-QZFFVMHD.js";
import {
  runResultJson
} from "./chunk-6M3LJYRS.js";
import "./chunk-PK654C6K.js";
import "./chunk-YPSSUEOW.js";
import {
  formatUsd
} from "./chunk-4XIAYHCN.js";
import "./chunk-P5UZNSPX.js";
import "./chunk-CBOTSRC4.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/plan.ts
var planCommand = {
  summary: "estimate the spend of the manifest's changes before any call (no network)",
  options: {
    shards: { type: "string", value: "N|auto", help: "also pack the work by estimated cost into N shards (or as many as pay off), each with its slice of the ceiling; with --json, a matrix for a workflow" },
    "allow-lower-prices": { type: "boolean", help: "trust the manifest's pricing: even below the built-in prices" },
    batch: { type: "string", value: "MODE", help: "off | drafts | finals | all: estimate those stages at the Batch API price" }
  },
  async run(ctx) {
    const report = await execute(settingsFromCli("plan", ctx), { logger: ctx.logger, signal: ctx.signal });
    if (ctx.values.json) ctx.stdout.write(runResultJson(report));
    else ctx.stdout.write(`${renderPlan(report, ceilingOf(report), report.manifest)}
${report.matrix ? `
${renderMatrix(report.matrix)}
` : ""}`);
    if (report.exitCode !== 0) {
      if (report.message) ctx.logger.error(report.message);
      return report.exitCode;
    }
    if (report.warnUsd !== void 0 && report.estimatedUsd > report.warnUsd) {
      ctx.logger.warn(`the estimate ${formatUsd(report.estimatedUsd)} is above budget.warnUsd (${formatUsd(report.warnUsd)})`);
    }
    return 0;
  }
};
function ceilingOf(report) {
  return { usd: report.ceilingUsd, source: report.ceilingSource, ...report.warnUsd !== void 0 ? { warnUsd: report.warnUsd } : {} };
}
export {
  planCommand
};
