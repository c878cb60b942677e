import { ThinkingLevel, Type, type GenerateContentResponse, type Part, type Schema, type ThinkingConfig } from "@google/genai";
import { JUDGE_INSTRUCTIONS, JUDGE_MAX_OUTPUT_TOKENS, type TextModel } from "../models/catalog.js";
import { roundUsd } from "../money.js";
import { answerText, readUsage, truncate } from "./answer.js";
import { JudgeAnswerError, redact } from "./errors.js";
import type { JudgeRequest, JudgeResult } from "./provider.js";

/** One judge call: the generateContent request that asks a text model to score an image, and reading its verdict and bill. */

/** The generateContent request for one verdict, as the SDK takes it. */
export interface JudgeCall {
  contents: { role: string; parts: Part[] }[];
  config: { responseMimeType: string; maxOutputTokens: number; thinkingConfig?: ThinkingConfig; responseSchema: Schema };
}

export function judgeCall(model: TextModel, request: JudgeRequest): JudgeCall {
  return {
    contents: [
      {
        role: "user",
        parts: [{ text: JUDGE_INSTRUCTIONS + request.rubric }, { inlineData: { mimeType: request.image.mimeType, data: request.image.data.toString("base64") } }],
      },
    ],
    config: {
      responseMimeType: "application/json",
      // Bounds what the call can bill as output, thinking included, to what the ledger reserved.
      maxOutputTokens: JUDGE_MAX_OUTPUT_TOKENS,
      // Gemini 3 thinks at a medium or high level unless told; thinking counts against the cap above.
      ...thinkingFor(model),
      responseSchema: {
        type: Type.OBJECT,
        properties: {
          score: { type: Type.NUMBER, minimum: 0, maximum: 10, description: "How well the image meets the rubric" },
          reason: { type: Type.STRING, description: "One sentence" },
        },
        required: ["score", "reason"],
        propertyOrdering: ["score", "reason"],
      },
    },
  };
}

/** A judge answer cut at MAX_TOKENS may still hold the whole JSON verdict; anything else non-STOP is a refusal. */
const JUDGE_READABLE_FINISH = new Set(["STOP", "MAX_TOKENS"]);

/** The verdict in an answer to `judgeCall`; an answer with no readable score throws, carrying what it was billed. */
export function readJudgeAnswer(response: GenerateContentResponse, model: TextModel, apiKey: string): JudgeResult {
  const usage = readUsage(response);
  const costUsd = roundUsd(
    ((usage.promptTokens ?? 0) * model.usdPerMillionInputTokens + ((usage.outputTokens ?? 0) + (usage.thoughtsTokens ?? 0)) * model.usdPerMillionOutputTokens) / 1e6,
  );
  const blockReason = response.promptFeedback?.blockReason;
  const candidate = response.candidates?.[0];
  const text = answerText(response);
  if (blockReason || (candidate?.finishReason && !JUDGE_READABLE_FINISH.has(candidate.finishReason))) {
    return { score: 0, reason: `the judge refused to score the image (${blockReason ?? candidate?.finishReason})`, usage, costUsd };
  }
  if (!text && candidate?.finishReason === "MAX_TOKENS") {
    throw new JudgeAnswerError(model.id, `it used its ${JUDGE_MAX_OUTPUT_TOKENS}-token output cap (${usage.thoughtsTokens ?? 0} on thinking) before answering`, costUsd);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new JudgeAnswerError(model.id, `not JSON: "${truncate(redact(text, apiKey))}"`, costUsd);
  }
  const { score, reason } = (parsed ?? {}) as { score?: unknown; reason?: unknown };
  if (typeof score !== "number" || !Number.isFinite(score)) {
    throw new JudgeAnswerError(model.id, `score is not a number: ${truncate(redact(JSON.stringify(parsed), apiKey))}`, costUsd);
  }
  return {
    score: Math.min(10, Math.max(0, score)),
    reason: redact(typeof reason === "string" ? reason : "", apiKey),
    usage,
    costUsd,
  };
}

/** Keeps a judge's thinking short, in the form its generation takes. */
function thinkingFor(model: TextModel): { thinkingConfig?: ThinkingConfig } {
  if (model.thinking === "level") return { thinkingConfig: { thinkingLevel: ThinkingLevel.LOW } };
  if (model.thinking === "budget") return { thinkingConfig: { thinkingBudget: 256 } };
  return {};
}
