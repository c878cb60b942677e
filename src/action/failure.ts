import { ExitCode, InputError, SeedlockError, formatDiagnostic } from "../errors.js";
import type { RunReport } from "../run-report.js";
import { formatUsd, MARKDOWN } from "../money.js";

function ids(list: string[]): string {
  if (list.length <= 4) return list.join(", ");
  return `${list.slice(0, 3).join(", ")} and ${list.length - 3} more`;
}

/**
 * The one sentence a failed step ends with: which cap or budget was hit and what to change.
 * Undefined when the run succeeded.
 */
export function failureSentence(report: RunReport, workflowCeilingUsd?: number, trustedCeilingName?: string): string | undefined {
  if (report.exitCode === ExitCode.ok) return undefined;
  const left = report.assets.filter((a) => a.status !== "done" && a.status !== "previewed" && a.status !== "unchanged" && a.status !== "planned").map((a) => a.id);
  switch (report.exitCode) {
    case ExitCode.budgetExceeded: {
      // A shard's ceiling is its slice of the matrix's; the lever is the matrix's ceiling.
      const whole = report.shard?.matrixCeilingUsd ?? report.ceilingUsd;
      const source =
        workflowCeilingUsd !== undefined && workflowCeilingUsd <= whole + 1e-9
          ? (trustedCeilingName ?? `the workflow's max-budget-usd (${formatUsd(whole, MARKDOWN)})`)
          : `the manifest's budget.maxUsd (${formatUsd(whole, MARKDOWN)})`;
      const which = report.shard ? `shard ${report.shard.shard}'s slice (${formatUsd(report.ceilingUsd, MARKDOWN)}) of ${source}` : source;
      if (report.command === "plan" || report.spentUsd === 0) {
        return `The estimate of ${formatUsd(report.estimatedUsd, MARKDOWN)} exceeds ${which}, so nothing was generated; raise max-budget-usd or budget.maxUsd, or lower counts.`;
      }
      const undone = left.length ? ` with ${ids(left)} left undone` : "";
      return `seedlock stopped at ${which} after spending ${formatUsd(report.spentUsd, MARKDOWN)}${undone} (accepted work is kept); raise max-budget-usd or budget.maxUsd, or lower counts.`;
    }
    case ExitCode.attemptCap: {
      const capped = report.assets.filter((a) => a.status === "capped");
      const detail = ids(capped.map((a) => `${a.id} (${a.accepted} accepted in ${a.drafts} drafts)`));
      const verb = capped.length === 1 ? "hit its attempt cap" : "hit their attempt caps";
      return `${detail} ${verb} (maxAttempts) short of the count; raise maxAttempts or oversample, loosen the screen rules, or reword the prompt.`;
    }
    case ExitCode.providerUnavailable:
      return `The Gemini API stayed unavailable (retries exhausted or the circuit opened)${left.length ? `, leaving ${ids(left)} undone` : ""}; accepted work is kept, so rerun the job later.`;
    case ExitCode.interrupted:
      return `The run was interrupted${left.length ? ` before ${ids(left)} finished` : ""}; accepted work is kept, so rerun the job to finish it.`;
    default:
      return report.message ?? `seedlock ${report.command} failed with exit code ${report.exitCode}.`;
  }
}

/** The sentence for a failure that came as an error instead of a report. */
export function errorSentence(err: unknown, manifest: string): string {
  if (err instanceof InputError) {
    const [first, ...rest] = err.diagnostics;
    if (!first) return err.message;
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length === 1 ? "" : "s"}, annotated at their lines)` : "";
    return `${manifest} cannot be used as it is: ${formatDiagnostic(first)}${more}.`.replace(/\.\.$/, ".");
  }
  if (err instanceof SeedlockError) return err.message;
  return `seedlock failed unexpectedly: ${(err as Error)?.message ?? String(err)}`;
}
