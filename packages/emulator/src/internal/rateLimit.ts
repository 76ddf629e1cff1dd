/**
 * Graph's call budgets: sliding windows per business (for its edges), per account (for `/{waba-id}…`) and,
 * only when asked for, for the app, with the usage headers Graph sends about them. Meta documents
 * business-use-case limits for these reads; no app-wide cap is documented for system-user tokens on them.
 *
 * @internal
 */
import type { GraphUsage } from "@effect-waba/graph-core"
import * as Duration from "effect/Duration"
import * as GraphError from "./graphError.js"

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

const positive = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`)
  return value
}

// What Meta's figures hint at: CPU and time shares below the call count's.
const figures = (percent: number) => ({
  call_count: percent,
  total_cputime: Math.floor(percent / 4),
  total_time: Math.floor(percent / 3)
})

/** The budgets, as `Emulator.Options["rateLimit"]` gives them. @internal */
export interface Options {
  readonly businessCalls?: number | undefined
  readonly accountCalls?: number | undefined
  readonly appCalls?: number | undefined
  readonly window?: Duration.DurationInput | undefined
  readonly usageHeadersFrom?: number | undefined
}

/** @internal */
export const make = (options: Options = {}) => {
  const businessCalls = positive("rateLimit.businessCalls", options.businessCalls ?? 200)
  const accountCalls = positive("rateLimit.accountCalls", options.accountCalls ?? 200)
  const appCalls = options.appCalls === undefined ? undefined : positive("rateLimit.appCalls", options.appCalls)
  const usageHeadersFrom = positive("rateLimit.usageHeadersFrom", options.usageHeadersFrom ?? 3)
  const windowMs = Duration.toMillis(options.window ?? "1 hour")
  const windows = new Map<string, Array<number>>()
  const window = (key: string) => windows.get(key) ?? windows.set(key, []).get(key)!
  return {
    reset: () => windows.clear(),
    /**
     * Spends a call of `key`'s budget (a business's, or an account's) and of the app's: the usage headers to
     * send, and the refusal when either budget is spent.
     */
    spend: (key: string, isAccount: boolean, now: number) => {
      // The app's window is kept under the empty key, which names no business or account.
      const own = window(key)
      const app = appCalls === undefined ? undefined : window("")
      const budget = isAccount ? accountCalls : businessCalls
      const error = usage(own, budget, windowMs, now).regainMs > 0
        ? GraphError.tooManyBusinessCalls()
        : app !== undefined && usage(app, appCalls!, windowMs, now).regainMs > 0
        ? GraphError.tooManyAppCalls()
        : undefined
      if (error === undefined) {
        own.push(now)
        app?.push(now)
      }
      const mine = usage(own, budget, windowMs, now)
      const headers: Record<string, string> = {}
      // Meta sends the usage headers only once enough calls have been made; a refusal always carries them.
      if (error !== undefined || mine.calls >= usageHeadersFrom) {
        // Reads spend the first type's budget; an account's messaging (`whatsapp`) has its own, lower figures.
        const types = isAccount ? ["whatsapp_business_management", "whatsapp"] : ["whatsapp_business_management"]
        const entries = types.map((type, k): typeof GraphUsage.BusinessUseCaseEntry.Encoded => ({
          type,
          ...figures(k === 0 ? mine.percent : Math.floor(mine.percent / 4)),
          estimated_time_to_regain_access: k === 0 ? Math.ceil(mine.regainMs / 60_000) : 0
        }))
        headers["x-business-use-case-usage"] = JSON.stringify({ [key]: entries })
      }
      const all = app === undefined ? undefined : usage(app, appCalls!, windowMs, now)
      if (all !== undefined && (error !== undefined || all.calls >= usageHeadersFrom)) {
        headers["x-app-usage"] = JSON.stringify(figures(all.percent) satisfies typeof GraphUsage.AppUsage.Encoded)
      }
      return { headers, error }
    }
  }
}
