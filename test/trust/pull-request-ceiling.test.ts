// Hole 2 of issue 9, on pull requests: the pull request's manifest is untrusted, so neither its
// `pricing:` nor its `budget.maxUsd` may raise what the workflow and the base branch allow.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY, MANIFEST, api, checkoutMerge, emulator, modelCalls, pullRequestStep, pushStep, repo, step, useScenario } from "../action/scenario.js";

useScenario();

/** A Lite draft at 1K, as the service bills it: 1120 image tokens at $30 per million. */
const DRAFT_USD = 0.0336;

// Six assets of two images each: far more drafts than $0.10 pays for.
const MANY = MANIFEST.replace(/assets:\n[\s\S]*$/, "assets:\n") +
  ["amber", "birch", "cedar", "dune", "ember", "fjord"]
    .map((id) => `  - id: ${id}\n    prompt: A ${id} study, muted colours, no text\n    count: 2\n    out: art/${id}-{n}.webp\n`)
    .join("");

/** What the emulator billed for the drafts it answered, and nothing else was called. */
function draftBill(): number {
  const byModel = emulator.stats.byModel;
  expect(Object.keys(byModel).every((m) => m === "gemini-3.1-flash-lite-image")).toBe(true);
  return (byModel["gemini-3.1-flash-lite-image"] ?? 0) * DRAFT_USD;
}

/** Makes `files` the base branch's content before the pull request is opened. */
function onMain(files: Record<string, string>, remove: string[] = []): void {
  const maintainer = repo.clone("maintainer");
  maintainer.write(files);
  if (Object.keys(files).length) maintainer.git("add", "--", ...Object.keys(files));
  if (remove.length) maintainer.git("rm", "--quiet", "--", ...remove);
  maintainer.git("commit", "--quiet", "-m", "Change the base branch");
  maintainer.git("push", "--quiet", "origin", "HEAD:refs/heads/main");
}

describe("a pull request that prices its calls at zero", () => {
  it("still stops at the workflow's max-budget-usd, and spent-usd is what the service billed", async () => {
    const free = MANY.replace("budget:", 'pricing:\n  gemini-3.1-flash-lite-image: { "1K": 0 }\nbudget:').replace("maxUsd: 2", "maxUsd: 50");
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": free }, "author");
    const { ws } = checkoutMerge("pr", "new-tide");

    // Enough for one asset's estimate: over the ceiling, seedlock works on whole assets only (README, "Over the ceiling").
    const r = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY, "max-budget-usd": "0.25" }));

    expect(r.code, r.stdout).toBe(1);
    expect(r.annotations.join("\n")).toMatch(/workflow's max-budget-usd \(\$0\.25\)/);
    const spent = Number(r.outputs["spent-usd"]);
    expect(draftBill()).toBeGreaterThan(0);
    expect(draftBill()).toBeLessThanOrEqual(0.25);
    expect(spent).toBeLessThanOrEqual(0.25);
    // Prompt tokens come on top of the image tokens, by a fraction of a cent.
    expect(Math.abs(spent - draftBill())).toBeLessThan(0.005);
    expect(r.stdout).toMatch(/below the built-in price/);
  });
});

describe("a pull request that raises budget.maxUsd, in a workflow without max-budget-usd", () => {
  it("runs under the base branch's budget.maxUsd and is told so in its comment", async () => {
    onMain({ "assets.yaml": MANIFEST.replace("maxUsd: 2", "maxUsd: 0.25") });
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": MANY.replace("maxUsd: 2", "maxUsd: 50") }, "author");
    const { ws } = checkoutMerge("pr", "new-tide");

    const r = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY }));

    expect(r.code, r.stdout).toBe(1);
    expect(r.annotations.join("\n")).toMatch(/base branch's budget\.maxUsd \(\$0\.25\)/);
    expect(Number(r.outputs["spent-usd"])).toBeLessThanOrEqual(0.25);
    expect(draftBill()).toBeLessThanOrEqual(0.25);
    expect(draftBill()).toBeGreaterThan(0);
    const body = api.commentsOn(7).at(-1)?.body ?? "";
    expect(body).toMatch(/raises budget\.maxUsd from \$0\.25 \(main:assets\.yaml\) to \$50\.00/);
    expect(body).toMatch(/within a \*\*\$0\.25\*\* ceiling/);
  });

  it("reads the base branch from a shallow checkout of the pull request's head, fetching the base commit", async () => {
    onMain({ "assets.yaml": MANIFEST.replace("maxUsd: 2", "maxUsd: 0.10") });
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": MANY.replace("maxUsd: 2", "maxUsd: 50") }, "author");
    const dir = join(repo.root, "shallow");
    execFileSync("git", ["clone", "--quiet", "--depth=1", "--branch", "new-tide", `file://${repo.origin}`, dir], { env: repo.env, stdio: "pipe" });
    const ws = repo.at(dir);
    expect(() => ws.git("cat-file", "-e", `${repo.originGit("rev-parse", "main")}^{commit}`)).toThrow();

    const r = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY, commit: "false" }));

    expect(Number(r.outputs["spent-usd"])).toBeLessThanOrEqual(0.1);
    expect(draftBill()).toBeLessThanOrEqual(0.1);
    expect(r.annotations.join("\n")).toMatch(/base branch's budget\.maxUsd \(\$0\.10\)/);
  });
});

describe("a pull request that leaves budget.maxUsd as the base branch has it", () => {
  it("is not told it raised anything, though the manifest's budget is above max-budget-usd", async () => {
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": MANIFEST.replace("Calm sea at blue hour", "Stormy sea at blue hour") }, "author");
    const { ws } = checkoutMerge("pr", "new-tide");

    const r = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "plan", "max-budget-usd": "1" }));

    expect(r.code, r.stdout).toBe(0);
    const body = api.commentsOn(7).at(-1)?.body ?? "";
    expect(body).toMatch(/within a \*\*\$1\.00\*\* ceiling/);
    expect(body).not.toMatch(/budget\.maxUsd/);
    expect(r.annotations.join("\n")).not.toMatch(/raises budget\.maxUsd/);
  });
});

describe("a pull request that adds the manifest, in a workflow without max-budget-usd", () => {
  it("plans only, with no model call, and says that nothing trusted caps its budget", async () => {
    onMain({}, ["assets.yaml"]);
    const { headSha } = repo.pullRequest("new-tide", { "assets.yaml": MANY.replace("maxUsd: 2", "maxUsd: 50") }, "author");
    const { ws } = checkoutMerge("pr", "new-tide");

    const r = await step("main", pullRequestStep(ws, headSha, "octo/site", { command: "preview", "api-key": KEY }));

    expect(r.code, r.stdout).toBe(0);
    expect(modelCalls()).toBe(0);
    expect(r.annotations.join("\n")).toMatch(/::notice::.*nothing trusted caps it.*main:assets\.yaml does not exist on the base branch.*plans only/);
    expect(api.commentsOn(7).at(-1)?.body ?? "").toMatch(/Set max-budget-usd in the workflow/);
  });
});

describe("allow-lower-prices, the workflow's word on the manifest's prices", () => {
  it("is what makes a lower pricing: count in the estimate; without it the built-in price stands, with a warning", async () => {
    const ws = repo.clone("checkout");
    ws.commit({ "assets.yaml": MANIFEST.replace("budget:", 'pricing:\n  gemini-nano-banana-2.1: { "1K": 0.001 }\nbudget:') }, "Negotiated price");
    ws.git("push", "--quiet", "origin", "HEAD:refs/heads/main");

    const listed = await step("main", pushStep(ws, { command: "plan" }));
    const lowered = await step("main", pushStep(ws, { command: "plan", "allow-lower-prices": "true" }));

    expect(listed.code, listed.stdout).toBe(0);
    expect(lowered.code, lowered.stdout).toBe(0);
    expect(listed.annotations.join("\n")).toMatch(/::warning.*gemini-nano-banana-2\.1 1K \$0\.001 \(built-in \$0\.0336\).*allow-lower-prices/);
    expect(lowered.annotations.join("\n")).not.toMatch(/below the built-in price/);
    expect(Number(lowered.outputs["estimated-usd"])).toBeLessThan(Number(listed.outputs["estimated-usd"]));
    expect(modelCalls()).toBe(0);
  });
});
