import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { InputError, type Diagnostic } from "../errors.js";
import { NullLogger, type Logger } from "../logger.js";
import { displayPathFor, PathRefusedError, RepositoryFolder } from "../disk/repository-path.js";
import { outputPath } from "./out.js";
import { resolveManifest, BUILTIN, type RawAsset, type RawManifest } from "./resolve.js";
import { schemaFindings } from "./schema.js";
import type { Manifest } from "./spec.js";
import { readFastYaml } from "../yaml/fast-reader.js";
import { YamlSource, type Finding } from "../yaml/source.js";

export interface LoadOptions {
  /** The clock that decides whether a model has been shut down. */
  now?: Date;
  logger?: Logger;
  /** How messages name the file; default: relative to the working directory when inside it. */
  displayPath?: string;
}

/**
 * Reads, validates and resolves a manifest. Throws InputError carrying every problem found, each
 * as `file:line:col: path what is wrong (what to do)`; warnings (a model shutting down soon) go
 * to the logger with their location.
 */
export async function loadManifest(path: string, options: LoadOptions = {}): Promise<Manifest> {
  const file = resolve(path);
  const display = options.displayPath ?? displayPathFor(file);
  const logger = options.logger ?? new NullLogger();
  const now = options.now ?? new Date();

  let text: string;
  try {
    // Read only once its real place is known to be inside the repository it names.
    text = (await new RepositoryFolder(repositoryRoot(file)).readFile(file)).toString("utf8");
  } catch (err) {
    if (err instanceof PathRefusedError) {
      throw new InputError([{ message: `${display}: ${err.message.slice(err.path.length + 1)}`, fix: "point --manifest (or the manifest input) at a real file inside the repository" }]);
    }
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError([
      {
        message: code === "ENOENT" ? `${display}: no such manifest` : `${display}: cannot be read (${code ?? (err as Error).message})`,
        fix: code === "ENOENT" ? "create it (examples/assets.yaml is a start) or pass --manifest PATH" : "check the path and its permissions",
      },
    ]);
  }

  // The fast reader handles what people usually write; the general parser everything else, and
  // every message's position (it runs only when there is something to say).
  const fast = readFastYaml(text);
  let parsed: YamlSource | undefined;
  const source = (): YamlSource => (parsed ??= new YamlSource(text, display, { lineFix: outTemplateFix }));
  let data: unknown;
  if (fast) {
    data = fast.data;
  } else {
    if (source().syntax.length) throw new InputError(source().syntax);
    for (const warning of source().warnings) logger.warn(warning.message, warning.location);
    data = source().toData();
  }
  if (data === null || data === undefined) {
    throw new InputError([{ location: { file: display, line: 1, col: 1 }, message: "the manifest is empty", fix: "start with version: 1, budget: and assets:, as examples/assets.yaml does" }]);
  }

  const schemaProblems = schemaFindings(data);
  if (!isMapping(data)) throw new InputError(sorted(schemaProblems.map((f) => source().diagnostic(f))));
  // Semantic checks run on every part the schema passed, so one pass reports as much as it can.
  const broken = (key: string | number, index?: number) =>
    schemaProblems.some((f) => f.path[0] === key && (index === undefined || f.path[1] === index));
  const raw = data as unknown as RawManifest;
  const errors: Finding[] = [...schemaProblems];
  const warnings: Finding[] = [];
  const assetsUsable = Array.isArray(raw.assets) && !broken("defaults") && !broken("models");
  const validAssets = assetsUsable
    ? raw.assets.map((asset, index) => [index, asset] as [number, RawAsset]).filter(([index]) => !broken("assets", index))
    : [];
  const resolved = resolveManifest(
    {
      ...raw,
      models: broken("models") ? undefined : raw.models,
      pricing: broken("pricing") ? undefined : raw.pricing,
      budget: isMapping(raw.budget) && !broken("budget") ? raw.budget : undefined,
    },
    validAssets,
    now,
  );
  errors.push(...resolved.errors);
  warnings.push(...resolved.warnings);
  if (assetsUsable) errors.push(...brokenAssetFindings(raw, schemaProblems, now));
  const manifest: Manifest = {
    file,
    displayFile: display,
    root: repositoryRoot(file),
    version: 1,
    models: resolved.models,
    pricing: resolved.pricing,
    budget: raw.budget?.warnUsd !== undefined ? { maxUsd: raw.budget.maxUsd, warnUsd: raw.budget.warnUsd } : { maxUsd: raw.budget?.maxUsd },
    concurrency: raw.limits?.concurrency ?? BUILTIN.concurrency,
    ...(raw.limits?.requestsPerMinute !== undefined ? { rpm: raw.limits.requestsPerMinute } : {}),
    assets: resolved.assets,
  };
  errors.push(...(await symlinkFindings(manifest)));

  for (const warning of warnings) {
    const d = source().diagnostic(warning);
    logger.warn(`${d.path ? `${d.path} ` : ""}${d.message}${d.fix ? ` (${d.fix})` : ""}`, d.location);
  }
  if (errors.length) throw new InputError(sorted(errors.map((f) => source().diagnostic(f))));
  for (const asset of manifest.assets) {
    const start = fast?.starts.get(raw.assets[asset.index] as object);
    asset.location = start ? { file: display, ...start } : source().locate(["assets", asset.index]);
  }
  return manifest;
}

/**
 * Outputs whose existing parent folders are symlinks leading out of the repository. Seeds are not
 * known before a run: folders named by a seed are checked again before each draft, and every
 * write checks its folder at the moment it happens (src/disk/repository-path.ts).
 */
async function symlinkFindings(manifest: Manifest): Promise<Finding[]> {
  const repository = new RepositoryFolder(manifest.root);
  const verdicts = new Map<string, string | undefined>();
  const findings = await Promise.all(
    manifest.assets.map(async (asset): Promise<Finding | undefined> => {
      for (let n = 1; n <= asset.count; n++) {
        const path = outputPath(asset, n, asset.seedStart + n - 1);
        const folder = dirname(join(manifest.root, path));
        if (!verdicts.has(folder)) verdicts.set(folder, repository.escapeOf(folder));
        const target = verdicts.get(folder);
        if (target) {
          return {
            path: ["assets", asset.index, "out"],
            message: `writes ${path} through a symlink that leads out of the repository (to ${target})`,
            fix: "point out at a real folder inside the repository, or replace the symlink with a folder",
          };
        }
      }
      return undefined;
    }),
  );
  return findings.filter((f): f is Finding => f !== undefined);
}

/** Stand-ins for required fields an asset lacks or got wrong, so its other fields can still be checked. */
const STAND_INS: Partial<RawAsset> = { id: "asset", prompt: "an image", out: "asset-{n}.webp" };

/**
 * The semantic problems of assets the schema refused, found in the same pass: each field the
 * schema refused is left out (or stood in for), the rest is checked, and only findings about
 * fields the user wrote are kept. So one run names every problem, not one more per rerun.
 */
function brokenAssetFindings(raw: RawManifest, schemaProblems: Finding[], now: Date): Finding[] {
  const findings: Finding[] = [];
  raw.assets.forEach((asset, index) => {
    const own = schemaProblems.filter((f) => f.path[0] === "assets" && f.path[1] === index);
    if (!own.length || !isMapping(asset)) return;
    // A problem at the asset itself (a missing key) leaves its fields usable; one deeper spoils that field.
    const spoiled = new Set(own.filter((f) => f.path.length > 2 && f.at !== "key").map((f) => String(f.path[2])));
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(asset)) if (!spoiled.has(key) && Object.hasOwn(STAND_INS, key) === false) kept[key] = value;
    const stoodIn = new Set<string>();
    for (const [key, standIn] of Object.entries(STAND_INS)) {
      const value = (asset as unknown as Record<string, unknown>)[key];
      if (typeof value === "string" && value !== "" && !spoiled.has(key)) kept[key] = value;
      else {
        kept[key] = standIn;
        stoodIn.add(key);
      }
    }
    let result;
    try {
      result = resolveManifest({ ...raw, budget: undefined }, [[index, kept as unknown as RawAsset]], now);
    } catch {
      return; // A field the schema refused in a way the stand-ins did not cover: its schema message is enough.
    }
    for (const finding of result.errors) {
      const [first, at, field] = finding.path;
      if (first !== "assets" || at !== index) continue;
      if (field !== undefined && (stoodIn.has(String(field)) || spoiled.has(String(field)))) continue;
      if (field === undefined && stoodIn.size) continue;
      // The stand-in out's extension says nothing about the user's output settings.
      if (field === "output" && stoodIn.has("out")) continue;
      findings.push(finding);
    }
  });
  return findings;
}

/** The nearest folder above the manifest that holds `.git`, else the manifest's own folder. */
export function repositoryRoot(manifestFile: string): string {
  const start = dirname(manifestFile);
  for (let dir = start; ; ) {
    if (existsSync(join(dir, ".git"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return start;
    dir = parent;
  }
}

/** `{n}` unquoted inside a `{ … }` mapping is the commonest way to break a manifest. */
function outTemplateFix(line: string): string | undefined {
  return /\{\s*[^}]*\{(n|id|seed)\}/.test(line) ? 'quote the out template, for example out: "wallpapers/dunes-{n}.webp"; unquoted braces are YAML syntax' : undefined;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sorted(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.col ?? 0) - (b.location?.col ?? 0));
}
