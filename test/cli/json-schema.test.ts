import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { repoRoot, seedlock } from "../support/cli.js";
import { cli, tempRepo } from "../e2e/harness.js";

const schema = JSON.parse(readFileSync(join(repoRoot, "schema", "run-result.v1.json"), "utf8")) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const MANIFEST = `version: 1
budget: { maxUsd: 2 }
defaults: { finalSize: "1K", screen: { minWidth: 256, minHeight: 256 } }
assets:
  - { id: mesa, prompt: "Red mesa, graphic style", count: 2, out: "img/mesa-{n}.webp" }
`;

let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  emulator = await startEmulator({ latencyMs: 1, randomSeed: 11, darkRate: 0.3, corruptRate: 0 });
  dir = await tempRepo(MANIFEST);
});

afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function valid(stdout: string): Record<string, unknown> {
  const answer = JSON.parse(stdout) as Record<string, unknown>;
  expect(validate(answer), JSON.stringify(validate.errors)).toBe(true);
  return answer;
}

describe("--json output follows schema/run-result.v1.json", () => {
  it("for plan, preview, run, verify and a refusal, each with schemaVersion 1", async () => {
    const plan = valid((await cli(dir, emulator.url, ["plan", "--json"])).stdout);
    expect(plan).toMatchObject({ schemaVersion: 1, command: "plan" });
    const preview = valid((await cli(dir, emulator.url, ["preview", "--json"])).stdout);
    expect(preview).toMatchObject({ schemaVersion: 1, command: "preview", costPerImageUsd: null });
    const run = valid((await cli(dir, emulator.url, ["run", "--json"])).stdout);
    expect(run).toMatchObject({ schemaVersion: 1, command: "run", exitCode: 0, rendered: 2 });
    const verify = valid((await cli(dir, emulator.url, ["verify", "--json"])).stdout);
    expect(verify).toMatchObject({ command: "verify", exitCode: 0 });
    const refused = valid((await seedlock(["plan", "--json", "--manifest", "nope.yaml"], { cwd: dir })).stdout);
    expect(refused).toMatchObject({ schemaVersion: 1, exitCode: 2 });
  });

  it("the schema catches what it promises: an output without schemaVersion or with a made-up status fails", () => {
    expect(validate({ exitCode: 0 })).toBe(false);
    const asset = { id: "a", status: "finished", drafts: 0, accepted: 0, rejectedDrafts: 0, rejected: {}, rendered: 0, spentUsd: 0, estimatedUsd: 0, outputs: [] };
    expect(validate({ schemaVersion: 1, exitCode: 2, error: "x", assets: [asset] })).toBe(false);
  });
});
