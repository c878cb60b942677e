import { describe, expect, it } from "vitest";
import { draftsToKeepInFlight } from "../../src/pipeline/in-flight.js";

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
