import { describe, expect, it } from "vitest";
import { draftsToKeepInFlight, expectedAcceptRate, nextCall, nextSeed, type NextCall, type NextCallQuestion } from "../../src/pipeline/in-flight.js";

describe("an asset keeps in flight what its remaining count needs, and at most one spare", () => {
  // remaining, accept rate, spare is a final, ceiling → drafts kept open
  const table: [number, number, boolean, number, number][] = [
    [0, 0.5, false, 4, 0], // count covered: nothing more is sent
    [1, 1, false, 4, 1], // every draft passes: a spare would always be wasted
    [1, 0.9, false, 4, 1],
    [1, 0.5, false, 4, 2], // needed as often as wasted: the cheap draft is sent
    [1, 0.3, false, 4, 2], // low accept rate: still only one spare, never remaining ÷ rate
    [3, 0.3, false, 16, 4],
    [3, 0.9, false, 16, 3], // all three pass 73 % of the time: the spare would be wasted more often than not
    [10, 0.7, false, 16, 11],
    [10, 1, false, 16, 10],
    [12, 0.3, false, 4, 4], // the pool's concurrency caps it
    [1, 0.5, true, 4, 1], // final-only: a spare final is sent only when needed three times in four
    [1, 1 / 3, true, 4, 1], // the demo's hero before anything is measured: one final at a time
    [1, 0.2, true, 4, 2], // final-only at a low accept rate: the spare is worth a final
    [2, 0.4, true, 4, 3],
    [2, 0.9, true, 4, 2],
    [5, 0.5, false, 1, 1], // concurrency 1: one at a time whatever is left
  ];
  it.each(table)("remaining %i at accept rate %f (spare is a final: %s, ceiling %i) keeps %i", (remaining, acceptRate, spareIsFinal, ceiling, expected) => {
    expect(draftsToKeepInFlight({ remaining, acceptRate, spareIsFinal, ceiling })).toBe(expected);
  });

  it("never keeps more than remaining + 1 open, whatever the rate, so at most one accepted draft per asset is surplus", () => {
    for (let remaining = 1; remaining <= 30; remaining++) {
      for (const acceptRate of [0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 1]) {
        for (const spareIsFinal of [false, true]) {
          const keep = draftsToKeepInFlight({ remaining, acceptRate, spareIsFinal, ceiling: 64 });
          expect(keep).toBeGreaterThanOrEqual(remaining);
          expect(keep).toBeLessThanOrEqual(remaining + 1);
        }
      }
    }
  });
});

describe("an asset's accept rate leans on the run's until it has answers of its own", () => {
  // prior, run accepted, run rejected, asset accepted, asset answered → expected rate
  const table: [number, number, number, number, number, number][] = [
    [1 / 3, 0, 0, 0, 0, 1 / 3], // nothing measured: the prior (1 ÷ oversample)
    [0.5, 0, 0, 0, 0, 0.5],
    [0.5, 10, 0, 0, 0, (10 + 1.5) / 13], // the run accepts everything: the asset expects more than the prior
    [0.5, 0, 10, 0, 0, 1.5 / 13], // the run rejects everything
    [0.5, 0, 0, 4, 4, (4 + 1) / 6], // four accepted answers of its own already outweigh the prior
    [0.5, 0, 0, 0, 8, 1 / 10],
    [0.5, 0, 0, 0, 1000, 0.02], // never below 2 %: the spare stays bounded
    [0, 0, 0, 0, 0, 0.02], // a prior of 0 counts as 2 %
    [3, 0, 0, 0, 0, 1], // and one above 1 as 1
  ];
  it.each(table)("prior %f, run %i accepted / %i rejected, asset %i accepted of %i → %f", (prior, accepted, rejected, assetAccepted, answered, expected) => {
    expect(expectedAcceptRate({ prior, run: { accepted, rejected }, asset: { accepted: assetAccepted, answered } })).toBeCloseTo(expected, 12);
  });
});

describe("the next seed drawn is the lowest one never drafted under these inputs", () => {
  const table: [number[], number, number][] = [
    [[], 0, 0],
    [[], 100, 100], // seedStart
    [[0, 1, 2], 0, 3],
    [[0, 2], 0, 1], // a seed freed by a draft that was never answered is drawn again
    [[5, 6, 9], 5, 7],
    [[1, 2, 3], 0, 0], // the cursor never skips a free seed before it
  ];
  it.each(table)("tried %j, from %i → %i", (tried, from, expected) => {
    expect(nextSeed(new Set(tried), from)).toBe(expected);
  });
});

describe("an asset asks for follow-ups first, then renders, then as many drafts as it keeps in flight", () => {
  const base: NextCallQuestion = {
    followUps: 0,
    rendersWaiting: 0,
    outputsUnderWay: 0,
    count: 2,
    drafts: true,
    remaining: 2,
    attemptsLeft: 10,
    draftsOpen: 0,
    acceptRate: 0.5,
    spareIsFinal: false,
    ceiling: 4,
  };
  const table: [string, Partial<NextCallQuestion>, NextCall | undefined][] = [
    ["a fresh asset drafts", {}, "draft"],
    ["a judge or a regeneration waiting goes before anything", { followUps: 1, rendersWaiting: 1 }, "follow-up"],
    ["an accepted draft waiting renders before a new draft", { rendersWaiting: 1 }, "render"],
    ["no render past the count", { rendersWaiting: 1, outputsUnderWay: 2, remaining: 0 }, undefined],
    ["two needed at a 50 % accept rate: two drafts and a spare", { draftsOpen: 2 }, "draft"],
    ["the spare is open: it waits", { draftsOpen: 3 }, undefined],
    ["every draft passes: no spare", { draftsOpen: 2, acceptRate: 1 }, undefined],
    ["the pool's concurrency caps the drafts open", { remaining: 10, draftsOpen: 4, ceiling: 4 }, undefined],
    ["maxAttempts used up: no new draft", { attemptsLeft: 0 }, undefined],
    ["render draws no new seed", { drafts: false }, undefined],
    ["render still renders what was accepted", { drafts: false, rendersWaiting: 1 }, "render"],
    ["the count is covered by what is under way", { remaining: 0 }, undefined],
  ];
  it.each(table)("%s", (_, change, expected) => {
    expect(nextCall({ ...base, ...change })).toBe(expected);
  });
});
