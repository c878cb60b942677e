import type { AssetSpec } from "../manifest/spec.js";
import type { ImageProvider, InlineImage } from "../provider/provider.js";
import { checkAnswer, type AnswerCheck } from "./answer-check.js";
import { judgeVerdict, type RejectReason } from "./screen.js";

/** An image of the asset kept (accepted, or rendered before), against which near-copies are caught. */
export interface SeenDraft {
  seed: number;
  phash: string;
}

export interface ScreeningSetup {
  spec: AssetSpec;
  provider: ImageProvider;
  /** Whether a judge scores the drafts that pass the screen. */
  judging: boolean;
  /** Without a final render the draft becomes the output, so it must be big enough to make it. */
  rendersOnFinal: boolean;
  /** Also make the report's preview of every draft from the screen's decode. */
  preview: boolean;
}

/** A draft's check; one that passed carries its entry among the seen, forgotten if the judge rejects it. */
export type ScreenedDraft = Exclude<AnswerCheck, { verdict: "passed" }> | (Extract<AnswerCheck, { verdict: "passed" }> & { seen: SeenDraft });

export interface Judged {
  score: number;
  costUsd: number;
  /** Why the score falls short of the rule, or null when the draft passes. */
  reason: RejectReason | null;
}

/**
 * The screen stage of one asset: a draft's answer checked against the screen rules and the images
 * the asset already keeps, then scored by the judge when one is set.
 */
export class Screening {
  private readonly seen: SeenDraft[] = [];

  constructor(private readonly setup: ScreeningSetup) {}

  get judging(): boolean {
    return this.setup.judging;
  }

  /**
   * The screen's verdict on a draft's image, held to the rules and to the images the asset keeps. One
   * that passes is seen from now on, so that a near-copy screened meanwhile is caught before the judge has ruled.
   */
  async check(image: InlineImage, seed: number): Promise<ScreenedDraft> {
    const { spec, rendersOnFinal, preview } = this.setup;
    const check = await checkAnswer(
      image,
      {
        as: "draft",
        screen: spec.screen,
        context: { aspectRatio: spec.aspectRatio, ...(rendersOnFinal ? {} : { output: spec.output }) },
        seen: () => this.seen.filter((s) => s.seed !== seed),
      },
      { preview },
    );
    return check.verdict === "passed" ? { ...check, seen: this.remember(seed, check.analysis.phash) } : check;
  }

  /** A kept image, against which near-copies are caught. */
  remember(seed: number, phash: string): SeenDraft {
    const entry = { seed, phash };
    this.seen.push(entry);
    return entry;
  }

  /** Remembers a kept image unless its seed is seen already. */
  rememberOnce(seed: number, phash: string | undefined): void {
    if (phash && !this.seen.some((s) => s.seed === seed)) this.seen.push({ seed, phash });
  }

  forget(entry: SeenDraft): void {
    const at = this.seen.indexOf(entry);
    if (at >= 0) this.seen.splice(at, 1);
  }

  /** A seed drawn again gets its own verdict: its old image no longer counts. */
  forgetSeed(seed: number): void {
    const at = this.seen.findIndex((s) => s.seed === seed);
    if (at >= 0) this.seen.splice(at, 1);
  }

  /** The judge's score of a draft that passed the screen. Throws when no verdict came (JudgeAnswerError: billed all the same). */
  async judge(image: InlineImage): Promise<Judged> {
    const { spec, provider } = this.setup;
    const rule = spec.screen.judge!;
    const judged = await provider.judge({ model: spec.models.judge!, image, rubric: rule.rubric });
    return { score: judged.score, costUsd: judged.costUsd, reason: judgeVerdict(judged.score, rule) };
  }
}
