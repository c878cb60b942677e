// Runs that race for one branch, and runs that are cancelled: nothing accepted is lost.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLockfile } from "../../src/lock/file.js";
import { runStep } from "./runner.js";
import { KEY, pushStep, repo, restartEmulator, step, useScenario } from "./scenario.js";

useScenario();

describe("two runs pushing at the same moment", () => {
  it("both land, and the lockfile on origin holds both runs' assets", async () => {
    const a = repo.clone("shard-1");
    const b = repo.clone("shard-2");

    const [ra, rb] = await Promise.all([
      step("main", pushStep(a, { "api-key": KEY, shard: "1/2" })),
      step("main", pushStep(b, { "api-key": KEY, shard: "2/2" })),
    ]);

    expect(ra.code, ra.stdout + ra.stderr).toBe(0);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect([ra.outputs["changed-assets"], rb.outputs["changed-assets"]].sort()).toEqual(["dunes", "tide"]);
    const lock = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    expect(Object.keys(lock.assets).sort()).toEqual(["dunes", "tide"]);
    expect(lock.assets.dunes!.outputs).toHaveLength(1);
    expect(lock.assets.tide!.outputs).toHaveLength(1);
    expect(repo.originGit("ls-tree", "-r", "--name-only", "main").split("\n")).toEqual(expect.arrayContaining(["art/dunes-1.webp", "art/tide-1.webp"]));
    expect(repo.originGit("rev-list", "--count", "main")).toBe("3");
    // One of them found the branch moved and merged the lockfile.
    expect(ra.stdout + rb.stdout).toMatch(/lockfile merged per asset|was rejected/);
  });
});

describe("the post step", () => {
  it("does nothing after a main step that finished", async () => {
    const ws = repo.clone("ws");
    const main = await step("main", pushStep(ws, { "api-key": KEY }));
    const tip = repo.originGit("rev-parse", "main");
    const post = await step("post", { ...pushStep(ws, { "api-key": KEY }), state: main.state });
    expect(post.code).toBe(0);
    expect(post.stdout).not.toContain("did not finish");
    expect(repo.originGit("rev-parse", "main")).toBe(tip);
  });

  it("commits what a killed main step had accepted, so the next run pays only for what is missing", async () => {
    await restartEmulator({ latencyMs: 400 });
    const ws = repo.clone("ws");
    const lockPath = join(ws.dir, "assets.lock.yaml");
    const first = pushStep(ws, { "api-key": KEY });
    const killed = await runStep("main", first, repo.home, (child) => {
      // Cancel the job the moment the first image has been recorded.
      const poll = setInterval(() => {
        if (existsSync(lockPath) && /"?status"?: ?"?(accepted|rendered)/.test(readFileSync(lockPath, "utf8"))) {
          clearInterval(poll);
          child.kill("SIGKILL");
        }
      }, 20);
      child.on("exit", () => clearInterval(poll));
    });
    expect(killed.signal).toBe("SIGKILL");
    expect(killed.state.landing).toBeTruthy();
    expect(killed.state.finished).toBeUndefined();

    const post = await step("post", { ...first, state: killed.state });

    expect(post.code).toBe(0);
    expect(post.stdout).toContain("the main step did not finish");
    expect(repo.changedPaths("main")).toContain("assets.lock.yaml");
    const saved = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    const paid = Object.values(saved.assets).flatMap((a) => a.seeds).filter((s) => s.status !== "failed");
    expect(paid.length).toBeGreaterThan(0);
    for (const s of paid.filter((s) => s.draft)) expect(repo.originGit("cat-file", "-t", `main:${s.draft}`)).toBe("blob");

    // The next job, on a fresh checkout, does not draft a recorded seed again.
    const next = await step("main", pushStep(repo.clone("next"), { "api-key": KEY }));
    expect(next.code, next.stdout + next.stderr).toBe(0);
    const finalLock = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    for (const s of paid) {
      const asset = Object.values(finalLock.assets).find((a) => a.seeds.some((x) => x.seed === s.seed && x.model === s.model));
      expect(asset).toBeTruthy();
    }
    expect(readdirSync(join(repo.root, "next", "art")).sort()).toEqual(["dunes-1.webp", "tide-1.webp"]);
  });
});
