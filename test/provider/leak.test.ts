import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryLogger } from "../../src/logger.js";
import { NO_FLAWS, startEmulator, type RunningEmulator, type ScriptedAnswer } from "../../src/emulator/emulator.js";
import { CircuitBreaker } from "../../src/provider/circuit.js";
import { createGeminiProvider } from "../../src/provider/gemini.js";
import type { ImageRequest } from "../../src/provider/provider.js";
import { recordingSleep } from "./fakes.js";

// A key nobody would type by accident, so any appearance of it anywhere is a leak.
const KEY = `AIzaLEAK-${"7Qx2".repeat(8)}`;
const DRAFT: ImageRequest = { model: "gemini-3.1-flash-lite-image", prompt: "A quiet harbour", seed: 1, aspectRatio: "1:1", imageSize: "1K" };

/** What the real service does on a bad key: echo it back in a DebugInfo detail. */
const echoes = (code: number, status: string): ScriptedAnswer => ({
  status: code,
  body: {
    error: {
      code,
      message: `Invalid API key: ${KEY}`,
      status,
      details: [{ "@type": "type.googleapis.com/google.rpc.DebugInfo", detail: `key=${KEY}` }],
    },
  },
});

let emulator: RunningEmulator;
const emulatorLog = new MemoryLogger();
beforeAll(async () => {
  emulator = await startEmulator({ ...NO_FLAWS, logger: emulatorLog });
});
afterAll(async () => {
  await emulator.close();
});

describe("the API key never appears in an error, a log line, a result or the emulator's output", () => {
  it("survives every failure path", async () => {
    const said: string[] = [];
    const providerLog = new MemoryLogger();
    const { sleep } = recordingSleep();
    const make = (extra: { timeoutMs?: number; baseUrl?: string } = {}) =>
      createGeminiProvider({ apiKey: KEY, baseUrl: emulator.url, logger: providerLog, sleep, circuit: new CircuitBreaker({ threshold: 50 }), ...extra });
    const provider = make();
    const attempt = async (run: () => Promise<unknown>) => {
      try {
        said.push(JSON.stringify(await run()));
      } catch (err) {
        const e = err as Error;
        said.push(e.message, String(e), e.stack ?? "", JSON.stringify(e), JSON.stringify(Object.entries(e)));
      }
    };
    const paths: ScriptedAnswer[][] = [
      [echoes(400, "INVALID_ARGUMENT")],
      [echoes(401, "UNAUTHENTICATED")],
      [echoes(403, "PERMISSION_DENIED")],
      [echoes(404, "NOT_FOUND")],
      [echoes(429, "RESOURCE_EXHAUSTED"), echoes(429, "RESOURCE_EXHAUSTED"), echoes(429, "RESOURCE_EXHAUSTED")],
      [echoes(500, "INTERNAL"), echoes(503, "UNAVAILABLE"), echoes(504, "DEADLINE_EXCEEDED")],
      [{ status: 503, body: `<html>upstream rejected key ${KEY}</html>` }, { status: 503 }, { status: 503 }],
      [{ blockReason: "SAFETY" }],
      [{ finishReason: "IMAGE_SAFETY" }],
      [{ images: 0, text: `your key ${KEY} is showing` }],
      [{ corrupt: true }],
      [{ status: 409, body: { error: { code: 409, message: `conflict for ${encodeURIComponent(KEY)}`, status: "ABORTED" } } }],
    ];
    for (const script of paths) {
      emulator.enqueue(...script);
      await attempt(() => provider.generate(DRAFT));
    }
    emulator.enqueue({ delayMs: 2_000 }, { delayMs: 2_000 }, { delayMs: 2_000 });
    await attempt(() => make({ timeoutMs: 100 }).generate(DRAFT));
    await attempt(() => make({ baseUrl: "http://127.0.0.1:9" }).generate(DRAFT));
    const image = { mimeType: "image/png", data: await sharp({ create: { width: 32, height: 32, channels: 3, background: "#888" } }).png().toBuffer() };
    emulator.enqueue({ status: 400, body: { error: { code: 400, message: `bad judge key ${KEY}`, status: "INVALID_ARGUMENT" } } });
    await attempt(() => provider.judge({ model: "gemini-3.5-flash", image, rubric: "sharp" }));
    await attempt(() => provider.judge({ model: "gemini-3.5-flash", image, rubric: "sharp" }));
    const wrongKey = await startEmulator({ ...NO_FLAWS, key: "another-key", logger: emulatorLog });
    try {
      await attempt(() => createGeminiProvider({ apiKey: KEY, baseUrl: wrongKey.url, logger: providerLog }).generate(DRAFT));
    } finally {
      await wrongKey.close();
    }

    // The key did reach the service on every path…
    expect(emulator.stats.requests).toBeGreaterThanOrEqual(20);
    // …and comes back out nowhere.
    const everything = [...said, providerLog.text(), emulatorLog.text(), JSON.stringify(emulator.stats)].join("\n");
    expect(said.length).toBeGreaterThan(30);
    expect(everything).toMatch(/\[redacted\]/);
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(encodeURIComponent(KEY));
    expect(everything).not.toContain("7Qx27Qx2");
  });
});
