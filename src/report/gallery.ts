/**
 * report.html: the page a designer reviews a run on — the spend and rates, then every asset with
 * each output beside the draft it came from, then all its drafts in the order they were drawn, each
 * with a short index a reviewer can quote (#3), its verdict and every reason; a click opens the full
 * image; a filter shows only accepted, spare or rejected drafts; earlier runs stay linked. Pictures
 * are files written while the run went (report/images.ts), or inlined when handed in as bytes. No
 * script: the filter and the full-size view are CSS, and a content security policy forbids any fetch
 * beyond the page's own folder, so it opens the same from an artifact, offline, anywhere.
 */
import sharp from "sharp";
import { dirname, join } from "node:path";
import { EXIT_CODE_MEANING, type ExitCode } from "../errors.js";
import type { AssetReport, RunReport } from "../run-report.js";
import { RepositoryFolder } from "../disk/repository-path.js";
import { escapeHtml as h } from "./escape.js";
import { count, FIGURE_NAME, FINISHED, headlineCost, isSpare, rejectedText, statusText, twoTierText } from "./figures.js";
import { formatPercent, formatUsd } from "../money.js";

/** A picture: bytes to inline, or a path relative to the page (`GalleryData.base` is put in front). */
export type GalleryPicture = Buffer | string;

export interface GalleryDraft {
  seed: number;
  /** A small image: bytes (see `thumbnail`), inlined, or the path of a file beside the page. */
  thumbnail?: GalleryPicture;
  /** The full image, opened on click; the thumbnail when absent. */
  full?: GalleryPicture;
  accepted: boolean;
  reasons: string[];
  judgeScore?: number;
  /** A word on where it came from, e.g. accepted by an earlier run. */
  note?: string;
}

export interface GalleryOutput {
  /** Where the output was written, relative to the repository. */
  path: string;
  thumbnail?: GalleryPicture;
  full?: GalleryPicture;
  seed: number;
  width: number;
  height: number;
}

export interface GalleryAsset {
  id: string;
  prompt: string;
  drafts: GalleryDraft[];
  outputs: GalleryOutput[];
  /** Contact sheet file, relative to the page's pictures, linked from the asset. */
  contactSheet?: string;
}

/** An earlier run, linked from the page. */
export interface GalleryRun {
  href: string;
  label: string;
}

export interface GalleryData {
  report: RunReport;
  /** Images per asset; status, counts and spend come from `report.assets` with the same id. */
  assets: GalleryAsset[];
  /** Shown under the title, e.g. the manifest path. */
  subtitle?: string;
  /** When the run ended, already formatted (left out of the page when absent, so tests are stable). */
  generatedAt?: string;
  /** Put in front of every picture path (`runs/<run>/` for the latest page, which lives above the run's folder). */
  base?: string;
  /** Earlier runs, newest first. */
  history?: GalleryRun[];
}

/** What a draft turned out to be, as the filter and the badges name it. */
type DraftKind = "accepted" | "spare" | "rejected";

/** A small WebP for the gallery: at most `maxSide` pixels on its longer side, never enlarged. */
export async function thumbnail(image: Buffer, maxSide = 320): Promise<Buffer> {
  return sharp(image).resize(maxSide, maxSide, { fit: "inside", withoutEnlargement: true }).webp({ quality: 74 }).toBuffer();
}

/** Writes `dir/report.html` atomically and returns its path. */
/** `within`: the folder the report must stay inside after symlinks (the repository, when it is in one). */
export async function writeReportHtml(dir: string, data: GalleryData, name = "report.html", within?: RepositoryFolder): Promise<string> {
  const path = join(dir, name);
  await (within ?? new RepositoryFolder(dirname(path))).writeFile(path, await renderReportHtml(data));
  return path;
}

export async function renderReportHtml(data: GalleryData): Promise<string> {
  const { report } = data;
  const byId = new Map(data.assets.map((a) => [a.id, a]));
  const ids = [...report.assets.map((a) => a.id), ...data.assets.map((a) => a.id).filter((id) => !report.assets.some((a) => a.id === id))];
  const views: string[] = [];
  const sections = await Promise.all(ids.map((id) => assetSection(report, report.assets.find((a) => a.id === id), byId.get(id), id, data.base ?? "", views)));
  const title = `seedlock ${report.command}`;
  const filters: [string, string][] = [
    ["all", "all drafts"],
    ["accepted", "accepted"],
    ["spare", "spare"],
    ["rejected", "rejected"],
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self' data: file:; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<title>${h(title)} report</title>
<style>${STYLE}</style>
</head>
<body>
${filters.map(([key], i) => `<input type="radio" name="show" id="show-${key}" class="show"${i === 0 ? " checked" : ""}>`).join("")}
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
<nav class="filter" aria-label="show drafts">${filters.map(([key, label]) => `<label for="show-${key}" class="f-${key}">${h(label)}</label>`).join("")}</nav>
${sections.join("\n")}
${history(data.history)}
</main>
${views.join("\n")}
</body>
</html>
`;
}

function exitBadge(report: RunReport): string {
  const meaning = EXIT_CODE_MEANING[report.exitCode as ExitCode]?.split(/[:(]/)[0]?.trim();
  return `<span class="pill ${report.exitCode === 0 ? "ok" : "bad"}">exit ${h(report.exitCode)}${meaning ? ` · ${h(meaning)}` : ""}</span>`;
}

function history(runs: GalleryRun[] | undefined): string {
  if (!runs?.length) return "";
  return `<section class="history" aria-label="earlier runs"><h3>earlier runs</h3><ul>${runs.map((r) => `<li><a href="${h(r.href)}">${h(r.label)}</a></li>`).join("")}</ul></section>`;
}

function summary(data: GalleryData): string {
  const r = data.report;
  const hasCeiling = Number.isFinite(r.ceilingUsd) && r.ceilingUsd > 0;
  const share = hasCeiling ? Math.min(1, r.spentUsd / r.ceilingUsd) : 0;
  const stats: [string, string, string?][] = [
    ["estimate", formatUsd(r.estimatedUsd)],
    ["drafts", String(r.drafts)],
    ["accepted", String(r.accepted), `accept rate ${formatPercent(r.acceptRate)}`],
    ["rejected drafts", String(r.rejectedDrafts)],
    ["rendered", String(r.rendered)],
    ["regen rate", formatPercent(r.regenRate)],
    r.costPerImageUsd !== null || r.costPerAcceptedDraftUsd === null
      ? [FIGURE_NAME.costPerImage, r.costPerImageUsd === null ? "—" : formatUsd(r.costPerImageUsd)]
      : [FIGURE_NAME.costPerAcceptedDraft, formatUsd(r.costPerAcceptedDraftUsd), "nothing rendered"],
  ];
  return `<section class="summary" aria-label="run summary">
  <div class="stat spend">
    <span class="label">spent</span>
    <b>${h(formatUsd(r.spentUsd))}</b>
    <span class="muted">${hasCeiling ? `of ${h(formatUsd(r.ceilingUsd))} ceiling` : "no ceiling"}</span>
    ${hasCeiling ? `<div class="meter" role="img" aria-label="${h(formatPercent(share))} of the ceiling"><i style="width:${(share * 100).toFixed(1)}%"></i></div>` : ""}
  </div>
  ${stats.map(([label, value, note]) => `<div class="stat"><span class="label">${h(label)}</span><b>${h(value)}</b>${note ? `<span class="muted">${h(note)}</span>` : ""}</div>`).join("\n  ")}
</section>${r.twoTier ? `\n<p class="tiers muted">${h(twoTierText(r.twoTier))}</p>` : ""}`;
}

async function assetSection(report: RunReport, row: AssetReport | undefined, images: GalleryAsset | undefined, id: string, base: string, views: string[]): Promise<string> {
  const status = row?.status ?? "unknown";
  const tone = status === "unchanged" || status === "planned" ? "quiet" : FINISHED.has(status as AssetReport["status"]) ? "ok" : "bad";
  const cost = row ? headlineCost(row) : undefined;
  const facts = row
    ? [
        count(row.drafts, "draft"),
        `${row.accepted} accepted`,
        `rejected ${rejectedText(row)}`,
        `${row.rendered} rendered`,
        `spent ${formatUsd(row.spentUsd)}`,
        ...(cost?.usd != null ? [`${cost.name} ${formatUsd(cost.usd)}`] : []),
      ]
    : [];
  const outputs = images?.outputs ?? [];
  // The order they were drawn in (seeds count up), so #3 names the same draft on every surface.
  const drafts = [...(images?.drafts ?? [])].sort((a, b) => a.seed - b.seed);
  const index = new Map(drafts.map((d, i) => [d.seed, i + 1]));
  const rendered = new Set(outputs.map((output) => output.seed));
  const kind = (d: GalleryDraft): DraftKind => (!d.accepted ? "rejected" : isSpare(d, report.command, rendered) ? "spare" : "accepted");
  const sheet = images?.contactSheet && !/^[a-z][a-z0-9+.-]*:/i.test(images.contactSheet) ? `${base}${images.contactSheet}` : undefined;
  const pairs = await Promise.all(
    outputs.map(async (output, n) => {
      const draft = drafts.find((d) => d.seed === output.seed);
      const viewId = `v-${id}-o${n + 1}`;
      views.push(await view(viewId, `asset-${id}`, output.full ?? output.thumbnail, base, `${output.path} · seed ${output.seed} · ${output.width}×${output.height}`));
      const from = draft ? await draftFigure(id, draft, index.get(draft.seed)!, kind(draft), base, views, "from") : `<div class="missing">draft not kept</div>`;
      return `<div class="pair">${from}<span class="arrow" aria-hidden="true">→</span><figure class="output"><a href="#${viewId}">${await img(output.thumbnail, `${output.path} (seed ${output.seed})`, base)}</a><figcaption><span class="path">${h(output.path)}</span><span class="muted">seed ${h(output.seed)} · ${h(output.width)}×${h(output.height)}</span></figcaption></figure></div>`;
    }),
  );
  const grid = await Promise.all(drafts.map((d) => draftFigure(id, d, index.get(d.seed)!, kind(d), base, views)));
  return `<section class="asset" id="asset-${h(id)}">
  <header>
    <h2>${h(id)}</h2>
    <span class="pill ${tone}">${h(row ? statusText(row) : status)}</span>
    ${sheet ? `<a class="sheet" href="${h(sheet)}">contact sheet</a>` : ""}
  </header>
  ${images?.prompt ? `<p class="prompt">${h(images.prompt)}</p>` : ""}
  ${facts.length ? `<p class="facts">${facts.map((f) => `<span>${h(f)}</span>`).join("")}</p>` : ""}
  ${pairs.length ? `<h3 class="outputs-title">outputs, each beside its draft</h3>\n  <div class="pairs">${pairs.join("")}</div>` : ""}
  ${grid.length ? `<h3>drafts, in the order they were drawn</h3>\n  <div class="grid drafts">${grid.join("")}</div>` : ""}
</section>`;
}

const BADGE: Record<DraftKind, string> = { accepted: `<span class="badge ok">✓ accepted</span>`, spare: `<span class="badge spare">✓ spare · not rendered</span>`, rejected: `<span class="badge bad">✗ rejected</span>` };

async function draftFigure(asset: string, d: GalleryDraft, index: number, kind: DraftKind, base: string, views: string[], role = "draft"): Promise<string> {
  // The draft beside its output opens the same full view as its tile in the grid.
  const viewId = `v-${asset}-d${index}`;
  const judge = d.judgeScore === undefined ? "" : `<span class="muted">judge ${h(Math.round(d.judgeScore * 10) / 10)}/10</span>`;
  const reasons = d.reasons.length ? `<ul class="reasons">${d.reasons.map((r) => `<li>${h(r)}</li>`).join("")}</ul>` : "";
  const note = d.note ? `<span class="muted">${h(d.note)}</span>` : "";
  const caption = `<span class="index">#${index}</span><span class="seed">seed ${h(d.seed)}</span>${BADGE[kind]}${judge}${note}${reasons}`;
  if (role !== "from") views.push(await view(viewId, `asset-${asset}`, d.full ?? d.thumbnail, base, `#${index} · seed ${d.seed} · ${kind}${d.reasons.length ? ` · ${d.reasons.join("; ")}` : ""}`));
  return `<figure class="draft ${kind}" data-index="${index}"><a href="#${viewId}">${await img(d.thumbnail, `#${index}, seed ${d.seed}`, base)}</a><figcaption>${caption}</figcaption></figure>`;
}

/** The full-size view: shown when its id is the page's target (a click on the thumbnail), closed by a click anywhere. */
async function view(id: string, back: string, picture: GalleryPicture | undefined, base: string, caption: string): Promise<string> {
  return `<div class="view" id="${h(id)}"><a class="shut" href="#${h(back)}" aria-label="close"></a><figure>${await img(picture, caption, base, true)}<figcaption>${h(caption)}</figcaption></figure></div>`;
}

async function img(picture: GalleryPicture | undefined, alt: string, base: string, lazy = false): Promise<string> {
  if (picture === undefined) return `<div class="missing">no picture</div>`;
  if (typeof picture === "string") {
    if (/^[a-z][a-z0-9+.-]*:/i.test(picture) || picture.startsWith("/")) return `<div class="missing">no picture</div>`;
    // Full views load when opened (lazy), thumbnails at once.
    return `<img src="${h(encodeURI(`${base}${picture}`))}" alt="${h(alt)}" loading="${lazy ? "lazy" : "eager"}">`;
  }
  const mime = mimeOf(picture);
  if (!mime) return `<div class="missing">no picture</div>`;
  const size = await sharp(picture)
    .metadata()
    .then((m) => (m.width && m.height ? ` width="${m.width}" height="${m.height}"` : ""))
    .catch(() => "");
  return `<img src="data:${mime};base64,${picture.toString("base64")}"${size} alt="${h(alt)}" loading="${lazy ? "lazy" : "eager"}">`;
}

/** Only formats every browser shows, recognised by their first bytes rather than trusted from a name. */
function mimeOf(bytes: Buffer): string | undefined {
  if (bytes.length > 12 && bytes.toString("ascii", 0, 4) === "RIFF" && bytes.toString("ascii", 8, 12) === "WEBP") return "image/webp";
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length > 8 && bytes.readUInt32BE(0) === 0x89504e47) return "image/png";
  return undefined;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f5f5f3;--card:#fff;--ink:#1c1c1e;--muted:#6e6e73;--line:#e2e2de;--ok:#1e8e4e;--ok-bg:#e3f4ea;--bad:#c93434;--bad-bg:#fbe6e6;--quiet-bg:#ececea;--tile:#e9e9e6;--spare:#8a5a00;--spare-bg:#fbefd5}
@media (prefers-color-scheme:dark){:root{--bg:#151618;--card:#1e1f22;--ink:#ececee;--muted:#9b9ba1;--line:#2d2e32;--ok:#46c97c;--ok-bg:#173324;--bad:#ff7070;--bad-bg:#3a1c1c;--quiet-bg:#2a2b2f;--tile:#26272b;--spare:#f2b441;--spare-bg:#3a2d12}}
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
.tiers{margin:0 0 16px;font-size:13px}
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
.reasons{margin:0;padding:0 0 0 16px;color:var(--bad);width:100%;overflow-wrap:anywhere}
.index{font-weight:700;font-variant-numeric:tabular-nums}
.badge.spare{background:var(--spare-bg);color:var(--spare)}
.draft.spare img{outline:3px dashed var(--spare);outline-offset:-3px}
.pairs{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:14px}
.pair{display:grid;grid-template-columns:1fr auto 1.4fr;align-items:center;gap:10px}
.arrow{font-size:22px;color:var(--muted)}
figure a{display:block}
.filter{display:flex;gap:6px;margin:18px 0 0}
.filter label{font-size:13px;border:1px solid var(--line);border-radius:999px;padding:3px 12px;cursor:pointer;background:var(--card)}
.show{position:absolute;opacity:0;pointer-events:none}
#show-all:checked~main .f-all,#show-accepted:checked~main .f-accepted,#show-spare:checked~main .f-spare,#show-rejected:checked~main .f-rejected{background:var(--ink);color:var(--bg);border-color:var(--ink)}
#show-accepted:checked~main .draft:not(.accepted),#show-spare:checked~main .draft:not(.spare),#show-rejected:checked~main .draft:not(.rejected){display:none}
#show-spare:checked~main .pairs,#show-rejected:checked~main .pairs,#show-spare:checked~main .outputs-title,#show-rejected:checked~main .outputs-title{display:none}
.view{display:none;position:fixed;inset:0;z-index:10;background:rgba(10,10,12,.88);align-items:center;justify-content:center;padding:24px}
.view:target{display:flex}
.view .shut{position:absolute;inset:0}
.view figure{position:relative;max-width:100%;max-height:100%;pointer-events:none;align-items:center}
.view img{max-width:calc(100vw - 48px);max-height:calc(100vh - 96px);width:auto;height:auto;border-radius:6px;background:#000}
.view figcaption{color:#eee;font-size:14px;justify-content:center}
.history{margin-top:28px}
.history ul{margin:0;padding-left:18px}
`;
