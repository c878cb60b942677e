import { CircuitOpenError, RefusedInARowError } from "./errors.js";

export interface CircuitOptions {
  /** Consecutive transient failures, across every call of the run, that open the circuit. */
  threshold?: number;
  /** Consecutive 429s with nothing let through between them that stop the run: a wall, not a rate. */
  refusalThreshold?: number;
}

export const DEFAULT_CIRCUIT_THRESHOLD = 8;
export const DEFAULT_REFUSAL_THRESHOLD = 24;

/**
 * One per run, shared by every call: when the service keeps failing, the run stops instead of
 * sending an avalanche of doomed requests. It stays open for the rest of the run. A 429 is not a
 * failure (the rate controller slows down for it); only an unbroken run of them, far longer than
 * a burst of calls in flight meeting a full limit, stops the run.
 */
export class CircuitBreaker {
  readonly threshold: number;
  readonly refusalThreshold: number;
  private streak = 0;
  private refusals = 0;
  private last = "";
  private opened = false;
  private walled = false;

  constructor(options: CircuitOptions = {}) {
    const threshold = options.threshold ?? DEFAULT_CIRCUIT_THRESHOLD;
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new RangeError(`circuit threshold must be an integer >= 1, got ${threshold}`);
    }
    this.threshold = threshold;
    const refusals = options.refusalThreshold ?? DEFAULT_REFUSAL_THRESHOLD;
    if (!Number.isInteger(refusals) || refusals < 1) throw new RangeError(`circuit refusalThreshold must be an integer >= 1, got ${refusals}`);
    this.refusalThreshold = refusals;
  }

  get isOpen(): boolean {
    return this.opened || this.walled;
  }

  /** Throws CircuitOpenError once the circuit is open, so no request is sent. */
  ensureClosed(): void {
    if (this.opened) throw new CircuitOpenError(this.last, this.streak);
    if (this.walled) throw new RefusedInARowError(this.refusals);
  }

  /** The service answered (even with a refusal of the request): both streaks are broken. */
  recordAnswer(): void {
    if (this.opened || this.walled) return;
    this.streak = 0;
    this.refusals = 0;
  }

  /** A 429: not a failure of the service, and no break in a streak of failures either. */
  recordRefusal(): void {
    if (this.opened || this.walled) return;
    this.refusals += 1;
    if (this.refusals >= this.refusalThreshold) this.walled = true;
  }

  /** A transient failure, described for the message shown when the circuit opens. */
  recordTransientFailure(description: string): void {
    if (this.opened) return;
    this.streak += 1;
    this.last = description;
    if (this.streak >= this.threshold) this.opened = true;
  }
}
