/**
 * What the Graph client is doing while a read seems quiet, in words: graph-core's typed
 * {@link GraphEvents} (a retry being waited out, a request held for the rate budget, another API version
 * served) turned into the phrases the progress line and `--verbose` show.
 *
 * @since 0.2.0
 */
import type * as GraphEvents from "@effect-waba/graph-core/GraphEvents"
import * as Duration from "effect/Duration"
import * as Match from "effect/Match"

const reasons: Record<string, string> = {
  GraphRateLimitError: "rate limited",
  GraphTransientError: "Graph had a temporary error",
  GraphTransportError: "network or server problem"
}

/**
 * Why an attempt failed, in words: `rate limited (code 80008)`.
 *
 * @since 0.2.0
 * @category rendering
 */
export const retryReason = (retry: { readonly error: string; readonly code: number | undefined }): string =>
  `${reasons[retry.error] ?? retry.error}${retry.code !== undefined && retry.code >= 0 ? ` (code ${retry.code})` : ""}`

/**
 * A wait as a person reads it: `480ms` under a second, else whole seconds (`42s`, `1m 1s`).
 *
 * @since 0.2.0
 * @category rendering
 */
export const waitText = (wait: Duration.Duration): string => {
  const millis = Math.max(0, Math.round(Duration.toMillis(wait)))
  return millis < 1000 ? `${millis}ms` : Duration.format(Duration.seconds(Math.round(millis / 1000)))
}

/**
 * Whose rate budget a hold waits for: `business 123` or `the app`.
 *
 * @since 0.2.0
 * @category rendering
 */
export const budgetOwner = (scope: string): string => scope === "app" ? "the app" : `business ${scope}`

/**
 * A retry that waits `remaining` before attempt `attempt + 1`.
 *
 * @since 0.2.0
 * @category rendering
 */
export const retrying = (
  retry: { readonly error: string; readonly code: number | undefined; readonly attempt: number },
  remaining: Duration.Duration
): string => `${retryReason(retry)}, retrying in ${waitText(remaining)} (attempt ${retry.attempt + 1})`

/**
 * A hold of the rate governor with `remaining` left: `waiting 42s for the rate budget of business X`.
 * A hold at the ceiling ends as soon as a probe shows the usage dropped, so it says "up to".
 *
 * @since 0.2.0
 * @category rendering
 */
export const holding = (
  hold: { readonly scope: string; readonly reason: GraphEvents.HoldReason },
  remaining: Duration.Duration
): string =>
  `waiting ${hold.reason === "ceiling" ? "up to " : ""}${waitText(remaining)} for the rate budget of ${
    budgetOwner(hold.scope)
  }`

/**
 * One event as a line of its own, for `--verbose`.
 *
 * @example
 * ```text
 * waba: /{business-id}/owned_whatsapp_business_accounts: Graph had a temporary error (code 2), retrying in 480ms (attempt 2)
 * waba: waiting 42s for the rate budget of business 1234567890 (usage 97%, pacing)
 * ```
 *
 * @since 0.2.0
 * @category rendering
 */
export const line: (event: GraphEvents.GraphEvent) => string = Match.typeTags<GraphEvents.GraphEvent, string>()({
  RetryScheduled: (event) => `waba: ${event.route}: ${retrying(event, event.delay)}`,
  Held: (event) => `waba: ${holding(event, event.wait)} (usage ${event.usagePercent}%, ${event.reason})`,
  VersionMismatch: (event) =>
    `waba: ${event.route}: Graph answered with API version ${event.served}, not the ${event.requested} asked for`
})
