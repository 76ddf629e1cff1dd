/**
 * The client's metrics, for any Effect metrics exporter (`@effect/opentelemetry`, Prometheus) or for
 * `Metric.value` in code. The rate governor's own metrics are in `RateGovernor.metrics`.
 *
 * | metric | kind | tags |
 * | --- | --- | --- |
 * | `effect_waba_graph_requests_total` | counter: HTTP requests sent, each retry counted again | `route`, `status_class` |
 * | `effect_waba_graph_request_duration_milliseconds` | histogram: one HTTP attempt, from send to body read | `route`, `status_class` |
 * | `effect_waba_graph_retries_total` | counter: attempts re-sent after a retryable failure | `route`, `error` |
 * | `effect_waba_graph_errors_total` | counter: calls that failed for good (after retries) | `route`, `status_class`, `error` |
 * | `effect_waba_graph_rate_limited_responses_total` | counter: throttling errors received | `code` (`80008`, `4`, …) |
 *
 * Tags: `route` is the route template (`/{business-id}/owned_whatsapp_business_accounts`, never a
 * concrete id, so the number of series stays small); `status_class` is `2xx`, `3xx`, `4xx` or `5xx`,
 * or `none` when no response arrived (network failure, timeout) or none was sent (a rate-governor
 * refusal); `error` is the error's `_tag` (`GraphRateLimitError`, `GraphTransportError`, …).
 *
 * @example
 * ```ts
 * import { GraphMetrics } from "@effect-waba/graph-core"
 * import { Effect, Metric } from "effect"
 *
 * const owned = "/{business-id}/owned_whatsapp_business_accounts"
 * const okPages = Metric.value(
 *   GraphMetrics.requests.pipe(Metric.tagged("route", owned), Metric.tagged("status_class", "2xx"))
 * )
 * const report = Effect.map(okPages, (state) => `${state.count} pages read`)
 * ```
 *
 * @since 0.1.0
 */
import * as Telemetry from "@effect-waba/graph-rules/telemetry"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricState from "effect/MetricState"

/**
 * @since 0.1.0
 * @category metrics
 */
export const requests = Metric.counter(Telemetry.requests.name, {
  description: Telemetry.requests.description,
  incremental: true
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const requestDuration = Metric.histogram(
  Telemetry.requestDuration.name,
  MetricBoundaries.exponential(Telemetry.requestDuration.boundaries),
  Telemetry.requestDuration.description
)

/**
 * @since 0.1.0
 * @category metrics
 */
export const retries = Metric.counter(Telemetry.retries.name, {
  description: Telemetry.retries.description,
  incremental: true
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const errors = Metric.counter(Telemetry.errors.name, {
  description: Telemetry.errors.description,
  incremental: true
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const rateLimitedResponses = Metric.counter(Telemetry.rateLimitedResponses.name, {
  description: Telemetry.rateLimitedResponses.description,
  incremental: true
})

/**
 * Batch requests (`POST /` with up to 50 calls, see `GraphBatch`) sent, by status class. Each call in a
 * batch is also counted in `requests`, as a call of its own.
 *
 * @since 0.1.0
 * @category metrics
 */
export const batches = Metric.counter(Telemetry.batches.name, {
  description: Telemetry.batches.description,
  incremental: true
})

/**
 * `2xx`, `4xx`, …, or `none` without a status.
 *
 * @since 0.1.0
 * @category tags
 */
export const statusClass: (status: number | undefined) => string = Telemetry.statusClass

/**
 * Requests sent so far by this process, summed over every route and status class.
 *
 * @since 0.1.0
 * @category getters
 */
export const requestsSent: Effect.Effect<number> = Effect.map(Metric.snapshot, (pairs) => {
  let total = 0
  for (const pair of pairs) {
    if (pair.metricKey.name === Telemetry.requests.name && MetricState.isCounterState(pair.metricState)) {
      total += Number(pair.metricState.count)
    }
  }
  return total
})
