import type { GenerateContentResponse } from "@google/genai";
import { describe, expect, it } from "vitest";
import { NullLogger } from "../../src/logger.js";
import { findModel, type ImageModel, type TextModel } from "../../src/models/catalog.js";
import { JudgeAnswerError } from "../../src/provider/errors.js";
import { imageCall, readImageAnswer } from "../../src/provider/image-call.js";
import { judgeCall, readJudgeAnswer } from "../../src/provider/judge-call.js";
import type { ImageRequest } from "../../src/provider/provider.js";

const LITE = findModel("gemini-3.1-flash-lite-image") as ImageModel;
const JUDGE = findModel("gemini-3.6-flash") as TextModel;
const KEY = "AIzaSy-test-key-that-must-not-leak";
const REQUEST: ImageRequest = { model: LITE.id, prompt: "Dunes at dusk", seed: 3, aspectRatio: "1:1", imageSize: "1K" };
const READING = { apiKey: KEY, pricing: {}, logger: new NullLogger() };
const PIXELS = Buffer.from("jpeg bytes").toString("base64");
const USAGE = { promptTokenCount: 10, candidatesTokenCount: 1120, candidatesTokensDetails: [{ modality: "IMAGE", tokenCount: 1120 }] };

const answer = (candidate: object | undefined, extra: object = {}): GenerateContentResponse =>
  ({ ...(candidate ? { candidates: [candidate] } : {}), usageMetadata: USAGE, ...extra }) as GenerateContentResponse;
const parts = (...list: object[]) => ({ content: { role: "model", parts: list }, finishReason: "STOP" });

describe("an image answer is read as the image it holds or the reason it holds none", () => {
  it.each([
    { what: "one image", response: answer(parts({ inlineData: { mimeType: "image/jpeg", data: PIXELS } })), kind: "image", detail: { imageCount: 1 } },
    {
      what: "text before the image is kept alongside it",
      response: answer(parts({ text: "Here it is." }, { inlineData: { mimeType: "image/jpeg", data: PIXELS } })),
      kind: "image",
      detail: { text: "Here it is." },
    },
    {
      what: "thought parts are skipped and counted",
      response: answer(parts({ text: "thinking", thought: true }, { inlineData: { mimeType: "image/jpeg", data: "dGhvdWdodA==" }, thought: true }, { inlineData: { mimeType: "image/jpeg", data: PIXELS } })),
      kind: "image",
      detail: { thoughtImages: 1, imageCount: 1 },
    },
    {
      what: "an image with a finishReason other than STOP is still an image",
      response: answer({ ...parts({ inlineData: { mimeType: "image/jpeg", data: PIXELS } }), finishReason: "MAX_TOKENS" }),
      kind: "image",
      detail: { finishReason: "MAX_TOKENS" },
    },
    { what: "a blocked prompt", response: answer(undefined, { promptFeedback: { blockReason: "PROHIBITED_CONTENT" } }), kind: "rejected", detail: { reason: "PROMPT_PROHIBITED_CONTENT" } },
    { what: "no candidate at all", response: answer(undefined), kind: "rejected", detail: { reason: "NO_IMAGE", message: "the response held no candidate" } },
    { what: "an image-safety stop", response: answer({ content: { parts: [] }, finishReason: "IMAGE_SAFETY" }), kind: "rejected", detail: { reason: "IMAGE_SAFETY" } },
    { what: "a finishReason seedlock does not know is OTHER", response: answer({ content: { parts: [] }, finishReason: "NEW_REASON" }), kind: "rejected", detail: { reason: "OTHER" } },
    {
      what: "text only, quoted with the key taken out",
      response: answer(parts({ text: `I cannot draw that, ${KEY}` })),
      kind: "rejected",
      detail: { reason: "NO_IMAGE", message: 'the model answered with text only: "I cannot draw that, [redacted]"' },
    },
  ])("$what", ({ response, kind, detail }) => {
    const result = readImageAnswer(response, LITE, REQUEST, READING);
    expect(result.kind).toBe(kind);
    expect(result).toMatchObject(detail);
    if (result.kind === "image") expect(result.image.data.toString()).toBe("jpeg bytes");
  });

  it("two images: the last is kept and both are paid for", () => {
    const two = answer(parts({ inlineData: { data: "Zmlyc3Q=" } }, { inlineData: { mimeType: "image/jpeg", data: PIXELS } }), {
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2240, candidatesTokensDetails: [{ modality: "IMAGE", tokenCount: 2240 }] },
    });
    const result = readImageAnswer(two, LITE, REQUEST, READING);
    expect(result).toMatchObject({ kind: "image", imageCount: 2, usage: { imageTokens: 2240 } });
    expect(result.costUsd).toBeCloseTo(2 * 0.0336 + (10 * LITE.usdPerMillionInputTokens) / 1e6, 5);
  });
});

describe("an image answer is billed from its usage, at the price of the way it came", () => {
  const image = parts({ inlineData: { mimeType: "image/jpeg", data: PIXELS } });
  it.each([
    { what: "interactive, from usage", response: answer(image), route: "interactive" as const, usd: 0.0336 + (10 * LITE.usdPerMillionInputTokens) / 1e6 },
    { what: "a batch job's answer at the batch share", response: answer(image), route: "batch" as const, usd: (0.0336 + (10 * LITE.usdPerMillionInputTokens) / 1e6) * (LITE.batchShare ?? 1) },
    { what: "no usage: the price table and the input bound", response: { candidates: [image] } as unknown as GenerateContentResponse, route: "interactive" as const, usd: 0.0336 + ((13 + 64) * LITE.usdPerMillionInputTokens) / 1e6 },
    { what: "no usage and no image: nothing", response: { candidates: [{ content: { parts: [] }, finishReason: "IMAGE_SAFETY" }] } as unknown as GenerateContentResponse, route: "interactive" as const, usd: 0 },
  ])("$what", ({ response, route, usd }) => {
    expect(readImageAnswer(response, LITE, REQUEST, READING, route).costUsd).toBeCloseTo(usd, 5);
  });

  it("asks for the size in imageConfig and caps the output at two images and the thinking allowance", () => {
    const call = imageCall(LITE, { ...REQUEST, reference: { mimeType: "image/png", data: Buffer.from("draft") } });
    expect(call.config).toEqual({ responseModalities: ["IMAGE"], imageConfig: { aspectRatio: "1:1", imageSize: "1K" }, seed: 3, maxOutputTokens: 2 * 1120 + LITE.thinkingAllowanceTokens });
    expect(call.contents[0]?.parts).toEqual([{ text: "Dunes at dusk" }, { inlineData: { mimeType: "image/png", data: Buffer.from("draft").toString("base64") } }]);
  });
});

describe("a judge answer is read as a score, a refusal, or an error that carries its bill", () => {
  const said = (text: string, finishReason = "STOP", extra: object = {}) => answer({ content: { parts: [{ text }] }, finishReason }, extra);
  it.each([
    { what: "a score and a reason", response: said('{"score": 7.5, "reason": "clear"}'), verdict: { score: 7.5, reason: "clear" } },
    { what: "a score above 10 is held to 10", response: said('{"score": 12, "reason": "very"}'), verdict: { score: 10 } },
    { what: "a whole verdict cut at MAX_TOKENS is still read", response: said('{"score": 4, "reason": "dim"}', "MAX_TOKENS"), verdict: { score: 4 } },
    { what: "a safety stop is a refusal scored 0", response: said("", "SAFETY"), verdict: { score: 0, reason: "the judge refused to score the image (SAFETY)" } },
    { what: "a blocked prompt is a refusal scored 0", response: answer(undefined, { promptFeedback: { blockReason: "OTHER" } }), verdict: { score: 0 } },
  ])("$what", ({ response, verdict }) => {
    expect(readJudgeAnswer(response, JUDGE, KEY)).toMatchObject(verdict);
  });

  it.each([
    { what: "not JSON", response: said(`Score: 7/10 ${KEY}`), message: /not JSON: "Score: 7\/10 \[redacted\]"/ },
    { what: "a score that is not a number", response: said('{"score": "high"}'), message: /score is not a number/ },
    { what: "thinking used the whole cap", response: answer({ content: { parts: [] }, finishReason: "MAX_TOKENS" }, { usageMetadata: { promptTokenCount: 10, thoughtsTokenCount: 1024 } }), message: /output cap \(1024 on thinking\)/ },
  ])("$what", ({ response, message }) => {
    const error = (() => {
      try {
        readJudgeAnswer(response, JUDGE, KEY);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(JudgeAnswerError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(KEY);
  });

  it("asks for JSON under the output cap with its thinking lowered", () => {
    const call = judgeCall(JUDGE, { model: JUDGE.id, image: { mimeType: "image/jpeg", data: Buffer.from("x") }, rubric: "sharp" });
    expect(call.config).toMatchObject({ responseMimeType: "application/json", maxOutputTokens: 1024, thinkingConfig: { thinkingLevel: "LOW" } });
  });
});
