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

// The times of the calls in one window, oldest first, and what they add up to now.
const usage = (times: Array<number>, budget: number, windowMs: number, now: number) => {
  const first = times.findIndex((time) => time > now - windowMs)
  times.splice(0, first < 0 ? times.length : first)
  const over = times.length - budget
  return {
    calls: times.length,
    percent: Math.min(100, Math.floor(times.length * 100 / budget)),
    // Access returns once enough of the oldest calls have left the window to bring the count under budget.
    regainMs: over < 0 ? 0 : Math.max(1, times[over]! + windowMs - now)
  }
}

/** @internal */
export class Budgets {
  private readonly windows = new Map<string, Array<number>>()

  constructor(readonly limits: Limits) {}

  reset(): void {
    this.windows.clear()
  }

  private window(key: string): Array<number> {
    const times = this.windows.get(key) ?? []
    this.windows.set(key, times)
    return times
  }

  /**
   * Spends a call of `key`'s budget (a business's, or an account's) and of the app's: the usage headers to
   * send, and the refusal when either budget is spent.
   */
  spend(key: string, isAccount: boolean, now: number) {
    const { appCalls, usageHeadersFrom, windowMs, ...limits } = this.limits
    // The app's window is kept under the empty key, which names no business or account.
    const [own, app] = [this.window(key), this.window("")]
    const budget = isAccount ? limits.accountCalls : limits.businessCalls
    const error = usage(own, budget, windowMs, now).regainMs > 0
      ? GraphError.tooManyBusinessCalls()
      : usage(app, appCalls, windowMs, now).regainMs > 0
      ? GraphError.tooManyAppCalls()
      : undefined
    if (error === undefined) {
      own.push(now)
      app.push(now)
    }
    const [mine, all] = [usage(own, budget, windowMs, now), usage(app, appCalls, windowMs, now)]
    const headers: Record<string, string> = {}
    // Meta sends the usage headers only once enough calls have been made; a refusal always carries them.
    if (error !== undefined || mine.calls >= usageHeadersFrom) {
      const types = isAccount ? limits.accountUseCaseTypes : limits.businessUseCaseTypes
      // The first type is the budget these reads spend; others (messaging) carry their own, lower figures.
      const entries = types.map((type, k): typeof GraphUsage.BusinessUseCaseEntry.Encoded => {
        const percent = k === 0 ? mine.percent : Math.floor(mine.percent / 4)
        return {
          type,
          call_count: percent,
          total_cputime: Math.floor(percent / 4),
          total_time: Math.floor(percent / 3),
          estimated_time_to_regain_access: k === 0 ? Math.ceil(mine.regainMs / 60_000) : 0
        }
      })
      headers["x-business-use-case-usage"] = JSON.stringify({ [key]: entries })
    }
    if (error !== undefined || all.calls >= usageHeadersFrom) {
      const figures: typeof GraphUsage.AppUsage.Encoded = {
        call_count: all.percent,
        total_cputime: Math.floor(all.percent / 4),
        total_time: Math.floor(all.percent / 3)
      }
      headers["x-app-usage"] = JSON.stringify(figures)
    }
    return { headers, error }
  }
}
