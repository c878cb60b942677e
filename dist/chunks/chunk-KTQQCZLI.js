import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);
import {
  formatPercent,
  formatUsd,
  renderTable
} from "./chunk-P6T6WWVU.js";
import {
  RepositoryFolder,
  readChunksSync
} from "./chunk-VB46BMHO.js";
import {
  findModel,
  imagePriceUsd,
  judgeCallEstimateUsd,
  routedImagePriceUsd
} from "./chunk-67RSKPRZ.js";
import {
  InputError
} from "./chunk-BYMAINSJ.js";

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

// src/manifest/pricing.ts
function trustedPricing(overrides, allowLowerPrices) {
  const pricing = /* @__PURE__ */ Object.create(null);
  const lowered = [];
  for (const [id, sizes] of Object.entries(overrides)) {
    const model = findModel(id);
    for (const [size, usd] of Object.entries(sizes ?? {})) {
      const catalogUsd = model?.kind === "image" && model.tokensBySize[size] !== void 0 ? imagePriceUsd(model, size) : void 0;
      if (catalogUsd !== void 0 && !(usd >= catalogUsd) && !allowLowerPrices) {
        lowered.push({ model: id, size, manifestUsd: usd, catalogUsd });
        continue;
      }
      (pricing[id] ??= {})[size] = usd;
    }
  }
  return { pricing, lowered };
}
function withTrustedPrices(manifest, allowLowerPrices, logger) {
  const { pricing, lowered } = trustedPricing(manifest.pricing, allowLowerPrices === true);
  if (lowered.length) {
    const each = lowered.map((l) => `${l.model} ${l.size} $${l.manifestUsd} (built-in $${round(l.catalogUsd)})`).join(", ");
    logger.warn(
      `${manifest.displayFile}: pricing: sets ${each} below the built-in price; seedlock books the built-in price, so the budget still holds; if your prices really are lower, pass --allow-lower-prices (the Action's allow-lower-prices: true)`
    );
  }
  return { ...manifest, pricing };
}
function round(usd) {
  return Math.round(usd * 1e6) / 1e6;
}

// src/pipeline/batch/mode.ts
var BATCH_MODES = ["off", "drafts", "finals", "all"];
function batches(spec, stage, override) {
  const mode = override ?? spec.batch;
  return mode === "all" || (stage === "draft" ? mode === "drafts" : mode === "finals");
}
function parseBatchMode(raw, name) {
  if (raw === void 0 || raw.trim() === "") return void 0;
  const value = raw.trim().toLowerCase();
  if (BATCH_MODES.includes(value)) return value;
  throw new InputError([{ message: `${name} must be one of ${BATCH_MODES.join(", ")}, not ${JSON.stringify(raw)}`, fix: `for example ${name === "--batch" ? "--batch all" : "batch: all"} to send drafts and renders through the Batch API at half the price` }]);
}
function parseWaitMinutes(raw, name) {
  if (raw === void 0 || raw.trim() === "") return void 0;
  const value = Number(raw.trim());
  if (!Number.isFinite(value) || value <= 0 || value > 24 * 60) {
    throw new InputError([{ message: `${name} must be a number of minutes above 0 and at most 1440, not ${JSON.stringify(raw)}`, fix: `for example ${name} 30` }]);
  }
  return value;
}
function withBatchMode(manifest, mode) {
  return mode ? { ...manifest, assets: manifest.assets.map((a) => ({ ...a, batch: mode })) } : manifest;
}

// src/plan/plan.ts
import { join as join3 } from "node:path";

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
      // Only when set away from its default, so lockfiles written before it existed keep their hashes.
      ...screen.aspectTolerance !== 0.03 ? { aspectTolerance: screen.aspectTolerance } : {},
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
import { createHash as createHash2 } from "node:crypto";
import { closeSync } from "node:fs";
import { readFile as readFile2 } from "node:fs/promises";
import { dirname as dirname2, join as join2 } from "node:path";

// src/pipeline/draft.ts
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, posix, relative, sep } from "node:path";
import sharp from "sharp";
var DRAFTS_FOLDER = join(".seedlock", "drafts");
var OLD_IGNORE = "# seedlock's scratch space: caches and reports, never committed\n*\n";
var SEEDLOCK_IGNORE = [
  "# seedlock's scratch space. Caches, reports and answers waiting for a verdict stay out of git;",
  "# accepted drafts (drafts/<asset>/<seed>.<ext>, named in the lockfile) are kept, so a fresh clone",
  "# renders from the bytes that were screened instead of drawing its seed again.",
  "*",
  "!.gitignore",
  "!drafts/",
  "!drafts/*/",
  "!drafts/*/*.jpg",
  "!drafts/*/*.png",
  "!drafts/*/*.webp",
  "drafts/*/incoming/",
  ""
].join("\n");
async function writeSeedlockIgnore(seedlockDir) {
  const file = join(seedlockDir, ".gitignore");
  const now = await readFile(file, "utf8").catch(() => void 0);
  if (now !== void 0 && now !== OLD_IGNORE) return;
  await mkdir(seedlockDir, { recursive: true });
  await writeFile(file, SEEDLOCK_IGNORE).catch(() => {
  });
}
var ignoreWritten = /* @__PURE__ */ new Set();
async function keepDraftsInGit(manifest) {
  const dir = join(dirname(manifest.file), ".seedlock");
  if (ignoreWritten.has(dir)) return;
  ignoreWritten.add(dir);
  await writeSeedlockIgnore(dir).catch(() => {
  });
}
function extensionFor(mimeType) {
  if (mimeType === "image/jpeg" || mimeType === "image/jpg") return "jpg";
  if (mimeType === "image/webp") return "webp";
  return "png";
}
function draftPath(manifest, assetId, seed, mimeType) {
  const absolute = join(dirname(manifest.file), DRAFTS_FOLDER, assetId, `${seed}.${extensionFor(mimeType)}`);
  return relative(manifest.root, absolute).split(sep).join(posix.sep);
}
function mimeTypeOf(path) {
  return path.endsWith(".jpg") ? "image/jpeg" : path.endsWith(".webp") ? "image/webp" : "image/png";
}
async function tileOf(image, side = 256) {
  try {
    return await sharp(image).resize(side, side, { fit: "inside" }).jpeg({ quality: 70 }).toBuffer();
  } catch {
    return void 0;
  }
}

// src/plan/output-hashes.ts
var HASH_CHUNK = 256 * 1024;
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
        const saved = JSON.parse(await readFile2(file, "utf8"));
        if (saved.version === 1 && saved.entries) for (const [path, entry] of Object.entries(saved.entries)) entries.set(path, entry);
      } catch {
      }
    }
    return new _OutputHashes(file, entries);
  }
  /** The cache file for a manifest: `.seedlock/output-hashes.json` beside it. */
  static beside(manifestFile) {
    return join2(dirname2(manifestFile), ".seedlock", "output-hashes.json");
  }
  /**
   * sha256 of the file at `absolute` (cached under `key`), or undefined when it is missing,
   * unreadable, a symlink, or in a folder that leads out of `within` (the repository).
   */
  sha256(absolute, key, buffer, within) {
    const opened = within.openRegularSync(absolute);
    if (!opened) return void 0;
    const { fd, info } = opened;
    let sha;
    try {
      const known2 = this.entries.get(key);
      if (known2 && known2[0] === info.size && known2[1] === info.mtimeMs && known2[2] === info.ctimeMs && known2[3] === info.ino) return known2[4];
      const hash = createHash2("sha256");
      readChunksSync(fd, buffer, info.size, (bytes) => hash.update(bytes));
      sha = hash.digest("hex");
    } catch {
      return void 0;
    } finally {
      closeSync(fd);
    }
    const known = this.entries.get(key);
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
    const directory = dirname2(this.file);
    const within = new RepositoryFolder(dirname2(directory));
    try {
      await within.writeFile(this.file, JSON.stringify({ version: 1, entries: Object.fromEntries(this.entries) }));
      await writeSeedlockIgnore(directory).catch(() => {
      });
      this.dirty = false;
    } catch {
    }
  }
};

// src/plan/tier.ts
function tierPrices(asset, pricing) {
  const price = (id, size) => imagePriceUsd(findModel(id), size, pricing);
  const judge = asset.screen.judge && asset.models.judge ? findModel(asset.models.judge) : void 0;
  return {
    draftUsd: price(asset.models.draft, asset.draftSize),
    finalUsd: price(asset.models.final, asset.finalSize),
    judgeUsd: judge?.kind === "text" ? judgeCallEstimateUsd(judge) : 0
  };
}
function compareTiers(asset, prices, rates) {
  const accept = Math.min(1, Math.max(0.01, rates.accept));
  const { draftUsd, finalUsd, judgeUsd } = prices;
  const twoTierUsd = (draftUsd * (1 + rates.regen) + judgeUsd) / accept + finalUsd;
  const finalOnlyUsd = (finalUsd * (1 + rates.regen) + judgeUsd) / accept;
  const cheaper = finalOnlyUsd < twoTierUsd - 1e-9 ? "final-only" : "two-tier";
  const [won, lost] = cheaper === "two-tier" ? [twoTierUsd, finalOnlyUsd] : [finalOnlyUsd, twoTierUsd];
  const reason = `${cheaper}: ${formatUsd2(won)} per kept image against ${formatUsd2(lost)} ${cheaper === "two-tier" ? "final-only" : "two-tier"} at ${formatPercent(accept)} accept (${rates.acceptSource}); draft ${asset.models.draft} at ${asset.draftSize} ${formatUsd2(draftUsd)}, final ${asset.models.final} at ${asset.finalSize} ${formatUsd2(finalUsd)}`;
  return { twoTierUsd: round2(twoTierUsd), finalOnlyUsd: round2(finalOnlyUsd), cheaper, reason };
}
var formatUsd2 = (usd) => `$${usd.toFixed(4)}`;
function round2(usd) {
  return Math.round(usd * 1e6) / 1e6;
}

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
    if (asset.tier === "two-tier" || asset.tier === "auto") {
      const rendered = new Set(entry.outputs.map((o) => o.seed));
      pendingRenders = entry.seeds.filter((s) => s.status === "accepted" && !rendered.has(s.seed)).length;
    }
  }
  const missing = state === "unchanged" ? 0 : Math.max(0, asset.count - have);
  const acceptRate = rates.accept.value ?? 1 / asset.oversample;
  const regenRate = rates.regen.value ?? DEFAULT_REGEN_RATE;
  const comparison = asset.tier === "draft-only" ? void 0 : compareTiers(asset, tierPrices(asset, manifest.pricing), { accept: acceptRate, regen: regenRate, acceptSource: rates.accept.value === null ? "assumed: 1 \xF7 oversample" : rates.accept.source });
  let tier;
  let tierReason;
  if (asset.tier !== "auto") tier = asset.tier;
  else if (entry?.inputHash === hash && entry.tier) [tier, tierReason] = [entry.tier.chosen, entry.tier.reason];
  else [tier, tierReason] = [comparison.cheaper, comparison.reason];
  if (tier !== "two-tier") pendingRenders = 0;
  pendingRenders = Math.min(pendingRenders, missing);
  const remainingAttempts = Math.max(0, asset.maxAttempts - tried);
  const toDraft = missing - pendingRenders;
  const wanted = toDraft > 0 ? Math.ceil(toDraft / acceptRate - 1e-9) : 0;
  const seeds = Math.min(wanted, remainingAttempts);
  const drafts = seeds > 0 ? Math.ceil(seeds * (1 + regenRate) - 1e-9) : 0;
  const finals = tier === "two-tier" ? missing : 0;
  const judgeCalls = asset.screen.judge ? drafts : 0;
  const draftModel = tier === "final-only" ? asset.models.final : asset.models.draft;
  const draftSize = tier === "final-only" ? asset.finalSize : asset.draftSize;
  const route = (stage) => batches(asset, stage) ? "batch" : "interactive";
  const draftUsd = drafts ? drafts * routedImagePriceUsd(findModel(draftModel), draftSize, route("draft"), manifest.pricing) : 0;
  const finalUsd = finals ? finals * routedImagePriceUsd(findModel(asset.models.final), asset.finalSize, route("final"), manifest.pricing) : 0;
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
    tier,
    ...tierReason ? { tierReason } : {},
    ...comparison ? { tiers: { twoTierUsd: comparison.twoTierUsd, finalOnlyUsd: comparison.finalOnlyUsd, cheaper: comparison.cheaper } } : {},
    inputHash: hash
  };
}
function sameModels(entry, asset) {
  return entry.models.draft === asset.models.draft && entry.models.final === asset.models.final && entry.models.judge === asset.models.judge;
}
function checkOutputs(outputs, root, hashes, buffer) {
  const within = new RepositoryFolder(root);
  let valid = 0;
  let problem;
  for (const output of outputs) {
    const actual = hashes.sha256(join3(root, output.path), output.path, buffer, within);
    if (actual === output.sha256) valid++;
    else problem ??= actual === void 0 ? `${output.path} is missing` : `${output.path} differs from the lockfile`;
  }
  return problem ? { valid, problem } : { valid };
}
function roundUsd(usd) {
  return Math.round(usd * 1e6) / 1e6;
}

// src/plan/report.ts
function planReport(plan, ceiling, manifestFile, matrix) {
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
    rejectedDrafts: 0,
    finals: plan.finals,
    judgeCalls: plan.judgeCalls,
    acceptRate: plan.rates.accept.value,
    regenRate: plan.rates.regen.value,
    costPerImageUsd: null,
    costPerAcceptedDraftUsd: null,
    changedAssets: plan.assets.filter((a) => a.state !== "unchanged").map((a) => a.id),
    assets: plan.assets.map(({ inputHash: _hash, ...a }) => ({
      ...a,
      status: a.state === "unchanged" ? "unchanged" : "planned",
      accepted: 0,
      rejectedDrafts: 0,
      rejected: {},
      regenerated: 0,
      rendered: 0,
      spentUsd: 0,
      outputs: []
    })),
    orphans: plan.orphans,
    rates: { accept: plan.rates.accept, regen: plan.rates.regen },
    exitCode: over ? 3 : 0,
    ...over ? { message: overBudgetMessage(plan, ceiling) } : {},
    ...matrix ? { matrix } : {}
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
    a.tierReason ? `auto: ${a.tier}` : a.tier,
    a.tiers ? perImage(a.tiers.twoTierUsd) : "",
    a.tiers ? perImage(a.tiers.finalOnlyUsd) : "",
    note(a)
  ]);
  rows.push(["total", "", "", plan.drafts, plan.finals, formatUsd(plan.estimatedUsd), "", "", "", plan.judgeCalls ? `incl. ${plan.judgeCalls} judge calls` : ""]);
  const table = renderTable(["asset", "state", "have", "drafts", "finals", "estimate", "tier", "two-tier/img", "final-only/img", "note"], rows, {
    align: ["left", "left", "right", "right", "right", "right", "left", "right", "right", "left"]
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
  if (plan.assets.some((a) => a.tiers)) {
    lines.push("two-tier/img and final-only/img: estimated cost per kept image on each tier at these rates and the catalog's prices");
  }
  for (const a of plan.assets) if (a.tierReason) lines.push(`tier auto   ${a.id}: ${a.tierReason}`);
  if (plan.orphans.length) {
    lines.push(`orphaned     ${plan.orphans.join(", ")}: in the lockfile but no longer in the manifest`);
  }
  return lines.join("\n");
}
function perImage(usd) {
  return `$${usd.toFixed(4)}`;
}
function renderMatrix(matrix) {
  const rows = matrix.shards.map((s) => [
    s.shard,
    s.assets.length,
    formatUsd(s.estimatedUsd),
    formatUsd(s.ceilingUsd),
    s.assets.length > 4 ? `${s.assets.slice(0, 3).join(", ")} and ${s.assets.length - 3} more` : s.assets.join(", ")
  ]);
  const table = renderTable(["shard", "assets", "estimate", "slice", "runs"], rows, { align: ["left", "right", "right", "right", "left"] });
  const lines = [`${matrix.count} shard${matrix.count === 1 ? "" : "s"}, packed by estimate (largest \xF7 mean ${matrix.balance.toFixed(2)}):`, "", table, ""];
  lines.push(`slices       ${formatUsd(matrix.allocatedUsd)} of the ${formatUsd(matrix.ceilingUsd)} ceiling; each shard stops at its own slice`);
  if (matrix.rule) lines.push(`shards auto  ${matrix.rule}`);
  lines.push(`packing      ${matrix.fingerprint}: every shard must start from this commit with this ceiling`);
  return lines.join("\n");
}
function note(a) {
  const parts = [];
  if (a.tiers && !a.tierReason && a.tier !== a.tiers.cheaper) parts.push(`${a.tiers.cheaper} is cheaper per image`);
  if (a.why && a.state !== "new") parts.push(a.why);
  if (a.pendingRenders) parts.push(`${a.pendingRenders} accepted draft${a.pendingRenders === 1 ? "" : "s"} to render`);
  return parts.join("; ");
}

// src/plan/shards.ts
import { createHash as createHash3 } from "node:crypto";

// src/plan/shard-knobs.ts
var MAX_MATRIX_JOBS = 256;
function parseShard(raw) {
  const text = raw.trim();
  const fix = "write it as i/n with 1 \u2264 i \u2264 n, e.g. 2/4 in the second of four jobs";
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return { problem: `is ${JSON.stringify(raw)}, not i/n`, fix };
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (!Number.isSafeInteger(i) || !Number.isSafeInteger(n)) return { problem: `is ${JSON.stringify(raw)}, whose numbers are too large`, fix };
  if (n < 1) return { problem: `is ${JSON.stringify(raw)}: n, the number of shards, must be at least 1`, fix };
  if (i < 1) return { problem: `is ${JSON.stringify(raw)}: shards count from 1`, fix };
  if (i > n) return { problem: `is ${JSON.stringify(raw)}: i is above n`, fix };
  return { index: i - 1, count: n };
}
function parseShardCount(raw) {
  const text = raw.trim();
  if (text === "auto") return "auto";
  const fix = `give a whole number from 1 to ${MAX_MATRIX_JOBS} (GitHub's limit of jobs per matrix), or auto`;
  if (!/^\d+$/.test(text)) return { problem: `is ${JSON.stringify(raw)}, not a number of shards`, fix };
  const n = Number(text);
  if (n < 1 || n > MAX_MATRIX_JOBS) return { problem: `is ${JSON.stringify(raw)}, outside 1..${MAX_MATRIX_JOBS}`, fix };
  return n;
}
function isKnobProblem(value) {
  return typeof value === "object" && value !== null && "problem" in value;
}
function shardLabel(shard) {
  return `${shard.index + 1}/${shard.count}`;
}

// src/plan/shards.ts
var MICRO = 1e6;
function workOf(plan) {
  return plan.assets.filter((a) => a.state !== "unchanged").map((a) => ({ id: a.id, estimatedUsd: a.estimatedUsd }));
}
function packShards(work, count, ceilingUsd2) {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a matrix needs at least one shard, got ${count}`);
  const items = work.map((w) => ({ id: w.id, micros: toMicros(w.estimatedUsd) }));
  items.sort((a, b) => b.micros - a.micros || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const bins = Array.from({ length: count }, () => ({ micros: 0, ids: [] }));
  for (const item of items) {
    let best = 0;
    for (let i = 1; i < count; i++) {
      const b = bins[i];
      const current = bins[best];
      if (b.micros < current.micros || b.micros === current.micros && b.ids.length < current.ids.length) best = i;
    }
    bins[best].micros += item.micros;
    bins[best].ids.push(item.id);
  }
  const ceilingMicros = ceilingToMicros(ceilingUsd2);
  const totalMicros = bins.reduce((sum, b) => sum + b.micros, 0);
  const slices = bins.map((b) => totalMicros === 0 ? 0 : Number(BigInt(ceilingMicros) * BigInt(b.micros) / BigInt(totalMicros)));
  const shards = bins.map((b, index) => ({
    shard: shardLabel({ index, count }),
    assets: b.ids,
    estimatedUsd: b.micros / MICRO,
    ceilingUsd: slices[index] / MICRO
  }));
  const largest = Math.max(...bins.map((b) => b.micros));
  const fingerprint = createHash3("sha256").update(JSON.stringify([count, ceilingMicros, bins.map((b, i) => [b.ids, b.micros, slices[i]])])).digest("hex").slice(0, 16);
  return {
    count,
    ceilingUsd: ceilingMicros / MICRO,
    estimatedUsd: totalMicros / MICRO,
    allocatedUsd: slices.reduce((sum, s) => sum + s, 0) / MICRO,
    balance: totalMicros === 0 ? 0 : Math.round(largest / (totalMicros / count) * 1e3) / 1e3,
    fingerprint,
    shards
  };
}
function sliceFor(matrix, shard) {
  return matrix.shards[shard.index];
}
var TYPICAL_CALL_SECONDS = { draft: 10, final: 30, judge: 5 };
var JOB_TARGET_MINUTES = 60;
function autoShardCount(plan, options) {
  const calls = plan.drafts + plan.finals + plan.judgeCalls;
  const seconds = plan.drafts * TYPICAL_CALL_SECONDS.draft + plan.finals * TYPICAL_CALL_SECONDS.final + plan.judgeCalls * TYPICAL_CALL_SECONDS.judge;
  const minutes = seconds / options.concurrency / 60;
  const withWork = plan.assets.filter((a) => a.state !== "unchanged").length;
  const wanted = Math.ceil(minutes / JOB_TARGET_MINUTES - 1e-9);
  const count = Math.max(1, Math.min(wanted, withWork, MAX_MATRIX_JOBS));
  let rule = `${plan.drafts} drafts \xD7 ${TYPICAL_CALL_SECONDS.draft} s + ${plan.finals} finals \xD7 ${TYPICAL_CALL_SECONDS.final} s + ${plan.judgeCalls} judge calls \xD7 ${TYPICAL_CALL_SECONDS.judge} s \xF7 concurrency ${options.concurrency} = ${Math.round(minutes)} min of calls; jobs of ${JOB_TARGET_MINUTES} min \u2192 ${count} shard${count === 1 ? "" : "s"}` + (wanted > MAX_MATRIX_JOBS ? ` (GitHub runs at most ${MAX_MATRIX_JOBS} jobs per matrix)` : wanted > withWork ? ` (one per asset with work)` : "");
  if (options.rpm) {
    const bound = calls / options.rpm;
    if (bound > JOB_TARGET_MINUTES) rule += `; the project limit of ${options.rpm} requests per minute alone takes ${Math.round(bound)} min for ${calls} calls, whatever the count`;
  }
  return { count, rule };
}
function shardRpm(rpm, shard) {
  return rpm === void 0 || !shard ? rpm : rpm / shard.count;
}
function toMicros(usd) {
  return Math.max(0, Math.round(usd * MICRO));
}
function ceilingToMicros(usd) {
  const exact = usd * MICRO;
  const nearest = Math.round(exact);
  return Math.abs(exact - nearest) < 1e-6 ? nearest : Math.floor(exact);
}
function planMatrix(plan, ceilingUsd2, shards, options) {
  if (shards !== "auto") return packShards(workOf(plan), shards, ceilingUsd2);
  const auto = autoShardCount(plan, options);
  return { ...packShards(workOf(plan), auto.count, ceilingUsd2), rule: auto.rule };
}

export {
  ceilingUsd,
  parseMaxBudgetUsd,
  withTrustedPrices,
  batches,
  parseBatchMode,
  parseWaitMinutes,
  withBatchMode,
  inputHash,
  DRAFTS_FOLDER,
  keepDraftsInGit,
  extensionFor,
  draftPath,
  mimeTypeOf,
  tileOf,
  planRun,
  planReport,
  overBudgetMessage,
  renderPlan,
  renderMatrix,
  parseShard,
  parseShardCount,
  isKnobProblem,
  shardLabel,
  workOf,
  packShards,
  sliceFor,
  shardRpm,
  planMatrix
};
