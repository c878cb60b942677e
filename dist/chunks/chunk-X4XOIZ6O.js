import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  createProgress
} from "./chunk-KOQOTH7V.js";
import {
  formatRunTable
} from "./chunk-TZH53QLO.js";
import {
  wantsColor
} from "./chunk-MFRKUSXS.js";
import {
  GENERATE_OPTIONS,
  settingsFromCli
} from "./chunk-IMHJJ2W7.js";
import {
  execute
} from "./chunk-5PNXC5KU.js";
import {
  runResultJson
} from "./chunk-6M3LJYRS.js";
import {
  formatUsd
} from "./chunk-4XIAYHCN.js";

// src/cli/run.ts
import { join, relative } from "node:path";
function generatingCommand(name, summary) {
  return {
    summary,
    options: name === "verify" ? {} : GENERATE_OPTIONS,
    async run(ctx) {
      const report = await runAndPrint(name, ctx);
      return report.exitCode;
    }
  };
}
async function runAndPrint(name, ctx, shownFrom = ctx.cwd) {
  const settings = settingsFromCli(name, ctx);
  const json = ctx.values.json === true;
  const progress = json || name === "verify" ? void 0 : createProgress(process.stderr);
  let report;
  try {
    report = await execute(settings, { logger: ctx.logger, signal: ctx.signal, ...progress ? { progress: (s) => progress.update(s) } : {} });
  } finally {
    progress?.done();
  }
  if (json) {
    ctx.stdout.write(runResultJson(report));
  } else {
    if (name !== "verify") ctx.stdout.write(formatRunTable(report, { color: wantsColor(ctx.stdout, ctx.env) }));
    for (const line of whereThingsAre(report, shownFrom)) ctx.stdout.write(`${line}
`);
  }
  if (report.exitCode !== 0 && report.message) ctx.logger.error(report.message);
  else if (report.message) ctx.logger.info(report.message);
  return report;
}
function whereThingsAre(report, cwd) {
  const lines = [];
  const outputs = report.assets.flatMap((a) => a.status === "unchanged" ? [] : a.outputs);
  if (report.command === "verify") {
    if (report.exitCode === 0) lines.push(`verified: ${report.assets.reduce((n, a) => n + a.outputs.length, 0)} outputs match the lockfile`);
    return lines;
  }
  if (report.shard) {
    const s = report.shard;
    lines.push(`shard ${s.shard}: spent ${formatUsd(report.spentUsd)} of its ${formatUsd(s.sliceUsd)} slice of the ${formatUsd(s.matrixCeilingUsd)} ceiling; ${formatUsd(s.unspentUsd)} left unspent`);
  }
  if (report.rendered) lines.push(`outputs: ${report.rendered} written (${outputs.slice(0, 3).join(", ")}${outputs.length > 3 ? ", \u2026" : ""})`);
  const notes = report.assets.flatMap((a) => (a.notes ?? []).map((n) => `${a.id}: ${n}`));
  if (notes.length) lines.push(`noted:   ${notes.length} answer${notes.length === 1 ? "" : "s"} differed from what was asked (the lockfile records each):`, ...notes.slice(0, 10).map((n) => `  ${n}`));
  if (report.reportDir) lines.push(`report:  ${relative(cwd, join(report.reportDir, "report.html")) || "report.html"}`);
  return lines;
}
var runCommand = generatingCommand("run", "draft, screen and render the new, changed and incomplete assets; unchanged ones cost nothing");

export {
  generatingCommand,
  runAndPrint,
  runCommand
};
