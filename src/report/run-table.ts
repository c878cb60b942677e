/** The table a person reads after `run` / `preview` / `render`: one row per asset, then the totals. */
import type { AssetReport, AssetStatus, RunReport } from "../run-report.js";
import { count, FIGURE_NAME, headlineCost, rejectedText, statusText, twoTierText } from "./figures.js";
import { formatPercent, formatUsd } from "../money.js";
import { renderTable } from "../text-table.js";

export interface RunTableOptions {
  /** ANSI colours; pass the stream's isTTY. Plain text otherwise. */
  color?: boolean;
}

const ALIGN: ("left" | "right")[] = ["left", "left", "right", "right", "left", "right", "right", "right"];

export function formatRunTable(report: RunReport, options: RunTableOptions = {}): string {
  const paint = painter(options.color ?? false);
  // Preview renders nothing, so its cost column is per accepted draft; the others' per image delivered.
  const perDraft = report.command === "preview";
  const headers = ["asset", "status", "drafts", "accepted", "rejected (reasons)", "rendered", "spend", perDraft ? "per accepted draft" : "per image"];
  const rows = report.assets.map((a) => {
    const cost = perDraft ? headlineCost({ spentUsd: a.spentUsd, rendered: 0, accepted: a.accepted }).usd : headlineCost({ ...a, accepted: 0 }).usd;
    return [a.id, statusText(a), a.drafts, a.accepted, rejectedText(a), a.rendered, formatUsd(a.spentUsd), cost === null ? "—" : formatUsd(cost)];
  });
  // Colour whole lines after layout, so escape codes never count towards a column's width.
  const [header = "", rule = "", ...body] = renderTable(headers, rows, { align: ALIGN }).split("\n");
  const lines = [paint("bold", header), paint("dim", rule), ...body.map((line, i) => paint(STATUS_COLOUR[report.assets[i]!.status], line))];
  if (report.assets.length === 0) lines.push("(no assets)");
  lines.push("", ...totals(report, paint));
  return lines.join("\n") + "\n";
}

function totals(report: RunReport, paint: Painter): string[] {
  const regenerated = report.assets.reduce((n, a: AssetReport) => n + a.regenerated, 0);
  const ceiling = Number.isFinite(report.ceilingUsd) ? ` of ${formatUsd(report.ceilingUsd)} ceiling` : "";
  const first =
    `total: ${count(report.drafts, "draft")} · ${report.accepted} accepted · ${report.rejectedDrafts} rejected · ${report.rendered} rendered` +
    (regenerated ? ` · ${regenerated} regenerated` : "") +
    ` · spent ${paint("bold", formatUsd(report.spentUsd))}${ceiling} (estimate ${formatUsd(report.estimatedUsd)})`;
  const rates = [`accept rate ${formatPercent(report.acceptRate)}`, `regen rate ${formatPercent(report.regenRate)}`];
  if (report.costPerImageUsd !== null) rates.push(`${FIGURE_NAME.costPerImage} ${formatUsd(report.costPerImageUsd)}`);
  if (report.costPerAcceptedDraftUsd !== null) rates.push(`${FIGURE_NAME.costPerAcceptedDraft} ${formatUsd(report.costPerAcceptedDraftUsd)}`);
  return [first, `rates: ${rates.join(" · ")}`, ...(report.twoTier ? [twoTierText(report.twoTier)] : [])];
}

type Colour = "bold" | "dim" | "green" | "red" | "yellow";
type Painter = (colour: Colour | undefined, text: string) => string;
const ANSI: Record<Colour, [number, number]> = { bold: [1, 22], dim: [2, 22], green: [32, 39], red: [31, 39], yellow: [33, 39] };
const STATUS_COLOUR: Partial<Record<AssetStatus, Colour>> = {
  done: "green",
  previewed: "green",
  unchanged: "dim",
  capped: "red",
  budget: "red",
  unavailable: "red",
  interrupted: "yellow",
};

function painter(enabled: boolean): Painter {
  return (colour, text) => (enabled && colour ? `\u001b[${ANSI[colour][0]}m${text}\u001b[${ANSI[colour][1]}m` : text);
}
