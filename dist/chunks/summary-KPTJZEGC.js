import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  combineShardReports,
  readShardReports
} from "./chunk-RB4WTZY7.js";
import {
  formatRunTable
} from "./chunk-TZH53QLO.js";
import {
  renderTable
} from "./chunk-7IEQLHW7.js";
import {
  formatUsd
} from "./chunk-4XIAYHCN.js";
import "./chunk-CBOTSRC4.js";
import "./chunk-4RHKQ3D4.js";

// src/cli/summary.ts
import { resolve } from "node:path";
var summaryCommand = {
  summary: "add up the --json reports of every shard of a matrix (files or folders) into one result",
  options: {},
  takesArguments: true,
  async run(ctx) {
    const reports = await readShardReports(ctx.positionals.map((p) => resolve(ctx.cwd, p)));
    const summary = combineShardReports(reports);
    if (ctx.values.json) ctx.stdout.write(`${JSON.stringify(summary)}
`);
    else ctx.stdout.write(`${renderMatrixSummary(summary)}
`);
    if (summary.fingerprints.length > 1) {
      ctx.logger.warn(
        `the shards computed ${summary.fingerprints.length} different packings (${summary.fingerprints.join(", ")}): they did not all start from the same commit and ceiling, so their slices may overlap`
      );
    }
    if (summary.duplicates.length) ctx.logger.warn(`shard ${summary.duplicates.join(", ")} left more than one report: only the last one, by file name, is counted`);
    if (summary.report.message) ctx.logger.error(summary.report.message);
    return summary.report.exitCode;
  }
};
function renderMatrixSummary(summary) {
  const rows = summary.shards.map((s) => [s.shard, s.exitCode, s.assets, formatUsd(s.spentUsd), formatUsd(s.sliceUsd), formatUsd(s.unspentUsd)]);
  for (const label of summary.missing) rows.push([label, "no report", "", "", "", ""]);
  const lines = [
    renderTable(["shard", "exit", "assets", "spent", "slice", "unspent"], rows, { align: ["left", "right", "right", "right", "right", "right"] }),
    "",
    `matrix: ${summary.count} shards \xB7 spent ${formatUsd(summary.spentUsd)} of the ${formatUsd(summary.ceilingUsd)} ceiling \xB7 slices ${formatUsd(summary.allocatedUsd)} \xB7 ${formatUsd(summary.unspentUsd)} left unspent in the slices`,
    "",
    formatRunTable(summary.report).trimEnd()
  ];
  return lines.join("\n");
}
export {
  renderMatrixSummary,
  summaryCommand
};
