// The built main.js started as the runner starts it, on push events.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseLockfile } from "../../src/lock/file.js";
import { KEY, MANIFEST, modelCalls, pushStep, repo, step, useScenario } from "./scenario.js";

useScenario();

describe("run on a push to main", () => {
  it("sets every output, writes the summary, and pushes one commit by github-actions[bot] with exactly the outputs and the lockfile", async () => {
    const ws = repo.clone("ws");
    const before = repo.originGit("rev-parse", "main");

    const r = await step("main", pushStep(ws, { "api-key": KEY, "max-budget-usd": "1" }));

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.outputs).toMatchObject({ rendered: "2", "changed-assets": "dunes,tide", "accept-rate": "1" });
    expect(Number(r.outputs.drafts)).toBeGreaterThanOrEqual(2);
    expect(r.outputs.accepted).toBe(r.outputs.drafts);
    expect(Number(r.outputs["spent-usd"])).toBeGreaterThan(0);
    expect(Number(r.outputs["spent-usd"])).toBeLessThanOrEqual(1);
    expect(Number(r.outputs["cost-per-accepted-usd"])).toBeGreaterThan(0);
    expect(existsSync(join(r.outputs.report!, "report.html"))).toBe(true);

    expect(r.summary).toContain("## seedlock run · `assets.yaml`");
    expect(r.summary).toMatch(/\| `dunes` \| ✅ done · 1 rendered \| \d+ \| \d+ \| 0 \| 1 \|/);
    expect(r.summary).toContain(`| **${r.outputs.drafts}** | **${r.outputs.accepted}** | **0** | **2** |`);
    expect(r.summary).toContain("Cost per image delivered:");
    expect(r.summary).toContain("accept rate 100 %");

    expect(repo.originGit("rev-list", "--count", `${before}..main`)).toBe("1");
    expect(repo.changedPaths("main")).toEqual(["art/dunes-1.webp", "art/tide-1.webp", "assets.lock.yaml"]);
    expect(repo.originGit("log", "-1", "--format=%an <%ae>%n%B", "main")).toMatch(
      /^github-actions\[bot\] <41898282\+github-actions\[bot\]@users\.noreply\.github\.com>\nseedlock: regenerate dunes, tide\n\n- dunes: 1 rendered/,
    );
    // The lockfile on origin records the outputs that were pushed.
    const lock = parseLockfile(repo.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    expect(lock.assets.dunes!.outputs.map((o) => o.path)).toEqual(["art/dunes-1.webp"]);
    // The key stays in the process: not in outputs, summary, commit or the report.
    expect(JSON.stringify(r.outputs) + r.summary + r.stdout.replace(`::add-mask::${KEY}`, "")).not.toContain(KEY);
    expect(repo.filesContaining("main", KEY)).toEqual([]);
    expect(repo.filesContaining("main", "dunes")).toContain("main:assets.lock.yaml");
    // The checked-out branch follows, so later steps of the job see the commit.
    expect(ws.git("rev-parse", "HEAD")).toBe(repo.originGit("rev-parse", "main"));
  });

  it("makes no call and no commit when nothing changed", async () => {
    await step("main", pushStep(repo.clone("first"), { "api-key": KEY }));
    const calls = modelCalls();
    const tip = repo.originGit("rev-parse", "main");

    const r = await step("main", pushStep(repo.clone("second"), { "api-key": KEY }));

    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(modelCalls()).toBe(calls);
    expect(repo.originGit("rev-parse", "main")).toBe(tip);
    expect(r.outputs).toMatchObject({ drafts: "0", "spent-usd": "0", "changed-assets": "" });
    expect(r.summary).toContain("Commit: nothing changed, so nothing was committed.");
  });
});

describe("a budget overrun", () => {
  it("fails the step with one sentence naming the ceiling and what to change, and still sets the outputs", async () => {
    const ws = repo.clone("ws");
    const r = await step("main", pushStep(ws, { "api-key": KEY, "max-budget-usd": "0.05" }));

    expect(r.code).toBe(1);
    const error = r.annotations.find((l) => l.startsWith("::error::"));
    expect(error).toMatch(/the workflow's max-budget-usd \(\$0\.05\).*raise max-budget-usd or budget\.maxUsd, or lower counts\.$/);
    expect(Number(r.outputs["spent-usd"])).toBeLessThanOrEqual(0.05);
    expect(r.summary).toContain("> [!CAUTION]");
  });
});

describe("invalid input", () => {
  it("fails at once naming the input, before any call", async () => {
    const r = await step("main", pushStep(repo.clone("ws"), { "api-key": KEY, shard: "3/2", "max-budget-usd": "lots" }));
    expect(r.code).toBe(1);
    expect(r.annotations).toHaveLength(1);
    expect(r.annotations[0]).toMatch(/^::error::input "max-budget-usd" must be a plain number of US dollars ≥ 0, not "lots".*; input "shard" is "3\/2"/);
    expect(modelCalls()).toBe(0);
  });

  it("annotates an invalid manifest at its line", async () => {
    const ws = repo.clone("ws");
    ws.commit({ "assets.yaml": MANIFEST.replace("count: 1\n    out: art/tide", "count: 0\n    out: art/tide") }, "break the manifest");
    const r = await step("main", pushStep(ws, { "api-key": KEY }));
    expect(r.code).toBe(1);
    expect(r.annotations, r.stdout).toContainEqual(expect.stringMatching(/^::error file=assets\.yaml,line=19,col=12::assets\[1\]\.count must be an integer ≥ 1/));
    expect(r.annotations.at(-1)).toMatch(/^::error::assets\.yaml cannot be used as it is: /);
    expect(modelCalls()).toBe(0);
  });
});

describe("a run without a key", () => {
  it("plans instead, says so in a notice, makes no call and does not fail", async () => {
    const r = await step("main", pushStep(repo.clone("ws"), { "api-key": "" }));
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.annotations).toContainEqual(expect.stringMatching(/^::notice::no api-key was given, so seedlock plans only/));
    expect(modelCalls()).toBe(0);
    expect(Number(r.outputs["estimated-usd"])).toBeGreaterThan(0);
    expect(r.summary).toContain("## seedlock plan");
  });
});
