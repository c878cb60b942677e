// docs/workflows/scale-out.yml is copied by users as it is: it must use only what action.yml
// declares, hand the plan's matrix to the shards, and give each job no more than it needs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/cli.js";

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  strategy?: { matrix?: unknown };
  outputs?: Record<string, string>;
  steps: Step[];
}

const workflow = parse(readFileSync(join(repoRoot, "docs", "workflows", "scale-out.yml"), "utf8")) as { permissions: unknown; jobs: Record<string, Job> };
const action = parse(readFileSync(join(repoRoot, "action.yml"), "utf8")) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> };
const seedlockSteps = (job: Job) => job.steps.filter((s) => s.uses?.includes("/seedlock@"));

describe("the scale-out workflow", () => {
  it("runs a plan job, a matrix of shard jobs from its output, and a summary job after them", () => {
    const { plan, shard, summary } = workflow.jobs;
    expect(seedlockSteps(plan!)[0]!.with).toMatchObject({ command: "plan", shards: "auto" });
    expect(plan!.outputs!.matrix).toBe("${{ steps.plan.outputs.matrix }}");
    expect(shard!.strategy!.matrix).toBe("${{ fromJSON(needs.plan.outputs.matrix) }}");
    expect(seedlockSteps(shard!)[0]!.with).toMatchObject({ command: "run", shard: "${{ matrix.shard }}" });
    expect(summary!.needs).toEqual(["plan", "shard"]);
    expect(seedlockSteps(summary!)[0]!.with).toMatchObject({ command: "summary" });
  });

  it("gives every seedlock step the same ceiling, so every shard cuts the same slices", () => {
    const ceilings = ["plan", "shard"].map((name) => seedlockSteps(workflow.jobs[name]!)[0]!.with!["max-budget-usd"]);
    expect(new Set(ceilings)).toEqual(new Set(["${{ env.MAX_BUDGET_USD }}"]));
  });

  it("gives each job the least permissions: read to plan, write to the shards that push, none to the summary", () => {
    expect(workflow.permissions).toEqual({});
    expect(workflow.jobs.plan!.permissions).toEqual({ contents: "read" });
    expect(workflow.jobs.shard!.permissions).toEqual({ contents: "write" });
    expect(workflow.jobs.summary!.permissions).toEqual({});
  });

  it("uses only inputs and outputs action.yml declares", () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of seedlockSteps(job)) for (const input of Object.keys(step.with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
    }
    const text = readFileSync(join(repoRoot, "docs", "workflows", "scale-out.yml"), "utf8");
    for (const [, output] of text.matchAll(/steps\.(?:seedlock|plan)\.outputs\.([a-z-]+)/g)) expect(Object.keys(action.outputs)).toContain(output);
  });

  it("uploads each shard's report where the summary job's download looks for it", () => {
    const upload = workflow.jobs.shard!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact") && s.with?.path?.includes("report-json"))!;
    const download = workflow.jobs.summary!.steps.find((s) => s.uses?.startsWith("actions/download-artifact"))!;
    const pattern = new RegExp(`^${download.with!.pattern!.replace("*", ".*")}$`);
    expect(upload.with!.name).toMatch(pattern);
    expect(seedlockSteps(workflow.jobs.summary!)[0]!.with!.reports).toBe(download.with!.path);
    const other = workflow.jobs.shard!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact") && s !== upload)!;
    expect(other.with!.name).not.toMatch(pattern);
  });
});
