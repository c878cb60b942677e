import { describe, expect, it } from "vitest";
import { DEFAULT_RATES, InjectedFaults, NO_FLAWS, type FaultOptions, type ScriptedAnswer } from "../../src/emulator/faults.js";
import { shapeOf } from "../../src/emulator/profiles.js";

const MODEL = "gemini-3.1-flash-lite-image";
const faults = (extra: Partial<FaultOptions> = {}) => new InjectedFaults({ rates: { ...NO_FLAWS }, shape: {}, random: () => 0.5, ...extra });
const quota = (refusal: { body: unknown } | undefined) => {
  const details = (refusal?.body as { error: { details: { violations?: { quotaId: string; quotaValue: string }[]; retryDelay?: string }[] } }).error.details;
  return { violation: details.find((d) => d.violations)?.violations?.[0], retryDelay: details.find((d) => d.retryDelay)?.retryDelay };
};

describe("a forced answer reaches the request it was meant for", () => {
  const slow: ScriptedAnswer = { delayMs: 5 };
  const broken: ScriptedAnswer = { status: 503 };
  it.each([
    { what: "a queue is taken one per request", failures: [slow, broken], profile: undefined, indexes: [0, 1, 2], expected: [slow, broken, undefined] },
    { what: "answers keyed by index land on that index only", failures: { 1: broken }, profile: undefined, indexes: [0, 1, 2], expected: [undefined, broken, undefined] },
    {
      what: "the per-day-quota profile refuses every request from its 9th on",
      failures: undefined,
      profile: "per-day-quota" as const,
      indexes: [7, 8, 20],
      expected: [undefined, { status: 429, retryDelay: "38s", perDay: true }, { status: 429, retryDelay: "38s", perDay: true }],
    },
  ])("$what", ({ failures, profile, indexes, expected }) => {
    const injected = faults({ shape: shapeOf(profile), ...(failures ? { failures } : {}) });
    expect(indexes.map((i) => injected.scriptFor(i))).toEqual(expected);
  });

  it("answers enqueued later come after the ones given at the start", () => {
    const injected = faults({ failures: [slow] });
    injected.enqueue(broken);
    expect([injected.scriptFor(0), injected.scriptFor(1)]).toEqual([slow, broken]);
  });
});

describe("a scripted error is answered with the body Google sends for it", () => {
  it.each([
    { what: "no status: answered normally", script: { text: "hi" }, status: undefined, quotaId: undefined, quotaValue: undefined },
    { what: "200: answered normally", script: { status: 200 }, status: undefined, quotaId: undefined, quotaValue: undefined },
    { what: "a 503", script: { status: 503 }, status: 503, quotaId: undefined, quotaValue: undefined },
    { what: "a 429 names the per-minute quota at the emulator's rpm", script: { status: 429, retryDelay: "47s" }, status: 429, quotaId: "GenerateRequestsPerMinutePerProjectPerModel", quotaValue: "30" },
    { what: "a per-day 429 names the per-day quota", script: { status: 429, perDay: true }, status: 429, quotaId: "GenerateRequestsPerDayPerProjectPerModel", quotaValue: "100" },
  ])("$what", ({ script, status, quotaId, quotaValue }) => {
    const refusal = faults({ rpm: 30, perDay: 100 }).scriptedRefusal(script, MODEL);
    expect(refusal?.status).toBe(status);
    if (quotaId) expect(quota(refusal).violation).toMatchObject({ quotaId, quotaValue });
  });
});

describe("limits and random 503s refuse what is over them", () => {
  it.each([
    { what: "no limit: nothing is refused", extra: {}, requests: 5, refused: [] as string[] },
    { what: "3 a minute: the 4th and 5th are over the limit", extra: { limit: { shape: "sliding-window" as const, perMinute: 3 } }, requests: 5, refused: ["over the sliding-window limit", "over the sliding-window limit"] },
    { what: "2 a day: the 3rd on are over the daily quota", extra: { perDay: 2 }, requests: 4, refused: ["over the daily quota", "over the daily quota"] },
  ])("$what", ({ extra, requests, refused }) => {
    const injected = faults(extra);
    const summaries = Array.from({ length: requests }, () => injected.overLimit(MODEL, 1_000_000)?.summary).filter((s) => s !== undefined);
    expect(summaries).toEqual(refused);
  });

  it("each model has its own limit", () => {
    const injected = faults({ limit: { shape: "sliding-window", perMinute: 1 } });
    expect([injected.overLimit("a", 0), injected.overLimit("b", 0), injected.overLimit("a", 0)?.status]).toEqual([undefined, undefined, 429]);
  });

  it.each([
    { errorRate: 0, draw: 0, overloaded: false },
    { errorRate: 0.3, draw: 0.29, overloaded: true },
    { errorRate: 0.3, draw: 0.3, overloaded: false },
  ])("errorRate $errorRate with a draw of $draw: overloaded $overloaded", ({ errorRate, draw, overloaded }) => {
    const refusal = faults({ rates: { ...DEFAULT_RATES, errorRate }, random: () => draw }).overloaded();
    expect(refusal?.status === 503).toBe(overloaded);
  });

  it("refuses a daily quota that is not a whole number", () => {
    expect(() => faults({ perDay: 1.5 })).toThrow(/perDay must be an integer >= 0/);
  });
});
