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
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricState from "effect/MetricState"

/**
 * @since 0.1.0
 * @category metrics
 */
export const requests = Metric.counter("effect_waba_graph_requests_total", {
  description: "Graph HTTP requests sent, retries included, by route template and status class",
  incremental: true
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const requestDuration = Metric.histogram(
  "effect_waba_graph_request_duration_milliseconds",
  // 5 ms to about 41 s: loopback answers to a timed-out attempt.
  MetricBoundaries.exponential({ start: 5, factor: 2, count: 14 }),
  "Duration of one Graph HTTP attempt, from sending it to reading its body, by route template and status class"
)

/**
 * @since 0.1.0
 * @category metrics
 */
export const retries = Metric.counter("effect_waba_graph_retries_total", {
  description: "Graph requests re-sent after a retryable failure, by route template and error tag",
  incremental: true
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const errors = Metric.counter("effect_waba_graph_errors_total", {
  description: "Graph calls that failed after every retry, by route template, status class and error tag",
  incremental: true
})

/**
 * @since 0.1.0
 * @category metrics
 */
export const rateLimitedResponses = Metric.counter("effect_waba_graph_rate_limited_responses_total", {
  description: "Throttling errors received from Graph (80008: the business-use-case limit), by code",
  incremental: true
})

/**
 * Batch requests (`POST /` with up to 50 calls, see `GraphBatch`) sent, by status class. Each call in a
 * batch is also counted in `requests`, as a call of its own.
 *
 * @since 0.1.0
 * @category metrics
 */
export const batches = Metric.counter("effect_waba_graph_batches_total", {
  description: "Graph batch requests (POST / with up to 50 calls) sent, by status class",
  incremental: true
})

/**
 * `2xx`, `4xx`, …, or `none` without a status.
 *
 * @since 0.1.0
 * @category tags
 */
export const statusClass = (status: number | undefined): string =>
  status === undefined || !Number.isInteger(status) || status < 100 || status > 599
    ? "none"
    : `${Math.floor(status / 100)}xx`

/**
 * Requests sent so far by this process, summed over every route and status class.
 *
 * @since 0.1.0
 * @category getters
 */
export const requestsSent: Effect.Effect<number> = Effect.map(Metric.snapshot, (pairs) => {
  let total = 0
  for (const pair of pairs) {
    if (pair.metricKey.name === "effect_waba_graph_requests_total" && MetricState.isCounterState(pair.metricState)) {
      total += Number(pair.metricState.count)
    }
  }
  return total
})
