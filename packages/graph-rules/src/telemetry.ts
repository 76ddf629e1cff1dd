/**
 * What the client tells the outside world, declared once for both lines: its metrics (name, description,
 * histogram boundaries as `exponential` arguments), their `status_class` tag, and the sentences of a retry
 * and of a version Graph served other than the one asked for.
 *
 * @internal
 */

/** A counter: name and description. @internal */
export interface Counter {
  readonly name: string
  readonly description: string
}

/** A histogram: name, description and exponential boundaries. @internal */
export interface Histogram extends Counter {
  readonly boundaries: { readonly start: number; readonly factor: number; readonly count: number }
}

/** @internal */
export const requests: Counter = {
  name: "effect_waba_graph_requests_total",
  description: "Graph HTTP requests sent, retries included, by route template and status class"
}

/** @internal */
export const requestDuration: Histogram = {
  name: "effect_waba_graph_request_duration_milliseconds",
  description:
    "Duration of one Graph HTTP attempt, from sending it to reading its body, by route template and status class",
  // 5 ms to about 41 s: loopback answers to a timed-out attempt.
  boundaries: { start: 5, factor: 2, count: 14 }
}

/** @internal */
export const retries: Counter = {
  name: "effect_waba_graph_retries_total",
  description: "Graph requests re-sent after a retryable failure, by route template and error tag"
}

/** @internal */
export const errors: Counter = {
  name: "effect_waba_graph_errors_total",
  description: "Graph calls that failed after every retry, by route template, status class and error tag"
}

/** @internal */
export const rateLimitedResponses: Counter = {
  name: "effect_waba_graph_rate_limited_responses_total",
  description: "Throttling errors received from Graph (80008: the business-use-case limit), by code"
}

/** @internal */
export const batches: Counter = {
  name: "effect_waba_graph_batches_total",
  description: "Graph batch requests (POST / with up to 50 calls) sent, by status class"
}

/** @internal */
export const governorWaits: Counter = {
  name: "effect_waba_rate_governor_waits_total",
  description: "Requests the rate governor held before sending, by reason"
}

/** @internal */
export const governorWaited: Counter = {
  name: "effect_waba_rate_governor_waited_milliseconds_total",
  description: "Time requests spent held by the rate governor"
}

/** @internal */
export const governorWait: Histogram = {
  name: "effect_waba_rate_governor_wait_milliseconds",
  description: "How long each hold by the rate governor lasted",
  boundaries: { start: 100, factor: 4, count: 10 }
}

/** `2xx`, `4xx`, …, or `none` without a status. @internal */
export const statusClass = (status: number | undefined): string =>
  status === undefined || !Number.isInteger(status) || status < 100 || status > 599
    ? "none"
    : `${Math.floor(status / 100)}xx`

/** The log line of a retry: which error failed the attempt, and when the next one starts. @internal */
export const retryLine = (route: string, error: string, code: number | undefined, delay: string): string =>
  `Graph request ${route} failed with ${error}${code === undefined ? "" : ` (code ${code})`}; retrying in ${delay}`

/** The warning, said once per client, when Graph serves another version than the one asked for. @internal */
export const versionWarning = (route: string, requested: string, served: string): string =>
  `Graph served ${route} with API version ${served}, not the requested ${requested} ` +
  "(an expired version falls forward); pin a current version. Said once per client."
