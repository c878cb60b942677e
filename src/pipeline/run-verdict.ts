import { ExitCode, SeedlockError, WriteRefusedError } from "../errors.js";
import type { Ceiling } from "../manifest/ceiling.js";
import { formatUsd } from "../money.js";
import type { AssetStatus, RunReport } from "../run-report.js";
import type { SchedulerOutcome, StopReason } from "./scheduler.js";
import type { WorkCommand } from "./work-list.js";

/**
 * The run's verdict: its exit code and the one sentence that explains it, most serious first (an
 * interruption, the provider gone, a refused write or fault, refused outputs, the budget, the attempt cap).
 */

export interface OutputsRefused {
  /** The first refusal, as the user sees it. */
  error: WriteRefusedError;
  /** Assets with an output in a folder that was refused. */
  assets: Set<string>;
}

export interface VerdictFacts {
  stopped: SchedulerOutcome["stopped"];
  ceiling: Ceiling;
  /** Outputs that could not be written, and what the command did about them. */
  outputsRefused: (OutputsRefused & { command: WorkCommand }) | undefined;
  /** Assets left for a run with more budget before anything was sent. */
  deferred: ReadonlySet<string>;
}

const STOP_STATUS: Record<StopReason, AssetStatus> = {
  interrupted: "interrupted",
  unavailable: "unavailable",
  failed: "unavailable",
};

/** What an unfinished asset's status says when the run stopped early: a refused write reads as interrupted. */
export function stoppedStatus(stopped: SchedulerOutcome["stopped"]): AssetStatus | undefined {
  if (!stopped) return undefined;
  return stopped.error instanceof WriteRefusedError ? "interrupted" : STOP_STATUS[stopped.reason];
}

export function verdictOf(report: RunReport, facts: VerdictFacts): Pick<RunReport, "exitCode" | "message"> {
  const { stopped, ceiling, outputsRefused, deferred } = facts;
  const kept = `every image accepted so far is kept in the lockfile and a rerun continues from there`;
  if (stopped?.reason === "interrupted") return { exitCode: ExitCode.interrupted, message: `interrupted: ${kept}` };
  if (stopped?.reason === "unavailable") {
    const why = stopped.error instanceof Error ? stopped.error.message : "the provider stayed unavailable";
    return { exitCode: ExitCode.providerUnavailable, message: `${why}; ${kept}` };
  }
  if (stopped?.reason === "failed" && stopped.error instanceof WriteRefusedError) {
    return { exitCode: stopped.error.exitCode, message: `${stopped.error.message}, then rerun: everything accepted so far is kept and the rerun continues from there` };
  }
  if (stopped?.reason === "failed" && stopped.error instanceof SeedlockError) {
    return { exitCode: stopped.error.exitCode, message: `${stopped.error.message}; ${kept}` };
  }
  if (outputsRefused) {
    const ids = list([...outputsRefused.assets]);
    const left =
      outputsRefused.command === "run"
        ? `${ids}: drafted and screened but not rendered; the rerun renders their accepted drafts without drafting them again`
        : `${ids}: not rendered; the rerun renders them`;
    return { exitCode: outputsRefused.error.exitCode, message: `${outputsRefused.error.message}, then rerun (${left})` };
  }
  const budget = report.assets.filter((a) => a.status === "budget").map((a) => a.id);
  const capped = report.assets.filter((a) => a.status === "capped");
  if (budget.length) {
    const lever = ceiling.source === "--max-budget-usd" ? "raise --max-budget-usd (up to budget.maxUsd)" : "raise budget.maxUsd in the manifest";
    if (budget.every((id) => deferred.has(id))) {
      const started = report.assets.filter((a) => a.status !== "budget" && a.status !== "unchanged").map((a) => a.id);
      return {
        exitCode: ExitCode.budgetExceeded,
        message:
          `the estimate is above ${ceilingWords(ceiling)}: ` +
          (started.length ? `${list(started)} ${started.length === 1 ? "was" : "were"} worked on for ${formatUsd(report.spentUsd)}, ` : "nothing was sent and nothing spent; ") +
          `${list(budget)} ${budget.length === 1 ? "was" : "were"} left for the next run, unpaid; ${lever} and rerun, or rerun as it is to take the next ones`,
      };
    }
    return {
      exitCode: ExitCode.budgetExceeded,
      message:
        `${ceilingWords(ceiling)} left ${list(budget)} unfinished after spending ${formatUsd(report.spentUsd)}; ` +
        `${lever} and rerun${ceiling.shard ? " the whole matrix" : ""}: ${kept}`,
    };
  }
  if (capped.length) {
    const each = capped.map((a) => `${a.id} (${a.accepted} accepted of ${a.drafts} drafts this run)`);
    return {
      exitCode: ExitCode.attemptCap,
      message: `${list(each)} used every draft maxAttempts allows without reaching count; raise maxAttempts, loosen the screen rules or reword the prompt`,
    };
  }
  return { exitCode: ExitCode.ok };
}

/** At most five names, then how many more. */
export function list(items: string[]): string {
  return items.length <= 5 ? items.join(", ") : `${items.slice(0, 5).join(", ")} and ${items.length - 5} more`;
}

/** "the ceiling $10 (budget.maxUsd)", or for a shard "shard 2/4's slice $2.50 of the ceiling $10 (budget.maxUsd)". */
export function ceilingWords(ceiling: Ceiling): string {
  const whole = `the ceiling ${formatUsd(ceiling.matrixUsd ?? ceiling.usd)} (${ceiling.source})`;
  return ceiling.shard ? `shard ${ceiling.shard}'s slice ${formatUsd(ceiling.usd)} of ${whole}` : whole;
}
