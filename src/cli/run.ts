import { join, relative } from "node:path";
import { execute } from "../pipeline/execute.js";
import type { RunReport } from "../run-report.js";
import type { CommandName } from "../pipeline/settings.js";
import { runResultJson } from "../report/json.js";
import { createProgress } from "../report/progress.js";
import { formatRunTable } from "../report/run-table.js";
import { formatUsd } from "../money.js";
import type { CliContext, Command } from "./command.js";
import { GENERATE_OPTIONS, settingsFromCli } from "./settings.js";
import { wantsColor } from "./terminal.js";

/**
 * What run, preview, render and verify share: settings from the flags, progress on stderr while
 * the core works, then one table (or one JSON object) on stdout and the exit code of the report.
 */
export function generatingCommand(name: Exclude<CommandName, "plan">, summary: string): Command {
  return {
    summary,
    options: name === "verify" ? {} : GENERATE_OPTIONS,
    async run(ctx) {
      const report = await runAndPrint(name, ctx);
      return report.exitCode;
    },
  };
}

/** `shownFrom`: the folder paths are printed relative to (the user's, when ctx.cwd was changed for them). */
export async function runAndPrint(name: Exclude<CommandName, "plan">, ctx: CliContext, shownFrom = ctx.cwd): Promise<RunReport> {
  const settings = settingsFromCli(name, ctx);
  const json = ctx.values.json === true;
  const progress = json || name === "verify" ? undefined : createProgress(process.stderr);
  let report: RunReport;
  try {
    report = await execute(settings, { logger: ctx.logger, signal: ctx.signal, ...(progress ? { progress: (s) => progress.update(s) } : {}) });
  } finally {
    progress?.done();
  }
  if (json) {
    ctx.stdout.write(runResultJson(report));
  } else {
    if (name !== "verify") ctx.stdout.write(formatRunTable(report, { color: wantsColor(ctx.stdout, ctx.env) }));
    for (const line of whereThingsAre(report, shownFrom)) ctx.stdout.write(`${line}\n`);
  }
  if (report.exitCode !== 0 && report.message) ctx.logger.error(report.message);
  // Exit 0 with something to do next: batch jobs out, to collect later.
  else if (report.message) ctx.logger.info(report.message);
  return report;
}

function whereThingsAre(report: RunReport, cwd: string): string[] {
  const lines: string[] = [];
  const outputs = report.assets.flatMap((a) => (a.status === "unchanged" ? [] : a.outputs));
  if (report.command === "verify") {
    if (report.exitCode === 0) lines.push(`verified: ${report.assets.reduce((n, a) => n + a.outputs.length, 0)} outputs match the lockfile`);
    return lines;
  }
  if (report.shard) {
    const s = report.shard;
    lines.push(`shard ${s.shard}: spent ${formatUsd(report.spentUsd)} of its ${formatUsd(s.sliceUsd)} slice of the ${formatUsd(s.matrixCeilingUsd)} ceiling; ${formatUsd(s.unspentUsd)} left unspent`);
  }
  if (report.rendered) lines.push(`outputs: ${report.rendered} written (${outputs.slice(0, 3).join(", ")}${outputs.length > 3 ? ", …" : ""})`);
  const notes = report.assets.flatMap((a) => (a.notes ?? []).map((n) => `${a.id}: ${n}`));
  if (notes.length) lines.push(`noted:   ${notes.length} answer${notes.length === 1 ? "" : "s"} differed from what was asked (the lockfile records each):`, ...notes.slice(0, 10).map((n) => `  ${n}`));
  if (report.reportDir) lines.push(`report:  ${relative(cwd, join(report.reportDir, "report.html")) || "report.html"}`);
  return lines;
}

export const runCommand = generatingCommand("run", "draft, screen and render the new, changed and incomplete assets; unchanged ones cost nothing");
