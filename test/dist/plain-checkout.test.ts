import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot, runNode } from "../support/cli.js";

// The Actions runner runs dist/ from a plain checkout: no npm install, nothing above it to resolve from.
const checkout = mkdtempSync(join(tmpdir(), "seedlock-plain-"));
cpSync(join(repoRoot, "dist"), join(checkout, "dist"), { recursive: true });
cpSync(join(repoRoot, "examples"), join(checkout, "examples"), { recursive: true });
cpSync(join(repoRoot, "schema"), join(checkout, "schema"), { recursive: true });
afterAll(() => rmSync(checkout, { recursive: true, force: true }));

describe("the committed dist/ runs from a checkout with no node_modules", () => {
  it("has no node_modules beside or above it to lean on", () => {
    expect(readdirSync(checkout).sort()).toEqual(["dist", "examples", "schema"]);
  });

  it("plans the example manifest", async () => {
    const r = await runNode(join(checkout, "dist", "cli.js"), ["plan", "--manifest", "examples/assets.yaml", "--json"], { cwd: checkout });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { estimatedUsd: number; assets: unknown[] };
    expect(report.assets).toHaveLength(4);
    expect(report.estimatedUsd).toBeGreaterThan(0);
  });

  it("decodes, screens and writes images with the sharp it carries (the demo)", async () => {
    const r = await runNode(join(checkout, "dist", "cli.js"), ["demo"], { cwd: checkout });
    expect(r.code, r.stderr).toBe(0);
    const icon = await sharp(join(checkout, "seedlock-demo", "public", "icons", "seed-1.webp")).metadata();
    expect([icon.format, icon.width, icon.height]).toEqual(["webp", 256, 256]);
  });
});
