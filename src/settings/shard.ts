import { MAX_MATRIX_JOBS, type Shard } from "../plan/shards.js";
import { refused, type KnobName } from "./knob-name.js";

/**
 * `--shard` and the Action's `shard` input: one job of a matrix as `i/n`, 1 ≤ i ≤ n, e.g. `2/4`
 * in the second of four jobs; the core counts from 0, so that is {index: 1, count: 4}.
 */
export function parseShard(raw: string, name: KnobName): Shard {
  const text = raw.trim();
  const problem = (why: string) => refused(name, `is ${JSON.stringify(raw)}${why}`, "write it as i/n with 1 ≤ i ≤ n, e.g. 2/4 in the second of four jobs");
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw problem(", not i/n");
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (!Number.isSafeInteger(i) || !Number.isSafeInteger(n)) throw problem(", whose numbers are too large");
  if (n < 1) throw problem(": n, the number of shards, must be at least 1");
  if (i < 1) throw problem(": shards count from 1");
  if (i > n) throw problem(": i is above n");
  return { index: i - 1, count: n };
}

/** `plan --shards` and the Action's `shards` input: a whole number of jobs, 1..256 (GitHub's limit), or `auto` to pick it from the estimate. */
export function parseShardCount(raw: string, name: KnobName): number | "auto" {
  const text = raw.trim();
  if (text === "auto") return "auto";
  const fix = `give a whole number from 1 to ${MAX_MATRIX_JOBS} (GitHub's limit of jobs per matrix), or auto`;
  if (!/^\d+$/.test(text)) throw refused(name, `is ${JSON.stringify(raw)}, not a number of shards`, fix);
  const n = Number(text);
  if (n < 1 || n > MAX_MATRIX_JOBS) throw refused(name, `is ${JSON.stringify(raw)}, outside 1..${MAX_MATRIX_JOBS}`, fix);
  return n;
}
