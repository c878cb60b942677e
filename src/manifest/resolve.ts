import { createHash } from "node:crypto";
import { DEFAULT_MODELS, pixelSize, SUGGESTED_JUDGE, type AspectRatio, type ImageModel, type ImageSize, type PricingOverrides } from "../models/catalog.js";
import { checkPricing, ModelCheck } from "./models.js";
import { formatFromTemplate, renderTemplate, templateProblems, type TemplateProblem } from "./out.js";
import type { Finding, PathSegment } from "../yaml/source.js";
import { repositoryPathProblem } from "../disk/repository-path.js";
import { FORBIDDEN_KEYS } from "../yaml/limits.js";
import type { AssetSpec, BatchMode, Fit, JudgeRule, OutputFormat, OutputSpec, ScreenRules, Tier } from "./spec.js";

/** The manifest as YAML gives it, after the schema has passed it. */
export interface RawJudge {
  rubric: string;
  minScore?: number;
}
export interface RawScreen {
  minWidth?: number;
  minHeight?: number;
  brightness?: [number, number];
  minContrast?: number;
  maxDuplicateDistance?: number;
  aspectTolerance?: number;
  judge?: RawJudge | boolean;
}
export interface RawOutput {
  format?: OutputFormat;
  quality?: number;
  width?: number;
  height?: number;
  fit?: Fit;
}
export interface RawModels {
  draft?: string;
  final?: string;
  judge?: string;
}
export interface RawSettings {
  tier?: Tier;
  batch?: BatchMode;
  count?: number;
  aspectRatio?: AspectRatio;
  oversample?: number;
  maxAttempts?: number;
  draftSize?: ImageSize;
  finalSize?: ImageSize;
  reference?: boolean;
  screen?: RawScreen;
  output?: RawOutput;
}
export interface RawAsset extends RawSettings {
  id: string;
  prompt: string;
  out: string;
  seed?: number;
  models?: RawModels;
}
export interface RawManifest {
  version: 1;
  models?: RawModels;
  pricing?: Record<string, Record<string, number>>;
  budget: { maxUsd: number; warnUsd?: number };
  limits?: { concurrency?: number; requestsPerMinute?: number };
  defaults?: RawSettings;
  assets: RawAsset[];
}

/** What an asset gets when neither it nor `defaults:` says otherwise (docs/MANIFEST.md lists them). */
export const BUILTIN = {
  tier: "two-tier" as Tier,
  batch: "off" as BatchMode,
  count: 1,
  aspectRatio: "1:1" as AspectRatio,
  oversample: 3,
  draftSize: "1K" as ImageSize,
  finalSize: "1K" as ImageSize,
  reference: true,
  screen: { minWidth: 256, minHeight: 256, brightness: [20, 235] as [number, number], minContrast: 8, maxDuplicateDistance: 6, aspectTolerance: 0.03 },
  output: { format: "webp" as OutputFormat, quality: 90 },
  judgeMinScore: 7,
  concurrency: 16,
};

/** Largest seed the API takes (int32). */
const MAX_SEED = 2_147_483_647;

/** First seed of an asset that names none: a stable hash of its id, leaving room for many attempts below int32. */
export function defaultSeed(id: string): number {
  return createHash("sha256").update(id).digest().readUInt32BE(0) % 2_000_000_000;
}

export interface ResolveResult {
  assets: AssetSpec[];
  models: { draft: string; final: string; judge?: string };
  pricing: PricingOverrides;
  errors: Finding[];
  warnings: Finding[];
}

/**
 * Resolves defaults into one AssetSpec per asset and checks what the schema cannot: models and
 * sizes, ids, `out` templates, ranges that must be ordered, rules that need another setting.
 * `assets` holds only the entries that passed the schema, with their index in the file.
 */
export function resolveManifest(raw: Omit<RawManifest, "budget"> & { budget?: RawManifest["budget"] }, validAssets: readonly [number, RawAsset][], now: Date): ResolveResult {
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  const models = new ModelCheck(now, errors, warnings);
  const defaults = raw.defaults ?? {};

  const topModels = {
    draft: raw.models?.draft ?? DEFAULT_MODELS.draft,
    final: raw.models?.final ?? DEFAULT_MODELS.final,
    ...(raw.models?.judge ? { judge: raw.models.judge } : {}),
  };
  if (raw.pricing) checkPricing(raw.pricing, now, errors);
  const { maxUsd, warnUsd } = raw.budget ?? {};
  if (warnUsd !== undefined && maxUsd !== undefined && warnUsd > maxUsd) {
    errors.push({
      path: ["budget", "warnUsd"],
      message: `is ${warnUsd}, above budget.maxUsd (${maxUsd}); the warning could never fire before the run stops`,
      fix: `set warnUsd below ${maxUsd}, or raise maxUsd`,
    });
  }

  const assets: AssetSpec[] = [];
  const firstById = new Map<string, number>();
  for (const [index, asset] of validAssets) {
    const seenAt = firstById.get(asset.id);
    if (seenAt !== undefined) {
      errors.push({
        path: ["assets", index, "id"],
        message: `'${asset.id}' is already the id of assets[${seenAt}]`,
        fix: "ids must be unique; rename one of them",
      });
    } else {
      firstById.set(asset.id, index);
    }
    const spec = resolveAsset(raw, defaults, asset, index, topModels, models, errors);
    if (spec && seenAt === undefined) assets.push(spec);
  }
  checkDistinctPaths(assets, errors);
  return { assets, models: topModels, pricing: (raw.pricing ?? {}) as PricingOverrides, errors, warnings };
}

function resolveAsset(
  raw: Pick<RawManifest, "models">,
  defaults: RawSettings,
  asset: RawAsset,
  index: number,
  topModels: { draft: string; final: string; judge?: string },
  models: ModelCheck,
  errors: Finding[],
): AssetSpec | undefined {
  const here: PathSegment[] = ["assets", index];
  const errorsBefore = errors.length;
  /** Where a setting came from: the asset, `defaults:`, or nowhere (built in, so point at the asset). */
  const origin = (...keys: string[]): PathSegment[] => {
    if (has(asset, keys)) return [...here, ...keys];
    if (has(defaults, keys)) return ["defaults", ...keys];
    return here;
  };
  const modelOrigin = (role: "draft" | "final" | "judge"): PathSegment[] =>
    asset.models?.[role] !== undefined ? [...here, "models", role] : raw.models?.[role] !== undefined ? ["models", role] : here;

  if (asset.prompt.trim() === "") {
    errors.push({ path: [...here, "prompt"], message: "is only whitespace; every draft would be paid for a picture of nothing", fix: "describe the image, for example prompt: Minimal desert dunes at dusk, no text" });
  }
  if (FORBIDDEN_KEYS.has(asset.id)) {
    errors.push({ path: [...here, "id"], message: `'${asset.id}' cannot be an asset id (the lockfile keys its entries by id, and this name is reserved)`, fix: `rename it, for example id: ${asset.id}-image` });
  }
  const tier = asset.tier ?? defaults.tier ?? BUILTIN.tier;
  const batch = asset.batch ?? defaults.batch ?? BUILTIN.batch;
  const count = asset.count ?? defaults.count ?? BUILTIN.count;
  const aspectRatio = asset.aspectRatio ?? defaults.aspectRatio ?? BUILTIN.aspectRatio;
  const oversample = asset.oversample ?? defaults.oversample ?? BUILTIN.oversample;
  const draftSize = asset.draftSize ?? defaults.draftSize ?? BUILTIN.draftSize;
  const finalSize = asset.finalSize ?? defaults.finalSize ?? BUILTIN.finalSize;
  const reference = asset.reference ?? defaults.reference ?? BUILTIN.reference;
  const explicitAttempts = asset.maxAttempts ?? defaults.maxAttempts;
  const maxAttempts = explicitAttempts ?? Math.max(count, Math.ceil(count * oversample));
  const seedStart = asset.seed ?? defaultSeed(asset.id);
  const assetModels = {
    draft: asset.models?.draft ?? topModels.draft,
    final: asset.models?.final ?? topModels.final,
    judge: asset.models?.judge ?? topModels.judge,
  };

  // Models this tier calls, and the sizes it asks them for.
  const usesDraft = tier !== "final-only";
  const usesFinal = tier !== "draft-only";
  const draftModel = usesDraft ? models.use(assetModels.draft, "draft", modelOrigin("draft")) : undefined;
  const finalModel = usesFinal ? models.use(assetModels.final, "final", modelOrigin("final")) : undefined;
  if (draftModel?.kind === "image") models.size(draftModel, draftSize, "draftSize", sizeOrigin(origin("draftSize"), modelOrigin("draft")));
  if (finalModel?.kind === "image") models.size(finalModel, finalSize, "finalSize", sizeOrigin(origin("finalSize"), modelOrigin("final")));
  if (draftModel?.kind === "image") models.ratio(draftModel, aspectRatio, origin("aspectRatio"));
  if (finalModel?.kind === "image") models.ratio(finalModel, aspectRatio, origin("aspectRatio"));

  if (explicitAttempts !== undefined && explicitAttempts < count) {
    errors.push({
      path: origin("maxAttempts"),
      message: `is ${explicitAttempts}, fewer than count (${count}); the asset could never be finished`,
      fix: `set maxAttempts to at least ${count}, or lower count`,
    });
  }
  if (seedStart + maxAttempts - 1 > MAX_SEED) {
    errors.push({
      path: [...here, "seed"],
      message: `leaves no room for ${maxAttempts} attempts below ${MAX_SEED}, the largest seed the API takes`,
      fix: `use a seed below ${MAX_SEED - maxAttempts + 1}`,
    });
  }

  const screen = resolveScreen(asset, defaults, origin, errors);
  if (screen.judge) {
    if (!assetModels.judge) {
      errors.push({
        path: origin("screen", "judge"),
        message: "asks for a judge, but no judge model is set",
        fix: `add a judge model under models:, for example judge: ${SUGGESTED_JUDGE}, or remove the judge rule`,
      });
    } else {
      models.use(assetModels.judge, "judge", modelOrigin("judge"));
    }
  }
  // Screening looks at the draft (the final model's output when there is no draft tier).
  const screenedModel = (usesDraft ? draftModel : finalModel) as ImageModel | undefined;
  if (screenedModel?.kind === "image") {
    const screenedSize = usesDraft ? draftSize : finalSize;
    const { width, height } = pixelSize(aspectRatio, screenedSize);
    for (const [field, need, has] of [["minWidth", screen.minWidth, width], ["minHeight", screen.minHeight, height]] as const) {
      if (need > has) {
        errors.push({
          path: origin("screen", field),
          message: `is ${need}, but this asset's drafts are ${width}×${height} (${aspectRatio} at ${screenedSize}); every draft would fail`,
          fix: `lower ${field} to ${has} or less, or ${usesDraft ? "raise draftSize" : "raise finalSize"}`,
        });
      }
    }
  }

  const output = resolveOutput(asset, defaults, origin, here, count, errors);
  if (errors.length > errorsBefore) return undefined;
  return {
    id: asset.id,
    index,
    prompt: asset.prompt,
    count,
    out: asset.out,
    tier,
    batch,
    models: assetModels.judge ? { draft: assetModels.draft, final: assetModels.final, judge: assetModels.judge } : { draft: assetModels.draft, final: assetModels.final },
    aspectRatio,
    oversample,
    maxAttempts,
    draftSize,
    finalSize,
    reference,
    seedStart,
    screen,
    output,
  };
}

/** A size error points at the size when the user set one, else at the model that cannot make the built-in size. */
function sizeOrigin(sizePath: PathSegment[], modelPath: PathSegment[]): PathSegment[] {
  return sizePath[sizePath.length - 1] === "draftSize" || sizePath[sizePath.length - 1] === "finalSize" ? sizePath : modelPath;
}

function resolveScreen(asset: RawAsset, defaults: RawSettings, origin: (...keys: string[]) => PathSegment[], errors: Finding[]): ScreenRules {
  const merged = { ...BUILTIN.screen, ...withoutUndefined(defaults.screen), ...withoutUndefined(asset.screen) };
  const [low, high] = merged.brightness;
  if (low > high) {
    errors.push({
      path: origin("screen", "brightness"),
      message: `is [${low}, ${high}]: the low bound is above the high bound`,
      fix: `write it as [low, high], for example brightness: [${high}, ${low}]`,
    });
  }
  const judgeSetting = asset.screen?.judge !== undefined ? asset.screen.judge : defaults.screen?.judge;
  let judge: JudgeRule | undefined;
  if (judgeSetting === true) {
    errors.push({
      path: origin("screen", "judge"),
      message: "is true, but a judge needs a rubric",
      fix: 'write judge: { rubric: "Sharp, no text, no watermark", minScore: 7 }, or false for no judge',
    });
  } else if (judgeSetting && typeof judgeSetting === "object") {
    judge = { rubric: judgeSetting.rubric, minScore: judgeSetting.minScore ?? BUILTIN.judgeMinScore };
  }
  const rules: ScreenRules = {
    minWidth: merged.minWidth,
    minHeight: merged.minHeight,
    brightness: [low, high],
    minContrast: merged.minContrast,
    maxDuplicateDistance: merged.maxDuplicateDistance,
    aspectTolerance: merged.aspectTolerance,
  };
  if (judge) rules.judge = judge;
  return rules;
}

function resolveOutput(
  asset: RawAsset,
  defaults: RawSettings,
  origin: (...keys: string[]) => PathSegment[],
  here: PathSegment[],
  count: number,
  errors: Finding[],
): OutputSpec {
  const templateErrors = problemsOf(asset.out, count);
  for (const problem of templateErrors) errors.push({ path: [...here, "out"], ...problem });
  // The longest name the template can make (the largest n and seed) must still fit the file system.
  const longest = repositoryPathProblem(renderTemplate(asset.out, asset.id, count, MAX_SEED));
  if (!templateErrors.length && longest?.startsWith("has a name of")) {
    errors.push({ path: [...here, "out"], message: `makes a path that ${longest}`, fix: "shorten that part of the out template or the asset id" });
  }
  const fromExtension = formatFromTemplate(asset.out);
  const explicit = asset.output?.format;
  if (explicit && fromExtension && explicit !== fromExtension) {
    errors.push({
      path: [...here, "output", "format"],
      message: `is ${explicit}, but out ends in ${asset.out.slice(asset.out.lastIndexOf("."))}`,
      fix: "make them agree: drop output.format and let the extension decide, or change the extension",
    });
  }
  const merged = { ...withoutUndefined(defaults.output), ...withoutUndefined(asset.output) };
  const output: OutputSpec = {
    format: fromExtension ?? merged.format ?? BUILTIN.output.format,
    quality: merged.quality ?? BUILTIN.output.quality,
  };
  if (merged.width !== undefined) output.width = merged.width;
  if (merged.height !== undefined) output.height = merged.height;
  if (merged.fit !== undefined && (merged.width === undefined || merged.height === undefined)) {
    errors.push({
      path: origin("output", "fit"),
      message: `is ${merged.fit}, but fit only applies when both width and height are set`,
      fix: "set both output.width and output.height, or remove fit",
    });
  }
  if (output.width !== undefined && output.height !== undefined) output.fit = merged.fit ?? "cover";
  return output;
}

/** Every asset's outputs go to their own files, across the whole manifest. */
function checkDistinctPaths(assets: AssetSpec[], errors: Finding[]): void {
  // Case-insensitive: macOS and Windows checkouts would otherwise overwrite one file with another.
  const owners = new Map<string, { index: number; path: string }>();
  for (const asset of assets) {
    for (let n = 1; n <= asset.count; n++) {
      const path = renderTemplate(asset.out, asset.id, n, "{seed}");
      const key = path.toLowerCase();
      const owner = owners.get(key);
      if (owner && owner.index !== asset.index) {
        errors.push({
          path: ["assets", asset.index, "out"],
          message: `writes ${path}, which assets[${owner.index}] writes too`,
          fix: "give each asset its own file names, for example by putting {id} in out",
        });
        break;
      }
      owners.set(key, { index: asset.index, path });
    }
  }
}

function has(object: unknown, keys: string[]): boolean {
  let node = object;
  for (const key of keys) {
    if (!node || typeof node !== "object" || (node as Record<string, unknown>)[key] === undefined) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/** Templates repeat across assets (`art/{id}-{n}.webp`); each is checked once. */
const templateVerdicts = new Map<string, TemplateProblem[]>();
function problemsOf(template: string, count: number): TemplateProblem[] {
  const key = `${count > 1 ? "many" : "one"}|${template}`;
  let problems = templateVerdicts.get(key);
  if (!problems) {
    problems = templateProblems(template, count);
    // The message names the count; keep only verdicts that do not depend on it.
    if (problems.some((p) => p.message.includes("count is"))) return problems;
    templateVerdicts.set(key, problems);
  }
  return problems;
}

const EMPTY = Object.freeze({});
function withoutUndefined<T extends object>(value: T | undefined): Partial<T> {
  if (!value) return EMPTY as Partial<T>;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
