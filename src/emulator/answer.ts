import { randomBytes } from "node:crypto";
import type { Model } from "../models/catalog.js";

/** What image and judge answers share: the request body they read, the answer they give back, its id and its bill. */

export interface Part {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType?: string; data?: string };
}

export interface RequestBody {
  contents?: { role?: string; parts?: Part[] }[];
  generationConfig?: {
    responseModalities?: string[];
    responseMimeType?: string;
    seed?: number;
    maxOutputTokens?: number;
    thinkingConfig?: { thinkingLevel?: string; thinkingBudget?: number };
    imageConfig?: { aspectRatio?: string; imageSize?: string };
  };
}

/** One generateContent answer: its body, what its usageMetadata bills, and a line for the log. */
export interface Answer {
  body: unknown;
  summary: string;
  billedUsd: number;
  /** Image parts it holds, corrupt ones included. */
  images: number;
  /** It stopped with a finishReason other than STOP, or its prompt was blocked. */
  blocked: boolean;
}

/** Every part of every content, in order. */
export function partsOf(body: RequestBody): Part[] {
  return (body.contents ?? []).flatMap((c) => c.parts ?? []);
}

export function responseId(): string {
  return randomBytes(16).toString("base64url").slice(0, 22);
}

/** One answer's usage at the catalog's rates: input, text and thinking, image tokens. */
export function bill(model: Model, promptTokens: number, imageTokens: number, textTokens: number): number {
  if (model.kind === "image") {
    return (promptTokens * (model.usdPerMillionInputTokens ?? 0) + textTokens * (model.usdPerMillionTextOutputTokens ?? 0) + imageTokens * model.usdPerMillionOutputTokens) / 1e6;
  }
  return (promptTokens * model.usdPerMillionInputTokens + textTokens * model.usdPerMillionOutputTokens) / 1e6;
}
