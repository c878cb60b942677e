import type { SourceLocation } from "./errors.js";

/**
 * What the core needs to tell a person. The CLI prints it, the Action maps it onto
 * @actions/core (annotations, groups), tests collect it. The core never writes to stdout itself.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string, location?: SourceLocation): void;
  error(message: string, location?: SourceLocation): void;
  /** Runs `fn` inside a named, collapsible section (a log group on the Actions runner). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export class NullLogger implements Logger {
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
  group<T>(_name: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }
}

/** Keeps every line; for tests that assert what a user was told. */
export class MemoryLogger implements Logger {
  readonly lines: { level: "debug" | "info" | "warn" | "error"; message: string; location?: SourceLocation }[] = [];
  debug(message: string): void {
    this.lines.push({ level: "debug", message });
  }
  info(message: string): void {
    this.lines.push({ level: "info", message });
  }
  warn(message: string, location?: SourceLocation): void {
    this.lines.push({ level: "warn", message, location });
  }
  error(message: string, location?: SourceLocation): void {
    this.lines.push({ level: "error", message, location });
  }
  group<T>(_name: string, fn: () => Promise<T>): Promise<T> {
    return fn();
  }
  text(): string {
    return this.lines.map((l) => `${l.level}: ${l.message}`).join("\n");
  }
}

/** Plain stderr logger for the CLI; stdout stays free for `--json` and tables. */
export class StderrLogger implements Logger {
  constructor(private readonly verbose = false) {}
  debug(message: string): void {
    if (this.verbose) process.stderr.write(`debug: ${message}\n`);
  }
  info(message: string): void {
    process.stderr.write(`${message}\n`);
  }
  warn(message: string, location?: SourceLocation): void {
    process.stderr.write(`warning: ${where(location)}${message}\n`);
  }
  error(message: string, location?: SourceLocation): void {
    process.stderr.write(`error: ${where(location)}${message}\n`);
  }
  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.verbose) process.stderr.write(`── ${name}\n`);
    return fn();
  }
}

function where(location?: SourceLocation): string {
  return location ? `${location.file}:${location.line}:${location.col}: ` : "";
}
