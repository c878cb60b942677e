import type { GenerateContentResponse } from "@google/genai";
import type { Usage } from "./provider.js";

/** What every generateContent answer holds alike, image or judge: its usage and its text. */

export function readUsage(response: GenerateContentResponse): Usage {
  const meta = response.usageMetadata;
  if (!meta) return {};
  const imageDetails = (meta.candidatesTokensDetails ?? []).filter((d) => d.modality === "IMAGE");
  const usage: Usage = {};
  if (meta.promptTokenCount !== undefined) usage.promptTokens = meta.promptTokenCount;
  if (meta.candidatesTokenCount !== undefined) usage.outputTokens = meta.candidatesTokenCount;
  if (imageDetails.length > 0) usage.imageTokens = imageDetails.reduce((sum, d) => sum + (d.tokenCount ?? 0), 0);
  else if (meta.candidatesTokensDetails?.length) usage.imageTokens = 0;
  if (meta.thoughtsTokenCount !== undefined) usage.thoughtsTokens = meta.thoughtsTokenCount;
  return usage;
}

/** The first candidate's text, thought parts left out: they are never the answer. */
export function answerText(response: GenerateContentResponse): string {
  return (response.candidates?.[0]?.content?.parts ?? [])
    .filter((p) => !p.thought)
    .map((p) => p.text ?? "")
    .join("")
    .trim();
}

/** What the service said, cut short enough for one line of a message. */
export function truncate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
