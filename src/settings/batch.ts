import type { BatchMode } from "../manifest/spec.js";
import { refused, written, type KnobName } from "./knob-name.js";

const BATCH_MODES: readonly BatchMode[] = ["off", "drafts", "finals", "all"];

/** A day: the Batch API's own target for answering a job. */
const MAX_WAIT_MINUTES = 24 * 60;

/** `--batch` and the Action's `batch` input: which stages go through the Batch API (any case); it overrides every asset's `batch:`. */
export function parseBatchMode(raw: string, name: KnobName): BatchMode {
  const value = raw.trim().toLowerCase();
  if ((BATCH_MODES as readonly string[]).includes(value)) return value as BatchMode;
  throw refused(name, `must be one of ${BATCH_MODES.join(", ")}, not ${JSON.stringify(raw)}`, `for example ${written(name, "all")} to send drafts and renders through the Batch API at half the price`);
}

/** `--wait` and the Action's `wait-minutes` input: how long to poll batch jobs in this process, in minutes above 0 and at most a day. */
export function parseWaitMinutes(raw: string, name: KnobName): number {
  const text = raw.trim();
  const value = text === "" ? NaN : Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > MAX_WAIT_MINUTES) {
    throw refused(name, `must be a number of minutes above 0 and at most ${MAX_WAIT_MINUTES}, not ${JSON.stringify(raw)}`, `for example ${written(name, "30")}`);
  }
  return value;
}
