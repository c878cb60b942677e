import { describe, expect, it } from "vitest";
import { trustedPricing } from "../../src/manifest/pricing.js";

describe("the manifest's prices as a run may use them", () => {
  it("keeps a raised price and sets aside one below the built-in price", () => {
    const { pricing, lowered } = trustedPricing(
      { "gemini-3.1-flash-image": { "512": 0.09, "1K": 0 }, "gemini-3.1-flash-lite-image": { "1K": 0.000001 } },
      false,
    );
    expect({ ...pricing }).toEqual({ "gemini-3.1-flash-image": { "512": 0.09 } });
    expect(lowered).toEqual([
      { model: "gemini-3.1-flash-image", size: "1K", manifestUsd: 0, catalogUsd: 0.067 },
      { model: "gemini-3.1-flash-lite-image", size: "1K", manifestUsd: 0.000001, catalogUsd: 0.0336 },
    ]);
  });

  it("keeps a price equal to the built-in one, and lower ones when the caller allows them", () => {
    expect(trustedPricing({ "gemini-3.1-flash-lite-image": { "1K": 0.0336 } }, false).lowered).toEqual([]);
    const allowed = trustedPricing({ "gemini-3.1-flash-lite-image": { "1K": 0.01 } }, true);
    expect(allowed.lowered).toEqual([]);
    expect(allowed.pricing["gemini-3.1-flash-lite-image"]).toEqual({ "1K": 0.01 });
  });

  it("builds its result without a prototype, so a `__proto__` model id stays a plain key", () => {
    const overrides = JSON.parse('{"__proto__": {"1K": 0}}') as Record<string, Record<string, number>>;
    const { pricing } = trustedPricing(overrides, false);
    expect(Object.keys(pricing)).toEqual(["__proto__"]);
    // With a plain {} the size would have landed on Object.prototype, for every object to inherit.
    expect(({} as Record<string, unknown>)["1K"]).toBeUndefined();
  });
});
