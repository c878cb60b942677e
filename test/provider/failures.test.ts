import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { ExitCode, InputError, ProviderUnavailableError } from "../../src/errors.js";
import { MemoryLogger } from "../../src/logger.js";
import { NO_FLAWS, startEmulator, type EmulatorOptions, type RunningEmulator } from "../../src/emulator/emulator.js";
import { MODELS, type ImageModel } from "../../src/models/catalog.js";
import { CircuitBreaker } from "../../src/provider/circuit.js";
import {
  ApiKeyRejectedError,
  CircuitOpenError,
  ModelNotFoundError,
  RequestRefusedError,
  RetriesExhaustedError,
} from "../../src/provider/errors.js";
import { createGeminiProvider, type GeminiProviderOptions } from "../../src/provider/gemini.js";
import type { ImageRequest } from "../../src/provider/provider.js";
import { half, recordingGate, recordingSleep } from "./fakes.js";

const LITE = "gemini-3.1-flash-lite-image";
const DRAFT: ImageRequest = { model: LITE, prompt: "A lighthouse on a cliff", seed: 1, aspectRatio: "1:1", imageSize: "1K" };

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setUp(emulatorOptions: EmulatorOptions = {}, providerOptions: Partial<GeminiProviderOptions> = {}) {
  emulator = await startEmulator({ ...NO_FLAWS, ...emulatorOptions });
  const { sleep, delays } = recordingSleep();
  const gate = recordingGate();
  const logger = new MemoryLogger();
  const provider = createGeminiProvider({ apiKey: "test-key-1234", baseUrl: emulator.url, sleep, gate, logger, random: half, ...providerOptions });
  return { emulator, provider, delays, gate, logger };
}

async function failure(promise: Promise<unknown>): Promise<Error & { exitCode?: number }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { exitCode?: number };
  }
  throw new Error("expected the call to fail");
}

describe("429 with RetryInfo: seedlock waits at least as long as the service asked", () => {
  it("retries once after the 47 s retryDelay and tells the gate it was throttled", async () => {
    const { emulator, provider, delays, gate } = await setUp({ failures: [{ status: 429, retryDelay: "47s" }] });
    const result = await provider.generate(DRAFT);
    expect(result.kind).toBe("image");
    expect(emulator.stats.requests).toBe(2);
    expect(emulator.stats.throttled).toBe(1);
    expect(provider.calls).toBe(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThanOrEqual(47_000);
    expect(delays[0]).toBeLessThan(49_000);
    expect(gate.throttles).toEqual([47_000]);
    expect(gate.acquired).toBe(2);
  });

  it("beyond the emulator's rpm, waits out the window each time and gives up after 10 refusals with exit 5", async () => {
    const { emulator, provider, delays } = await setUp({ rpm: 1 });
    await provider.generate(DRAFT);
    const err = await failure(provider.generate({ ...DRAFT, seed: 2 }));
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.exitCode).toBe(ExitCode.providerUnavailable);
    expect(err.message).toMatch(/10 tries of gemini-3\.1-flash-lite-image failed, the last with HTTP 429 RESOURCE_EXHAUSTED/);
    expect(err.message).toMatch(/lower rpm in the manifest/);
    expect(emulator.stats.requests).toBe(11);
    expect(emulator.stats.throttled).toBe(10);
    expect(delays).toHaveLength(9);
    for (const d of delays) expect(d).toBeGreaterThanOrEqual(55_000);
  });

  it("429s do not count towards the circuit: eight refused in a row, then the call goes through", async () => {
    const circuit = new CircuitBreaker({ threshold: 3 });
    const refusals = Array.from({ length: 8 }, () => ({ status: 429, retryDelay: "0.2s" }));
    const { emulator, provider } = await setUp({ failures: refusals }, { circuit });
    const result = await provider.generate(DRAFT);
    expect(result.kind).toBe("image");
    expect(emulator.stats.throttled).toBe(8);
    expect(circuit.isOpen).toBe(false);
  });

  it("a long unbroken run of 429s across calls stops the run (exit 5) saying the limit let nothing through", async () => {
    const circuit = new CircuitBreaker({ refusalThreshold: 6 });
    const { emulator, provider } = await setUp({ failures: Array.from({ length: 50 }, () => ({ status: 429, retryDelay: "0.1s" })) }, { circuit });
    const err = await failure(provider.generate(DRAFT));
    expect(err.exitCode).toBe(ExitCode.providerUnavailable);
    expect(err.message).toMatch(/answered 6 requests in a row with 429 RESOURCE_EXHAUSTED and let none through/);
    expect(emulator.stats.requests).toBe(6);
  });
});

describe("a per-day quota ends the run: waiting the RetryInfo's 38 s would not help", () => {
  it("stops at the first refusal with exit 5 and says the quota for today is used up, not to lower the rate", async () => {
    const { emulator, provider, delays } = await setUp({ perDay: 1 });
    await provider.generate(DRAFT);
    const err = await failure(provider.generate({ ...DRAFT, seed: 2 }));
    expect(err.exitCode).toBe(ExitCode.providerUnavailable);
    expect(err.message).toMatch(/quota for today is used up for gemini-3\.1-flash-lite-image \(GenerateRequestsPerDayPerProjectPerModel, limit 1\)/);
    expect(err.message).toMatch(/midnight Pacific/);
    expect(err.message).not.toMatch(/lower/);
    expect(emulator.stats.requests).toBe(2);
    expect(delays).toEqual([]);
  });

  it("a quota of zero says the project has no quota for the model", async () => {
    const { provider } = await setUp({ perDay: 0 });
    const err = await failure(provider.generate(DRAFT));
    expect(err.exitCode).toBe(ExitCode.providerUnavailable);
    expect(err.message).toMatch(/no quota for gemini-3\.1-flash-lite-image .*limit 0/);
  });
});

describe("429 without RetryInfo: exponential backoff with full jitter", () => {
  it("draws the wait below 1 s, then below 2 s, and succeeds on the third try", async () => {
    const { emulator, provider, delays, gate } = await setUp({ failures: [{ status: 429 }, { status: 429 }] });
    const result = await provider.generate(DRAFT);
    expect(result.kind).toBe("image");
    expect(emulator.stats.requests).toBe(3);
    expect(delays).toEqual([500, 1000]);
    expect(gate.throttles).toEqual([undefined, undefined]);
  });

  it("honours a Retry-After header when the answer has one", async () => {
    const { emulator, provider, delays } = await setUp({ failures: [{ status: 503, headers: { "retry-after": "7" } }] });
    await provider.generate(DRAFT);
    expect(emulator.stats.requests).toBe(2);
    expect(delays[0]).toBeGreaterThanOrEqual(7_000);
  });

  it("gives up at once when asked to wait longer than it ever would (a daily quota)", async () => {
    const { emulator, provider, delays } = await setUp({ failures: [{ status: 429, retryDelay: "3600s" }] });
    const err = await failure(provider.generate(DRAFT));
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.message).toMatch(/asked seedlock to wait 3600 s/);
    expect(emulator.stats.requests).toBe(1);
    expect(delays).toEqual([]);
  });
});

describe("a 503 storm opens the circuit and the run stops calling", () => {
  it("fails each call after 3 tries, opens after 8 failures in a row, then fails fast without HTTP", async () => {
    const circuit = new CircuitBreaker({ threshold: 8 });
    const { emulator, provider, logger } = await setUp({ errorRate: 1 }, { circuit });
    const first = await failure(provider.generate(DRAFT));
    expect(first).toBeInstanceOf(RetriesExhaustedError);
    expect(first.message).toMatch(/HTTP 503 UNAVAILABLE \(The model is overloaded\. Please try again later\.\)/);
    expect(first.message).toMatch(/wait a few minutes and rerun/);
    expect(emulator.stats.requests).toBe(3);
    expect(await failure(provider.generate(DRAFT))).toBeInstanceOf(RetriesExhaustedError);
    expect(emulator.stats.requests).toBe(6);
    const opened = await failure(provider.generate(DRAFT));
    expect(opened).toBeInstanceOf(CircuitOpenError);
    expect(opened).toBeInstanceOf(ProviderUnavailableError);
    expect(opened.exitCode).toBe(ExitCode.providerUnavailable);
    expect(opened.message).toMatch(/circuit opened after 8 consecutive transient failures \(last: HTTP 503 UNAVAILABLE\)/);
    expect(emulator.stats.requests).toBe(8);

    // Another provider of the same run shares the breaker: no request leaves either of them now.
    const other = createGeminiProvider({ apiKey: "test-key-1234", baseUrl: emulator.url, circuit });
    expect(await failure(other.generate(DRAFT))).toBeInstanceOf(CircuitOpenError);
    expect(await failure(provider.judge({ model: "gemini-3.5-flash", image: { mimeType: "image/png", data: Buffer.alloc(8) }, rubric: "x" }))).toBeInstanceOf(CircuitOpenError);
    expect(emulator.stats.requests).toBe(8);
    expect(provider.calls + other.calls).toBe(8);
    expect(logger.text()).toMatch(/HTTP 503 UNAVAILABLE.*try 2 of 3/);
  });

  it("a success in between breaks the streak", async () => {
    const circuit = new CircuitBreaker({ threshold: 3 });
    const { emulator, provider } = await setUp({ failures: [{ status: 503 }, { status: 503 }, {}, { status: 503 }, { status: 503 }] }, { circuit });
    await provider.generate(DRAFT);
    await provider.generate(DRAFT);
    expect(circuit.isOpen).toBe(false);
    expect(emulator.stats.requests).toBe(6);
  });
});

describe("a call that hangs is abandoned at the timeout and retried", () => {
  it("aborts the SDK call after timeoutMs and succeeds on the next try", async () => {
    const { emulator, provider, delays } = await setUp({ failures: [{ delayMs: 5_000 }] }, { timeoutMs: 300 });
    const result = await provider.generate(DRAFT);
    expect(result.kind).toBe("image");
    expect(emulator.stats.requests).toBe(2);
    expect(provider.calls).toBe(2);
    expect(delays).toHaveLength(1);
  });

  it("reports the timeout when every try runs out of time", async () => {
    const slow = { delayMs: 5_000 };
    const { emulator, provider } = await setUp({ failures: [slow, slow, slow] }, { timeoutMs: 200 });
    const err = await failure(provider.generate(DRAFT));
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.message).toMatch(/the last with timeout after 200 ms\. Calls took too long/);
    expect(emulator.stats.requests).toBe(3);
  });

  it("stops at once, without another try, when the run itself is aborted", async () => {
    const { emulator, provider } = await setUp({ failures: [{ delayMs: 5_000 }] }, { timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("interrupted")), 150);
    const err = await failure(provider.generate({ ...DRAFT, signal: controller.signal }));
    expect(err.message).toBe("interrupted");
    expect(emulator.stats.requests).toBe(1);
  });
});

describe("safety blocks and empty answers are rejections, never retried", () => {
  it("a blocked prompt becomes PROMPT_<blockReason>", async () => {
    const { emulator, provider, delays } = await setUp({ failures: [{ blockReason: "SAFETY" }] });
    const result = await provider.generate(DRAFT);
    expect(result).toMatchObject({ kind: "rejected", reason: "PROMPT_SAFETY" });
    // No image is billed; the prompt's input tokens are, as the answer's usage says.
    expect(result.costUsd).toBeCloseTo(Math.round(emulator.stats.billedUsd * 1e6) / 1e6, 9);
    expect(result.costUsd).toBeLessThan(0.0001);
    expect(result.kind === "rejected" && result.message).toMatch(/the prompt was blocked \(SAFETY\)/);
    expect([emulator.stats.requests, emulator.stats.blocked, delays.length]).toEqual([1, 1, 0]);
  });

  it("finishReason IMAGE_SAFETY becomes an IMAGE_SAFETY rejection", async () => {
    const { emulator, provider } = await setUp({ failures: [{ finishReason: "IMAGE_SAFETY" }] });
    const result = await provider.generate(DRAFT);
    expect(result).toMatchObject({ kind: "rejected", reason: "IMAGE_SAFETY" });
    expect(emulator.stats.requests).toBe(1);
  });

  it("an unfamiliar finishReason is a rejection too, reason OTHER, naming what the service said", async () => {
    const { emulator, provider } = await setUp({ failures: [{ finishReason: "MAX_TOKENS" }] });
    const result = await provider.generate(DRAFT);
    expect(result).toMatchObject({ kind: "rejected", reason: "OTHER" });
    expect(result.kind === "rejected" && result.message).toMatch(/finishReason MAX_TOKENS/);
    expect(emulator.stats.requests).toBe(1);
  });

  it("a text-only answer is NO_IMAGE and quotes the text", async () => {
    const { emulator, provider } = await setUp({ failures: [{ images: 0, text: "I cannot draw lighthouses today." }] });
    const result = await provider.generate(DRAFT);
    expect(result).toMatchObject({ kind: "rejected", reason: "NO_IMAGE" });
    expect(result.kind === "rejected" && result.message).toMatch(/text only: "I cannot draw lighthouses today\."/);
    expect(emulator.stats.requests).toBe(1);
  });

  it("corrupt image bytes are handed back as an image: decoding them is the screen's job", async () => {
    const { emulator, provider } = await setUp({ failures: [{ corrupt: true }] });
    const result = await provider.generate(DRAFT);
    expect(result.kind).toBe("image");
    if (result.kind !== "image") return;
    expect(result.image.mimeType).toBe("image/jpeg");
    await expect(sharp(result.image.data).raw().toBuffer()).rejects.toThrow();
    expect(emulator.stats.requests).toBe(1);
  });
});

describe("refusals fail fast with the API's own words (exit 2)", () => {
  it("a bad key says so in plain words after one call", async () => {
    const { emulator, provider } = await setUp({ key: "the-right-key" });
    const err = await failure(provider.generate(DRAFT));
    expect(err).toBeInstanceOf(ApiKeyRejectedError);
    expect(err).toBeInstanceOf(InputError);
    expect(err.exitCode).toBe(ExitCode.invalidInput);
    expect(err.message).toMatch(/^the API key was rejected \(HTTP 400\): set GEMINI_API_KEY to a valid key/);
    expect(err.message).toMatch(/API key not valid/);
    expect(emulator.stats.requests).toBe(1);
  });

  it("401 and 403 are key problems too", async () => {
    const { emulator, provider } = await setUp({ failures: [{ status: 401 }, { status: 403 }] });
    expect((await failure(provider.generate(DRAFT))).message).toMatch(/^the API key was rejected \(HTTP 401\): set GEMINI_API_KEY to a valid key/);
    expect((await failure(provider.generate(DRAFT))).message).toMatch(/^the API key was rejected \(HTTP 403\)/);
    expect(emulator.stats.requests).toBe(2);
  });

  it("no key at all is refused before any call", async () => {
    emulator = await startEmulator(NO_FLAWS);
    const url = emulator.url;
    let caught: unknown;
    try {
      createGeminiProvider({ apiKey: " ", baseUrl: url });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as Error).message).toMatch(/set GEMINI_API_KEY/);
    expect(emulator.stats.requests).toBe(0);
  });

  it("an unknown model names the catalog's models that still answer", async () => {
    const retired = { ...(MODELS[0] as ImageModel), id: "gemini-1-old-image", shutdownDate: "2000-01-01" };
    const table = [...MODELS.filter((m) => !m.shutdownDate), retired];
    const { emulator, provider } = await setUp({ models: table.filter((m) => m.id !== "gemini-3-pro-image") }, { models: table });
    const err = await failure(provider.generate({ ...DRAFT, model: "gemini-3-pro-image" }));
    expect(err).toBeInstanceOf(ModelNotFoundError);
    expect(err.exitCode).toBe(ExitCode.invalidInput);
    expect(err.message).toMatch(/^model gemini-3-pro-image not found \(HTTP 404: models\/gemini-3-pro-image is not found for API version v1beta/);
    expect(err.message).toMatch(/use one of the models seedlock knows: gemini-3\.1-flash-lite-image, gemini-nano-banana-2\.1, gemini-3\.1-flash-image, gemini-3-pro-image$/);
    expect(emulator.stats.requests).toBe(1);
  });

  it("a retired model is answered 404 from its shutdown date on", async () => {
    const retired = { ...(MODELS[0] as ImageModel), id: "gemini-1-old-image", shutdownDate: "2000-01-01" };
    const { emulator, provider } = await setUp({ models: [...MODELS, retired] }, { models: [...MODELS, retired] });
    const err = await failure(provider.generate({ ...DRAFT, model: "gemini-1-old-image" }));
    expect(err).toBeInstanceOf(ModelNotFoundError);
    expect(err.message).not.toMatch(/gemini-1-old-image,|gemini-1-old-image$/);
    expect(emulator.stats.requests).toBe(1);
  });

  it("a model the catalog does not know is refused before any call", async () => {
    const { emulator, provider } = await setUp();
    const err = await failure(provider.generate({ ...DRAFT, model: "gemini-9-ultra-image" }));
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toMatch(/unknown image model "gemini-9-ultra-image".*use one of: gemini-3\.1-flash-lite-image/);
    expect(emulator.stats.requests).toBe(0);
  });

  it("a size the model cannot do comes back as the API's INVALID_ARGUMENT message", async () => {
    const { emulator, provider } = await setUp();
    const err = await failure(provider.generate({ ...DRAFT, model: "gemini-3-pro-image", imageSize: "512" }));
    expect(err).toBeInstanceOf(RequestRefusedError);
    expect(err.exitCode).toBe(ExitCode.invalidInput);
    expect(err.message).toMatch(/refused the request for gemini-3-pro-image \(HTTP 400 INVALID_ARGUMENT\): Image size "512" is not supported/);
    expect(emulator.stats.requests).toBe(1);
  });
});

describe("network failures are transient", () => {
  it("a connection dropped without an answer is retried", async () => {
    const { emulator, provider, delays } = await setUp({ failures: [{ drop: true }] });
    const result = await provider.generate(DRAFT);
    expect(result.kind).toBe("image");
    expect(emulator.stats.requests).toBe(2);
    expect(delays).toEqual([500]);
  });

  it("a refused connection is retried, then reported with what to check", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { sleep, delays } = recordingSleep();
    const provider = createGeminiProvider({ apiKey: "test-key-1234", baseUrl: `http://127.0.0.1:${port}`, sleep, random: half });
    const err = await failure(provider.generate(DRAFT));
    expect(err).toBeInstanceOf(RetriesExhaustedError);
    expect(err.message).toMatch(/network error \(ECONNREFUSED\)\. Check the network and the base URL/);
    expect(provider.calls).toBe(3);
    expect(delays).toEqual([500, 1000]);
  });
});
