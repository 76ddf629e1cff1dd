/**
 * Sliding-window call budgets, one per business and one for the app.
 *
 * @internal
 */

/** @internal */
export interface Usage {
  /** Calls in the current window. */
  readonly calls: number
  /** Percentage of the budget used, 0..100. */
  readonly percent: number
  /** Milliseconds until one more call would be allowed; 0 when allowed now. */
  readonly regainMs: number
}

/** @internal */
export class Window {
  private times: Array<number> = []
  private head = 0

  constructor(readonly budget: number, readonly windowMs: number) {}

  private prune(now: number): void {
    while (this.head < this.times.length && this.times[this.head]! <= now - this.windowMs) this.head++
    // Compact now and then so the array does not grow with every call ever made.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head)
      this.head = 0
    }
  }

  usage(now: number): Usage {
    this.prune(now)
    const calls = this.times.length - this.head
    const over = calls - this.budget
    return {
      calls,
      percent: Math.min(100, Math.floor(calls * 100 / this.budget)),
      // Access returns once enough of the oldest calls have left the window to bring the count under budget.
      regainMs: over < 0 ? 0 : Math.max(1, this.times[this.head + over]! + this.windowMs - now)
    }
  }

  record(now: number): void {
    this.times.push(now)
  }
}
