import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GitCli } from "../../src/action/git.js";
import { pushContactSheets } from "../../src/action/previews.js";
import type { AssetReport, RunReport } from "../../src/run-report.js";
import { TestRepo } from "../support/git-repo.js";

let cleanup: (() => void)[] = [];
afterEach(() => {
  cleanup.forEach((f) => f());
  cleanup = [];
});

function reportWith(sheets: Record<string, string>): RunReport {
  const dir = mkdtempSync(join(tmpdir(), "seedlock-report-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "sheets"));
  const assets: AssetReport[] = Object.entries(sheets).map(([id, content]) => {
    writeFileSync(join(dir, "sheets", `${id}.png`), content);
    return { id, status: "done", drafts: 3, accepted: 1, rejectedDrafts: 0, rejected: {}, regenerated: 0, rendered: 0, spentUsd: 0.1, estimatedUsd: 0.2, outputs: [], contactSheet: `sheets/${id}.png` };
  });
  return { command: "preview", spentUsd: 0.1, estimatedUsd: 0.2, ceilingUsd: 1, drafts: 3, accepted: 1, rendered: 0, acceptRate: 1 / 3, regenRate: 0, costPerAcceptedDraftUsd: null, rejectedDrafts: 0, costPerImageUsd: 0.1, changedAssets: [], assets, reportDir: dir, exitCode: 0 };
}

describe("contact sheets for a pull-request comment", () => {
  it("land in the pull request's folder on the previews branch, linked by commit so the comment never shows stale images", async () => {
    const repo = TestRepo.create({ "assets.yaml": "version: 1\n" });
    cleanup.push(() => repo.remove());
    const ws = repo.clone("ws");
    const target = { pullRequest: 7, headSha: "c0ffee".padEnd(40, "0"), serverUrl: "http://git.example", owner: "octo", repo: "site" };

    const first = await pushContactSheets(new GitCli(ws.dir), reportWith({ dunes: "sheet-1", hero: "sheet-h" }), target);
    const tip1 = repo.originGit("rev-parse", "seedlock-previews");
    expect(first.get("dunes")).toBe(`http://git.example/octo/site/raw/${tip1}/pr-7/dunes.png`);
    expect(repo.originGit("ls-tree", "-r", "--name-only", "seedlock-previews").split("\n")).toEqual(["pr-7/dunes.png", "pr-7/hero.png"]);
    // The previews branch shares no history with main.
    expect(repo.originGit("log", "--format=%s", "seedlock-previews")).toBe("seedlock previews for #7 at c0ffee0");

    const second = await pushContactSheets(new GitCli(ws.dir), reportWith({ dunes: "sheet-2" }), target);
    const tip2 = repo.originGit("rev-parse", "seedlock-previews");
    expect(tip2).not.toBe(tip1);
    expect(second.get("dunes")).toContain(`/raw/${tip2}/pr-7/dunes.png`);
    expect(repo.originGit("ls-tree", "-r", "--name-only", "seedlock-previews")).toBe("pr-7/dunes.png");
    expect(repo.originGit("show", "seedlock-previews:pr-7/dunes.png")).toBe("sheet-2");
    // The branch the work happens on is untouched.
    expect(repo.originGit("ls-tree", "-r", "--name-only", "main")).toBe("assets.yaml");
  });
});
