// The workflow pair: a push submits batch jobs and commits the lockfile that records them; a
// scheduled run collects, renders and commits the outputs.
import { describe, expect, it } from "vitest";
import { parseLockfile } from "../../src/lock/file.js";
import { emulator, KEY, pushStep, repo, step, useScenario } from "./scenario.js";

useScenario();

const originLock = () => parseLockfile(`${repo.originGit("show", "main:assets.lock.yaml")}\n`, "origin");

describe("batch mode in the Action", () => {
  it("submits on push, shows the pending jobs with their reserved cost, and a later run collects, renders and commits", async () => {
    const submit = repo.clone("submit");
    const first = await step("main", pushStep(submit, { "api-key": KEY, batch: "all" }));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.summary).toMatch(/Batch jobs pending: 1\*\*, \$0\.\d+ reserved against the ceiling/);
    expect(first.summary).toMatch(/\| batches\/\S+ \| drafts \| gemini-3\.1-flash-lite-image \| 4 \|/);
    // The commit carries the lockfile with the job, so the scheduled run knows it.
    expect(Object.values(originLock().batches ?? {})).toHaveLength(1);
    expect(first.outputs.rendered).toBe("0");

    for (let i = 0; i < 3; i++) {
      const collect = repo.clone(`collect-${i}`);
      const ran = await step("main", pushStep(collect, { "api-key": KEY, batch: "all" }));
      expect(ran.code, ran.stdout + ran.stderr).toBe(0);
      if (!originLock().batches) break;
    }
    const lock = originLock();
    expect(lock.batches).toBeUndefined();
    expect(repo.originGit("ls-tree", "-r", "--name-only", "main").split("\n")).toEqual(expect.arrayContaining(["art/dunes-1.webp", "art/tide-1.webp"]));
    expect(emulator.batches.requests.every((r) => r.outcome === "answered")).toBe(true);
  });

  it("refuses a batch input it does not know, naming it", async () => {
    const ws = repo.clone("ws");
    const ran = await step("main", pushStep(ws, { "api-key": KEY, batch: "later" }));
    expect(ran.code).toBe(1);
    expect(ran.stdout + ran.stderr).toMatch(/input "batch" must be one of off, drafts, finals, all, not "later" \(for example batch: all/);
  });
});
