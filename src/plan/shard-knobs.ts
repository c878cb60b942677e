/**
 * The two shard knobs as a user writes them, read the same way by the CLI (`--shard`, `--shards`)
 * and the Action (`shard`, `shards` inputs), so both accept and refuse exactly the same text.
 */

/** One job of a matrix: `index` counts from 0, as the core uses it; users write it from 1. */
export interface Shard {
  index: number;
  count: number;
}

/** GitHub Actions runs at most this many jobs from one matrix. */
export const MAX_MATRIX_JOBS = 256;

/** What is wrong with the text, in words the caller puts after the knob's name; and what to write. */
export interface KnobProblem {
  problem: string;
  fix: string;
}

/** `2/4` → the second of four shards ({index: 1, count: 4}); anything else is a problem. */
export function parseShard(raw: string): Shard | KnobProblem {
  const text = raw.trim();
  const fix = "write it as i/n with 1 ≤ i ≤ n, e.g. 2/4 in the second of four jobs";
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return { problem: `is ${JSON.stringify(raw)}, not i/n`, fix };
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (!Number.isSafeInteger(i) || !Number.isSafeInteger(n)) return { problem: `is ${JSON.stringify(raw)}, whose numbers are too large`, fix };
  if (n < 1) return { problem: `is ${JSON.stringify(raw)}: n, the number of shards, must be at least 1`, fix };
  if (i < 1) return { problem: `is ${JSON.stringify(raw)}: shards count from 1`, fix };
  if (i > n) return { problem: `is ${JSON.stringify(raw)}: i is above n`, fix };
  return { index: i - 1, count: n };
}

/** `--shards N` for plan: a whole number of jobs, 1..256, or `auto` to pick it from the estimate. */
export function parseShardCount(raw: string): number | "auto" | KnobProblem {
  const text = raw.trim();
  if (text === "auto") return "auto";
  const fix = `give a whole number from 1 to ${MAX_MATRIX_JOBS} (GitHub's limit of jobs per matrix), or auto`;
  if (!/^\d+$/.test(text)) return { problem: `is ${JSON.stringify(raw)}, not a number of shards`, fix };
  const n = Number(text);
  if (n < 1 || n > MAX_MATRIX_JOBS) return { problem: `is ${JSON.stringify(raw)}, outside 1..${MAX_MATRIX_JOBS}`, fix };
  return n;
}

export function isKnobProblem<T>(value: T | KnobProblem): value is KnobProblem {
  return typeof value === "object" && value !== null && "problem" in value;
}

/** How a shard is written by a user and in the matrix: 1-based. */
export function shardLabel(shard: Shard): string {
  return `${shard.index + 1}/${shard.count}`;
}
