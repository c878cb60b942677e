/**
 * report.html: one self-contained page per run — the spend and rates, then every asset with its
 * outputs and its drafts and their verdicts. Images are inlined as small thumbnails and a content
 * security policy forbids any fetch, so the file opens the same from an artifact, offline, anywhere.
 */
import sharp from "sharp";
import { join } from "node:path";
import { ExitCode } from "../errors.js";
import type { AssetReport, RunReport } from "../pipeline/result.js";
import type { RepositoryFolder } from "../disk/repository-path.js";
import { writeFileAtomic } from "./atomic-write.js";
import { escapeHtml as h } from "./escape.js";
import { perAccepted, percent, rejectedByReason, twoTierSaving, usd } from "./figures.js";

export interface GalleryDraft {
  seed: number;
  /** A small image (see `thumbnail`), inlined into the page. */
  thumbnail: Buffer;
  accepted: boolean;
  reasons: string[];
  judgeScore?: number;
}

export interface GalleryOutput {
  /** Where the output was written, relative to the repository. */
  path: string;
  thumbnail: Buffer;
  seed: number;
  width: number;
  height: number;
}

export interface GalleryAsset {
  id: string;
  prompt: string;
  drafts: GalleryDraft[];
  outputs: GalleryOutput[];
  /** Contact sheet file, relative to the report folder, linked from the asset. */
  contactSheet?: string;
}

export interface GalleryData {
  report: RunReport;
  /** Images per asset; status, counts and spend come from `report.assets` with the same id. */
  assets: GalleryAsset[];
  /** Shown under the title, e.g. the manifest path. */
  subtitle?: string;
  /** When the run ended, already formatted (left out of the page when absent, so tests are stable). */
  generatedAt?: string;
  /** Draft and final price per image, for the two-tier saving against final-only. */
  prices?: { draftUsd: number; finalUsd: number };
}

/** A small WebP for the gallery: at most `maxSide` pixels on its longer side, never enlarged. */
export async function thumbnail(image: Buffer, maxSide = 320): Promise<Buffer> {
  return sharp(image).resize(maxSide, maxSide, { fit: "inside", withoutEnlargement: true }).webp({ quality: 74 }).toBuffer();
}

/** Writes `dir/report.html` atomically and returns its path. */
/** `within`: the folder the report must stay inside after symlinks (the repository, when it is in one). */
export async function writeReportHtml(dir: string, data: GalleryData, within?: RepositoryFolder): Promise<string> {
  const path = join(dir, "report.html");
  await writeFileAtomic(path, await renderReportHtml(data), within);
  return path;
}

export async function renderReportHtml(data: GalleryData): Promise<string> {
  const { report } = data;
  const byId = new Map(data.assets.map((a) => [a.id, a]));
  const ids = [...report.assets.map((a) => a.id), ...data.assets.map((a) => a.id).filter((id) => !report.assets.some((a) => a.id === id))];
  const sections = await Promise.all(ids.map((id) => assetSection(report.assets.find((a) => a.id === id), byId.get(id), id)));
  const title = `seedlock ${report.command}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>${h(title)} report</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header class="top">
  <div>
    <h1>${h(title)} <span class="muted">report</span></h1>
    ${data.subtitle || data.generatedAt ? `<p class="muted">${[data.subtitle, data.generatedAt].filter(Boolean).map(h).join(" · ")}</p>` : ""}
  </div>
  ${exitBadge(report)}
</header>
${report.message ? `<p class="notice ${report.exitCode === 0 ? "" : "bad"}">${h(report.message)}</p>` : ""}
${summary(data)}
${sections.join("\n")}
</main>
</body>
</html>
`;
}

const EXIT_MEANING: Record<number, string> = {
  [ExitCode.ok]: "done",
  [ExitCode.fault]: "fault",
  [ExitCode.invalidInput]: "invalid input",
  [ExitCode.budgetExceeded]: "budget",
  [ExitCode.attemptCap]: "attempt cap",
  [ExitCode.providerUnavailable]: "provider unavailable",
  [ExitCode.interrupted]: "interrupted",
};

function exitBadge(report: RunReport): string {
  const meaning = EXIT_MEANING[report.exitCode];
  return `<span class="pill ${report.exitCode === 0 ? "ok" : "bad"}">exit ${h(report.exitCode)}${meaning ? ` · ${h(meaning)}` : ""}</span>`;
}

function summary(data: GalleryData): string {
  const r = data.report;
  const hasCeiling = Number.isFinite(r.ceilingUsd) && r.ceilingUsd > 0;
  const share = hasCeiling ? Math.min(1, r.spentUsd / r.ceilingUsd) : 0;
  const saving = data.prices ? twoTierSaving(data.prices, r.acceptRate, r.regenRate) : null;
  const stats: [string, string, string?][] = [
    ["estimate", usd(r.estimatedUsd)],
    ["drafts", String(r.drafts)],
    ["accepted", String(r.accepted), `accept rate ${percent(r.acceptRate)}`],
    ["rendered", String(r.rendered)],
    ["regen rate", percent(r.regenRate)],
    ["per accepted image", r.costPerAcceptedUsd === null ? "—" : usd(r.costPerAcceptedUsd), saving === null ? undefined : `two-tier saves ${percent(saving)} vs final-only`],
  ];
  return `<section class="summary" aria-label="run summary">
  <div class="stat spend">
    <span class="label">spent</span>
    <b>${h(usd(r.spentUsd))}</b>
    <span class="muted">${hasCeiling ? `of ${h(usd(r.ceilingUsd))} ceiling` : "no ceiling"}</span>
    ${hasCeiling ? `<div class="meter" role="img" aria-label="${h(percent(share))} of the ceiling"><i style="width:${(share * 100).toFixed(1)}%"></i></div>` : ""}
  </div>
  ${stats.map(([label, value, note]) => `<div class="stat"><span class="label">${h(label)}</span><b>${h(value)}</b>${note ? `<span class="muted">${h(note)}</span>` : ""}</div>`).join("\n  ")}
</section>`;
}

async function assetSection(row: AssetReport | undefined, images: GalleryAsset | undefined, id: string): Promise<string> {
  const status = row?.status ?? "unknown";
  const tone = status === "done" ? "ok" : status === "unchanged" || status === "planned" ? "quiet" : "bad";
  const facts = row
    ? [
        `${row.drafts} drafts`,
        `${row.accepted} accepted`,
        `${row.rendered} rendered`,
        `rejected: ${rejectedByReason(row.rejected)}`,
        `spent ${usd(row.spentUsd)}`,
        `${perAccepted(row.spentUsd, row.accepted)} per accepted`,
      ]
    : [];
  const outputs = images?.outputs ?? [];
  const drafts = images?.drafts ?? [];
  const sheet = images?.contactSheet && !/^[a-z][a-z0-9+.-]*:/i.test(images.contactSheet) ? images.contactSheet : undefined;
  return `<section class="asset" id="asset-${h(id)}">
  <header>
    <h2>${h(id)}</h2>
    <span class="pill ${tone}">${h(status)}</span>
    ${sheet ? `<a class="sheet" href="${h(sheet)}">contact sheet</a>` : ""}
  </header>
  ${images?.prompt ? `<p class="prompt">${h(images.prompt)}</p>` : ""}
  ${facts.length ? `<p class="facts">${facts.map((f) => `<span>${h(f)}</span>`).join("")}</p>` : ""}
  ${outputs.length ? `<h3>outputs</h3>\n  <div class="grid outputs">${(await Promise.all(outputs.map(outputFigure))).join("")}</div>` : ""}
  ${drafts.length ? `<h3>drafts</h3>\n  <div class="grid drafts">${(await Promise.all(drafts.map(draftFigure))).join("")}</div>` : ""}
</section>`;
}

async function outputFigure(o: GalleryOutput): Promise<string> {
  return `<figure class="output">${await img(o.thumbnail, `${o.path} (seed ${o.seed})`)}<figcaption><span class="path">${h(o.path)}</span><span class="muted">seed ${h(o.seed)} · ${h(o.width)}×${h(o.height)}</span></figcaption></figure>`;
}

async function draftFigure(d: GalleryDraft): Promise<string> {
  const verdict = d.accepted ? `<span class="badge ok">✓ accepted</span>` : `<span class="badge bad">✗ rejected</span>`;
  const judge = d.judgeScore === undefined ? "" : `<span class="muted">judge ${h(Math.round(d.judgeScore * 10) / 10)}/10</span>`;
  const reasons = d.reasons.length ? `<ul class="reasons">${d.reasons.map((r) => `<li>${h(r)}</li>`).join("")}</ul>` : "";
  return `<figure class="draft ${d.accepted ? "accepted" : "rejected"}">${await img(d.thumbnail, `seed ${d.seed}`)}<figcaption><span class="seed">seed ${h(d.seed)}</span>${verdict}${judge}${reasons}</figcaption></figure>`;
}

async function img(bytes: Buffer, alt: string): Promise<string> {
  const mime = mimeOf(bytes);
  if (!mime) return `<div class="missing">no picture</div>`;
  const size = await sharp(bytes)
    .metadata()
    .then((m) => (m.width && m.height ? ` width="${m.width}" height="${m.height}"` : ""))
    .catch(() => "");
  return `<img src="data:${mime};base64,${bytes.toString("base64")}"${size} alt="${h(alt)}" loading="eager">`;
}

/** Only formats every browser shows, recognised by their first bytes rather than trusted from a name. */
function mimeOf(bytes: Buffer): string | undefined {
  if (bytes.length > 12 && bytes.toString("ascii", 0, 4) === "RIFF" && bytes.toString("ascii", 8, 12) === "WEBP") return "image/webp";
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47) return "image/png";
  return undefined;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f5f5f3;--card:#fff;--ink:#1c1c1e;--muted:#6e6e73;--line:#e2e2de;--ok:#1e8e4e;--ok-bg:#e3f4ea;--bad:#c93434;--bad-bg:#fbe6e6;--quiet-bg:#ececea;--tile:#e9e9e6}
@media (prefers-color-scheme:dark){:root{--bg:#151618;--card:#1e1f22;--ink:#ececee;--muted:#9b9ba1;--line:#2d2e32;--ok:#46c97c;--ok-bg:#173324;--bad:#ff7070;--bad-bg:#3a1c1c;--quiet-bg:#2a2b2f;--tile:#26272b}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 24px 64px}
h1{font-size:24px;margin:0 0 2px;font-weight:650;letter-spacing:-.01em}
h2{font-size:18px;margin:0;font-weight:650}
h3{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:18px 0 8px;font-weight:600}
p{margin:0}
.muted{color:var(--muted)}
.top{display:flex;justify-content:space-between;align-items:flex-start;gap:16px;margin-bottom:18px}
.notice{padding:10px 14px;border-radius:10px;background:var(--quiet-bg);margin-bottom:16px}
.notice.bad{background:var(--bad-bg);color:var(--bad)}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(124px,1fr));gap:10px;margin-bottom:8px}
.stat{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:12px 14px;display:flex;flex-direction:column;gap:2px}
.stat .label{font-size:12px;color:var(--muted)}
.stat b{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}
.stat .muted{font-size:12px}
.stat.spend{grid-column:span 2}
.meter{height:6px;border-radius:3px;background:var(--quiet-bg);margin-top:6px;overflow:hidden}
.meter i{display:block;height:100%;background:var(--ok)}
.asset{background:var(--card);border:1px solid var(--line);border-radius:14px;padding:18px 20px 20px;margin-top:18px}
.asset>header{display:flex;align-items:center;gap:10px}
.sheet{margin-left:auto;color:var(--muted);font-size:13px}
.prompt{margin-top:8px;color:var(--muted);font-style:italic;white-space:pre-wrap;overflow-wrap:anywhere}
.facts{display:flex;flex-wrap:wrap;gap:6px;margin-top:10px}
.facts span{font-size:12px;background:var(--quiet-bg);border-radius:999px;padding:2px 9px;font-variant-numeric:tabular-nums}
.pill{font-size:12px;font-weight:600;border-radius:999px;padding:2px 10px;background:var(--quiet-bg)}
.pill.ok{background:var(--ok-bg);color:var(--ok)}
.pill.bad{background:var(--bad-bg);color:var(--bad)}
.grid{display:grid;gap:12px}
.grid.outputs{grid-template-columns:repeat(auto-fill,minmax(240px,1fr))}
.grid.drafts{grid-template-columns:repeat(auto-fill,minmax(160px,1fr))}
figure{margin:0;display:flex;flex-direction:column;gap:6px}
figure img,.missing{width:100%;height:auto;aspect-ratio:auto;display:block;border-radius:9px;background:var(--tile)}
.missing{aspect-ratio:1;display:grid;place-items:center;color:var(--muted);font-size:12px}
.draft.accepted img{outline:3px solid var(--ok);outline-offset:-3px}
.draft.rejected img{opacity:.85;filter:saturate(.3)}
figcaption{display:flex;flex-wrap:wrap;align-items:center;gap:6px;font-size:12px}
.path{font-family:ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere;width:100%}
.seed{font-weight:600}
.badge{font-size:11px;font-weight:650;border-radius:6px;padding:1px 6px}
.badge.ok{background:var(--ok-bg);color:var(--ok)}
.badge.bad{background:var(--bad-bg);color:var(--bad)}
.reasons{margin:0;padding:0 0 0 16px;color:var(--bad);width:100%}
`;
