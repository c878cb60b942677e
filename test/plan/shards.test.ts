import { describe, expect, it } from "vitest";
import type { Plan, PlannedAsset } from "../../src/plan/plan.js";
import { autoShardCount, packShards, shardRpm, workOf, type PackedWork } from "../../src/plan/shards.js";
import { seededRandom } from "../support/seeded-random.js";

/** `n` assets whose estimates are drawn from `draw` (USD), ids in manifest order. */
function work(n: number, draw: (i: number) => number): PackedWork[] {
  return Array.from({ length: n }, (_, i) => ({ id: `asset-${String(i).padStart(4, "0")}`, estimatedUsd: Math.round(draw(i) * 1e6) / 1e6 }));
}

const micros = (usd: number) => Math.round(usd * 1e6);

describe("packing assets into shards by estimated cost", () => {
  it("gives the same matrix for the same work and ceiling, whatever order the assets come in", () => {
    const random = seededRandom(11);
    const assets = work(300, () => random() * 2);
    const a = packShards(assets, 16, 25);
    const b = packShards([...assets].reverse(), 16, 25);
    expect(b).toEqual(a);
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // A different ceiling is a different matrix, and the fingerprint says so.
    expect(packShards(assets, 16, 24).fingerprint).not.toBe(a.fingerprint);
  });

  it("runs every asset with work exactly once", () => {
    const random = seededRandom(3);
    const assets = work(97, () => random());
    const matrix = packShards(assets, 8, 10);
    const placed = matrix.shards.flatMap((s) => s.assets);
    expect(placed.sort()).toEqual(assets.map((a) => a.id).sort());
    expect(matrix.shards.map((s) => s.shard)).toEqual(["1/8", "2/8", "3/8", "4/8", "5/8", "6/8", "7/8", "8/8"]);
  });

  it("balances by cost, not by position: every n-th asset expensive still packs evenly", () => {
    // Position-based shards would put every expensive asset into shard 1.
    const assets = work(64, (i) => (i % 4 === 0 ? 1 : 0.01));
    const matrix = packShards(assets, 4, 100);
    const estimates = matrix.shards.map((s) => micros(s.estimatedUsd));
    expect(Math.max(...estimates) - Math.min(...estimates)).toBe(0);
    expect(matrix.balance).toBe(1);
  });

  it("keeps the largest shard within the largest asset of the mean (LPT's bound) on very uneven assets", () => {
    const random = seededRandom(5);
    // Heavy-tailed: most assets cost cents, a few cost dollars.
    const assets = work(1000, () => 0.01 / Math.max(0.002, random() ** 3));
    const matrix = packShards(assets, 16, 1000);
    const mean = assets.reduce((n, a) => n + a.estimatedUsd, 0) / 16;
    const largestAsset = Math.max(...assets.map((a) => a.estimatedUsd));
    const largestShard = Math.max(...matrix.shards.map((s) => s.estimatedUsd));
    expect(largestShard).toBeLessThanOrEqual(mean + largestAsset + 1e-9);
    expect(matrix.balance).toBeLessThan(1.05);
  });

  it("cuts slices proportional to the estimates, rounded down, so they never add up past the ceiling", () => {
    const random = seededRandom(8);
    for (let trial = 0; trial < 200; trial++) {
      const assets = work(1 + Math.floor(random() * 40), () => random() * 3);
      const count = 1 + Math.floor(random() * 20);
      const ceiling = Math.round(random() * 50 * 100) / 100 + 0.01;
      const matrix = packShards(assets, count, ceiling);
      const slices = matrix.shards.map((s) => micros(s.ceilingUsd));
      expect(slices.reduce((n, s) => n + s, 0)).toBeLessThanOrEqual(micros(ceiling));
      expect(micros(matrix.allocatedUsd)).toBe(slices.reduce((n, s) => n + s, 0));
      // Rounding down loses less than a micro-dollar per shard.
      expect(micros(ceiling) - slices.reduce((n, s) => n + s, 0)).toBeLessThan(count);
      for (const [i, s] of matrix.shards.entries()) {
        const share = (micros(ceiling) * micros(s.estimatedUsd)) / micros(matrix.estimatedUsd);
        expect(Math.abs(slices[i]! - share)).toBeLessThanOrEqual(1);
      }
    }
  });

  it("gives a shard with nothing to run no slice, and an empty plan no slices at all", () => {
    const matrix = packShards(work(2, () => 1), 5, 10);
    expect(matrix.shards.filter((s) => s.assets.length === 0)).toHaveLength(3);
    for (const s of matrix.shards.filter((x) => x.assets.length === 0)) expect(s.ceilingUsd).toBe(0);
    expect(matrix.shards.filter((s) => s.assets.length).map((s) => s.ceilingUsd)).toEqual([5, 5]);
    const none = packShards([], 3, 10);
    expect(none.shards.map((s) => s.ceilingUsd)).toEqual([0, 0, 0]);
    expect(none.balance).toBe(0);
  });

  it("breaks ties by id for assets and by fewest assets, then lowest index, for shards", () => {
    // a, b and c cost the same: id order; the second shard is then the lighter one for y and z.
    const matrix = packShards([{ id: "c", estimatedUsd: 1 }, { id: "a", estimatedUsd: 1 }, { id: "b", estimatedUsd: 1 }, { id: "z", estimatedUsd: 0 }, { id: "y", estimatedUsd: 0 }], 2, 3);
    expect(matrix.shards.map((s) => s.assets)).toEqual([["a", "c"], ["b", "y", "z"]]);
    // Equal estimates: the shard with fewer assets, then the lower index, takes the next one.
    const even = packShards([{ id: "a", estimatedUsd: 1 }, { id: "b", estimatedUsd: 1 }, { id: "y", estimatedUsd: 0 }, { id: "z", estimatedUsd: 0 }], 2, 2);
    expect(even.shards.map((s) => s.assets)).toEqual([["a", "y"], ["b", "z"]]);
  });
});

describe("which assets the packing distributes", () => {
  it("only those the plan has work for: unchanged ones run nowhere", () => {
    const asset = (id: string, state: PlannedAsset["state"], estimatedUsd: number) => ({ id, state, estimatedUsd }) as PlannedAsset;
    const plan = { assets: [asset("a", "unchanged", 0), asset("b", "new", 0.5), asset("c", "incomplete", 0.2)] } as Plan;
    expect(workOf(plan)).toEqual([{ id: "b", estimatedUsd: 0.5 }, { id: "c", estimatedUsd: 0.2 }]);
  });
});

describe("--shards auto", () => {
  const plan = (drafts: number, finals: number, assets: number) =>
    ({ drafts, finals, judgeCalls: 0, assets: Array.from({ length: assets }, (_, i) => ({ id: `a${i}`, state: "new", estimatedUsd: 1 })) }) as unknown as Plan;

  it("sizes jobs to about an hour of calls at the manifest's concurrency", () => {
    // 3,000 drafts × 10 s + 1,000 finals × 30 s = 60,000 s ÷ 4 = 250 min → 5 jobs of 60 min.
    expect(autoShardCount(plan(3000, 1000, 1000), { concurrency: 4 }).count).toBe(5);
    expect(autoShardCount(plan(3000, 1000, 1000), { concurrency: 8 }).count).toBe(3);
  });

  it("is at least one, at most one per asset with work, and at most GitHub's 256", () => {
    expect(autoShardCount(plan(0, 0, 0), { concurrency: 4 }).count).toBe(1);
    expect(autoShardCount(plan(100_000, 0, 3), { concurrency: 1 }).count).toBe(3);
    const huge = autoShardCount(plan(10_000_000, 0, 100_000), { concurrency: 1 });
    expect(huge.count).toBe(256);
    expect(huge.rule).toContain("at most 256 jobs");
  });

  it("says when a declared project limit bounds the matrix whatever the count", () => {
    expect(autoShardCount(plan(6000, 0, 500), { concurrency: 4, rpm: 60 }).rule).toMatch(/project limit of 60 requests per minute alone takes 100 min/);
  });
});

describe("a shard's share of the declared rate", () => {
  it("is the project's limit ÷ the number of shards", () => {
    expect(shardRpm(120, { index: 2, count: 8 })).toBe(15);
    expect(shardRpm(120, undefined)).toBe(120);
    expect(shardRpm(undefined, { index: 0, count: 8 })).toBeUndefined();
  });
});
