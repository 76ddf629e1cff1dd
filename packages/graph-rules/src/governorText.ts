/**
 * What the rate governor says, worded once for both lines: a refusal's message, the log line and span
 * annotations of a hold, and its store's outages. Durations are in milliseconds and written as Effect's
 * `Duration.format` writes them (`1h 2m 5s`).
 *
 * @internal
 */
import { appScope, budgetOf, type Hold, type HoldReason } from "./governor.js"

const units = [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000], ["ms", 1]] as const

/** Whole milliseconds in days, hours, minutes, seconds and milliseconds, zero parts left out. @internal */
export const formatMillis = (millis: number): string => {
  let rest = Math.round(Math.abs(millis))
  if (!Number.isFinite(rest)) return millis > 0 ? "Infinity" : "-Infinity"
  if (rest === 0) return "0"
  const pieces: Array<string> = []
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size)
    rest -= count * size
    if (count > 0) pieces.push(`${count}${unit}`)
  }
  return `${millis < 0 ? "-" : ""}${pieces.join(" ")}`
}

// Whole seconds, at least one: a hold is never worth more precision in a sentence.
const roughly = (millis: number) => formatMillis(Math.max(1, Math.round(millis / 1_000)) * 1_000)

const describeHold: Record<HoldReason, (wait: string) => string> = {
  pacing: (wait) => `usage is nearing the ceiling and this request's place in the schedule is ${wait} away`,
  ceiling: (wait) => `usage is at the ceiling and the next probe may go in ${wait}`,
  regain: (wait) => `Graph said access returns in ${wait}`
}

/** What `HoldTooLongError` holds. @internal */
export interface Refusal {
  readonly scope: string
  readonly usageType?: string | undefined
  readonly reason: HoldReason
  readonly waitMillis: number
  readonly maxWaitMillis: number
  readonly usagePercent: number
  readonly businessId?: string | undefined
}

/** The message of `HoldTooLongError`. @internal */
export const refusalMessage = (refusal: Refusal): string => {
  const { businessId, reason, scope, usagePercent, usageType } = refusal
  const budget = scope === appScope
    ? `the app's budget${businessId === undefined ? "" : ` as business ${businessId}`}`
    : `the budget of ${scope}${usageType === undefined ? "" : ` (${usageType})`}`
  return `The rate governor did not send this request: for ${budget}, at ${usagePercent}%, ${
    describeHold[reason](roughly(refusal.waitMillis))
  }, longer than the ${roughly(refusal.maxWaitMillis)} the request may wait.`
}

/** Holds longer than this are told: an INFO log line and a `GraphEvents.Held`. Shorter ones log at DEBUG. @internal */
export const toldFromMillis = 2_000

/** The log line, span annotations and event fields of a hold of a request counted against `key`. @internal */
export const describe = (key: string | undefined, held: Hold) => {
  const { reason, usage } = held
  const { scope: id, usageType: type } = budgetOf(held.scope)
  const waitMillis = Math.max(1, held.millis)
  const budget = held.scope === appScope
    ? "the app"
    : id === appScope
    ? `the app as business ${held.scope.slice(appScope.length + 1)}`
    : `business ${id}${type ? ` (${type})` : ""}`
  return {
    line: `Rate governor: holding a request for ${budget} ${reason === "ceiling" ? "up to" : "for"} ${
      formatMillis(waitMillis)
    } (usage ${usage}%, ${reason})`,
    annotations: {
      "graph.usage_key": key ?? appScope,
      "rate_governor.scope": id,
      ...(type === undefined ? {} : { "rate_governor.usage_type": type }),
      "rate_governor.reason": reason,
      "rate_governor.wait_ms": waitMillis,
      "rate_governor.usage_percent": usage
    },
    told: held.millis > toldFromMillis,
    event: { scope: id, reason, waitMillis, usagePercent: usage }
  }
}

/** The warning when the store fails: requests go through until it answers. @internal */
export const storeFailed = (message: string): string =>
  `Rate governor: the store failed (${message}); letting requests through until it answers again`

/** The line when the store answers again. @internal */
export const storeBack = "Rate governor: the store answers again"
