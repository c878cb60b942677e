/** Exit codes are part of the CLI contract (DESIGN.md, "CLI"). */
export const ExitCode = {
  ok: 0,
  fault: 1,
  invalidInput: 2,
  budgetExceeded: 3,
  attemptCap: 4,
  providerUnavailable: 5,
  /** `verify` found outputs or assets out of step with the lockfile: the input was valid, the tree is not. */
  drift: 6,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What each exit code means, in the words of `seedlock help`, the README and report.html. */
export const EXIT_CODE_MEANING: Record<ExitCode, string> = {
  0: "done",
  1: "unexpected fault (a bug: please report it)",
  2: "invalid input: manifest, lockfile, flags or key",
  3: "budget: the estimate or the spend would cross the ceiling",
  4: "attempt cap: an asset used maxAttempts drafts short of its count",
  5: "provider unavailable: retries exhausted, circuit open or daily quota",
  6: "drift: verify found outputs or assets out of step with the lockfile",
  130: "interrupted (SIGINT/SIGTERM); everything received is kept",
};

/** Where in a user's file a problem is; line and column are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/** One problem in user input: where, what is wrong, and what to do about it. */
export interface Diagnostic {
  location?: SourceLocation;
  /** Dotted path inside the document, e.g. `assets[1].count`. */
  path?: string;
  message: string;
  fix?: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : "";
  const subject = d.path ? `${d.path} ` : "";
  const fix = d.fix ? ` (${d.fix})` : "";
  return `${where}${subject}${d.message}${fix}`;
}

/**
 * A failure the user can act on. The CLI prints `message` (no stack) and exits with `exitCode`;
 * anything that is not a SeedlockError is a fault (exit 1) and does print its stack.
 */
export class SeedlockError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Invalid manifest, lockfile, flags or Action inputs (exit 2). Carries every problem found. */
export class InputError extends SeedlockError {
  constructor(
    readonly diagnostics: Diagnostic[],
    summary?: string,
  ) {
    super(summary ?? diagnostics.map(formatDiagnostic).join("\n"), ExitCode.invalidInput);
  }
}



/** The provider stayed unavailable: retries exhausted or the circuit opened (exit 5). */
export class ProviderUnavailableError extends SeedlockError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.providerUnavailable, options);
  }
}


/**
 * A file or folder seedlock must write cannot be written (a file where a folder should be, no
 * space, no permission). Exit 2: "invalid input" is the closest code the contract has for a path
 * the user must fix. `path` is the file or folder as the message names it.
 */
export class WriteRefusedError extends SeedlockError {
  constructor(
    message: string,
    readonly path: string,
    options?: ErrorOptions,
  ) {
    super(message, ExitCode.invalidInput, options);
  }
}

/** Another seedlock run holds the run lock of this manifest's folder (exit 2, like other refusals before any call). */
export class RunLockedError extends SeedlockError {
  constructor(message: string) {
    super(message, ExitCode.invalidInput);
  }
}
