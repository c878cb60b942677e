// Runs that race for one branch, and runs that are cancelled: nothing accepted is lost.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLockfile } from "../../src/lock/file.js";
import { runStep } from "./runner.js";
import { emulator, KEY, pushStep, repo, restartEmulator, step, useScenario } from "./scenario.js";

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

/** The pid of the process `pid` started with the tuned memory settings (Linux: /proc), if any. */
function tunedChildOf(pid: number): number | undefined {
  if (process.platform !== "linux") return undefined;
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  return children.find((c) => readFileSync(`/proc/${c}/cmdline`, "utf8").split("\0").includes("--max-semi-space-size=4"));
}

describe("a cancelled job", () => {
  // The runner cancels a step with SIGINT (then SIGTERM, 7.5 s later); the image work runs in a tuned
  // child process (pipeline/tuned-process.ts) that must hear the signal and still write the step's results.
  it.each(["SIGINT", "SIGTERM"] as const)(
    "%s during a call that never answers: the step stops well within the runner's 7.5 s, fails saying it was interrupted, writes its outputs and summary once, and commits what was answered",
    async (signal) => {
      // The second model call never answers.
      await restartEmulator({ failures: { 1: { delayMs: 600_000 } } });
      const ws = repo.clone("ws");
      let signalledAt = 0;
      let worker: number | undefined;
      const r = await runStep("main", pushStep(ws, { "api-key": KEY }), repo.home, (child) => {
        const poll = setInterval(() => {
          if (emulator.stats.requests < 2) return;
          clearInterval(poll);
          // Long enough for the first answer to be screened and kept.
          setTimeout(() => {
            worker = tunedChildOf(child.pid!);
            signalledAt = performance.now();
            child.kill(signal);
          }, 300);
        }, 10);
        child.on("exit", () => clearInterval(poll));
      });
      const stoppedMs = performance.now() - signalledAt;

      console.log(`${signal} to the Action's main step: exit ${r.code} after ${Math.round(stoppedMs)} ms`);
      // The stop itself takes under 2 s (1.5 s of it the grace for an answer already begun), then the
      // commit and the summary; bounded here by the 7.5 s the runner waits before it escalates, for a loaded machine.
      expect(stoppedMs).toBeLessThan(7_500);
      // The work ran in the tuned child, which is gone with the step.
      if (process.platform === "linux") {
        expect(worker).toBeDefined();
        expect(existsSync(`/proc/${worker}`)).toBe(false);
      }
      expect(r.code).toBe(1);
      expect(r.annotations.find((l) => l.startsWith("::error::"))).toMatch(/interrupted.*rerun the job/);
      // Written once, by the process that did the work.
      expect(r.annotations.filter((l) => l.startsWith("::error::"))).toHaveLength(1);
      expect(Number(r.outputs.drafts)).toBeGreaterThanOrEqual(1);
      expect(r.summary.match(/## seedlock run · `assets.yaml`/g)).toHaveLength(1);
      const saved = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
      expect(Object.values(saved.assets).flatMap((a) => a.seeds)).not.toHaveLength(0);
    },
  );
});

