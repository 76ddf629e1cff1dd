/**
 * Graph's call budgets: sliding windows per business (for its edges), per account (for `/{waba-id}…`) and
 * for the app, with the usage headers Graph sends about them.
 *
 * @internal
 */
import type { GraphUsage } from "@effect-waba/graph-core"
import * as GraphError from "./graphError.js"

/** @internal */
export interface Limits {
  readonly businessCalls: number
  readonly accountCalls: number
  readonly appCalls: number
  readonly windowMs: number
  readonly usageHeadersFrom: number
  readonly businessUseCaseTypes: ReadonlyArray<string>
  readonly accountUseCaseTypes: ReadonlyArray<string>
}

class Window {
  private readonly times: Array<number> = []

  constructor(readonly budget: number, readonly windowMs: number) {}

  usage(now: number) {
    const first = this.times.findIndex((time) => time > now - this.windowMs)
    if (first !== 0) this.times.splice(0, first < 0 ? this.times.length : first)
    const calls = this.times.length
    const over = calls - this.budget
    return {
      calls,
      percent: Math.min(100, Math.floor(calls * 100 / this.budget)),
      // Access returns once enough of the oldest calls have left the window to bring the count under budget.
      regainMs: over < 0 ? 0 : Math.max(1, this.times[over]! + this.windowMs - now)
    }
  }

  record(now: number): void {
    this.times.push(now)
  }
}

/** @internal */
export class Budgets {
  private windows = new Map<string, Window>()
  private app: Window

  constructor(readonly limits: Limits) {
    this.app = new Window(limits.appCalls, limits.windowMs)
  }

  reset(): void {
    this.windows.clear()
    this.app = new Window(this.limits.appCalls, this.limits.windowMs)
  }

  /**
   * Spends a call of `key`'s budget (a business's, or an account's) and of the app's: the usage headers to
   * send, and the refusal when either budget is spent.
   */
  spend(key: string, isAccount: boolean, now: number) {
    const limits = this.limits
    let window = this.windows.get(key)
    if (window === undefined) {
      window = new Window(isAccount ? limits.accountCalls : limits.businessCalls, limits.windowMs)
      this.windows.set(key, window)
    }
    const error = window.usage(now).regainMs > 0
      ? GraphError.tooManyBusinessCalls()
      : this.app.usage(now).regainMs > 0
      ? GraphError.tooManyAppCalls()
      : undefined
    if (error === undefined) {
      window.record(now)
      this.app.record(now)
    }
    const own = window.usage(now)
    const app = this.app.usage(now)
    const headers: Record<string, string> = {}
    // Meta sends the usage headers only once enough calls have been made; a refusal always carries them.
    if (error !== undefined || own.calls >= limits.usageHeadersFrom) {
      const types = isAccount ? limits.accountUseCaseTypes : limits.businessUseCaseTypes
      // The first type is the budget these reads spend; others (messaging) carry their own, lower figures.
      const entries = types.map((type, k): typeof GraphUsage.BusinessUseCaseEntry.Encoded => {
        const percent = k === 0 ? own.percent : Math.floor(own.percent / 4)
        return {
          type,
          call_count: percent,
          total_cputime: Math.floor(percent / 4),
          total_time: Math.floor(percent / 3),
          estimated_time_to_regain_access: k === 0 ? Math.ceil(own.regainMs / 60_000) : 0
        }
      })
      headers["x-business-use-case-usage"] = JSON.stringify({ [key]: entries })
    }
    if (error !== undefined || app.calls >= limits.usageHeadersFrom) {
      const usage: typeof GraphUsage.AppUsage.Encoded = {
        call_count: app.percent,
        total_cputime: Math.floor(app.percent / 4),
        total_time: Math.floor(app.percent / 3)
      }
      headers["x-app-usage"] = JSON.stringify(usage)
    }
    return { headers, error }
  }
}
