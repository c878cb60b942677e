import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  findModel,
  imagePriceUsd,
  judgeCallEstimateUsd
} from "./chunk-B26JENO5.js";
import {
  InputError
} from "./chunk-RUZPBMFR.js";

// src/manifest/ceiling.ts
function ceilingUsd(manifest, flagMaxUsd) {
  return flagMaxUsd === void 0 ? manifest.budget.maxUsd : Math.min(manifest.budget.maxUsd, flagMaxUsd);
}
function parseMaxBudgetUsd(raw, name = "--max-budget-usd") {
  if (raw === void 0) return void 0;
  const text = raw.trim().replace(/^\$/, "");
  const value = text === "" ? NaN : Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new InputError([
      {
        message: `${name} must be a positive number of US dollars, not ${JSON.stringify(raw)}`,
        fix: `for example ${name} 5`
      }
    ]);
  }
  return value;
}

// src/plan/plan.ts
import { join as join2 } from "node:path";

// src/lock/hash.ts
import { createHash } from "node:crypto";
function inputHash(asset, _manifest) {
  const usesDraft = asset.tier !== "final-only";
  const usesFinal = asset.tier !== "draft-only";
  const screen = asset.screen;
  const pixels = {
    v: 1,
    prompt: asset.prompt,
    tier: asset.tier,
    draft: usesDraft ? { model: asset.models.draft, size: asset.draftSize } : null,
    final: usesFinal ? { model: asset.models.final, size: asset.finalSize } : null,
    aspectRatio: asset.aspectRatio,
    seedStart: asset.seedStart,
    reference: usesDraft && usesFinal ? asset.reference : null,
    screen: {
      minWidth: screen.minWidth,
      minHeight: screen.minHeight,
      brightness: [screen.brightness[0], screen.brightness[1]],
      minContrast: screen.minContrast,
      maxDuplicateDistance: screen.maxDuplicateDistance,
      judge: screen.judge ? { model: asset.models.judge ?? null, rubric: screen.judge.rubric, minScore: screen.judge.minScore } : null
    },
    output: {
      format: asset.output.format,
      quality: asset.output.quality,
      width: asset.output.width ?? null,
      height: asset.output.height ?? null,
      fit: asset.output.fit ?? null
    }
  };
  return `sha256:${createHash("sha256").update(JSON.stringify(pixels)).digest("hex")}`;
}

// src/plan/output-hashes.ts
import { createHash as createHash2, randomBytes } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { mkdir, open, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
var HASH_CHUNK = 256 * 1024;
function sha256FileSync(path, buffer = Buffer.allocUnsafe(HASH_CHUNK), size = Infinity) {
  const hash = createHash2("sha256");
  let fd;
  try {
    fd = openSync(path, "r");
    for (let total = 0; total < size; ) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      total += bytesRead;
    }
  } catch {
    return void 0;
  } finally {
    if (fd !== void 0) closeSync(fd);
  }
  return hash.digest("hex");
}
var SETTLE_MS = 2e3;
var OutputHashes = class _OutputHashes {
  constructor(file, entries) {
    this.file = file;
    this.entries = entries;
  }
  file;
  entries;
  dirty = false;
  /** Opens the cache at `file`; a missing or unreadable cache is an empty one. `undefined`: no cache. */
  static async open(file) {
    const entries = /* @__PURE__ */ new Map();
    if (file) {
      try {
        const saved = JSON.parse(await readFile(file, "utf8"));
        if (saved.version === 1 && saved.entries) for (const [path, entry] of Object.entries(saved.entries)) entries.set(path, entry);
      } catch {
      }
    }
    return new _OutputHashes(file, entries);
  }
  /** The cache file for a manifest: `.seedlock/output-hashes.json` beside it. */
  static beside(manifestFile) {
    return join(dirname(manifestFile), ".seedlock", "output-hashes.json");
  }
  /** sha256 of the file at `absolute` (cached under `key`), or undefined when it is missing or unreadable. */
  sha256(absolute, key, buffer) {
    const info = statSync(absolute, { throwIfNoEntry: false });
    if (!info?.isFile()) return void 0;
    const known = this.entries.get(key);
    if (known && known[0] === info.size && known[1] === info.mtimeMs && known[2] === info.ctimeMs && known[3] === info.ino) return known[4];
    const sha = sha256FileSync(absolute, buffer, info.size);
    if (sha === void 0) return void 0;
    if (this.file && Date.now() - info.mtimeMs > SETTLE_MS) {
      this.entries.set(key, [info.size, info.mtimeMs, info.ctimeMs, info.ino, sha]);
      this.dirty = true;
    } else if (known) {
      this.entries.delete(key);
      this.dirty = true;
    }
    return sha;
  }
  /** Writes the cache if it changed; atomically, and silently giving up where it cannot write. */
  async save() {
    if (!this.file || !this.dirty) return;
    const directory = dirname(this.file);
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await mkdir(directory, { recursive: true });
      await writeFile(join(directory, ".gitignore"), "# seedlock's scratch space: caches and reports, never committed\n*\n", { flag: "wx" }).catch(() => {
      });
      await writeFile(temporary, JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) }));
      await rename(temporary, this.file);
      this.dirty = false;
    } catch {
      await unlink(temporary).catch(() => {
      });
    }
  }
};

// src/plan/plan.ts
var MIN_MEASURED_DRAFTS = 10;
var DEFAULT_REGEN_RATE = 0.02;
async function planRun(manifest, lock, options = {}) {
  const root = options.root ?? manifest.root;
  const rates = planRates(lock);
  const hashes = await OutputHashes.open(options.hashCache === false ? void 0 : options.hashCache ?? OutputHashes.beside(manifest.file));
  const buffer = Buffer.allocUnsafe(HASH_CHUNK);
  const assets = manifest.assets.map((asset) => planAsset(asset, manifest, lock.assets[asset.id], rates, root, hashes, buffer));
  await hashes.save();
  const ids = new Set(manifest.assets.map((a) => a.id));
  const orphans = Object.keys(lock.assets).filter((id) => !ids.has(id)).sort();
  let estimatedUsd = 0;
  let drafts = 0;
  let finals = 0;
  let judgeCalls = 0;
  for (const a of assets) {
    estimatedUsd += a.estimatedUsd;
    drafts += a.drafts;
    finals += a.finals;
    judgeCalls += a.judgeCalls;
  }
  return { assets, orphans, drafts, finals, judgeCalls, estimatedUsd: roundUsd(estimatedUsd), rates };
}
function planRates(lock) {
  const { drafts, accepted, regenerated } = lock.stats;
  if (drafts >= MIN_MEASURED_DRAFTS) {
    const over = `measured over ${drafts} drafts`;
    return { accept: { value: accepted / drafts, source: over }, regen: { value: regenerated / drafts, source: over }, lockedDrafts: drafts };
  }
  const why = drafts > 0 ? ` (only ${drafts} draft${drafts === 1 ? "" : "s"} measured so far)` : "";
  return {
    accept: { value: null, source: `default: 1 \xF7 oversample${why}` },
    regen: { value: DEFAULT_REGEN_RATE, source: `default: ${DEFAULT_REGEN_RATE * 100}%${why}` },
    lockedDrafts: drafts
  };
}
function planAsset(asset, manifest, entry, rates, root, hashes, buffer) {
  const hash = inputHash(asset, manifest);
  let state;
  let why;
  let have = 0;
  let tried = 0;
  let pendingRenders = 0;
  if (!entry) {
    state = "new";
  } else if (entry.inputHash !== hash) {
    state = "changed";
    why = entry.prompt !== asset.prompt ? "prompt changed" : !sameModels(entry, asset) ? "models changed" : "settings changed";
  } else {
    tried = entry.seeds.length;
    const check = checkOutputs(entry.outputs, root, hashes, buffer);
    have = check.valid;
    state = check.problem || have < asset.count ? "incomplete" : "unchanged";
    why = check.problem ?? (have < asset.count ? `${have} of ${asset.count} outputs` : void 0);
    if (asset.tier === "two-tier") {
      const rendered = new Set(entry.outputs.map((o) => o.seed));
      pendingRenders = entry.seeds.filter((s) => s.status === "accepted" && !rendered.has(s.seed)).length;
    }
  }
  const missing = state === "unchanged" ? 0 : Math.max(0, asset.count - have);
  pendingRenders = Math.min(pendingRenders, missing);
  const acceptRate = rates.accept.value ?? 1 / asset.oversample;
  const regenRate = rates.regen.value ?? DEFAULT_REGEN_RATE;
  const remainingAttempts = Math.max(0, asset.maxAttempts - tried);
  const toDraft = missing - pendingRenders;
  const wanted = toDraft > 0 ? Math.ceil(toDraft / acceptRate - 1e-9) : 0;
  const seeds = Math.min(wanted, remainingAttempts);
  const drafts = seeds > 0 ? Math.ceil(seeds * (1 + regenRate) - 1e-9) : 0;
  const finals = asset.tier === "two-tier" ? missing : 0;
  const judgeCalls = asset.screen.judge ? drafts : 0;
  const draftModel = asset.tier === "final-only" ? asset.models.final : asset.models.draft;
  const draftSize = asset.tier === "final-only" ? asset.finalSize : asset.draftSize;
  const draftUsd = drafts ? drafts * imagePriceUsd(findModel(draftModel), draftSize, manifest.pricing) : 0;
  const finalUsd = finals ? finals * imagePriceUsd(findModel(asset.models.final), asset.finalSize, manifest.pricing) : 0;
  const judge = asset.models.judge ? findModel(asset.models.judge) : void 0;
  const judgeUsd = judgeCalls && judge ? judgeCalls * judgeCallEstimateUsd(judge) : 0;
  return {
    id: asset.id,
    state,
    ...why ? { why } : {},
    count: asset.count,
    have,
    missing,
    seeds,
    drafts,
    pendingRenders,
    finals,
    judgeCalls,
    acceptRate,
    capped: wanted > remainingAttempts,
    remainingAttempts,
    draftUsd: roundUsd(draftUsd),
    finalUsd: roundUsd(finalUsd),
    judgeUsd: roundUsd(judgeUsd),
    estimatedUsd: roundUsd(draftUsd + finalUsd + judgeUsd),
    inputHash: hash
  };
}
function sameModels(entry, asset) {
  return entry.models.draft === asset.models.draft && entry.models.final === asset.models.final && entry.models.judge === asset.models.judge;
}
function checkOutputs(outputs, root, hashes, buffer) {
  let valid = 0;
  let problem;
  for (const output of outputs) {
    const actual = hashes.sha256(join2(root, output.path), output.path, buffer);
    if (actual === output.sha256) valid++;
    else problem ??= actual === void 0 ? `${output.path} is missing` : `${output.path} differs from the lockfile`;
  }
  return problem ? { valid, problem } : { valid };
}
function roundUsd(usd) {
  return Math.round(usd * 1e6) / 1e6;
}

// src/report/table.ts
function renderTable(headers, rows, opts = {}) {
  const columns = Math.max(headers.length, ...rows.map((r) => r.length));
  const cells = [headers, ...rows].map((row) => Array.from({ length: columns }, (_, i) => row[i] === void 0 ? "" : String(row[i])));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...cells.map((row) => displayWidth(row[i]))));
  const align = Array.from({ length: columns }, (_, i) => opts.align?.[i] ?? (rows.length && rows.every((r) => r[i] === void 0 || typeof r[i] === "number") ? "right" : "left"));
  const gap = " ".repeat(opts.gap ?? 2);
  const line = (row) => row.map((cell, i) => {
    const pad = " ".repeat(widths[i] - displayWidth(cell));
    return align[i] === "right" ? pad + cell : cell + pad;
  }).join(gap).trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join(gap);
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join("\n");
}
function displayWidth(text) {
  let width = 0;
  for (const char of text) if (!new RegExp("\\p{Mn}", "u").test(char)) width++;
  return width;
}
function formatUsd(usd) {
  const sign = usd < 0 ? "-" : "";
  const abs = Math.abs(usd);
  return `${sign}$${abs >= 0.1 || abs === 0 ? abs.toFixed(2) : abs.toFixed(4)}`;
}
function formatPercent(rate) {
  const pct = rate * 100;
  return `${pct >= 10 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}

// src/plan/report.ts
function planReport(plan, ceiling, manifestFile) {
  const over = plan.estimatedUsd > ceiling.usd;
  return {
    command: "plan",
    manifest: manifestFile,
    spentUsd: 0,
    estimatedUsd: plan.estimatedUsd,
    ceilingUsd: ceiling.usd,
    ceilingSource: ceiling.source,
    ...ceiling.warnUsd !== void 0 ? { warnUsd: ceiling.warnUsd } : {},
    drafts: plan.drafts,
    accepted: 0,
    rendered: 0,
    finals: plan.finals,
    judgeCalls: plan.judgeCalls,
    acceptRate: plan.rates.accept.value,
    regenRate: plan.rates.regen.value,
    costPerAcceptedUsd: null,
    changedAssets: plan.assets.filter((a) => a.state !== "unchanged").map((a) => a.id),
    assets: plan.assets.map(({ inputHash: _hash, ...a }) => ({
      ...a,
      status: a.state === "unchanged" ? "unchanged" : "planned",
      accepted: 0,
      rejected: {},
      regenerated: 0,
      rendered: 0,
      spentUsd: 0,
      outputs: []
    })),
    orphans: plan.orphans,
    rates: { accept: plan.rates.accept, regen: plan.rates.regen },
    exitCode: over ? 3 : 0,
    ...over ? { message: overBudgetMessage(plan, ceiling) } : {}
  };
}
function overBudgetMessage(plan, ceiling) {
  const lever = ceiling.source === "--max-budget-usd" ? "raise --max-budget-usd (up to budget.maxUsd)" : "raise budget.maxUsd in the manifest";
  return `the estimate ${formatUsd(plan.estimatedUsd)} is above the ceiling ${formatUsd(ceiling.usd)} (${ceiling.source}); ${lever}, or lower count, oversample or sizes of the assets that cost most`;
}
function renderPlan(plan, ceiling, manifestFile) {
  const counts = /* @__PURE__ */ new Map();
  for (const a of plan.assets) counts.set(a.state, (counts.get(a.state) ?? 0) + 1);
  const summary = ["new", "changed", "incomplete", "unchanged"].filter((s) => counts.get(s)).map((s) => `${counts.get(s)} ${s}`).join(", ");
  const rows = plan.assets.map((a) => [
    a.id,
    a.state,
    `${a.have}/${a.count}`,
    a.drafts + (a.capped ? "*" : ""),
    a.finals,
    formatUsd(a.estimatedUsd),
    note(a)
  ]);
  rows.push(["total", "", "", plan.drafts, plan.finals, formatUsd(plan.estimatedUsd), plan.judgeCalls ? `incl. ${plan.judgeCalls} judge calls` : ""]);
  const table = renderTable(["asset", "state", "have", "drafts", "finals", "estimate", "note"], rows, {
    align: ["left", "left", "right", "right", "right", "right", "left"]
  });
  const lines = [`${manifestFile}: ${plan.assets.length} asset${plan.assets.length === 1 ? "" : "s"} (${summary})`, "", table, ""];
  const over = plan.estimatedUsd > ceiling.usd;
  lines.push(`ceiling      ${formatUsd(ceiling.usd)} (${ceiling.source})${over ? "  \u2190 the estimate is above it" : ""}`);
  if (ceiling.warnUsd !== void 0) lines.push(`warn at      ${formatUsd(ceiling.warnUsd)} (budget.warnUsd)`);
  const assumed = new Set(plan.assets.map((a) => a.acceptRate));
  const acceptShown = plan.rates.accept.value !== null ? formatPercent(plan.rates.accept.value) : assumed.size === 1 ? formatPercent([...assumed][0]) : "per asset";
  lines.push(`accept rate  ${acceptShown} (${plan.rates.accept.source})`);
  lines.push(`regen rate   ${formatPercent(plan.rates.regen.value ?? 0)} (${plan.rates.regen.source})`);
  if (plan.assets.some((a) => a.capped)) lines.push("* capped by the asset's maxAttempts: it may end short of its count");
  if (plan.orphans.length) {
    lines.push(`orphaned     ${plan.orphans.join(", ")}: in the lockfile but no longer in the manifest`);
  }
  return lines.join("\n");
}
function note(a) {
  const parts = [];
  if (a.why && a.state !== "new") parts.push(a.why);
  if (a.pendingRenders) parts.push(`${a.pendingRenders} accepted draft${a.pendingRenders === 1 ? "" : "s"} to render`);
  return parts.join("; ");
}

export {
  ceilingUsd,
  parseMaxBudgetUsd,
  inputHash,
  planRun,
  renderTable,
  formatUsd,
  formatPercent,
  planReport,
  overBudgetMessage,
  renderPlan
};
