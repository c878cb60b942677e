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
  interrupted: 130
};
function formatDiagnostic(d) {
  const where2 = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : "";
  const subject = d.path ? `${d.path} ` : "";
  const fix = d.fix ? ` (${d.fix})` : "";
  return `${where2}${subject}${d.message}${fix}`;
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

// src/logger.ts
var NullLogger = class {
  debug() {
  }
  info() {
  }
  warn() {
  }
  error() {
  }
  group(_name, fn) {
    return fn();
  }
};
var StderrLogger = class {
  constructor(verbose = false) {
    this.verbose = verbose;
  }
  verbose;
  debug(message) {
    if (this.verbose) process.stderr.write(`debug: ${message}
`);
  }
  info(message) {
    process.stderr.write(`${message}
`);
  }
  warn(message, location) {
    process.stderr.write(`warning: ${where(location)}${message}
`);
  }
  error(message, location) {
    process.stderr.write(`error: ${where(location)}${message}
`);
  }
  async group(name, fn) {
    if (this.verbose) process.stderr.write(`\u2500\u2500 ${name}
`);
    return fn();
  }
};
function where(location) {
  return location ? `${location.file}:${location.line}:${location.col}: ` : "";
}

export {
  ExitCode,
  formatDiagnostic,
  SeedlockError,
  InputError,
  ProviderUnavailableError,
  WriteRefusedError,
  RunLockedError,
  NullLogger,
  StderrLogger
};
