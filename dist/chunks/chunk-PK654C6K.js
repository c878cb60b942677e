import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);

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
  NullLogger,
  StderrLogger
};
