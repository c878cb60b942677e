import { describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator } from "../../src/emulator/emulator.js";
import { createDailyQuota, createLimiter, type Limiter } from "../../src/emulator/limits.js";
import { emulatorOptions } from "../../src/cli/emulate.js";
import { InputError } from "../../src/errors.js";

const LITE = "gemini-3.1-flash-lite-image";

/** Admissions of `limiter` for requests at each of `times` (ms): true when admitted, else the delay it names. */
function run(limiter: Limiter, times: number[]): (true | number)[] {
  return times.map((t) => {
    const a = limiter.admit(t);
    return a.admitted ? true : a.retryAfterMs;
  });
}

describe("the limit shapes admit what their names say, and say when to come back", () => {
  it("token bucket: a full burst at once, then one per 60 s ÷ rate, the delay the time to the next token", () => {
    const bucket = createLimiter({ shape: "token-bucket", perMinute: 120, burst: 3 });
    expect(run(bucket, [0, 0, 0, 0, 100, 500, 600])).toEqual([true, true, true, 500, 400, true, 400]);
  });

  it("token bucket default burst: ten seconds' worth", () => {
    const bucket = createLimiter({ shape: "token-bucket", perMinute: 120 });
    expect(run(bucket, Array(21).fill(0)).filter((a) => a === true)).toHaveLength(20);
  });

  it("sliding window: at most perMinute in any 60 s; the delay is until the oldest leaves it", () => {
    const window = createLimiter({ shape: "sliding-window", perMinute: 2 });
    expect(run(window, [0, 10_000, 20_000, 60_000, 60_001, 70_000])).toEqual([true, true, 40_000, true, 9_999, true]);
  });

  it("fixed window: the count resets on the clock minute, whatever was sent just before", () => {
    const window = createLimiter({ shape: "fixed-window", perMinute: 2 });
    expect(run(window, [50_000, 55_000, 59_000, 60_000, 60_500, 61_000])).toEqual([true, true, 1_000, true, true, 59_000]);
  });

  it("a fixed RetryInfo, as some services answer whatever the state", () => {
    const bucket = createLimiter({ shape: "token-bucket", perMinute: 60, burst: 1, retryDelayMs: 200 });
    expect(run(bucket, [0, 10, 500])).toEqual([true, 200, 200]);
  });

  it("a per-day quota refuses with a short delay until midnight Pacific, then admits again", () => {
    const day = createDailyQuota(2);
    const nearMidnightPacific = Date.parse("2026-12-01T07:59:00Z");
    expect(run(day, [nearMidnightPacific, nearMidnightPacific + 1, nearMidnightPacific + 2, nearMidnightPacific + 120_000])).toEqual([true, true, 38_000, true]);
  });

  it("refuses shapes and numbers that mean nothing", () => {
    expect(() => createLimiter({ shape: "leaky" as never, perMinute: 1 })).toThrow(RangeError);
    expect(() => createLimiter({ shape: "token-bucket", perMinute: 0 })).toThrow(RangeError);
    expect(() => createLimiter({ shape: "token-bucket", perMinute: 1, burst: 0.5 })).toThrow(RangeError);
  });
});

describe("over HTTP each shape answers 429 in the real wire shape", () => {
  const call = (url: string) =>
    fetch(`${url}/v1beta/models/${LITE}:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "k" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "a red square" }] }], generationConfig: { responseModalities: ["IMAGE"], seed: 1 } }),
    });

  it.each(["token-bucket", "sliding-window", "fixed-window"] as const)("%s: RESOURCE_EXHAUSTED with a per-minute QuotaFailure and a RetryInfo", async (shape) => {
    const emulator = await startEmulator({ ...NO_FLAWS, limit: { shape, perMinute: 1, ...(shape === "token-bucket" ? { burst: 1 } : {}) } });
    try {
      expect((await call(emulator.url)).status).toBe(200);
      const refused = await call(emulator.url);
      expect(refused.status).toBe(429);
      const body = (await refused.json()) as { error: { code: number; status: string; details: Record<string, unknown>[] } };
      expect(body.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
      const quota = body.error.details.find((d) => String(d["@type"]).endsWith("google.rpc.QuotaFailure"));
      expect(quota).toMatchObject({ violations: [{ quotaId: "GenerateRequestsPerMinutePerProjectPerModel", quotaValue: "1", quotaDimensions: { model: LITE } }] });
      const retry = body.error.details.find((d) => String(d["@type"]).endsWith("google.rpc.RetryInfo"));
      expect(String(retry?.["retryDelay"])).toMatch(/^\d+(\.\d+)?s$/);
      expect(emulator.stats.throttled).toBe(1);
    } finally {
      await emulator.close();
    }
  });

  it("per-day: the QuotaFailure names the per-day quota while RetryInfo still says 38s", async () => {
    const emulator = await startEmulator({ ...NO_FLAWS, perDay: 1 });
    try {
      await call(emulator.url);
      const body = (await (await call(emulator.url)).json()) as { error: { details: Record<string, unknown>[] } };
      expect(body.error.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ violations: [expect.objectContaining({ quotaId: "GenerateRequestsPerDayPerProjectPerModel" })] }),
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "38s" },
        ]),
      );
    } finally {
      await emulator.close();
    }
  });
});

describe("seedlock emulate picks the shape by flag", () => {
  it("--rpm alone is a sliding minute; --limit-shape, --burst, --retry-delay-ms and --rpd shape the rest", () => {
    expect(emulatorOptions({ rpm: "60" }).limit).toEqual({ shape: "sliding-window", perMinute: 60 });
    expect(emulatorOptions({ rpm: "120", "limit-shape": "token-bucket", burst: "20", "retry-delay-ms": "200", rpd: "250" })).toMatchObject({
      limit: { shape: "token-bucket", perMinute: 120, burst: 20, retryDelayMs: 200 },
      perDay: 250,
    });
    expect(emulatorOptions({ rpm: "60", "limit-shape": "fixed-window" }).limit?.shape).toBe("fixed-window");
  });

  it("a shape without a rate, an unknown shape, or a burst on a window is refused with its fix", () => {
    const refused = (values: Record<string, string>) => {
      try {
        emulatorOptions(values);
      } catch (error) {
        expect(error).toBeInstanceOf(InputError);
        return (error as InputError).message;
      }
      throw new Error("expected a refusal");
    };
    expect(refused({ "limit-shape": "token-bucket" })).toMatch(/shape a limit that --rpm sets.*--rpm 120/s);
    expect(refused({ rpm: "60", "limit-shape": "leaky-bucket" })).toMatch(/--limit-shape must be one of token-bucket, sliding-window, fixed-window/);
    expect(refused({ rpm: "60", burst: "5" })).toMatch(/--burst applies to --limit-shape token-bucket only/);
  });
});
