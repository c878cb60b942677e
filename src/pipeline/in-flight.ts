/**
 * How many drafts one asset keeps in flight (sent, or answered and still being screened): what its
 * remaining count needs, plus at most one spare, sent only when it is more likely needed than
 * wasted. A draft beyond the remaining count is paid for even when every other one passes, so the
 * spare buys time with money; a run never holds more than count + 1 accepted drafts per asset.
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
export function draftsToKeepInFlight(q: InFlightQuestion): number {
  if (q.remaining <= 0) return 0;
  const ceiling = Math.max(1, q.ceiling);
  const rate = Math.min(1, Math.max(0, q.acceptRate));
  // The spare is wasted when the `remaining` drafts beside it all pass.
  const useful = 1 - rate ** q.remaining;
  const wanted = useful >= (q.spareIsFinal ? SPARE_FINAL_USEFUL : SPARE_DRAFT_USEFUL) ? q.remaining + 1 : q.remaining;
  return Math.min(ceiling, wanted);
}
