import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);

// src/errors.ts
var ExitCode = {
  ok: 0,
  fault: 1,
  invalidInput: 2,
  budgetExceeded: 3,
  attemptCap: 4,
  providerUnavailable: 5,
  /** `verify` found outputs or assets out of step with the lockfile: the input was valid, the tree is not. */
  drift: 6,
  interrupted: 130
};
var EXIT_CODE_MEANING = {
  0: "done",
  1: "unexpected fault (a bug: please report it)",
  2: "invalid input: manifest, lockfile, flags or key",
  3: "budget: the estimate or the spend would cross the ceiling",
  4: "attempt cap: an asset used maxAttempts drafts short of its count",
  5: "provider unavailable: retries exhausted, circuit open or daily quota",
  6: "drift: verify found outputs or assets out of step with the lockfile",
  130: "interrupted (SIGINT/SIGTERM); everything received is kept"
};
function formatDiagnostic(d) {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : "";
  const subject = d.path ? `${d.path} ` : "";
  const fix = d.fix ? ` (${d.fix})` : "";
  return `${where}${subject}${d.message}${fix}`;
}
var SeedlockError = class extends Error {
  constructor(message, exitCode, options) {
    super(message, options);
    this.exitCode = exitCode;
    this.name = new.target.name;
  }
  exitCode;
};
var InputError = class extends SeedlockError {
  constructor(diagnostics, summary) {
    super(summary ?? diagnostics.map(formatDiagnostic).join("\n"), ExitCode.invalidInput);
    this.diagnostics = diagnostics;
  }
  diagnostics;
};
var ProviderUnavailableError = class extends SeedlockError {
  constructor(message, options) {
    super(message, ExitCode.providerUnavailable, options);
  }
};
var WriteRefusedError = class extends SeedlockError {
  constructor(message, path, options) {
    super(message, ExitCode.invalidInput, options);
    this.path = path;
  }
  path;
};
var RunLockedError = class extends SeedlockError {
  constructor(message) {
    super(message, ExitCode.invalidInput);
  }
};

export {
  ExitCode,
  EXIT_CODE_MEANING,
  formatDiagnostic,
  SeedlockError,
  InputError,
  ProviderUnavailableError,
  WriteRefusedError,
  RunLockedError
};
