import { rm } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import { STACK_LINE, type Ran } from "../support/cli.js";
import { cli, spawnCli, tempRepo } from "../e2e/harness.js";
import { callKey, keptIn, overspend, recordFault, repaidAfterAnswered, repaidAfterKept } from "./fault-table.js";
import { ServiceProxy, type ServiceCall } from "./service-proxy.js";

const CEILING = 3;
const MANIFEST = `version: 1
budget: { maxUsd: ${CEILING} }
limits: { concurrency: 2 }
defaults:
  finalSize: "1K"
  screen: { minWidth: 256, minHeight: 256 }
  output: { format: webp, quality: 80, width: 64, height: 64 }
assets:
  - id: moss
    prompt: Moss on old stone steps, macro, no text
    count: 3
    out: img/moss-{n}.webp
  - id: reef
    prompt: Coral reef in clear shallow water, top view, no text
    count: 3
    out: img/reef-{n}.webp
`;

function spawnRun(dir: string, url: string): Promise<Ran> {
  const child = spawnCli(dir, url, ["run", "--json"]);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function spent(ran: Ran): number {
  try {
    // A run refused at the lock prints its error as JSON, with no spend in it.
    return (JSON.parse(ran.stdout) as Partial<RunReport>).spentUsd ?? 0;
  } catch {
    return 0;
  }
}

/*
 * Two `seedlock run`s started at the same moment on one checkout (two terminals, or a workflow
 * without a concurrency group on a self-hosted runner). Each goes through its own proxy in front of
 * one emulator, so the service's bill says which run paid for what.
 */
describe("two runs on one repository at once", () => {
  let emulator: RunningEmulator;
  let a: ServiceProxy;
  let b: ServiceProxy;
  let dir: string;
  let runs: Ran[];
  let repaidTogether: ServiceCall[];
  /** Calls for a draft or final the other run also paid for, answered or not yet. */
  let paidByBoth: ServiceCall[];
  let repaidAfter: ServiceCall[];
  let lost: string[];
  let rerun: Ran;

  beforeAll(async () => {
    emulator = await startEmulator({ latencyMs: 30, randomSeed: 51, corruptRate: 0 });
    a = new ServiceProxy(emulator.url, "A");
    b = new ServiceProxy(emulator.url, "B");
    const [urlA, urlB] = [await a.start(), await b.start()];
    dir = await tempRepo(MANIFEST);

    // Everything either run recorded at any moment, to see what the other's writes dropped.
    const everAccepted = new Set<string>();
    const everOutputs = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const kept = await keptIn(dir);
        if (!kept.damaged) {
          for (const s of kept.accepted) everAccepted.add(s);
          for (const o of kept.outputs) everOutputs.add(o);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    runs = await Promise.all([spawnRun(dir, urlA), spawnRun(dir, urlB)]);
    watching = false;
    await watcher;
    await Promise.all([a.settled(), b.settled()]);

    const after = await keptIn(dir);
    lost = [...[...everAccepted].filter((s) => !after.accepted.has(s)).map((s) => `accepted seed ${s}`), ...[...everOutputs].filter((o) => !after.outputs.has(o)).map((o) => `output ${o}`)];
    const together = [...a.calls, ...b.calls];
    repaidTogether = repaidAfterAnswered(together);
    const keyOf = (c: ServiceCall) => callKey(c.final ? "final" : "draft", c.prompt, c.seed ?? -1);
    const paidByA = new Set(a.calls.filter((c) => c.billedUsd > 0).map(keyOf));
    paidByBoth = b.calls.filter((c) => c.billedUsd > 0 && paidByA.has(keyOf(c)));
    // A third run alone afterwards: whatever either run was paid for must not be paid again.
    const paid = new Set(together.filter((c) => c.billedUsd > 0 && c.answeredAt !== undefined && c.decodes !== false && c.seed !== undefined).map((c) => callKey(c.final ? "final" : "draft", c.prompt, c.seed!)));
    const start = a.calls.length;
    rerun = await cli(dir, urlA, ["run", "--json"]);
    await a.settled();
    repaidAfter = repaidAfterKept(a.calls.slice(start), paid);

    const unclear = runs.filter((r) => !(r.code === 0 || (r.code !== 1 && /another|in progress|already running|lock/i.test(r.stderr) && !STACK_LINE.test(r.stderr)))).length + (rerun.code === 0 ? 0 : 1);
    recordFault({
      scenario: "two runs on one repository at once",
      acceptedLost: lost.length,
      seedsRepaid: Math.max(repaidTogether.length, paidByBoth.length) + repaidAfter.length,
      overspendUsd: overspend(CEILING, spent(runs[0]!), a.billed(a.calls.slice(0, start))) + overspend(CEILING, spent(runs[1]!), b.billed()),
      unclearFailure: unclear,
      note:
        `both started together: exits ${runs.map((r) => r.code).join(" and ")}, billed $${a.billed(a.calls.slice(0, start)).toFixed(4)} and $${b.billed().toFixed(4)} ` +
        `for the same 6 images: ${paidByBoth.length} drafts and finals were paid by both runs (counted as re-paid), ${lost.length} accepted drafts one run recorded were dropped by the other's lockfile write`,
    });
  }, 90_000);

  afterAll(async () => {
    await a.close();
    await b.close();
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("ends each run with exit 0 or a clear refusal, and a third run finishes", () => {
    for (const r of runs) {
      expect(r.stderr).not.toMatch(STACK_LINE);
      expect(r.code === 0 || /another|in progress|already running|lock/i.test(r.stderr)).toBe(true);
    }
    expect(rerun.code).toBe(0);
  });

  // The run lock (.seedlock/run.lock) lets one run work and refuses the other at once, before it pays for anything.
  it("pays for no draft or final twice, and loses nothing either run recorded", () => {
    expect(paidByBoth.map((c) => `${c.final ? "final" : "draft"} seed ${c.seed}`)).toEqual([]);
    expect(repaidTogether).toEqual([]);
    expect(repaidAfter).toEqual([]);
    expect(lost).toEqual([]);
  });
});
