import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator } from "../../src/emulator/emulator.js";
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

  it("runs the Action's image work (in its tuned child) and writes the step's outputs and summary", async () => {
    const emulator = await startEmulator({ ...NO_FLAWS });
    const work = mkdtempSync(join(tmpdir(), "seedlock-plain-step-"));
    try {
      mkdirSync(join(work, "ws"));
      writeFileSync(join(work, "ws", "assets.yaml"), 'version: 1\nbudget: { maxUsd: 1 }\nassets:\n  - id: dune\n    prompt: Dunes at dusk, no text\n    count: 1\n    out: img/dune-{n}.webp\n');
      for (const f of ["output", "summary.md", "state"]) writeFileSync(join(work, f), "");
      writeFileSync(join(work, "event.json"), "{}");
      const r = await runNode(join(checkout, "dist", "main.js"), [], {
        cwd: join(work, "ws"),
        env: {
          PATH: process.env.PATH,
          HOME: work,
          GITHUB_ACTIONS: "true",
          GITHUB_OUTPUT: join(work, "output"),
          GITHUB_STEP_SUMMARY: join(work, "summary.md"),
          GITHUB_STATE: join(work, "state"),
          GITHUB_EVENT_PATH: join(work, "event.json"),
          GITHUB_EVENT_NAME: "workflow_dispatch",
          GITHUB_WORKSPACE: join(work, "ws"),
          GITHUB_REPOSITORY: "octo/site",
          RUNNER_TEMP: work,
          INPUT_COMMAND: "preview",
          INPUT_MANIFEST: "assets.yaml",
          "INPUT_API-KEY": "plain-checkout-key",
          "INPUT_BASE-URL": emulator.url,
          INPUT_COMMIT: "false",
        },
      });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(readFileSync(join(work, "output"), "utf8")).toMatch(/^drafts<</m);
      expect(readFileSync(join(work, "summary.md"), "utf8")).toContain("## seedlock preview");
    } finally {
      await emulator.close();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
