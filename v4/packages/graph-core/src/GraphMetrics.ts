/**
 * The client's and the rate governor's metrics, for any Effect metrics exporter or for `Metric.value` in
 * code: the same names, descriptions and attributes as the Effect 3 line (declared once in graph-rules).
 *
 * | metric | kind | attributes |
 * | --- | --- | --- |
 * | `effect_waba_graph_requests_total` | counter: HTTP requests sent, each retry counted again | `route`, `status_class` |
 * | `effect_waba_graph_request_duration_milliseconds` | histogram: one HTTP attempt, from send to body read | `route`, `status_class` |
 * | `effect_waba_graph_retries_total` | counter: attempts re-sent after a retryable failure | `route`, `error` |
 * | `effect_waba_graph_errors_total` | counter: calls that failed for good (after retries) | `route`, `status_class`, `error` |
 * | `effect_waba_graph_rate_limited_responses_total` | counter: throttling errors received | `code` (`80008`, `4`, …) |
 * | `effect_waba_rate_governor_waits_total` | counter: requests the governor held | `reason` |
 * | `effect_waba_rate_governor_waited_milliseconds_total` | counter: time spent held | |
 * | `effect_waba_rate_governor_wait_milliseconds` | histogram: each hold's length | |
 *
 * `route` is the route template (`/{business-id}/owned_whatsapp_business_accounts`, never a concrete id);
 * `status_class` is `2xx`, `3xx`, `4xx` or `5xx`, or `none` when no response arrived or none was sent (a
 * rate-governor refusal); `error` is the error's `_tag`.
 *
 * @example
 * ```ts
 * import { GraphMetrics } from "@effect-waba/graph-core"
 * import { Effect, Metric } from "effect"
 *
 * const owned = "/{business-id}/owned_whatsapp_business_accounts"
 * const okPages = Metric.value(
 *   Metric.withAttributes(GraphMetrics.requests, { route: owned, status_class: "2xx" })
 * )
 * const report = Effect.map(okPages, (state) => `${state.count} pages read`)
 * ```
 *
 * @since 1.0.0
 */
import * as Rules from "@effect-waba/graph-rules/telemetry"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"

const counter = ({ description, name }: Rules.Counter) => Metric.counter(name, { description, incremental: true })

const histogram = ({ boundaries, description, name }: Rules.Histogram) =>
  Metric.histogram(name, { description, boundaries: Metric.exponentialBoundaries(boundaries) })

/**
 * @since 1.0.0
 * @category metrics
 */
export const requests: Metric.Counter<number> = counter(Rules.requests)

/**
 * @since 1.0.0
 * @category metrics
 */
export const requestDuration: Metric.Histogram<number> = histogram(Rules.requestDuration)

/**
 * @since 1.0.0
 * @category metrics
 */
export const retries: Metric.Counter<number> = counter(Rules.retries)

/**
 * @since 1.0.0
 * @category metrics
 */
export const errors: Metric.Counter<number> = counter(Rules.errors)

/**
 * @since 1.0.0
 * @category metrics
 */
export const rateLimitedResponses: Metric.Counter<number> = counter(Rules.rateLimitedResponses)

/**
 * @since 1.0.0
 * @category metrics
 */
export const governorWaits: Metric.Counter<number> = counter(Rules.governorWaits)

/**
 * @since 1.0.0
 * @category metrics
 */
export const governorWaitedMilliseconds: Metric.Counter<number> = counter(Rules.governorWaited)

/**
 * @since 1.0.0
 * @category metrics
 */
export const governorWaitMilliseconds: Metric.Histogram<number> = histogram(Rules.governorWait)

/**
 * `2xx`, `4xx`, …, or `none` without a status.
 *
 * @since 1.0.0
 * @category attributes
 */
export const statusClass: (status: number | undefined) => string = Rules.statusClass

/**
 * Requests sent so far by this process, summed over every route and status class.
 *
 * @since 1.0.0
 * @category getters
 */
export const requestsSent: Effect.Effect<number> = Effect.map(Metric.snapshot, (snapshots) => {
  let total = 0
  for (const snapshot of snapshots) {
    if (snapshot.id === Rules.requests.name && snapshot.type === "Counter") total += Number(snapshot.state.count)
  }
  return total
})
