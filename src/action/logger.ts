import * as core from "@actions/core";
import { isAbsolute, relative } from "node:path";
import type { SourceLocation } from "../errors.js";
import type { Logger } from "../logger.js";

/**
 * The core's Logger on the runner: warnings and errors become annotations at their file and line,
 * groups become collapsible log sections.
 */
export class ActionsLogger implements Logger {
  private depth = 0;

  /** `workspace` turns absolute paths into the repository-relative ones annotations need. */
  constructor(private readonly workspace: string) {}

  debug(message: string): void {
    core.debug(message);
  }

  info(message: string): void {
    core.info(message);
  }

  warn(message: string, location?: SourceLocation): void {
    core.warning(message, this.annotation(location));
  }

  error(message: string, location?: SourceLocation): void {
    core.error(message, this.annotation(location));
  }

  async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
    // The runner cannot nest groups: an inner one would close the outer early.
    if (this.depth > 0) {
      core.info(`── ${name}`);
      return fn();
    }
    this.depth++;
    core.startGroup(name);
    try {
      return await fn();
    } finally {
      core.endGroup();
      this.depth--;
    }
  }

  private annotation(location?: SourceLocation): core.AnnotationProperties {
    if (!location) return {};
    const file = isAbsolute(location.file) ? relative(this.workspace, location.file) : location.file;
    return { file: file.split("\\").join("/"), startLine: location.line, startColumn: location.col };
  }
}
