import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";
// @ts-expect-error: plain ESM build scripts without types
import { buildEntries } from "../../scripts/entries.mjs";
// @ts-expect-error: plain ESM build scripts without types
import { libvipsLibraries, licensesText, vendoredPackages } from "../../scripts/licenses.mjs";

const dist = join(repoRoot, "dist");
let fresh: string;
let out: string;

beforeAll(async () => {
  out = mkdtempSync(join(repoRoot, ".cache", "licenses-build-"));
  const built = (await buildEntries(out)) as { metafile: unknown };
  fresh = licensesText({ root: repoRoot, dist, metafile: built.metafile }) as string;
});

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("dist/licenses.txt", () => {
  it("holds the licence of every package bundled or vendored, and of every library inside libvips, with LGPL-3.0's full text", () => {
    expect(fresh).toMatch(/^---- @google\/genai@[\d.]+ — Apache-2\.0$/m);
    expect(fresh).toMatch(/^---- yaml@[\d.]+ — ISC$/m);
    for (const folder of vendoredPackages(dist) as string[]) {
      const name = (JSON.parse(readFileSync(join(dist, folder, "package.json"), "utf8")) as { name: string }).name;
      expect(fresh, name).toContain(`---- ${name}@`);
    }
    expect(fresh).toMatch(/^---- @img\/sharp-libvips-linux-x64@[\d.]+ — LGPL-3\.0-or-later$/m);
    const libraries = libvipsLibraries(repoRoot) as { name: string }[];
    expect(libraries.length).toBeGreaterThanOrEqual(25);
    for (const lib of libraries) expect(fresh, lib.name).toMatch(new RegExp(`^---- ${lib.name} — `, "m"));
    expect(fresh).toMatch(/GNU LESSER GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007/);
    expect(fresh).toMatch(/GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007/);
  });

  it("is what a fresh generation writes (npm run bundle regenerates it with dist/)", () => {
    const committed = join(dist, "licenses.txt");
    expect(existsSync(committed), "dist/licenses.txt is missing: run `npm run bundle` and commit dist/").toBe(true);
    expect(readFileSync(committed, "utf8") === fresh, "dist/licenses.txt is stale: run `npm run bundle` and commit dist/").toBe(true);
  });
});
