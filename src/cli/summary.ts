import { resolve } from "node:path";
import { combineShardReports, readShardReports, type MatrixSummary } from "../report/matrix-summary.js";
import { formatRunTable } from "../report/run-table.js";
import { formatUsd } from "../money.js";
import { renderTable } from "../text-table.js";
import type { Command } from "./command.js";

export const summaryCommand: Command = {
  summary: "add up the --json reports of every shard of a matrix (files or folders) into one result",
  options: {},
  takesArguments: true,
  async run(ctx) {
    const reports = await readShardReports(ctx.positionals.map((p) => resolve(ctx.cwd, p)));
    const summary = combineShardReports(reports);
    if (ctx.values.json) ctx.stdout.write(`${JSON.stringify(summary)}\n`);
    else ctx.stdout.write(`${renderMatrixSummary(summary)}\n`);
    if (summary.fingerprints.length > 1) {
      ctx.logger.warn(
        `the shards computed ${summary.fingerprints.length} different packings (${summary.fingerprints.join(", ")}): they did not all start from the same commit and ceiling, so their slices may overlap`,
      );
    }
    if (summary.duplicates.length) ctx.logger.warn(`shard ${summary.duplicates.join(", ")} left more than one report: only the last one, by file name, is counted`);
    if (summary.report.message) ctx.logger.error(summary.report.message);
    return summary.report.exitCode;
  },
};

/** One row per shard (spent, slice, left unspent), then the assets of all shards in one table. */
export function renderMatrixSummary(summary: MatrixSummary): string {
  const rows = summary.shards.map((s) => [s.shard, s.exitCode, s.assets, formatUsd(s.spentUsd), formatUsd(s.sliceUsd), formatUsd(s.unspentUsd)]);
  for (const label of summary.missing) rows.push([label, "no report", "", "", "", ""]);
  const lines = [
    renderTable(["shard", "exit", "assets", "spent", "slice", "unspent"], rows, { align: ["left", "right", "right", "right", "right", "right"] }),
    "",
    `matrix: ${summary.count} shards · spent ${formatUsd(summary.spentUsd)} of the ${formatUsd(summary.ceilingUsd)} ceiling · ` +
      `slices ${formatUsd(summary.allocatedUsd)} · ${formatUsd(summary.unspentUsd)} left unspent in the slices`,
    "",
    formatRunTable(summary.report).trimEnd(),
  ];
  return lines.join("\n");
}
