import { refused, written, type KnobName } from "./knob-name.js";

/** The bounds of the manifest's `limits:` (schema/manifest.v1.json), so a flag cannot go where the manifest may not. */
const MAX_CONCURRENCY = 64;
const MAX_RPM = 100_000;

/** `--concurrency`: calls in flight at once, a whole number from 1 to 64. */
export function parseConcurrency(raw: string, name: KnobName): number {
  return wholeNumber(raw, name, "8", MAX_CONCURRENCY);
}

/** `--rpm`: requests per minute to stay under, a whole number from 1 to 100,000. */
export function parseRpm(raw: string, name: KnobName): number {
  return wholeNumber(raw, name, "60", MAX_RPM);
}

function wholeNumber(raw: string, name: KnobName, example: string, max: number): number {
  const text = raw.trim();
  const value = text === "" ? NaN : Number(text);
  const fix = `for example ${written(name, example)}`;
  if (!Number.isInteger(value) || value < 1) throw refused(name, `must be a whole number ≥ 1, not ${JSON.stringify(raw)}`, fix);
  if (value > max) throw refused(name, `must be at most ${max}, not ${value}; more calls at once only earn refusals from the service`, fix);
  return value;
}
