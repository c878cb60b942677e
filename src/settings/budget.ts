import { refused, written, type KnobName } from "./knob-name.js";

/** Digits with an optional fraction: how a workflow or a shell writes an amount of money. */
const PLAIN_AMOUNT = /^(\d+(\.\d*)?|\.\d+)$/;

/**
 * `--max-budget-usd` and the Action's `max-budget-usd` input: the run's ceiling in US dollars,
 * written as a plain number ≥ 0 (`5`, `0.50`). The unit is in the name, so `$5`, `5 USD`, `1,5`,
 * `1e3` and `-1` are refused rather than guessed at. `0` is a ceiling like any other and means
 * "spend nothing": plan exits 3 while work is pending, and run, preview and render stop before
 * their first call (exit 3) unless nothing needs paying for, which makes it a check that the
 * manifest is fully locked. The manifest can lower the ceiling, never raise it.
 */
export function parseMaxBudgetUsd(raw: string, name: KnobName): number {
  const text = raw.trim();
  if (text.startsWith("$") && PLAIN_AMOUNT.test(text.slice(1))) {
    throw refused(name, `must be a plain number of US dollars, not ${JSON.stringify(raw)}`, `write it without the dollar sign: ${written(name, text.slice(1))}`);
  }
  const value = PLAIN_AMOUNT.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value)) {
    throw refused(name, `must be a plain number of US dollars ≥ 0, not ${JSON.stringify(raw)}`, `for example ${written(name, "5")} or 0.50; 0 spends nothing`);
  }
  return value;
}
