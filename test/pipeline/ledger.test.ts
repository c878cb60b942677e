import { describe, expect, it } from "vitest";
import { BudgetLedger } from "../../src/pipeline/ledger.js";
import { seededRandom } from "../support/seeded-random.js";


describe("a call that does not fit under the ceiling is not sent", () => {
  it("reserves while the price fits and refuses the first one that would cross", () => {
    const ledger = new BudgetLedger({ ceilingUsd: 0.1 });
    expect(ledger.reserve(0.0336)).not.toBeNull();
    expect(ledger.reserve(0.0336)).not.toBeNull();
    expect(ledger.reserve(0.0336)).toBeNull();
    expect(ledger.reservedUsd).toBeCloseTo(0.0672, 9);
  });

  it("counts prices exactly: three 0.0336 calls fit a 0.1008 ceiling despite float sums", () => {
    const ledger = new BudgetLedger({ ceilingUsd: 0.1008 });
    for (let i = 0; i < 3; i++) expect(ledger.reserve(0.0336)).not.toBeNull();
    expect(ledger.reserve(0.000001)).toBeNull();
  });

  it("frees the difference when a call settles below its reservation, and all of it on release", () => {
    const ledger = new BudgetLedger({ ceilingUsd: 0.1 });
    const a = ledger.reserve(0.067)!;
    expect(ledger.reserve(0.067)).toBeNull();
    ledger.settle(a, 0.02);
    expect(ledger.spentUsd).toBeCloseTo(0.02, 9);
    const b = ledger.reserve(0.067)!;
    expect(b).not.toBeNull();
    ledger.release(b);
    expect(ledger.reservedUsd).toBe(0);
    expect(ledger.availableUsd).toBeCloseTo(0.08, 9);
  });

  it("refuses to settle the same reservation twice", () => {
    const ledger = new BudgetLedger({ ceilingUsd: 1 });
    const a = ledger.reserve(0.1)!;
    ledger.settle(a, 0.1);
    expect(() => ledger.settle(a, 0.1)).toThrow(/already settled/);
    expect(() => ledger.release(a)).toThrow(/already settled/);
    expect(ledger.spentUsd).toBeCloseTo(0.1, 9);
  });

  it("a zero ceiling lets nothing through", () => {
    expect(new BudgetLedger({ ceilingUsd: 0 }).reserve(0.0001)).toBeNull();
  });
});

describe("the user is warned once when spend crosses warnUsd", () => {
  it("warns at the settle that crosses it and never again", () => {
    const warnings: number[] = [];
    const ledger = new BudgetLedger({ ceilingUsd: 1, warnUsd: 0.1, onWarn: (spent) => warnings.push(spent) });
    for (let i = 0; i < 5; i++) ledger.settle(ledger.reserve(0.04)!, 0.04);
    expect(warnings).toEqual([0.12]);
  });

  it("reservations alone do not warn: only money spent does", () => {
    const warnings: number[] = [];
    const ledger = new BudgetLedger({ ceilingUsd: 1, warnUsd: 0.1, onWarn: (s) => warnings.push(s) });
    ledger.reserve(0.5);
    expect(warnings).toEqual([]);
  });
});

describe("spend never passes the ceiling at any concurrency", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`holds for 400 interleaved calls at concurrency 32 (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const ceiling = 1 + random() * 3;
      const ledger = new BudgetLedger({ ceilingUsd: ceiling });
      let sent = 0;
      let refused = 0;
      let worst = 0;
      const check = () => {
        worst = Math.max(worst, ledger.spentUsd + ledger.reservedUsd);
        expect(ledger.spentUsd + ledger.reservedUsd).toBeLessThanOrEqual(ceiling + 1e-9);
      };
      const worker = async () => {
        for (let i = 0; i < 400 / 32; i++) {
          const price = [0.0336, 0.067, 0.101, 0.151][Math.floor(random() * 4)]!;
          const r = ledger.reserve(price);
          check();
          if (!r) {
            refused++;
            await new Promise((res) => setTimeout(res, 0));
            continue;
          }
          sent++;
          // Answers arrive in any order, after any number of other calls have started.
          for (let k = Math.floor(random() * 4); k > 0; k--) await Promise.resolve();
          if (random() < 0.1) ledger.release(r);
          else ledger.settle(r, price * (0.5 + random() * 0.5));
          check();
        }
      };
      await Promise.all(Array.from({ length: 32 }, worker));
      expect(sent).toBeGreaterThan(0);
      expect(refused).toBeGreaterThan(0); // the ceiling was really in the way
      expect(ledger.reservedUsd).toBe(0);
      expect(ledger.spentUsd).toBeLessThanOrEqual(ceiling);
      expect(worst).toBeLessThanOrEqual(ceiling + 1e-9);
    });
  }
});
