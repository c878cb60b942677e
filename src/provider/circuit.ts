import { CircuitOpenError } from "./errors.js";

export interface CircuitOptions {
  /** Consecutive transient failures, across every call of the run, that open the circuit. */
  threshold?: number;
}

export const DEFAULT_CIRCUIT_THRESHOLD = 8;

/**
 * One per run, shared by every call: when the service keeps failing, the run stops instead of
 * sending an avalanche of doomed requests. It stays open for the rest of the run.
 */
export class CircuitBreaker {
  readonly threshold: number;
  private streak = 0;
  private last = "";
  private opened = false;

  constructor(options: CircuitOptions = {}) {
    const threshold = options.threshold ?? DEFAULT_CIRCUIT_THRESHOLD;
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new RangeError(`circuit threshold must be an integer >= 1, got ${threshold}`);
    }
    this.threshold = threshold;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** Transient failures in a row so far. */
  get consecutiveFailures(): number {
    return this.streak;
  }

  /** Throws CircuitOpenError once the circuit is open, so no request is sent. */
  ensureClosed(): void {
    if (this.opened) throw new CircuitOpenError(this.last, this.streak);
  }

  /** The service answered (even with a refusal): the streak of failures is broken. */
  recordAnswer(): void {
    if (!this.opened) this.streak = 0;
  }

  /** A transient failure, described for the message shown when the circuit opens. */
  recordTransientFailure(description: string): void {
    if (this.opened) return;
    this.streak += 1;
    this.last = description;
    if (this.streak >= this.threshold) this.opened = true;
  }
}
