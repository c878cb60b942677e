import { rm } from "node:fs/promises";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ScriptedAnswer } from "../../src/emulator/emulator.js";
import type { RunReport } from "../../src/run-report.js";
import { STACK_LINE, type Ran } from "../support/cli.js";
import { cli, spawnCli, tempRepo } from "../e2e/harness.js";
import { callKey, clearFailure, keptIn, lostImages, overspend, recordFault, repaidAfterAnswered, repaidAfterKept } from "./fault-table.js";
import { deadEndpoint, serve, type AnswerBody, type Service, type ServiceCall } from "./service-proxy.js";

const CEILING = 3;
/** 429s answered at the start of the passing storms: one for each call in flight. */
const BURST = 4;
const manifest = (limits = "concurrency: 4") => `version: 1
budget: { maxUsd: ${CEILING} }
limits: { ${limits} }
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

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function world(options: Parameters<typeof serve>[0], limits?: string): Promise<{ service: Service; dir: string }> {
  const service = await serve({ latencyMs: 5, randomSeed: 31, corruptRate: 0, ...options });
  const dir = await tempRepo(manifest(limits));
  cleanup.push(() => service.close(), () => rm(dir, { recursive: true, force: true }));
  return { service, dir };
}

function report(ran: Ran): RunReport | undefined {
  try {
    return JSON.parse(ran.stdout) as RunReport;
  } catch {
    return undefined;
  }
}

function storm(from: number, to: number, answer: ScriptedAnswer): Record<number, ScriptedAnswer> {
  const out: Record<number, ScriptedAnswer> = {};
  for (let i = from; i < to; i++) out[i] = answer;
  return out;
}

describe("a 429 storm that passes, with the limit declared: seedlock waits as told and finishes", () => {
  it("finishes with exit 0, pays nothing for the 429s and nothing twice", async () => {
    // The first four requests (all the calls in flight) are refused with RetryInfo 0.2s, as a project over its
    // per-minute quota is; more than that could spend one call's three tries, which by design ends the run (exit 5).
    const { service, dir } = await world({ failures: storm(0, BURST, { status: 429, retryDelay: "0.2s" }) }, "concurrency: 4, requestsPerMinute: 600");
    const ran = await cli(dir, service.url, ["run", "--json"]);
    await service.proxy.settled();
    const throttled = service.proxy.calls.filter((c) => c.status === 429);
    const repaid = repaidAfterAnswered(service.proxy.calls);
    const r = report(ran);
    const kept = await keptIn(dir);
    recordFault({
      scenario: "429 storm that passes (limit declared)",
      acceptedLost: (await lostImages(dir, kept, kept)).length,
      seedsRepaid: repaid.length,
      overspendUsd: overspend(CEILING, r?.spentUsd ?? 0, service.proxy.billed()),
      unclearFailure: ran.code === 0 ? 0 : 1,
      note: `${throttled.length} answers of 429 RESOURCE_EXHAUSTED with RetryInfo 0.2s at the start, limits.requestsPerMinute: 600; exit ${ran.code}`,
    });
    expect(ran.code).toBe(0);
    expect(throttled.length).toBe(BURST);
    expect(throttled.every((c) => c.billedUsd === 0)).toBe(true);
    expect(r!.rendered).toBe(6);
    expect(repaid).toEqual([]);
  });
});

describe("a 429 storm that passes, with no limit declared: seedlock should find its pace again", () => {
  /** Quiet time after which a run that has not finished, and sends nothing, is taken as stalled and interrupted. */
  const STALLED_MS = 8_000;
  let ran: Ran;
  let stalled = false;
  let service: Service;
  let dir: string;

  beforeAll(async () => {
    ({ service, dir } = await world({ failures: storm(0, BURST, { status: 429, retryDelay: "0.2s" }) }));
    const child = spawnCli(dir, service.url, ["run", "--json"]);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    let last = Date.now();
    service.proxy.on(() => void (last = Date.now()));
    const watch = setInterval(() => {
      if (Date.now() - last < STALLED_MS) return;
      stalled = true;
      child.kill("SIGINT");
    }, 250);
    const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
    clearInterval(watch);
    ran = { code, signal: null, stdout, stderr };
    recordFault({
      scenario: "429 storm that passes (no limit declared)",
      acceptedLost: 0,
      seedsRepaid: repaidAfterAnswered(service.proxy.calls).length,
      overspendUsd: overspend(CEILING, report(ran)?.spentUsd ?? 0, service.proxy.billed()),
      unclearFailure: ran.code === 0 ? 0 : 1,
      note: stalled
        ? `${BURST} 429s at the start, then the service answered again; seedlock sent nothing for ${STALLED_MS / 1000} s (${service.proxy.calls.length} requests), so it was interrupted`
        : `${BURST} answers of 429 with RetryInfo 0.2s at the start, no limit declared: exit ${ran.code} after ${service.proxy.calls.length} requests`,
    });
  }, 60_000);

  // A regression guard: before 2015367 the first 429 with no success yet cut the pace to the 1-per-minute floor.
  it("finishes with exit 0 once the service answers again, paying nothing twice", () => {
    expect(stalled).toBe(false);
    expect(ran.code).toBe(0);
    expect(report(ran)!.rendered).toBe(6);
    expect(repaidAfterAnswered(service.proxy.calls)).toEqual([]);
  });
});

describe("a 429 storm that lasts: the run stops (exit 5) instead of hammering the service", () => {
  it("stops after a bounded number of calls, says the service refused with 429 and what to do, and spends nothing", async () => {
    const { service, dir } = await world({ failures: storm(0, 500, { status: 429, retryDelay: "0.1s" }) });
    const ran = await cli(dir, service.url, ["run"]);
    const clear = clearFailure(ran, 5, /429|RESOURCE_EXHAUSTED|request limit|quota/);
    recordFault({
      scenario: "429 storm that lasts",
      acceptedLost: 0,
      seedsRepaid: repaidAfterAnswered(service.proxy.calls).length,
      overspendUsd: overspend(CEILING, 0, service.proxy.billed()),
      unclearFailure: clear && /rerun/.test(ran.stderr) ? 0 : 1,
      note: `every request answered 429: stopped with exit ${ran.code} after ${service.proxy.calls.length} requests, nothing billed`,
    });
    expect(ran.code).toBe(5);
    expect(ran.stderr).toMatch(/429|RESOURCE_EXHAUSTED|request limit|quota/);
    expect(ran.stderr).toMatch(/rerun/);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    // 429s are not failures, so the circuit does not stop this: 24 refusals in a row with nothing let
    // through do (DEFAULT_REFUSAL_THRESHOLD), plus at most the calls already in flight.
    expect(service.proxy.calls.length).toBeLessThanOrEqual(24 + 4);
    expect(service.proxy.billed()).toBe(0);
  });
});

describe("a full outage: nothing listens at the base URL", () => {
  it("stops with exit 5 naming the network error, writes no lockfile entry and prints no stack trace", async () => {
    const url = await deadEndpoint();
    const dir = await tempRepo(manifest());
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const ran = await cli(dir, url, ["run"]);
    const kept = await keptIn(dir);
    const clear = clearFailure(ran, 5, /ECONNREFUSED|network|connect/i);
    recordFault({
      scenario: "full outage from the start",
      acceptedLost: 0,
      seedsRepaid: 0,
      overspendUsd: 0,
      unclearFailure: clear && /rerun/.test(ran.stderr) ? 0 : 1,
      note: `connection refused on every call: exit ${ran.code}, ${kept.accepted.size} seeds recorded`,
    });
    expect(ran.code).toBe(5);
    expect(ran.stderr).toMatch(/ECONNREFUSED|network|connect/i);
    expect(ran.stderr).toMatch(/rerun/);
    expect(ran.stderr).toMatch(/base URL is not answering: check --base-url/);
    expect(ran.stderr).not.toMatch(/wait a few minutes/i);
    expect(ran.stderr).not.toMatch(STACK_LINE);
    expect(kept.accepted.size).toBe(0);
  });
});

describe("an outage in the middle of a run", () => {
  it("stops with exit 5 keeping what was accepted, and the rerun pays only for what is missing", async () => {
    const { service, dir } = await world({ latencyMs: 20 });
    let answered = 0;
    // After the sixth answer every connection is reset before it reaches the service.
    service.proxy.on((call, phase) => {
      if (phase === "answered" && call.status === 200 && ++answered === 6) service.proxy.dark = true;
    });
    const first = await cli(dir, service.url, ["run", "--json"]);
    const before = await keptIn(dir);
    const split = service.proxy.calls.length;
    service.proxy.dark = false;
    const rerun = await cli(dir, service.url, ["run", "--json"]);
    await service.proxy.settled();
    const after = await keptIn(dir);
    const lost = await lostImages(dir, before, after);
    const repaid = [...repaidAfterKept(service.proxy.calls.slice(split), before.answered), ...repaidAfterAnswered(service.proxy.calls)];
    const spent = (report(first)?.spentUsd ?? 0) + (report(rerun)?.spentUsd ?? 0);
    recordFault({
      scenario: "outage in the middle of a run",
      acceptedLost: lost.length,
      seedsRepaid: new Set(repaid.map((c) => c.index)).size,
      overspendUsd: overspend(CEILING, report(first)?.spentUsd ?? 0, service.proxy.billed(service.proxy.calls.slice(0, split))) + overspend(CEILING, report(rerun)?.spentUsd ?? 0, service.proxy.billed(service.proxy.calls.slice(split))),
      unclearFailure: (clearFailure(first, 5, /network|ECONNRESET|socket|terminated|circuit/i) ? 0 : 1) + (rerun.code === 0 ? 0 : 1),
      note: `connections reset after 6 answers: exit ${first.code} with ${before.accepted.size} seeds accepted; rerun exit ${rerun.code}, $${spent.toFixed(4)} in all`,
    });
    expect(first.code).toBe(5);
    expect(first.stderr).not.toMatch(STACK_LINE);
    expect(before.accepted.size).toBeGreaterThan(0);
    expect(rerun.code).toBe(0);
    expect(lost).toEqual([]);
    expect(repaid.map((c) => `${c.final ? "final" : "draft"} ${c.seed}`)).toEqual([]);
  });
});

describe("corrupt and empty images", () => {
  it("regenerates an undecodable image once, records an empty one as a rejection, and never pays a third time", async () => {
    const { service, dir } = await world({});
    // In order of first appearance: draft A is cut short once, draft B every time, draft C comes back empty; the first final is cut short once.
    type Role = "once" | "always" | "empty" | "clean";
    const draftRoles: Role[] = ["once", "always", "empty"];
    const roles = new Map<string, Role>();
    const seenTimes = new Map<string, number>();
    let drafts = 0;
    let finals = 0;
    service.proxy.tamper = (call: ServiceCall, body: AnswerBody) => {
      const part = body.candidates?.[0]?.content?.parts?.find((p) => p.inlineData?.data);
      if (!part?.inlineData?.data) return undefined;
      const key = callKey(call.final ? "final" : "draft", call.prompt, call.seed ?? -1);
      if (!roles.has(key)) roles.set(key, call.final ? (finals++ === 0 ? "once" : "clean") : (draftRoles[drafts++] ?? "clean"));
      const role = roles.get(key);
      const times = (seenTimes.get(key) ?? 0) + 1;
      seenTimes.set(key, times);
      if (role === "empty") part.inlineData.data = "";
      else if (role === "always" || (role === "once" && times === 1)) part.inlineData.data = part.inlineData.data.slice(0, Math.floor(part.inlineData.data.length * 0.4));
      else return undefined;
      return body;
    };
    const ran = await cli(dir, service.url, ["run", "--json"]);
    await service.proxy.settled();
    const callsFor = (role: string) => {
      const key = [...roles].find(([, r]) => r === role)?.[0];
      return service.proxy.calls.filter((c) => callKey(c.final ? "final" : "draft", c.prompt, c.seed ?? -1) === key).length;
    };
    const corruptOnce = [...roles].filter(([, r]) => r === "once").map(([k]) => service.proxy.calls.filter((c) => callKey(c.final ? "final" : "draft", c.prompt, c.seed ?? -1) === k).length);
    const repaid = repaidAfterAnswered(service.proxy.calls);
    const kept = await keptIn(dir);
    const r = report(ran);
    recordFault({
      scenario: "corrupt and empty images",
      acceptedLost: (await lostImages(dir, kept, kept)).length,
      seedsRepaid: repaid.length + Math.max(0, callsFor("always") - 2) + Math.max(0, callsFor("empty") - 1) + corruptOnce.reduce((n, c) => n + Math.max(0, c - 2), 0),
      overspendUsd: overspend(CEILING, r?.spentUsd ?? 0, service.proxy.billed()),
      unclearFailure: ran.code === 0 ? 0 : 1,
      note: `a draft and a final cut short once, a draft cut short twice, a draft with empty image data: exit ${ran.code}, ${r?.rendered ?? 0} rendered`,
    });
    expect(ran.code).toBe(0);
    expect(r!.rendered).toBe(6);
    expect(corruptOnce).toEqual([2, 2]);
    expect(callsFor("always")).toBe(2);
    expect(callsFor("empty")).toBe(1);
    expect(repaid).toEqual([]);
    const seeds = Object.values(kept.lock.assets).flatMap((a) => a.seeds);
    expect(seeds.some((s) => s.status === "rejected" && s.reasons?.some((x) => /undecodable/.test(x)))).toBe(true);
    expect(seeds.some((s) => s.status === "rejected" && s.reasons?.some((x) => /NO_IMAGE/.test(x)))).toBe(true);
  });
});
