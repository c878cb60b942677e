// A matrix of shard jobs as a workflow runs them: one plan job, n shard jobs started together from
// the same commit against one service whose limit they share, then one summary job.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";
import { parseLockfile } from "../../src/lock/file.js";
import type { RunReport } from "../../src/run-report.js";
import { ServiceProxy } from "../faults/service-proxy.js";
import { TestRepo, type Clone } from "../support/git-repo.js";
import { runStep, type RunnerStep, type StepResult } from "./runner.js";

const KEY = "AIza-test-key-for-the-emulator";
/** The project's limit, declared in the manifest and enforced by the one emulator all shards call. */
const PROJECT_RPM = 2400;

/** `n` assets, every eighth one asking for three images, so that packing by position would be uneven. */
function manifest(n: number, maxUsd: number): string {
  const lines = [
    "version: 1",
    "models:",
    "  draft: gemini-3.1-flash-lite-image",
    "  final: gemini-3.1-flash-image",
    `budget: { maxUsd: ${maxUsd} }`,
    `limits: { concurrency: 2, requestsPerMinute: ${PROJECT_RPM} }`,
    "defaults:",
    '  aspectRatio: "1:1"',
    "  oversample: 1",
    '  finalSize: "512"',
    "  screen: { minWidth: 256, minHeight: 256, maxDuplicateDistance: 0 }",
    "  output: { format: webp, quality: 60, width: 16, height: 16 }",
    "assets:",
  ];
  for (let i = 0; i < n; i++) {
    lines.push(`  - id: tile-${i}`, `    prompt: Tile study number ${i}, flat pastel pattern, no text`, `    count: ${i % 8 === 0 ? 3 : 1}`, `    out: art/tile-${i}-{n}.webp`);
  }
  return `${lines.join("\n")}\n`;
}

const countOf = (i: number) => (i % 8 === 0 ? 3 : 1);
/** Which asset a call was for, from its prompt (a final's prompt carries the asset's too). */
const assetOf = (prompt: string) => /Tile study number (\d+),/.exec(prompt)?.[1];

let repo: TestRepo | undefined;
let emulator: RunningEmulator | undefined;
const proxies: ServiceProxy[] = [];

afterEach(async () => {
  for (const p of proxies.splice(0)) await p.close();
  await emulator?.close();
  emulator = undefined;
  repo?.remove();
  repo = undefined;
});

/** One emulator, and one proxy in front of it per shard, so the bill says which shard paid for what. */
async function service(shards: number): Promise<string[]> {
  emulator = await startEmulator({ ...NO_FLAWS, latencyMs: 5, rpm: PROJECT_RPM, randomSeed: 4 });
  const urls: string[] = [];
  for (let i = 1; i <= shards; i++) {
    const proxy = new ServiceProxy(emulator.url, `${i}/${shards}`);
    proxies.push(proxy);
    urls.push(await proxy.start());
  }
  return urls;
}

function job(ws: Clone, inputs: Record<string, string>): RunnerStep {
  const sha = ws.git("rev-parse", "HEAD");
  return {
    workspace: ws.dir,
    inputs: { "api-key": KEY, ...inputs },
    event: { name: "push", sha, ref: "refs/heads/main", payload: { ref: "refs/heads/main", after: sha, repository: { full_name: "octo/site" } } },
    repository: "octo/site",
    apiUrl: "http://127.0.0.1:9",
  };
}

/** The plan job, n shard jobs checked out from the same commit and started at once, then the summary job. */
async function matrix(n: number, shards: number, maxBudgetUsd: string) {
  repo = TestRepo.create({ "assets.yaml": manifest(n, 50), "README.md": "site\n" });
  const urls = await service(shards);
  const plan = await runStep("main", job(repo.clone("plan"), { command: "plan", shards: String(shards), "max-budget-usd": maxBudgetUsd }), repo.home);
  // Every shard checks out the commit the workflow started from, before any of them pushes.
  const clones = Array.from({ length: shards }, (_, i) => repo!.clone(`shard-${i + 1}`));
  const steps = await Promise.all(
    clones.map((ws, i) => runStep("main", job(ws, { shard: `${i + 1}/${shards}`, "max-budget-usd": maxBudgetUsd, "base-url": urls[i]! }), repo!.home)),
  );
  // What actions/download-artifact lays out: one folder per shard's artifact.
  const reports = join(repo.root, "summary", "seedlock-reports");
  steps.forEach((s, i) => {
    mkdirSync(join(reports, `seedlock-shard-${i + 1}`), { recursive: true });
    copyFileSync(s.outputs["report-json"]!, join(reports, `seedlock-shard-${i + 1}`, "report.json"));
  });
  const summary = await runStep("main", { ...job(clones[0]!, { command: "summary", reports: "seedlock-reports" }), workspace: join(repo.root, "summary") }, repo.home);
  const shardReports = steps.map((s) => JSON.parse(readFileSync(s.outputs["report-json"]!, "utf8")) as RunReport);
  return { plan, steps, summary, shardReports };
}

const billed = () => proxies.reduce((n, p) => n + p.billed(), 0);
const log = (s: StepResult) => s.stdout + s.stderr;

describe("a manifest of 64 assets over 8 shards run at once against one service", () => {
  it("lands every output once, merges all 64 assets into one lockfile, and bills within the ceiling", { timeout: 300_000 }, async () => {
    const CEILING = 12;
    const { plan, steps, summary, shardReports } = await matrix(64, 8, String(CEILING));

    expect(plan.code, log(plan)).toBe(0);
    expect(JSON.parse(plan.outputs.matrix!)).toEqual({ shard: ["1/8", "2/8", "3/8", "4/8", "5/8", "6/8", "7/8", "8/8"] });
    for (const s of steps) expect(s.code, log(s)).toBe(0);
    for (const s of steps) expect(s.summary).toMatch(/of its \*\*\$[\d.]+\*\* slice of the \*\*\$12\.00\*\* ceiling; \*\*\$[\d.]+\*\* of the slice is left unspent/);

    // Each shard ran the assets the plan gave it, and no asset ran in two shards.
    const planned = JSON.parse(readFileSync(plan.outputs["report-json"]!, "utf8")) as { matrix: { shards: { shard: string; assets: string[]; ceilingUsd: number }[]; fingerprint: string } };
    shardReports.forEach((r, i) => {
      expect(r.shard!.assets).toEqual(planned.matrix.shards[i]!.assets);
      expect(r.shard!.sliceUsd).toBe(planned.matrix.shards[i]!.ceilingUsd);
      expect(r.shard!.fingerprint).toBe(planned.matrix.fingerprint);
    });
    const askedBy = new Map<string, Set<string>>();
    for (const p of proxies) {
      for (const c of p.calls) {
        const asset = assetOf(c.prompt)!;
        (askedBy.get(asset) ?? askedBy.set(asset, new Set()).get(asset)!).add(c.run!);
      }
    }
    expect(askedBy.size).toBe(64);
    for (const [asset, shards] of askedBy) expect([...shards], `tile-${asset}`).toHaveLength(1);
    // Cost-balanced: the eight expensive assets (count 3) are spread over the shards, one each.
    for (const r of shardReports) expect(r.shard!.assets.filter((id) => Number(id.slice(5)) % 8 === 0)).toHaveLength(1);

    // One commit per shard on origin, holding every output exactly once, and one lockfile with all 64.
    expect(repo!.originGit("rev-list", "--count", "main")).toBe(String(1 + 8));
    const tree = repo!.originGit("ls-tree", "-r", "--name-only", "main").split("\n").filter((p) => p.startsWith("art/"));
    const expected = Array.from({ length: 64 }, (_, i) => Array.from({ length: countOf(i) }, (_, k) => `art/tile-${i}-${k + 1}.webp`)).flat();
    expect(tree.sort()).toEqual(expected.sort());
    const lock = parseLockfile(repo!.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    expect(Object.keys(lock.assets)).toHaveLength(64);
    for (let i = 0; i < 64; i++) {
      const outputs = lock.assets[`tile-${i}`]!.outputs;
      expect(outputs.map((o) => o.path).sort()).toEqual(Array.from({ length: countOf(i) }, (_, k) => `art/tile-${i}-${k + 1}.webp`));
      for (const o of outputs) expect(repo!.originGit("cat-file", "-t", `main:${o.path}`)).toBe("blob");
    }

    // The service's bill: within the ceiling, and what the shards reported within 1 %.
    const reported = shardReports.reduce((n, r) => n + r.spentUsd, 0);
    expect(billed()).toBeGreaterThan(0);
    expect(billed()).toBeLessThanOrEqual(CEILING);
    expect(Math.abs(reported - billed()) / billed()).toBeLessThan(0.01);
    // Every shard started from the project's limit ÷ 8, and the shared limit was never crossed.
    for (const s of steps) expect(s.stdout).toContain(`at ${PROJECT_RPM / 8} requests per minute (the project's ${PROJECT_RPM} ÷ 8 shards)`);
    expect(emulator!.stats.throttled).toBe(0);

    // The summary job: one summary for the whole matrix, from the shards' reports.
    expect(summary.code, log(summary)).toBe(0);
    expect(summary.summary).toContain("## seedlock run · matrix of 8 shards");
    expect(Number(summary.outputs["spent-usd"])).toBeCloseTo(reported, 6);
    expect(summary.outputs.rendered).toBe(String(56 + 8 * 3));
    expect(summary.summary).toMatch(/left unspent/);
    for (const r of shardReports) expect(summary.summary).toContain(`| \`${r.shard!.shard}\` | ✅ 0 |`);
  });

  it("a ceiling below the estimate: every shard stops at its own slice, and all of them together within the ceiling", { timeout: 300_000 }, async () => {
    const CEILING = 1.5;
    const { steps, summary, shardReports } = await matrix(32, 8, String(CEILING));

    const slices = shardReports.map((r) => r.shard!.sliceUsd);
    expect(slices.reduce((n, s) => n + s, 0)).toBeLessThanOrEqual(CEILING);
    shardReports.forEach((r, i) => {
      expect(r.spentUsd).toBeLessThanOrEqual(r.shard!.sliceUsd);
      expect(proxies[i]!.billed()).toBeLessThanOrEqual(r.shard!.sliceUsd + 1e-9);
      expect(r.ceilingUsd).toBe(r.shard!.sliceUsd);
    });
    // Each shard alone would have stayed within the whole ceiling; together they would not have.
    expect(billed()).toBeLessThanOrEqual(CEILING);
    expect(steps.some((s) => s.code !== 0)).toBe(true);
    expect(shardReports.some((r) => r.exitCode === 3)).toBe(true);
    expect(steps.find((s) => s.code !== 0)!.summary).toMatch(/slice of the \*\*\$1\.50\*\* ceiling/);
    // What was accepted was still committed, and the summary job fails with the budget named.
    const lock = parseLockfile(repo!.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    expect(Object.keys(lock.assets).length).toBeGreaterThan(0);
    expect(summary.code).toBe(1);
    expect(summary.summary).toContain("❌ 3");
    expect(Number(summary.outputs["spent-usd"])).toBeLessThanOrEqual(CEILING);
  });
});

describe("16 shards pushing to one branch at once", () => {
  it("all land: every push that lost the race merges the lockfile per asset and tries again", { timeout: 300_000 }, async () => {
    const { steps, shardReports } = await matrix(16, 16, "5");
    for (const s of steps) expect(s.code, log(s)).toBe(0);
    for (const r of shardReports) expect(r.shard!.assets).toHaveLength(1);
    expect(repo!.originGit("rev-list", "--count", "main")).toBe("17");
    const lock = parseLockfile(repo!.originGit("show", "main:assets.lock.yaml") + "\n", "origin");
    expect(Object.keys(lock.assets).sort()).toEqual(Array.from({ length: 16 }, (_, i) => `tile-${i}`).sort());
    const tree = repo!.originGit("ls-tree", "-r", "--name-only", "main").split("\n").filter((p) => p.startsWith("art/"));
    expect(tree).toHaveLength(16 + 2 * 2);
    expect(steps.filter((s) => /lockfile merged per asset/.test(s.stdout)).length).toBeGreaterThan(0);
    for (let i = 0; i < 16; i++) expect(proxies.flatMap((p) => p.calls).filter((c) => assetOf(c.prompt) === String(i) && c.final)).toHaveLength(countOf(i));
  });
});
