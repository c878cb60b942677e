import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { MemoryLogger } from "../../src/logger.js";
import { ceilingOf } from "../../src/manifest/ceiling.js";
import { loadManifest, repositoryRoot } from "../../src/manifest/load.js";
import { outputPath } from "../../src/manifest/out.js";
import { defaultSeed } from "../../src/manifest/resolve.js";
import { ASPECT_RATIOS, IMAGE_SIZES } from "../../src/models/catalog.js";
import { repoRoot } from "../support/cli.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A repository folder holding assets.yaml with `text`. */
function repoWith(text: string, options: { git?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "seedlock-manifest-"));
  dirs.push(dir);
  if (options.git !== false) mkdirSync(join(dir, ".git"));
  writeFileSync(join(dir, "assets.yaml"), text);
  return join(dir, "assets.yaml");
}

async function problems(text: string, now?: Date): Promise<string[]> {
  try {
    await loadManifest(repoWith(text), { displayPath: "assets.yaml", ...(now ? { now } : {}) });
  } catch (err) {
    if (err instanceof InputError) return err.message.split("\n");
    throw err;
  }
  return [];
}

const minimal = `version: 1
budget:
  maxUsd: 5
assets:
  - id: dunes
    prompt: Minimal desert dunes at dusk
    out: wallpapers/dunes.webp
`;

describe("defaults resolve into one spec per asset", () => {
  it("an asset with only id, prompt and out gets every built-in default", async () => {
    const m = await loadManifest(repoWith(minimal));
    const [a] = m.assets;
    expect(m.models).toEqual({ draft: "gemini-3.1-flash-lite-image", final: "gemini-nano-banana-2.1" });
    expect(m.concurrency).toBe(16);
    expect(m.rpm).toBeUndefined();
    expect(a).toMatchObject({
      id: "dunes",
      index: 0,
      count: 1,
      tier: "two-tier",
      aspectRatio: "1:1",
      oversample: 3,
      maxAttempts: 3,
      draftSize: "1K",
      finalSize: "1K",
      reference: true,
      seedStart: defaultSeed("dunes"),
      screen: { minWidth: 256, minHeight: 256, brightness: [20, 235], minContrast: 8, maxDuplicateDistance: 6, aspectTolerance: 0.03 },
      output: { format: "webp", quality: 90 },
      location: { line: 5, col: 5 },
    });
    expect(a!.screen.judge).toBeUndefined();
  });

  it("defaults apply to every asset and an asset's own setting wins, field by field", async () => {
    const m = await loadManifest(
      repoWith(`version: 1
models: { judge: gemini-3.6-flash }
budget: { maxUsd: 5 }
limits: { concurrency: 8, requestsPerMinute: 30 }
defaults:
  aspectRatio: "16:9"
  oversample: 2.5
  finalSize: 2K
  screen: { minContrast: 12, judge: { rubric: "No text" } }
  output: { quality: 70 }
assets:
  - id: dunes
    prompt: Dunes
    count: 4
    out: w/dunes-{n}.webp
  - id: hero
    prompt: Hero
    aspectRatio: "21:9"
    seed: 42
    screen: { minContrast: 4, judge: false }
    output: { width: 1600, height: 900 }
    out: public/hero.jpg
`),
    );
    const [dunes, hero] = m.assets;
    expect(m.concurrency).toBe(8);
    expect(m.rpm).toBe(30);
    expect(dunes).toMatchObject({ aspectRatio: "16:9", finalSize: "2K", oversample: 2.5, maxAttempts: 10, screen: { minContrast: 12, judge: { rubric: "No text", minScore: 7 } } });
    expect(dunes!.output).toEqual({ format: "webp", quality: 70 });
    expect(hero).toMatchObject({ aspectRatio: "21:9", seedStart: 42, maxAttempts: 3, screen: { minContrast: 4 } });
    expect(hero!.screen.judge).toBeUndefined();
    // The extension decides the format; fit defaults to cover once both sides are given.
    expect(hero!.output).toEqual({ format: "jpeg", quality: 70, width: 1600, height: 900, fit: "cover" });
  });

  it("maxAttempts defaults to count × oversample, never below count", async () => {
    const m = await loadManifest(repoWith(minimal.replace("    out:", "    count: 5\n    oversample: 1.1\n    out:").replace("dunes.webp", "dunes-{n}.webp")));
    expect(m.assets[0]!.maxAttempts).toBe(6);
  });

  it("the default first seed is a stable 31-bit number derived from the id", () => {
    expect(defaultSeed("dunes")).toBe(defaultSeed("dunes"));
    expect(defaultSeed("dunes")).not.toBe(defaultSeed("hero"));
    for (const id of ["a", "dunes", "hero-banner", "x".repeat(64)]) {
      expect(defaultSeed(id)).toBeGreaterThanOrEqual(0);
      expect(defaultSeed(id)).toBeLessThan(2 ** 31);
    }
  });

  it("the example manifest that ships with seedlock loads cleanly", async () => {
    const logger = new MemoryLogger();
    const m = await loadManifest(join(repoRoot, "examples", "assets.yaml"), { logger });
    expect(m.assets.map((a) => a.tier)).toEqual(["two-tier", "two-tier", "final-only", "draft-only"]);
    expect(logger.lines.filter((l) => l.level === "warn")).toEqual([]);
  });
});

describe("outputPath fills the out template", () => {
  it("{n} counts from 1, {id} and {seed} are filled in", async () => {
    const m = await loadManifest(repoWith(minimal.replace("wallpapers/dunes.webp", "art/{id}/{n}-{seed}.webp")));
    expect(outputPath(m.assets[0]!, 1, 77)).toBe("art/dunes/1-77.webp");
    expect(outputPath(m.assets[0]!, 3, 12)).toBe("art/dunes/3-12.webp");
  });
});

describe("the repository root bounds every output", () => {
  it("is the nearest folder above the manifest that holds .git", () => {
    const file = repoWith(minimal);
    const dir = join(file, "..");
    mkdirSync(join(dir, "design", "assets"), { recursive: true });
    expect(repositoryRoot(join(dir, "design", "assets", "assets.yaml"))).toBe(dir);
  });

  it("is the manifest's folder when no .git is found", () => {
    const file = repoWith(minimal, { git: false });
    expect(repositoryRoot(file)).toBe(join(file, ".."));
  });

  it("a symlinked folder that stays inside the repository is allowed", async () => {
    const file = repoWith(minimal.replace("wallpapers/dunes.webp", "linked/dunes.webp"));
    const dir = join(file, "..");
    mkdirSync(join(dir, "real"));
    symlinkSync(join(dir, "real"), join(dir, "linked"));
    await expect(loadManifest(file)).resolves.toBeDefined();
  });

  it("a folder several levels up that links out of the repository is refused", async () => {
    const file = repoWith(minimal.replace("wallpapers/dunes.webp", "shared/art/new/dunes.webp"));
    const dir = join(file, "..");
    const outside = mkdtempSync(join(tmpdir(), "seedlock-outside-"));
    dirs.push(outside);
    symlinkSync(outside, join(dir, "shared"));
    await expect(loadManifest(file, { displayPath: "assets.yaml" })).rejects.toThrow(
      /assets\.yaml:7:10: assets\[0\]\.out writes shared\/art\/new\/dunes\.webp through a symlink that leads out of the repository/,
    );
  });
});

describe("every problem is reported at once, in file order", () => {
  it("schema and semantic problems in different assets come together", async () => {
    const lines = await problems(`version: 1
budget:
  maxUsd: 5
  warnUsd: 6
assets:
  - id: dunes
    prompt: Dunes
    count: 0
    out: a.webp
  - id: hero
    prompt: Hero
    count: 2
    out: hero.png
  - id: hero
    prompt: Again
    out: /tmp/x.png
`);
    expect(lines).toEqual([
      expect.stringMatching(/^assets\.yaml:4:12: budget\.warnUsd is 6, above budget\.maxUsd/),
      expect.stringMatching(/^assets\.yaml:8:12: assets\[0\]\.count must be an integer ≥ 1, not 0/),
      expect.stringMatching(/^assets\.yaml:13:10: assets\[1\]\.out must contain \{n\} because count is 2/),
      expect.stringMatching(/^assets\.yaml:14:9: assets\[2\]\.id 'hero' is already the id of assets\[1\]/),
      expect.stringMatching(/^assets\.yaml:16:10: assets\[2\]\.out is an absolute path/),
    ]);
  });

  it("a missing manifest says where it looked and what to do", async () => {
    await expect(loadManifest(join(tmpdir(), "no-such-dir", "assets.yaml"), { displayPath: "assets.yaml" })).rejects.toThrow(
      /assets\.yaml: no such manifest \(create it .* or pass --manifest PATH\)/,
    );
  });

  it("an error is an InputError that exits 2", async () => {
    const err = await loadManifest(repoWith("version: 1\n"), { displayPath: "assets.yaml" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(2);
    expect((err as InputError).diagnostics).toHaveLength(1);
    expect((err as InputError).message).toBe("assets.yaml:1:1: the manifest needs 'budget' and 'assets' (for example budget: { maxUsd: 5 })");
  });
});

describe("models can only do what the catalog says", () => {
  it("Lite asked for 2K lists the sizes it makes and the models that make 2K", async () => {
    const [line] = await problems(minimal.replace("assets:", "defaults:\n  draftSize: 2K\nassets:"));
    expect(line).toBe(
      "assets.yaml:5:14: defaults.draftSize is 2K, but gemini-3.1-flash-lite-image makes 1K only (set draftSize: 1K, or draft on a model that makes 2K: gemini-nano-banana-2.1, gemini-3.1-flash-image, gemini-3-pro-image)",
    );
  });

  it("a draft-only asset is not held to the final model's sizes, and a final-only one not to the draft's", async () => {
    await expect(
      loadManifest(
        repoWith(`version: 1
budget: { maxUsd: 5 }
models: { final: gemini-3-pro-image }
defaults: { finalSize: "512" }
assets:
  - { id: icon, prompt: Icon, tier: draft-only, out: icon.webp }
`),
      ),
    ).resolves.toBeDefined();
    const [line] = await problems(`version: 1
budget: { maxUsd: 5 }
defaults: { draftSize: 4K }
assets:
  - { id: hero, prompt: Hero, tier: final-only, finalSize: 4K, out: hero.png }
`);
    expect(line).toBeUndefined();
  });
});

describe("a model past its shutdown date fails; before it, warns with the date and the replacement", () => {
  const usingRetiring = minimal.replace("budget:", "models:\n  final: gemini-2.5-flash-image\nbudget:");

  it("before the date: a warning with file:line naming the date and the replacement", async () => {
    const logger = new MemoryLogger();
    const m = await loadManifest(repoWith(usingRetiring), { now: new Date("2026-09-22T12:00:00Z"), logger, displayPath: "assets.yaml" });
    expect(m.models.final).toBe("gemini-2.5-flash-image");
    const warnings = logger.lines.filter((l) => l.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toMatch(/models\.final names 'gemini-2\.5-flash-image', which shuts down on 2026-10-02 \(in 10 days\)/);
    // Its announced replacement (a preview) was itself retired on 2026-06-25; the message names the model that answers.
    expect(warnings[0]!.message).toMatch(/move to 'gemini-nano-banana-2\.1' before then/);
    expect(warnings[0]!.location).toEqual({ file: "assets.yaml", line: 3, col: 10 });
  });

  it("on and after the date: an error naming the replacement", async () => {
    const [line] = await problems(usingRetiring, new Date("2026-10-02T00:00:00Z"));
    expect(line).toBe("assets.yaml:3:10: models.final names 'gemini-2.5-flash-image', which was shut down on 2026-10-02 (use 'gemini-nano-banana-2.1' instead)");
  });

  it("a replacement that still answers is named as announced", async () => {
    const logger = new MemoryLogger();
    await loadManifest(repoWith(minimal.replace("budget:", "models:\n  final: gemini-3-pro-image-preview\nbudget:")), { now: new Date("2026-06-01T00:00:00Z"), logger });
    expect(logger.text()).toMatch(/shuts down on 2026-06-25 \(in 24 days\).*move to 'gemini-3-pro-image'/);
  });
});

describe("the shipped JSON Schema agrees with the model catalog", () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, "schema", "manifest.v1.json"), "utf8"));
  it("lists the same aspect ratios and sizes", () => {
    expect(schema.definitions.aspectRatio.enum).toEqual([...ASPECT_RATIOS]);
    expect(schema.definitions.size.enum).toEqual([...IMAGE_SIZES]);
  });
});

describe("the budget ceiling is the lower of the manifest's and the flag's", () => {
  it("the flag can lower the ceiling but never raise it", async () => {
    const m = await loadManifest(repoWith(minimal));
    expect(ceilingOf(m, undefined)).toEqual({ usd: 5, source: "budget.maxUsd" });
    expect(ceilingOf(m, 2)).toEqual({ usd: 2, source: "--max-budget-usd" });
    expect(ceilingOf(m, 50)).toEqual({ usd: 5, source: "budget.maxUsd" });
  });
});
