import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { parseLockfile } from "../../src/lock/file.js";
import { builtCli, seedlock, STACK_LINE } from "../support/cli.js";
import { gitEnv } from "../support/git-repo.js";

const manifest = (dunes: string, tide: string) => `version: 1
budget: { maxUsd: 2 }
defaults: { finalSize: "1K", screen: { minWidth: 256, minHeight: 256 } }
assets:
  - { id: dunes, prompt: "${dunes}", count: 1, out: "art/dunes.webp" }
  - { id: tide, prompt: "${tide}", count: 1, out: "art/tide.webp" }
`;

let emulator: RunningEmulator;
let root: string;
let env: NodeJS.ProcessEnv;

function git(dir: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd: dir, env, encoding: "utf8" });
}

async function run(dir: string): Promise<void> {
  const ran = await seedlock(["run", "--base-url", emulator.url], { cwd: dir, env: { ...env, GEMINI_API_KEY: "k" } });
  expect(ran.code, ran.stderr).toBe(0);
}

/** main with both assets generated, then two branches that each regenerate a different asset, paid for. */
async function divergedRepo(name: string): Promise<string> {
  const dir = join(root, name);
  execFileSync("git", ["init", "-q", "-b", "main", dir], { env });
  writeFileSync(join(dir, "assets.yaml"), manifest("Dunes at dusk", "Tide pools at noon"));
  await run(dir);
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "assets");
  git(dir, "checkout", "-qb", "dunes-change");
  writeFileSync(join(dir, "assets.yaml"), manifest("Dunes at dawn", "Tide pools at noon"));
  await run(dir);
  git(dir, "commit", "-qam", "dunes at dawn");
  git(dir, "checkout", "-q", "main");
  git(dir, "checkout", "-qb", "tide-change");
  writeFileSync(join(dir, "assets.yaml"), manifest("Dunes at dusk", "Tide pools at night"));
  await run(dir);
  git(dir, "commit", "-qam", "tide at night");
  return dir;
}

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 1, randomSeed: 5, corruptRate: 0 });
  root = mkdtempSync(join(tmpdir(), "seedlock-merge-lock-"));
  env = gitEnv(join(root, "home"));
});

afterAll(async () => {
  await emulator?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("a lockfile that two branches changed", () => {
  it("left with conflict markers, is refused with a pointer to merge-lock (not 'delete it'), which merges it asset by asset", async () => {
    const dir = await divergedRepo("by-hand");
    const ours = parseLockfile(git(dir, "show", "HEAD:assets.lock.yaml"), "ours");
    const theirs = parseLockfile(git(dir, "show", "dunes-change:assets.lock.yaml"), "theirs");
    const merge = spawnSync("git", ["merge", "-q", "dunes-change", "-m", "merge"], { cwd: dir, env, encoding: "utf8" });
    expect(merge.status).not.toBe(0);
    // The manifest conflicts too; take the union a person would write.
    writeFileSync(join(dir, "assets.yaml"), manifest("Dunes at dawn", "Tide pools at night"));
    expect(readFileSync(join(dir, "assets.lock.yaml"), "utf8")).toMatch(/^<<<<<<< /m);

    const refused = await seedlock(["plan"], { cwd: dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/assets\.lock\.yaml:\d+:1: holds git conflict markers/);
    expect(refused.stderr).toContain("run `seedlock merge-lock`");
    expect(refused.stderr).not.toMatch(/delete it/);
    expect(refused.stderr).not.toMatch(STACK_LINE);

    const merged = await seedlock(["merge-lock"], { cwd: dir, env });
    expect(merged.code, merged.stderr).toBe(0);
    const lock = parseLockfile(readFileSync(join(dir, "assets.lock.yaml"), "utf8"), "merged");
    expect(lock.assets.dunes).toEqual(theirs.assets.dunes);
    expect(lock.assets.tide).toEqual(ours.assets.tide);
    // Both branches' work is in the merge, so the plan has nothing to pay for.
    const plan = await seedlock(["plan", "--json"], { cwd: dir, env });
    expect(plan.code, plan.stderr).toBe(0);
    expect((JSON.parse(plan.stdout) as { estimatedUsd: number }).estimatedUsd).toBe(0);
  });

  it("merges with no conflict at all when merge-lock is git's merge driver for it (%O %A %B)", async () => {
    const dir = await divergedRepo("driver");
    writeFileSync(join(dir, ".gitattributes"), "assets.lock.yaml merge=seedlock-lock\n");
    git(dir, "config", "merge.seedlock-lock.driver", `"${process.execPath}" "${builtCli}" merge-lock %O %A %B`);
    const merge = spawnSync("git", ["merge", "-q", "dunes-change", "-m", "merge"], { cwd: dir, env, encoding: "utf8" });
    const unmerged = git(dir, "diff", "--name-only", "--diff-filter=U").trim().split("\n").filter(Boolean);
    expect(unmerged, merge.stderr).not.toContain("assets.lock.yaml");
    const lock = parseLockfile(readFileSync(join(dir, "assets.lock.yaml"), "utf8"), "merged");
    expect(lock.assets.dunes!.prompt).toBe("Dunes at dawn");
    expect(lock.assets.tide!.prompt).toBe("Tide pools at night");
  });

  it("refuses a wrong number of files with exit 2 and what git passes", async () => {
    const r = await seedlock(["merge-lock", "a.yaml"], { cwd: root, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/three files \(BASE OURS THEIRS\) or none.*%O %A %B/);
  });
});
