/**
 * What one asset sends next, decided from its counts alone: which seed to draw, how many drafts to
 * keep in flight (sent, or answered and still being screened), and whether a follow-up, a render or
 * a new draft comes first. Its remaining count needs a draft each, plus at most one spare, sent only
 * when it is more likely needed than wasted. A draft beyond the remaining count is paid for even when
 * every other one passes, so the spare buys time with money; a run never holds more than count + 1
 * accepted drafts per asset.
 */

export interface InFlightQuestion {
  /** Images still wanted that nothing under way or accepted will give. */
  remaining: number;
  /** Share of drafts expected to pass, as measured so far (0 < rate ≤ 1). */
  acceptRate: number;
  /** Whether a spare costs a whole final (final-only) rather than a cheap draft. */
  spareIsFinal: boolean;
  /** The most drafts one asset may have open: the pool's concurrency. */
  ceiling: number;
}

/** A spare draft is sent when at least this share of the time it is needed (some other draft fails). */
export const SPARE_DRAFT_USEFUL = 0.5;
/** A spare final costs as much as a kept image: send it only when it is needed three times in four. */
export const SPARE_FINAL_USEFUL = 0.75;

/** Drafts to keep open for one asset; 0 when its count is covered. */
export function draftsToKeepInFlight(question: InFlightQuestion): number {
  if (question.remaining <= 0) return 0;
  const ceiling = Math.max(1, question.ceiling);
  const rate = Math.min(1, Math.max(0, question.acceptRate));
  // The spare is wasted when the `remaining` drafts beside it all pass.
  const useful = 1 - rate ** question.remaining;
  const wanted = useful >= (question.spareIsFinal ? SPARE_FINAL_USEFUL : SPARE_DRAFT_USEFUL) ? question.remaining + 1 : question.remaining;
  return Math.min(ceiling, wanted);
}

/** Weight of the run's accept rate in an asset's, in drafts: after a few answers its own rate leads. */
const PRIOR_WEIGHT = 2;
/** Weight of the prior in the run's accept rate, in drafts. */
const RUN_PRIOR_WEIGHT = 3;

export interface AcceptRateQuestion {
  /** The lockfile's measure, or 1 ÷ oversample before there is one. */
  prior: number;
  /** Drafts the whole run accepted and rejected so far. */
  run: { accepted: number; rejected: number };
  /** This asset's own verdicts under its current inputs, this run and before. */
  asset: { accepted: number; answered: number };
}

/**
 * An asset's accept rate so far, leaning on the whole run's rate while it has few answers of its
 * own; the run's rate leans in turn on the prior. Never below 2 %, so the spare stays bounded.
 */
export function expectedAcceptRate(question: AcceptRateQuestion): number {
  const prior = clampRate(question.prior);
  const { accepted, rejected } = question.run;
  const run = clampRate((accepted + RUN_PRIOR_WEIGHT * prior) / (accepted + rejected + RUN_PRIOR_WEIGHT));
  return clampRate((question.asset.accepted + PRIOR_WEIGHT * run) / (question.asset.answered + PRIOR_WEIGHT));
}

function clampRate(rate: number): number {
  return Math.min(1, Math.max(0.02, rate));
}

/** The seed to draw next: the lowest from `from` on that was never drafted under these inputs. */
export function nextSeed(tried: ReadonlySet<number>, from: number): number {
  let seed = from;
  while (tried.has(seed)) seed++;
  return seed;
}

/** What an asset asks the pool for: a follow-up of an answer already paid for, a render, or a new draft. */
export type NextCall = "follow-up" | "render" | "draft";

export interface NextCallQuestion extends Omit<InFlightQuestion, "remaining"> {
  /** Follow-ups waiting (a judge, a regeneration, an answer a killed run left): they go first. */
  followUps: number;
  /** Accepted drafts waiting for a render this run sends (none in a preview, none when finals go by batch). */
  rendersWaiting: number;
  /** Outputs written or being rendered. */
  outputsUnderWay: number;
  count: number;
  /** Whether this run sends new drafts for the asset (not `render`, not when drafts go by batch). */
  drafts: boolean;
  /** Images still wanted that nothing under way or accepted will give. */
  remaining: number;
  /** Seeds maxAttempts still allows (seeds a reviewer set aside are not held against it). */
  attemptsLeft: number;
  /** Drafts sent, or answered and still on their way to a verdict. */
  draftsOpen: number;
}

/** The call an asset wants now, or undefined when it waits (or is done). */
export function nextCall(question: NextCallQuestion): NextCall | undefined {
  if (question.followUps > 0) return "follow-up";
  if (question.rendersWaiting > 0 && question.outputsUnderWay < question.count) return "render";
  if (!question.drafts || question.remaining <= 0 || question.attemptsLeft <= 0) return undefined;
  return question.draftsOpen < draftsToKeepInFlight(question) ? "draft" : undefined;
}
