/**
 * The budget ledger: a call's price is reserved before it is sent and settled to the real usage
 * after, so that spent + reserved never passes the ceiling however many calls run at once.
 *
 * Amounts are kept in whole micro-dollars: sums of float prices drift, and a ledger that rounds
 * its way past the ceiling would break the one promise it exists for.
 */

import { MICROS_PER_USD } from "../money.js";

export interface Reservation {
  readonly id: number;
  /** What was reserved, in USD. */
  readonly usd: number;
}

export interface LedgerOptions {
  ceilingUsd: number;
  /** Spend at which the user wants a warning; crossing it calls `onWarn` once. */
  warnUsd?: number;
  onWarn?: (spentUsd: number, warnUsd: number) => void;
}

export class BudgetLedger {
  private readonly ceiling: number;
  private readonly warnAt: number | undefined;
  private spent = 0;
  private reserved = 0;
  private warned = false;
  private lastId = 0;
  private readonly open = new Map<number, number>();

  constructor(private readonly options: LedgerOptions) {
    if (!(options.ceilingUsd >= 0)) throw new RangeError(`ceiling must be ≥ 0, got ${options.ceilingUsd}`);
    this.ceiling = Math.floor(options.ceilingUsd * MICROS_PER_USD + 1e-6);
    this.warnAt = options.warnUsd === undefined ? undefined : Math.round(options.warnUsd * MICROS_PER_USD);
  }

  get spentUsd(): number {
    return this.spent / MICROS_PER_USD;
  }
  get reservedUsd(): number {
    return this.reserved / MICROS_PER_USD;
  }
  /** What a new reservation may still take. */
  get availableUsd(): number {
    return (this.ceiling - this.spent - this.reserved) / MICROS_PER_USD;
  }

  /** Whether `usd` would fit now, without reserving it. */
  fits(usd: number): boolean {
    return this.spent + this.reserved + toMicroUp(usd) <= this.ceiling;
  }

  /** Holds `usd` for one call; null when it does not fit under the ceiling (the call is not sent). */
  reserve(usd: number): Reservation | null {
    const amount = toMicroUp(usd);
    if (this.spent + this.reserved + amount > this.ceiling) return null;
    this.reserved += amount;
    const id = ++this.lastId;
    this.open.set(id, amount);
    return { id, usd: amount / MICROS_PER_USD };
  }

  /**
   * Replaces the reservation by what the call really cost. A cost above the reservation is
   * recorded as it is (the money is gone), so a reservation should be the list price or more.
   */
  settle(reservation: Reservation, actualUsd: number): void {
    const amount = this.close(reservation);
    this.reserved -= amount;
    this.spent += Math.max(0, Math.round(actualUsd * MICROS_PER_USD));
    if (this.warnAt !== undefined && !this.warned && this.spent >= this.warnAt) {
      this.warned = true;
      this.options.onWarn?.(this.spent / MICROS_PER_USD, this.warnAt / MICROS_PER_USD);
    }
  }

  /** Gives the reservation back: the call was not sent or cost nothing. */
  release(reservation: Reservation): void {
    this.reserved -= this.close(reservation);
  }

  private close(reservation: Reservation): number {
    const amount = this.open.get(reservation.id);
    if (amount === undefined) throw new Error(`reservation ${reservation.id} was already settled or released`);
    this.open.delete(reservation.id);
    return amount;
  }
}

function toMicroUp(usd: number): number {
  if (!(usd >= 0)) throw new RangeError(`a price must be ≥ 0, got ${usd}`);
  // Round up so that a reservation never holds less than the price; the epsilon keeps 0.0336 at 33600.
  return Math.ceil(usd * MICROS_PER_USD - 1e-6);
}
