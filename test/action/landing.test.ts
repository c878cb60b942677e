import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitCli } from "../../src/action/git.js";
import { commitMessage, draftsWanted, land, landingFiles, type LandingPlan } from "../../src/action/landing.js";
import { formatLockfile, parseLockfile } from "../../src/lock/file.js";
import type { AssetLock, Lockfile } from "../../src/lock/types.js";
import type { RunReport } from "../../src/run-report.js";
import { TestRepo } from "../support/git-repo.js";

function entry(id: string, outputs: string[], accepted: number[] = []): AssetLock {
  return {
    inputHash: `sha256:${createHash("sha256").update(id).digest("hex")}`,
    prompt: `a ${id}`,
    models: { draft: "gemini-3.1-flash-lite-image", final: "gemini-3.1-flash-image" },
    seeds: [
      ...outputs.map((_, i) => ({ seed: 100 + i, model: "gemini-3.1-flash-lite-image", status: "rendered" as const, costUsd: 0.0336 })),
      ...accepted.map((seed) => ({ seed, model: "gemini-3.1-flash-lite-image", status: "accepted" as const, draft: `.seedlock/drafts/${id}/${seed}.jpg`, costUsd: 0.0336 })),
    ],
    outputs: outputs.map((path, i) => ({ path, sha256: "0".repeat(64), seed: 100 + i, model: "gemini-3.1-flash-image", width: 64, height: 64, bytes: 10 })),
    spentUsd: 0.1,
  };
}
function lockfile(assets: Record<string, AssetLock>): string {
  const lock: Lockfile = { version: 1, stats: { drafts: 0, accepted: 0, rejected: 0, regenerated: 0, rendered: 0, spentUsd: 0 }, assets };
  return formatLockfile(lock);
}

let repos: TestRepo[] = [];
afterEach(() => {
  repos.forEach((r) => r.remove());
  repos = [];
});

function setUp() {
  const repo = TestRepo.create({ "assets.yaml": "version: 1\n", "assets.lock.yaml": lockfile({}), "README.md": "hi\n" });
  repos.push(repo);
  return repo;
}
const plan = (top: string, startedFrom: string): LandingPlan => ({ top, lockfile: "assets.lock.yaml", branch: "main", kind: "push", startedFrom, command: "run" });

describe("what a run commits", () => {
  it("is the lockfile, the outputs it lists and the accepted drafts awaiting a render — nothing else in the workspace", async () => {
    const repo = setUp();
    const ws = repo.clone("ws");
    const startedFrom = ws.git("rev-parse", "HEAD");
    ws.write({
      "assets.lock.yaml": lockfile({ dunes: entry("dunes", ["out/dunes-1.webp", "out/dunes-2.webp"], [7]) }),
      "out/dunes-1.webp": "1",
      "out/dunes-2.webp": "2",
      ".seedlock/drafts/dunes/7.jpg": "draft 7",
      ".seedlock/drafts/dunes/8.jpg": "a rejected draft nobody listed",
      ".seedlock/report/report.html": "<html>",
      "README.md": "edited\n",
    });
    const files = await landingFiles(new GitCli(ws.dir), plan(ws.dir, startedFrom));
    expect(files.map((f) => [f.path, f.source !== null])).toEqual([
      ["assets.lock.yaml", true],
      ["out/dunes-1.webp", true],
      ["out/dunes-2.webp", true],
      [".seedlock/drafts/dunes/7.jpg", true],
    ]);
  });

  it("leaves out spare accepted drafts of an asset that already has its count, after a run", async () => {
    const repo = setUp();
    const ws = repo.clone("ws");
    ws.write({
      "assets.lock.yaml": lockfile({ dunes: entry("dunes", ["out/dunes-1.webp"], [7]), hero: entry("hero", [], [9]) }),
      "out/dunes-1.webp": "1",
      ".seedlock/drafts/dunes/7.jpg": "spare",
      ".seedlock/drafts/hero/9.jpg": "awaiting its render",
    });
    const report = { command: "run", assets: [{ id: "dunes", status: "done" }, { id: "hero", status: "budget" }] } as unknown as RunReport;
    const files = await landingFiles(new GitCli(ws.dir), plan(ws.dir, ws.git("rev-parse", "HEAD")), draftsWanted(report));
    expect(files.map((f) => f.path)).toEqual(["assets.lock.yaml", "out/dunes-1.webp", ".seedlock/drafts/hero/9.jpg"]);
    const preview = { ...report, command: "preview" } as RunReport;
    expect((await landingFiles(new GitCli(ws.dir), plan(ws.dir, ws.git("rev-parse", "HEAD")), draftsWanted(preview))).map((f) => f.path)).toContain(".seedlock/drafts/dunes/7.jpg");
  });

  it("removes a committed draft once its seed is rendered", async () => {
    const repo = setUp();
    const ws = repo.clone("ws");
    ws.commit({ "assets.lock.yaml": lockfile({ dunes: entry("dunes", [], [100]) }), ".seedlock/drafts/dunes/100.jpg": "d" }, "preview recorded a seed");
    const startedFrom = ws.git("rev-parse", "HEAD");
    ws.write({ "assets.lock.yaml": lockfile({ dunes: entry("dunes", ["out/dunes-1.webp"]) }), "out/dunes-1.webp": "1" });
    const files = await landingFiles(new GitCli(ws.dir), plan(ws.dir, startedFrom));
    expect(files).toContainEqual({ path: ".seedlock/drafts/dunes/100.jpg", source: null });
  });

  it("has a subject naming the assets and a body with what each got", () => {
    const report = {
      command: "run", spentUsd: 0.5, ceilingUsd: 10, changedAssets: ["dunes", "hero"],
      assets: [
        { id: "dunes", rendered: 2, accepted: 2, drafts: 5, spentUsd: 0.3 },
        { id: "hero", rendered: 1, accepted: 1, drafts: 2, spentUsd: 0.2 },
        { id: "logo", rendered: 0, accepted: 0, drafts: 0, spentUsd: 0 },
      ],
    } as unknown as RunReport;
    const p = plan("/w", "abc");
    expect(commitMessage(p, report, false)).toBe(
      "seedlock: regenerate dunes, hero\n\n- dunes: 2 rendered, 2 accepted of 5 drafts, $0.3000\n- hero: 1 rendered, 1 accepted of 2 drafts, $0.2000\n\nSpent $0.5000 of a $10.00 ceiling.\n",
    );
    expect(commitMessage({ ...p, subject: "chore(assets): {assets}" }, report, false).split("\n")[0]).toBe("chore(assets): dunes, hero");
  });
});

describe("two runs pushing to one branch", () => {
  it("both land, and the lockfile on origin holds both runs' assets, merged by the lock module", async () => {
    const repo = setUp();
    const a = repo.clone("a");
    const b = repo.clone("b");
    const startedFrom = a.git("rev-parse", "HEAD");
    a.write({ "assets.lock.yaml": lockfile({ dunes: entry("dunes", ["out/dunes-1.webp"]) }), "out/dunes-1.webp": "d" });
    b.write({ "assets.lock.yaml": lockfile({ hero: entry("hero", ["out/hero.png"]) }), "out/hero.png": "h" });

    const [la, lb] = await Promise.all([
      land(new GitCli(a.dir), plan(a.dir, startedFrom), undefined),
      land(new GitCli(b.dir), plan(b.dir, startedFrom), undefined),
    ]);

    expect(la?.commit && lb?.commit).toBeTruthy();
    const merged = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    expect(Object.keys(merged.assets).sort()).toEqual(["dunes", "hero"]);
    expect(repo.originGit("ls-tree", "-r", "--name-only", "main").split("\n")).toEqual(expect.arrayContaining(["out/dunes-1.webp", "out/hero.png"]));
    expect(repo.originGit("rev-list", "--count", "main")).toBe("3");
    // Exactly one of them lost the race, and its work tree now holds the other's output too.
    const merged2 = [la, lb].filter((l) => l && "merged" in l && l.merged);
    expect(merged2).toHaveLength(1);
    const second = la && "merged" in la && la.merged ? a : b;
    expect(second.git("status", "--porcelain")).toBe("");
    expect(readFileSync(join(second.dir, "out/hero.png"), "utf8") + readFileSync(join(second.dir, "out/dunes-1.webp"), "utf8")).toBe("hd");
  });
});
