import type { TextModel } from "../models/catalog.js";
import { bill, responseId, type Answer, type Part, type RequestBody } from "./answer.js";
import type { ScriptedAnswer } from "./faults.js";
import { judgeImage } from "./judge.js";
import { DEFAULT_JUDGE_THINKING, type AnswerShape } from "./profiles.js";

/**
 * A text model's answer to a judge request: the picture's score as JSON (or prose), after the
 * thinking Gemini 3 does unless told otherwise, all within the request's output cap.
 */
export async function answerJudge(model: TextModel, body: RequestBody, parts: Part[], shape: AnswerShape, script: ScriptedAnswer | undefined): Promise<Answer> {
  const image = parts.find((p) => p.inlineData?.data)?.inlineData;
  const textIn = parts.map((p) => p.text ?? "").join("\n");
  const verdict = image?.data ? await judgeImage(Buffer.from(image.data, "base64")) : { score: 0, reason: "No image was attached, so there is nothing to judge." };
  const json = body.generationConfig?.responseMimeType === "application/json";
  // A scripted text stands in for the model's answer, e.g. one that ignores the response schema.
  const answer = script?.text ?? (json ? JSON.stringify({ score: verdict.score, reason: verdict.reason }) : `Score: ${verdict.score}/10. ${verdict.reason}`);
  const perImage = model.inputImageTokens ?? 258;
  const promptTokens = Math.ceil(textIn.length / 4) + (image ? perImage : 0);
  // Gemini 3 thinks unless told otherwise, and thinking counts against maxOutputTokens (DESIGN, facts).
  const thinking = shape.judgeThinking ?? DEFAULT_JUDGE_THINKING;
  const config = body.generationConfig?.thinkingConfig;
  const lowered = config !== undefined && (config.thinkingLevel !== undefined ? /^(minimal|low)$/i.test(config.thinkingLevel) : (config.thinkingBudget ?? -1) >= 0);
  const wantThoughts = model.thinking === "none" ? 0 : lowered ? Math.min(thinking.lowered, config?.thinkingBudget ?? Infinity) : thinking.untold;
  const cap = body.generationConfig?.maxOutputTokens ?? Infinity;
  const answerTokens = Math.ceil(answer.length / 4);
  const fits = wantThoughts + answerTokens <= cap;
  const thoughtsTokens = fits ? wantThoughts : Math.min(wantThoughts, cap);
  const outputTokens = fits ? answerTokens : 0;
  return {
    billedUsd: bill(model, promptTokens, 0, outputTokens + thoughtsTokens),
    body: {
      candidates: [
        fits
          ? { content: { role: "model", parts: [{ text: answer }] }, finishReason: "STOP", index: 0 }
          : { content: { role: "model", parts: [] }, finishReason: "MAX_TOKENS", index: 0 },
      ],
      usageMetadata: {
        promptTokenCount: promptTokens,
        ...(outputTokens ? { candidatesTokenCount: outputTokens } : {}),
        ...(thoughtsTokens ? { thoughtsTokenCount: thoughtsTokens } : {}),
        totalTokenCount: promptTokens + outputTokens + thoughtsTokens,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: promptTokens - (image ? perImage : 0) }, ...(image ? [{ modality: "IMAGE", tokenCount: perImage }] : [])],
      },
      modelVersion: model.id,
      responseId: responseId(),
    },
    summary: fits ? `judge score ${verdict.score}` : `judge thought ${thoughtsTokens} tokens and hit MAX_TOKENS`,
    images: 0,
    blocked: false,
  };
}
