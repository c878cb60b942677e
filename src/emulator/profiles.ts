/**
 * Named ways the emulator can answer, each reproducing one variation DESIGN.md's facts section
 * documents for the real service, so seedlock is tested against what Google does not promise
 * instead of against the emulator's own habits. docs/EMULATOR.md lists them with their sources.
 * Rate-limit shapes are not here (they live with the emulator's rate limiting).
 */
import type { Geometry } from "../models/catalog.js";

/** How answers are shaped; every field off means the emulator's default (Gemini 3 answers). */
export interface AnswerShape {
  /** The pixel table answers follow, whatever the model's catalog entry says. */
  geometry?: Geometry;
  /** A 1K image when 2K or 4K was asked (billed as the 1K image it is). */
  undersized?: boolean;
  /** Two images in one answer: a 1K one first, then the size asked for (both billed). */
  twoImages?: boolean;
  /** Every image in this format, whatever the model. */
  mimeType?: "image/png" | "image/jpeg";
  /** Thought tokens a judge spends when the request does not lower its thinking, and when it does. */
  judgeThinking?: { untold: number; lowered: number };
  /** After this many generateContent requests, every one is a per-day 429 that still says "retry in …". */
  perDayQuota?: { after: number; retryDelay: string };
}

export interface EmulatorProfile {
  name: ProfileName;
  /** One line on what it does. */
  summary: string;
  /** Where the behaviour it reproduces was documented or reported. */
  source: string;
  shape: AnswerShape;
}

export const PROFILE_NAMES = ["gemini-3", "gemini-2.5-geometry", "undersized", "two-images", "png", "overthinking-judge", "per-day-quota"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Gemini 3 thinks at a medium or high level unless told (DESIGN, facts): what a judge spends either way. */
export const DEFAULT_JUDGE_THINKING = { untold: 600, lowered: 120 } as const;

export const PROFILES: Record<ProfileName, EmulatorProfile> = {
  "gemini-3": {
    name: "gemini-3",
    summary: "the default: Gemini 3 pixel table, JPEG from 3.x models, a text part and thoughtSignatures, thought images from thinking models",
    source: "Google, ai.google.dev/gemini-api/docs/image-generation (Gemini 3 table, thought images); JPEG from 3.x: third-party measurement",
    shape: {},
  },
  "gemini-2.5-geometry": {
    name: "gemini-2.5-geometry",
    summary: "images at the Gemini 2.5 sizes (3:2 1248×832, 4:3 1184×864, 16:9 1344×768, 21:9 1536×672 …)",
    source: "Google, the Gemini 2.5 Flash Image page's resolution table; the issue's stand-in answered the same",
    shape: { geometry: "gemini-2.5" },
  },
  undersized: {
    name: "undersized",
    summary: "a 1K image when 2K or 4K was asked",
    source: "third-party: reports on the @google/genai issue tracker",
    shape: { undersized: true },
  },
  "two-images": {
    name: "two-images",
    summary: "two images in one answer, a 1K one first and then the size asked for",
    source: "third-party: reports on the @google/genai issue tracker",
    shape: { twoImages: true },
  },
  png: {
    name: "png",
    summary: "PNG answers from every model",
    source: "Google: Gemini 2.5 answered PNG; the Developer API cannot choose the format",
    shape: { mimeType: "image/png" },
  },
  "overthinking-judge": {
    name: "overthinking-judge",
    summary: "a judge that thinks past a 1,024-token output cap unless thinkingConfig lowers its thinking (then MAX_TOKENS, no answer)",
    source: "Google: on Gemini 3 thinking counts against maxOutputTokens and runs at medium/high unless told; the issue's report of judged drafts all rejected",
    shape: { judgeThinking: { untold: 1400, lowered: 300 } },
  },
  "per-day-quota": {
    name: "per-day-quota",
    summary: "after 8 requests every request is a 429 naming a per-day quota, with a RetryInfo of 38s all the same",
    source: "Google, ai.google.dev/gemini-api/docs/rate-limits (RPD); third-party reports of \"retry in 38s\" on a per-day or zero quota",
    shape: { perDayQuota: { after: 8, retryDelay: "38s" } },
  },
};

export function isProfileName(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}

/** A profile's shape with the caller's changes over it (a test shortens the per-day RetryInfo, say). */
export function shapeOf(profile: ProfileName | undefined, overrides: AnswerShape = {}): AnswerShape {
  return { ...(profile ? PROFILES[profile].shape : {}), ...overrides };
}
