/** `--json`: one object on stdout, shaped by schema/run-result.v1.json, with the version it follows. */
import type { RunReport } from "../run-report.js";

/** Bumped only when a field changes meaning or goes away; new fields keep the version. */
export const RUN_RESULT_SCHEMA_VERSION = 1 as const;

export function runResultJson(report: RunReport | object): string {
  return `${JSON.stringify({ schemaVersion: RUN_RESULT_SCHEMA_VERSION, ...report })}\n`;
}
