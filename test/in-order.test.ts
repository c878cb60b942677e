import { describe, expect, it } from "vitest";
import { inOrder } from "../src/in-order.js";

/** Items that take `ms` each; records how many were under way, and how heavy they were together. */
function recorder() {
  let running = 0;
  let weight = 0;
  const seen = { most: 0, heaviest: 0, started: [] as number[] };
  const make = async (item: { id: number; ms: number; w: number; fail?: boolean }) => {
    seen.started.push(item.id);
    running++;
    weight += item.w;
    seen.most = Math.max(seen.most, running);
    seen.heaviest = Math.max(seen.heaviest, weight);
    await new Promise((r) => setTimeout(r, item.ms));
    running--;
    weight -= item.w;
    if (item.fail) throw new Error(`item ${item.id} failed`);
    return `page of ${item.id}`;
  };
  return { seen, make };
}

describe("inOrder: several at a time, in order (the report's contact sheets, the folder probes)", () => {
  it("keeps the manifest's order however long each sheet takes, with no more than four under way", async () => {
    const { seen, make } = recorder();
    const items = Array.from({ length: 12 }, (_, id) => ({ id, ms: (id * 7) % 5, w: 1 }));
    const pages = await inOrder(items, { most: 4, budget: 32, weight: (i) => i.w }, make);
    expect(pages).toEqual(items.map((i) => `page of ${i.id}`));
    expect(seen.most).toBe(4);
  });

  it("holds the pictures under way to the budget, and lets a sheet larger than it go alone", async () => {
    const { seen, make } = recorder();
    const items = [20, 20, 5, 5, 40, 1, 1].map((w, id) => ({ id, ms: 3, w }));
    await inOrder(items, { most: 4, budget: 32, weight: (i) => i.w }, make);
    // 20 + 20 is over 32, so the first two went one after the other; 40 went alone.
    expect(seen.heaviest).toBe(40);
    expect(seen.most).toBeLessThanOrEqual(3);
  });

  it("starts nothing after a failure, lets what is under way finish, and throws the first failure", async () => {
    const { seen, make } = recorder();
    const items = Array.from({ length: 10 }, (_, id) => ({ id, ms: id === 1 ? 1 : 10, w: 1, fail: id === 1 }));
    await expect(inOrder(items, { most: 4, budget: 32, weight: (i) => i.w }, make)).rejects.toThrow("item 1 failed");
    // Items 0–3 were under way when item 1 failed; item 4 may have taken its slot first, no more.
    expect(seen.started.length).toBeLessThanOrEqual(5);
  });
});
