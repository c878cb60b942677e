// docs/workflows/batch-submit.yml and batch-collect.yml are copied by users as they are: they must
// use only what action.yml declares, share one concurrency group and ask for no more than they need.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../support/cli.js";

interface Step {
  uses?: string;
  with?: Record<string, string>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions: unknown;
  concurrency: { group: string; "cancel-in-progress": boolean };
  jobs: Record<string, { steps: Step[] }>;
}

const read = (name: string) => parse(readFileSync(join(repoRoot, "docs", "workflows", name), "utf8")) as Workflow;
const submit = read("batch-submit.yml");
const collect = read("batch-collect.yml");
const action = parse(readFileSync(join(repoRoot, "action.yml"), "utf8")) as { inputs: Record<string, unknown> };
const seedlockStep = (w: Workflow) => Object.values(w.jobs).flatMap((j) => j.steps).find((s) => s.uses?.includes("/seedlock@"))!;

describe("the batch workflow pair", () => {
  it("submits on push and collects on a schedule, both as run with batch", () => {
    expect(Object.keys(submit.on)).toContain("push");
    expect(Object.keys(collect.on)).toContain("schedule");
    for (const w of [submit, collect]) expect(seedlockStep(w).with).toMatchObject({ command: "run", batch: "all" });
  });

  it("shares one concurrency group that never cancels a run in progress, so two runs never work on one lockfile", () => {
    expect(submit.concurrency).toEqual(collect.concurrency);
    expect(submit.concurrency["cancel-in-progress"]).toBe(false);
  });

  it("asks only for contents: write (the lockfile and outputs are pushed), with one ceiling for both", () => {
    for (const w of [submit, collect]) expect(w.permissions).toEqual({ contents: "write" });
    expect(seedlockStep(submit).with!["max-budget-usd"]).toBe(seedlockStep(collect).with!["max-budget-usd"]);
  });

  it("uses only inputs action.yml declares", () => {
    for (const w of [submit, collect]) for (const input of Object.keys(seedlockStep(w).with ?? {})) expect(Object.keys(action.inputs)).toContain(input);
  });
});
