import { ApiError, GoogleGenAI } from "@google/genai";
import { Ajv } from "ajv";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NO_FLAWS, startEmulator, type RunningEmulator } from "../../src/emulator/emulator.js";

/*
 * The emulator's answers checked against the shapes Google documents:
 * - GenerateContentResponse, Candidate, PromptFeedback, UsageMetadata, ModalityTokenCount:
 *   https://ai.google.dev/api/generate-content
 *   https://docs.cloud.google.com/nodejs/docs/reference/generativelanguage/latest/generativelanguage/protos.google.ai.generativelanguage.v1beta.igeneratecontentresponse
 * - finishReason and blockReason values:
 *   https://googleapis.github.io/js-genai/release_docs/enums/types.FinishReason.html
 *   https://googleapis.github.io/js-genai/release_docs/enums/types.BlockedReason.html
 * - imageConfig {aspectRatio, imageSize} and the pixel size per aspect ratio and size:
 *   https://ai.google.dev/gemini-api/docs/image-generation
 * - the error model {error: {code, message, status, details[]}} and google.rpc.RetryInfo / ErrorInfo:
 *   https://cloud.google.com/apis/design/errors
 *   https://ai.google.dev/gemini-api/docs/troubleshooting (HTTP code ↔ status table)
 */

const KEY = "contract-key-5678";
const LITE = "gemini-3.1-flash-lite-image";
const FLASH = "gemini-3.1-flash-image";

const modalityTokenCount = {
  type: "object",
  required: ["modality", "tokenCount"],
  properties: { modality: { enum: ["TEXT", "IMAGE", "AUDIO", "VIDEO", "DOCUMENT"] }, tokenCount: { type: "integer", minimum: 0 } },
  additionalProperties: false,
};

const responseSchema = {
  type: "object",
  properties: {
    candidates: {
      type: "array",
      items: {
        type: "object",
        required: ["finishReason", "index"],
        properties: {
          content: {
            type: "object",
            required: ["role", "parts"],
            properties: {
              role: { const: "model" },
              parts: {
                type: "array",
                items: {
                  type: "object",
                  oneOf: [
                    { required: ["text"], properties: { text: { type: "string" } } },
                    {
                      required: ["inlineData"],
                      properties: {
                        inlineData: {
                          type: "object",
                          required: ["mimeType", "data"],
                          properties: { mimeType: { enum: ["image/png", "image/jpeg"] }, data: { type: "string", pattern: "^[A-Za-z0-9+/]+={0,2}$" } },
                          additionalProperties: false,
                        },
                      },
                    },
                  ],
                },
              },
            },
            additionalProperties: false,
          },
          finishReason: {
            enum: [
              "STOP",
              "MAX_TOKENS",
              "SAFETY",
              "RECITATION",
              "LANGUAGE",
              "OTHER",
              "BLOCKLIST",
              "PROHIBITED_CONTENT",
              "SPII",
              "MALFORMED_FUNCTION_CALL",
              "IMAGE_SAFETY",
              "IMAGE_PROHIBITED_CONTENT",
              "IMAGE_RECITATION",
              "IMAGE_OTHER",
              "NO_IMAGE",
            ],
          },
          index: { type: "integer", minimum: 0 },
        },
        additionalProperties: false,
      },
    },
    promptFeedback: {
      type: "object",
      required: ["blockReason"],
      properties: { blockReason: { enum: ["SAFETY", "OTHER", "BLOCKLIST", "PROHIBITED_CONTENT", "IMAGE_SAFETY"] } },
      additionalProperties: false,
    },
    usageMetadata: {
      type: "object",
      required: ["promptTokenCount", "totalTokenCount"],
      properties: {
        promptTokenCount: { type: "integer" },
        candidatesTokenCount: { type: "integer" },
        totalTokenCount: { type: "integer" },
        promptTokensDetails: { type: "array", items: modalityTokenCount },
        candidatesTokensDetails: { type: "array", items: modalityTokenCount },
      },
      additionalProperties: false,
    },
    modelVersion: { type: "string" },
    responseId: { type: "string", minLength: 1 },
  },
  additionalProperties: false,
};

const GRPC_CODES = [
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
];

const errorSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "status"],
      properties: {
        code: { type: "integer", minimum: 400, maximum: 599 },
        message: { type: "string", minLength: 1 },
        status: { enum: GRPC_CODES },
        details: {
          type: "array",
          items: {
            type: "object",
            required: ["@type"],
            properties: { "@type": { type: "string", pattern: "^type\\.googleapis\\.com/google\\.rpc\\.[A-Za-z]+$" } },
            allOf: [
              {
                if: { properties: { "@type": { const: "type.googleapis.com/google.rpc.RetryInfo" } } },
                // A protobuf Duration in JSON: seconds with up to nine fractional digits and an "s".
                then: { required: ["retryDelay"], properties: { retryDelay: { type: "string", pattern: "^\\d+(\\.\\d{1,9})?s$" } } },
              },
              {
                if: { properties: { "@type": { const: "type.googleapis.com/google.rpc.ErrorInfo" } } },
                then: { required: ["reason", "domain"], properties: { reason: { type: "string", pattern: "^[A-Z][A-Z0-9_]+$" } } },
              },
            ],
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

const ajv = new Ajv({ allErrors: true });
const validResponse = ajv.compile(responseSchema);
const validError = ajv.compile(errorSchema);

function expectResponseShape(body: unknown): void {
  expect(validResponse(body), JSON.stringify(validResponse.errors)).toBe(true);
}
function expectErrorShape(body: unknown, code: number, status: string): void {
  expect(validError(body), JSON.stringify(validError.errors)).toBe(true);
  expect(body).toMatchObject({ error: { code, status } });
}

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ ...NO_FLAWS, key: KEY, rpm: 1000 });
});
afterAll(async () => {
  await emulator.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = { "x-goog-api-key": KEY }) {
  const response = await fetch(`${emulator.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const drawRequest = (imageConfig: Record<string, string>, seed = 1) => ({
  contents: [{ role: "user", parts: [{ text: "A red kite over green hills" }] }],
  generationConfig: { responseModalities: ["IMAGE"], imageConfig, seed },
});

describe("the real @google/genai SDK talks to the emulator unchanged", () => {
  it("generateContent with apiVersion v1beta returns an inlineData image, STOP and image-token usage", async () => {
    const ai = new GoogleGenAI({ apiKey: KEY, apiVersion: "v1beta", httpOptions: { baseUrl: emulator.url } });
    const response = await ai.models.generateContent({
      model: FLASH,
      contents: "A red kite over green hills",
      config: { responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "3:2", imageSize: "2K" }, seed: 9 },
    });
    const candidate = response.candidates?.[0];
    expect(candidate?.finishReason).toBe("STOP");
    // A text part comes first, as the real models answer; the image is the last non-thought part.
    const parts = candidate?.content?.parts ?? [];
    expect(parts.find((p) => !p.thought)?.text).toEqual(expect.any(String));
    const part = parts.filter((p) => p.inlineData && !p.thought).at(-1);
    expect(part?.thoughtSignature).toEqual(expect.any(String));
    expect(part?.inlineData?.mimeType).toBe("image/jpeg");
    const meta = await sharp(Buffer.from(part?.inlineData?.data ?? "", "base64")).metadata();
    // Documented size for 3:2 at 2K: 2528 x 1696.
    expect([meta.width, meta.height]).toEqual([2528, 1696]);
    const usage = response.usageMetadata;
    expect(usage?.candidatesTokensDetails).toContainEqual({ modality: "IMAGE", tokenCount: 1680 });
    const text = usage?.candidatesTokensDetails?.find((d) => d.modality === "TEXT")?.tokenCount ?? 0;
    expect(text).toBeGreaterThan(0);
    expect(usage?.candidatesTokenCount).toBe(1680 + text);
    expect(usage?.totalTokenCount).toBe((usage?.promptTokenCount ?? 0) + 1680 + text + (usage?.thoughtsTokenCount ?? 0));
    expect(response.modelVersion).toBe(FLASH);
  });

  it("a wrong key reaches the SDK as ApiError 400 carrying Google's API_KEY_INVALID body", async () => {
    const ai = new GoogleGenAI({ apiKey: "not-the-key", apiVersion: "v1beta", httpOptions: { baseUrl: emulator.url } });
    const err = await ai.models.generateContent({ model: LITE, contents: "x", config: { responseModalities: ["IMAGE"] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(400);
    const body = JSON.parse((err as ApiError).message) as unknown;
    expectErrorShape(body, 400, "INVALID_ARGUMENT");
    expect(body).toMatchObject({ error: { message: "API key not valid. Please pass a valid API key.", details: [{ reason: "API_KEY_INVALID" }, {}] } });
  });

  it("generateContentStream gets the answer as one server-sent chunk", async () => {
    const ai = new GoogleGenAI({ apiKey: KEY, apiVersion: "v1beta", httpOptions: { baseUrl: emulator.url } });
    const stream = await ai.models.generateContentStream({ model: LITE, contents: "A red kite", config: { responseModalities: ["IMAGE"], seed: 2 } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.candidates?.[0]?.content?.parts?.find((p) => p.inlineData)?.inlineData?.mimeType).toBe("image/jpeg");
    expect(chunks[0]?.usageMetadata?.candidatesTokensDetails).toContainEqual({ modality: "IMAGE", tokenCount: 1120 });
  });

  it("the judge model answers JSON text when asked for application/json", async () => {
    const ai = new GoogleGenAI({ apiKey: KEY, apiVersion: "v1beta", httpOptions: { baseUrl: emulator.url } });
    const image = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#204080" } }).png().toBuffer();
    const response = await ai.models.generateContent({
      model: "gemini-3.5-flash",
      contents: [{ role: "user", parts: [{ text: "Rubric: sharp" }, { inlineData: { mimeType: "image/png", data: image.toString("base64") } }] }],
      config: { responseMimeType: "application/json" },
    });
    expect(JSON.parse(response.text ?? "")).toEqual({ score: expect.any(Number), reason: expect.any(String) });
  });
});

describe("answers have the documented GenerateContentResponse shape", () => {
  it("an image answer", async () => {
    const { status, body } = await post(`/v1beta/models/${LITE}:generateContent`, drawRequest({ aspectRatio: "21:9" }));
    expect(status).toBe(200);
    expectResponseShape(body);
    expect(body).toMatchObject({ candidates: [{ finishReason: "STOP", content: { parts: [{ text: expect.any(String) }, { inlineData: { mimeType: "image/jpeg" } }] } }] });
    expect(body["usageMetadata"]).toMatchObject({ candidatesTokensDetails: [{ modality: "TEXT" }, { modality: "IMAGE", tokenCount: 1120 }] });
  });

  it("text before the image, and a blocked image, and a blocked prompt", async () => {
    emulator.enqueue({ text: "Sure:" }, { finishReason: "IMAGE_SAFETY" }, { blockReason: "PROHIBITED_CONTENT" });
    const withText = await post(`/v1beta/models/${LITE}:generateContent`, drawRequest({}));
    expectResponseShape(withText.body);
    expect(withText.body).toMatchObject({ candidates: [{ content: { parts: [{ text: "Sure:" }, { inlineData: {} }] } }] });
    const unsafe = await post(`/v1beta/models/${LITE}:generateContent`, drawRequest({}));
    expectResponseShape(unsafe.body);
    expect(unsafe.body).toMatchObject({ candidates: [{ finishReason: "IMAGE_SAFETY" }] });
    const prompt = await post(`/v1beta/models/${LITE}:generateContent`, drawRequest({}));
    expectResponseShape(prompt.body);
    expect(prompt.body["candidates"]).toBeUndefined();
    expect(prompt.body).toMatchObject({ promptFeedback: { blockReason: "PROHIBITED_CONTENT" } });
  });

  it("the v1 path and the ?key= query parameter work as on the real service", async () => {
    const response = await fetch(`${emulator.url}/v1/models/${LITE}:generateContent?key=${KEY}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(drawRequest({})),
    });
    expect(response.status).toBe(200);
    expectResponseShape(await response.json());
  });
});

describe("errors have the Google error-model shape with the documented status for each code", () => {
  it("no key: 403 PERMISSION_DENIED", async () => {
    const { status, body } = await post(`/v1beta/models/${LITE}:generateContent`, drawRequest({}), {});
    expect(status).toBe(403);
    expectErrorShape(body, 403, "PERMISSION_DENIED");
    expect(String((body["error"] as { message: string }).message)).toMatch(/unregistered callers/);
  });

  it("a wrong key: 400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID", async () => {
    const { status, body } = await post(`/v1beta/models/${LITE}:generateContent`, drawRequest({}), { "x-goog-api-key": "nope" });
    expect(status).toBe(400);
    expectErrorShape(body, 400, "INVALID_ARGUMENT");
    expect(body).toMatchObject({ error: { details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" }, {}] } });
  });

  it("an unknown model: 404 NOT_FOUND naming the API version", async () => {
    const { status, body } = await post("/v1beta/models/gemini-0-nonexistent:generateContent", drawRequest({}));
    expect(status).toBe(404);
    expectErrorShape(body, 404, "NOT_FOUND");
    expect(body).toMatchObject({ error: { message: expect.stringMatching(/^models\/gemini-0-nonexistent is not found for API version v1beta/) } });
  });

  it("a size the model cannot do: 400 INVALID_ARGUMENT", async () => {
    const { status, body } = await post("/v1beta/models/gemini-3-pro-image:generateContent", drawRequest({ imageSize: "512" }));
    expect(status).toBe(400);
    expectErrorShape(body, 400, "INVALID_ARGUMENT");
    const lite = await post(`/v1beta/models/${LITE}:generateContent`, drawRequest({ imageSize: "2K" }));
    expectErrorShape(lite.body, 400, "INVALID_ARGUMENT");
  });

  it("beyond rpm: 429 RESOURCE_EXHAUSTED with QuotaFailure and a RetryInfo retryDelay", async () => {
    const limited = await startEmulator({ ...NO_FLAWS, rpm: 1 });
    try {
      const call = () =>
        fetch(`${limited.url}/v1beta/models/${LITE}:generateContent`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-goog-api-key": "k" },
          body: JSON.stringify(drawRequest({})),
        });
      expect((await call()).status).toBe(200);
      const response = await call();
      expect(response.status).toBe(429);
      expect(response.headers.get("retry-after")).toBeNull();
      const body = (await response.json()) as { error: { details: Record<string, unknown>[] } };
      expectErrorShape(body, 429, "RESOURCE_EXHAUSTED");
      const types = body.error.details.map((d) => d["@type"]);
      expect(types).toEqual([
        "type.googleapis.com/google.rpc.Help",
        "type.googleapis.com/google.rpc.QuotaFailure",
        "type.googleapis.com/google.rpc.RetryInfo",
      ]);
      const delay = Number(String(body.error.details[2]?.["retryDelay"]).slice(0, -1));
      expect(delay).toBeGreaterThan(55);
      expect(delay).toBeLessThanOrEqual(60);
      // A different model has its own window.
      const other = await fetch(`${limited.url}/v1beta/models/${FLASH}:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": "k" },
        body: JSON.stringify(drawRequest({})),
      });
      expect(other.status).toBe(200);
      expect(limited.stats).toMatchObject({ requests: 3, throttled: 1 });
    } finally {
      await limited.close();
    }
  });

  it("overloaded: 503 UNAVAILABLE with the service's words", async () => {
    const busy = await startEmulator({ ...NO_FLAWS, errorRate: 1 });
    try {
      const response = await fetch(`${busy.url}/v1beta/models/${LITE}:generateContent`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-goog-api-key": "k" },
        body: JSON.stringify(drawRequest({})),
      });
      expect(response.status).toBe(503);
      const body = await response.json();
      expectErrorShape(body, 503, "UNAVAILABLE");
      expect(body).toMatchObject({ error: { message: "The model is overloaded. Please try again later." } });
    } finally {
      await busy.close();
    }
  });

  it("scripted statuses use the canonical code names", async () => {
    for (const [code, name] of [
      [500, "INTERNAL"],
      [502, "UNAVAILABLE"],
      [504, "DEADLINE_EXCEEDED"],
      [401, "UNAUTHENTICATED"],
    ] as const) {
      emulator.enqueue({ status: code });
      const { status, body } = await post(`/v1beta/models/${LITE}:generateContent`, drawRequest({}));
      expect(status).toBe(code);
      expectErrorShape(body, code, name);
    }
  });
});
