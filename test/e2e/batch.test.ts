import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator, type EmulatorOptions } from "../../src/emulator/emulator.js";
import { findModel, imageCallCeilingUsd, type ImageModel } from "../../src/models/catalog.js";
import type { RunReport } from "../../src/run-report.js";
import { STACK_LINE } from "../support/cli.js";
import { cli, readLock, RecordingProxy, tempRepo } from "./harness.js";

const DUNES = "Minimal desert dunes at dusk, pastel palette, no text";
const LANTERN = "Paper lantern floating over a dark lake, warm glow, no text";
const MANIFEST = (batch: string) => `version: 1
models:
  draft: gemini-3.1-flash-lite-image
  final: gemini-nano-banana-2.1
budget:
  maxUsd: 5
defaults:
  batch: ${batch}
  aspectRatio: "1:1"
  screen: { minWidth: 256, minHeight: 256 }
assets:
  - id: dunes
    prompt: ${DUNES}
    count: 2
    out: img/dunes-{n}.webp
    output: { format: webp, quality: 80, width: 256, height: 256 }
  - id: lantern
    prompt: ${LANTERN}
    out: img/lantern.png
    output: { format: png, width: 256, height: 256 }
`;

/** What the ledger reserves for one Lite draft in a batch job: its worst-case bill at the batch share. */
const liteBatchCeilingUsd = (prompt: string) =>
  imageCallCeilingUsd(findModel("gemini-3.1-flash-lite-image") as ImageModel, "1K", { prompt, inputImages: 0 }) * 0.5;

let emulator: RunningEmulator | undefined;
let proxy: RecordingProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  await emulator?.close();
  proxy = emulator = undefined;
});

async function start(options: EmulatorOptions): Promise<string> {
  emulator = await startEmulator({ randomSeed: 5, ...options });
  proxy = new RecordingProxy(emulator.url);
  return proxy.start();
}

async function run(dir: string, url: string, args: string[] = []): Promise<RunReport> {
  const ran = await cli(dir, url, ["run", "--json", ...args]);
  expect(ran.stderr).not.toMatch(STACK_LINE);
  expect(ran.code, ran.stderr).toBe(0);
  return JSON.parse(ran.stdout) as RunReport;
}

const sha256 = async (path: string) => `${createHash("sha256").update(await readFile(path)).digest("hex")}`;

describe("batch: all — drafts and renders through the Batch API over several runs", () => {
  it("submits, exits 0 saying when to collect, then collects, screens, submits the renders and finishes with every output and a true lockfile", async () => {
    const url = await start({ darkRate: 0.25, flatRate: 0, duplicateRate: 0, blockRate: 0, corruptRate: 0, errorRate: 0 });
    const dir = await tempRepo(MANIFEST("all"));

    const first = await run(dir, url);
    expect(first.batch?.submitted.length).toBe(1);
    expect(first.batch?.submitted[0]!.stage).toBe("draft");
    expect(first.message).toMatch(/batch job.*seedlock run.*--wait/s);
    expect(first.assets.map((a) => a.status)).toEqual(["batch", "batch"]);
    expect(first.rendered).toBe(0);
    let lock = await readLock(dir);
    expect(Object.values(lock.batches ?? {})).toHaveLength(1);
    expect(Object.values(lock.batches!)[0]!.name).toMatch(/^batches\//);
    // Nothing was answered at once: every call so far is in the job.
    expect(proxy!.requests).toHaveLength(0);

    let report = first;
    const drafted = new Map<string, number>();
    for (let i = 0; i < 8 && report.batch?.pending.length; i++) {
      report = await run(dir, url);
      for (const a of report.assets) drafted.set(a.id, (drafted.get(a.id) ?? 0) + a.drafts);
    }
    expect(report.batch?.pending).toEqual([]);
    expect(report.assets.map((a) => a.status)).toEqual(["done", "done"]);
    expect(proxy!.requests).toHaveLength(0);

    lock = await readLock(dir);
    expect(lock.batches).toBeUndefined();
    // The runs that collected count the batch's drafts as theirs, asset by asset.
    for (const id of ["dunes", "lantern"]) expect(drafted.get(id)).toBe(lock.assets[id]!.seeds.length);
    for (const [id, count] of [["dunes", 2], ["lantern", 1]] as const) {
      const entry = lock.assets[id]!;
      expect(entry.outputs).toHaveLength(count);
      for (const output of entry.outputs) {
        expect(await sha256(join(dir, output.path))).toBe(output.sha256);
        expect(entry.seeds.find((s) => s.seed === output.seed)?.status).toBe("rendered");
      }
    }
    // Every request went in a job once, and the lockfile's spending is the emulator's batch bill.
    const seen = emulator!.batches.requests.map((r) => `${r.model}|${r.prompt}|${r.seed}`);
    expect(new Set(seen).size).toBe(seen.length);
    const spent = lock.assets.dunes!.spentUsd + lock.assets.lantern!.spentUsd;
    expect(spent).toBeCloseTo(emulator!.batches.billedUsd, 5);
    // Renders were sent with their drafts as the reference, at half the final's price.
    const renders = emulator!.batches.requests.filter((r) => r.model === "gemini-nano-banana-2.1");
    expect(renders).toHaveLength(3);
    expect(renders.every((r) => r.withReference)).toBe(true);
  });

  it("says on stderr what it submitted and when to collect, without --json", async () => {
    const url = await start({ darkRate: 0, flatRate: 0, duplicateRate: 0, blockRate: 0, corruptRate: 0, errorRate: 0, batchDelayMs: 600_000 });
    const dir = await tempRepo(MANIFEST("all"));
    const ran = await cli(dir, url, ["run"]);
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/dunes\s+batch/);
    // Each request reserves the most a Lite answer can bill, at the batch share: about $0.0375, not its $0.0168 list price.
    const job = Object.values((await readLock(dir)).batches!)[0]!;
    const reserved = job.requests.reduce((sum, r) => sum + liteBatchCeilingUsd(r.asset === "dunes" ? DUNES : LANTERN), 0);
    const usd = reserved.toFixed(2).replace(".", "\\.");
    expect(ran.stderr).toMatch(new RegExp(`submitted 9 requests in 1 batch job; 1 batch job out with 9 requests \\(\\$${usd} reserved against the ceiling\\)\\..*run \`seedlock run\` again later`, "s"));
  });

  it("--wait polls in the same process until the last job is collected", async () => {
    const url = await start({ darkRate: 0, flatRate: 0, duplicateRate: 0, blockRate: 0, corruptRate: 0, errorRate: 0, batchDelayMs: 1500 });
    const dir = await tempRepo(MANIFEST("all"));
    const report = await run(dir, url, ["--wait", "5"]);
    expect(report.batch?.pending).toEqual([]);
    expect(report.rendered).toBe(3);
    expect(emulator!.batches.jobs).toBeGreaterThanOrEqual(2);
    expect((await readLock(dir)).assets.dunes!.outputs).toHaveLength(2);
  });

  it("batch: drafts renders interactively after collecting, and --batch off overrides the manifest", async () => {
    const url = await start({ darkRate: 0, flatRate: 0, duplicateRate: 0, blockRate: 0, corruptRate: 0, errorRate: 0 });
    const dir = await tempRepo(MANIFEST("drafts"));
    await run(dir, url);
    expect(proxy!.requests).toHaveLength(0);
    const second = await run(dir, url);
    expect(second.assets.map((a) => a.status)).toEqual(["done", "done"]);
    expect(proxy!.requests.map((r) => r.model)).toEqual(Array(3).fill("gemini-nano-banana-2.1"));

    const other = await tempRepo(MANIFEST("all"));
    const interactive = await run(other, url, ["--batch", "off"]);
    expect(interactive.batch).toBeUndefined();
    expect(interactive.rendered).toBe(3);
  });
});

describe("batch jobs that fail give their work back", () => {
  it("a failed job, an expired job and a failed request inside a job release their reservations and their requests are submitted again", async () => {
    const url = await start({
      darkRate: 0, flatRate: 0, duplicateRate: 0, blockRate: 0, corruptRate: 0, errorRate: 0,
      batchScript: [{ outcome: "FAILED" }, { outcome: "EXPIRED" }, { failRequests: [0] }],
    });
    // One draft per image wanted, so the request that failed inside its job must be asked again.
    const dir = await tempRepo(MANIFEST("drafts").replace("defaults:\n", "defaults:\n  oversample: 1\n"));
    const first = await run(dir, url);
    const drafts = first.batch!.submitted[0]!.requests;
    const second = await run(dir, url);
    expect(second.batch?.returned).toEqual([expect.objectContaining({ state: "failed", requests: drafts })]);
    expect(second.batch?.submitted[0]!.requests).toBe(drafts);
    expect(second.spentUsd).toBe(0);
    const third = await run(dir, url);
    expect(third.batch?.returned).toEqual([expect.objectContaining({ state: "expired", requests: drafts })]);
    const fourth = await run(dir, url);
    expect(fourth.batch?.collected).toEqual({ jobs: 1, answers: drafts - 1, failedRequests: 1 });
    let report = fourth;
    for (let i = 0; i < 4 && report.batch?.pending.length; i++) report = await run(dir, url);
    expect(report.batch?.pending).toEqual([]);
    expect((await readLock(dir)).assets.dunes!.outputs).toHaveLength(2);
    expect((await readLock(dir)).assets.lantern!.outputs).toHaveLength(1);
    // Failed and expired jobs were not billed; the one failed request was asked again in a later job.
    const bySeed = new Map<string, string[]>();
    for (const r of emulator!.batches.requests) bySeed.set(`${r.prompt}|${r.seed}`, [...(bySeed.get(`${r.prompt}|${r.seed}`) ?? []), r.outcome ?? "?"]);
    expect([...bySeed.values()].filter((o) => o.filter((x) => x === "answered").length > 1)).toEqual([]);
    expect([...bySeed.values()].filter((o) => o.includes("error"))).toEqual([["job-failed", "job-failed", "error", "answered"]]);
    // Spent: the batch bill for the drafts and the interactive bill of the renders (input, thinking and image tokens).
    const lock = await readLock(dir);
    const interactive = emulator!.stats.billedUsd;
    expect(interactive).toBeGreaterThan(0);
    // Each answer is booked in whole micro-dollars, so the sums agree to a thousandth of a cent.
    expect(lock.assets.dunes!.spentUsd + lock.assets.lantern!.spentUsd).toBeCloseTo(emulator!.batches.billedUsd + interactive, 4);
  });
});

describe("the ceiling with batch jobs out", () => {
  it("counts what pending jobs reserved against the next run's ceiling", async () => {
    const url = await start({ darkRate: 0, flatRate: 0, duplicateRate: 0, blockRate: 0, corruptRate: 0, errorRate: 0, batchDelayMs: 600_000 });
    // Reservations are the most a call can bill (input, thinking, two images), at the batch share for the job.
    const lite = findModel("gemini-3.1-flash-lite-image") as ImageModel;
    const jobReserved = 2 * imageCallCeilingUsd(lite, "1K", { prompt: "Long waves at sunrise, no text", inputImages: 0 }) * 0.5;
    const manifest = `version: 1
models: { draft: gemini-3.1-flash-lite-image, final: gemini-nano-banana-2.1 }
budget: { maxUsd: 1 }
assets:
  - id: waves
    prompt: Long waves at sunrise, no text
    batch: all
    oversample: 1
    count: 2
    out: img/waves-{n}.webp
`;
    const dir = await tempRepo(manifest);
    const first = await run(dir, url);
    expect(first.batch?.pending[0]!.reservedUsd).toBeCloseTo(jobReserved, 5);
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, "assets.yaml"), `${manifest}  - id: sun
    prompt: A low orange sun over a flat sea, no text
    tier: final-only
    oversample: 1
    count: 3
    out: img/sun-{n}.webp
`);
    const planned = await cli(dir, url, ["plan", "--json"]);
    expect(planned.code, planned.stderr).toBe(0);
    const sunUsd = (JSON.parse(planned.stdout) as { assets: { id: string; estimatedUsd: number }[] }).assets.find((a) => a.id === "sun")!.estimatedUsd;
    // A ceiling the new asset's estimate fits, but not beside what the job holds: alone it would be worked on.
    // (Over the ceiling a run takes whole assets whose estimates fit, so sun gets none of its finals, not one.)
    const maxUsd = Math.ceil((sunUsd + jobReserved / 2) * 1e4) / 1e4;
    expect(sunUsd).toBeLessThanOrEqual(maxUsd);
    expect(sunUsd + jobReserved).toBeGreaterThan(maxUsd);
    const ran = await cli(dir, url, ["run", "--json", "--max-budget-usd", String(maxUsd)]);
    expect(ran.code, ran.stderr).toBe(3);
    expect(ran.stderr).toMatch(/leaving sun for a run with more budget/);
    const second = JSON.parse(ran.stdout) as RunReport;
    expect(second.rendered).toBe(0);
    expect(second.assets.find((a) => a.id === "sun")?.status).toBe("budget");
    expect(second.spentUsd + (second.batch?.pending[0]?.reservedUsd ?? 0)).toBeLessThanOrEqual(maxUsd);
    expect(second.assets.find((a) => a.id === "waves")?.status).toBe("batch");
    expect(emulator!.stats.billedUsd).toBe(0);
  });
});

describe("plan with batch prices", () => {
  it("estimates batched calls at half the interactive price, from batch: or --batch", async () => {
    const dir = await tempRepo(MANIFEST("off"));
    const estimate = async (args: string[]) => {
      const ran = await cli(dir, "http://127.0.0.1:9", ["plan", "--json", ...args]);
      expect(ran.code, ran.stderr).toBe(0);
      return (JSON.parse(ran.stdout) as { estimatedUsd: number }).estimatedUsd;
    };
    const interactive = await estimate([]);
    expect(interactive).toBeGreaterThan(0);
    expect(await estimate(["--batch", "all"])).toBeCloseTo(interactive / 2, 6);
    const ran = await cli(dir, "http://127.0.0.1:9", ["plan", "--batch", "sometimes"]);
    expect(ran.code).toBe(2);
    expect(ran.stderr).toMatch(/--batch must be one of off, drafts, finals, all/);
    expect(ran.stderr).not.toMatch(STACK_LINE);
  });
});

describe("a manifest change while jobs are out", () => {
  it("cancels a job whose assets all changed since, and submits the new inputs instead of waiting for it", async () => {
    const url = await start({ darkRate: 0, flatRate: 0, duplicateRate: 0, blockRate: 0, corruptRate: 0, errorRate: 0, batchDelayMs: 600_000 });
    const dir = await tempRepo(MANIFEST("all"));
    const first = await run(dir, url);
    const old = first.batch!.pending[0]!;
    const { writeFile } = await import("node:fs/promises");
    await writeFile(join(dir, "assets.yaml"), MANIFEST("all").replaceAll("no text", "no text, no people"));
    const second = await run(dir, url);
    expect(second.batch?.returned).toEqual([{ displayName: old.displayName, state: "cancelled", requests: old.requests }]);
    expect(second.batch?.pending.map((j) => j.displayName)).not.toContain(old.displayName);
    expect(second.batch?.pending).toHaveLength(1);
    // Only the new job's reservation counts now: the worst case of each new request, whose longer prompt
    // bounds a few more input tokens than the old one's; the ledger rounds each request up to the micro-dollar.
    const job = Object.values((await readLock(dir)).batches!)[0]!;
    const prompt = (id: string) => (id === "dunes" ? DUNES : LANTERN).replaceAll("no text", "no text, no people");
    const worst = job.requests.reduce((sum, r) => sum + liteBatchCeilingUsd(prompt(r.asset)), 0);
    expect(second.batch!.pending[0]!.reservedUsd).toBeGreaterThanOrEqual(worst - 1e-9);
    expect(second.batch!.pending[0]!.reservedUsd).toBeLessThanOrEqual(worst + job.requests.length * 1e-6);
  });
});

describe("a job the service no longer knows", () => {
  it("gives its requests back to the work list instead of failing every later run", async () => {
    const url = await start({ darkRate: 0, flatRate: 0, duplicateRate: 0, blockRate: 0, corruptRate: 0, errorRate: 0, batchDelayMs: 600_000 });
    const dir = await tempRepo(MANIFEST("all"));
    const first = await run(dir, url);
    const { GoogleGenAI } = await import("@google/genai");
    const ai = new GoogleGenAI({ apiKey: "e2e-test-key", apiVersion: "v1beta", httpOptions: { baseUrl: url } });
    await ai.batches.delete({ name: first.batch!.pending[0]!.name! });
    const second = await run(dir, url);
    expect(second.batch?.returned).toEqual([expect.objectContaining({ state: "missing" })]);
    expect(second.batch?.pending).toHaveLength(1);
  });
});
