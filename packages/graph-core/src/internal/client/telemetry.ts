/**
 * What a request tells the outside world: its span, its metrics, the retry announcement (log line,
 * span event, `GraphEvents.RetryScheduled`, metric) and the once-per-client version warning.
 */
import { defined } from "@effect-waba/graph-rules/defined"
import * as Rules from "@effect-waba/graph-rules/telemetry"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import type * as GraphConfig from "../../GraphConfig.js"
import type * as GraphError from "../../GraphError.js"
import * as GraphEvents from "../../GraphEvents.js"
import * as GraphMetrics from "../../GraphMetrics.js"

// A tagged metric is made once per label set: making one per request (and finding its state in the
// registry by hashing it) cost a fan-out more CPU than the rest of the request's bookkeeping.
const taggedMetrics = new Map<string, Metric.Metric<any, any, any>>()
const tagged = <Type, In, Out>(
  metric: Metric.Metric<Type, In, Out>,
  name: string,
  tags: Readonly<Record<string, string>>
): Metric.Metric<Type, In, Out> => {
  const key = `${name}\u0000${JSON.stringify(tags)}`
  const known = taggedMetrics.get(key)
  if (known !== undefined) return known
  // Label values are routes, status classes, codes and error names: few, but bounded all the same.
  if (taggedMetrics.size >= 1_000) taggedMetrics.clear()
  const made = Metric.taggedWithLabels(metric, Object.entries(tags).map(([key, value]) => MetricLabel.make(key, value)))
  taggedMetrics.set(key, made)
  return made
}

// What a response, or the members of `GraphClientError` that have these fields, say about the call.
interface Outcome {
  readonly code?: number | undefined
  readonly httpStatus?: number | undefined
  readonly attempts?: number | undefined
  readonly fbtraceId?: string | undefined
}

const attributes = (outcome: Outcome, error?: string) =>
  defined({
    "graph.error": error,
    "graph.error_code": outcome.code,
    "http.response.status_code": outcome.httpStatus,
    "graph.fbtrace_id": outcome.fbtraceId,
    "graph.attempts": outcome.attempts,
    "graph.retry_count": outcome.attempts === undefined ? undefined : Math.max(0, outcome.attempts - 1)
  })

/** @internal */
export const make = (settings: GraphConfig.Settings) => {
  let warned = false
  // The host and port of the base URL, never a whole URL.
  const server = new URL(settings.baseUrl)
  const port = server.port !== "" ? Number(server.port) : server.protocol === "https:" ? 443 : 80

  /**
   * Counts and times one HTTP attempt that started at `start` (epoch milliseconds), by its status class
   * (`none` when no response arrived), and counts a throttling error.
   */
  const attempted = (route: string, start: number, status?: number, error?: GraphError.GraphError) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const tags = { route, status_class: GraphMetrics.statusClass(status) }
      return Effect.all([
        Metric.increment(tagged(GraphMetrics.requests, "requests", tags)),
        Metric.update(tagged(GraphMetrics.requestDuration, "requestDuration", tags), now - start),
        error?._tag === "GraphRateLimitError"
          ? Metric.increment(
            tagged(GraphMetrics.rateLimitedResponses, "rateLimitedResponses", { code: `${error.code}` })
          )
          : Effect.void
      ], { discard: true })
    })

  /** Says, in every way a user may be watching, that an attempt failed and when the next one starts. */
  const retrying = (route: string, error: GraphError.GraphError, delay: Duration.Duration, attempt: number) => {
    const code = "code" in error ? error.code : undefined
    const annotations = defined({
      "graph.route": route,
      "graph.error": error._tag,
      "graph.error_code": code,
      "graph.retry_in_ms": Duration.toMillis(delay),
      "graph.attempt": attempt
    })
    return Effect.all([
      Effect.flatMap(
        Effect.zip(Effect.currentSpan, Clock.currentTimeNanos),
        ([span, now]) => Effect.sync(() => span.event("graph.retry", now, annotations))
      ).pipe(Effect.ignore),
      Effect.annotateLogs(
        Effect.logInfo(Rules.retryLine(route, error._tag, code, Duration.format(delay))),
        annotations
      ),
      GraphEvents.publish(GraphEvents.RetryScheduled({ route, attempt, error: error._tag, code, delay })),
      Metric.increment(tagged(GraphMetrics.retries, "retries", { route, error: error._tag }))
    ], { discard: true })
  }

  /**
   * Warns once per client (a log line and `GraphEvents.VersionMismatch`) when Graph serves another
   * version than the one asked for: an expired version silently falls forward.
   */
  const served = (route: string, served: string | undefined) =>
    served === undefined || served === settings.apiVersion ? Effect.void : Effect.suspend(() => {
      if (warned) return Effect.void
      warned = true
      const requested = settings.apiVersion
      return Effect.logWarning(Rules.versionWarning(route, requested, served)).pipe(
        Effect.annotateLogs({ "graph.route": route, "graph.api_version": requested, "graph.served_version": served }),
        Effect.zipRight(GraphEvents.publish(GraphEvents.VersionMismatch({ route, requested, served })))
      )
    })

  /** The span of one call (all its attempts), named after the route template, and the error counter. */
  const traced =
    (route: string, usageKey: string | undefined) =>
    <A extends Outcome & { readonly status: number }, E extends { readonly _tag: string }, R>(
      effect: Effect.Effect<A, E, R>
    ): Effect.Effect<A, E, R> =>
      effect.pipe(
        Effect.tapBoth({
          onSuccess: (response) => Effect.annotateCurrentSpan(attributes({ ...response, httpStatus: response.status })),
          onFailure: (error) => {
            const outcome = error as Outcome
            const tags = { route, status_class: GraphMetrics.statusClass(outcome.httpStatus), error: error._tag }
            return Effect.zipRight(
              Effect.annotateCurrentSpan(attributes(outcome, error._tag)),
              Metric.increment(tagged(GraphMetrics.errors, "errors", tags))
            )
          }
        }),
        Effect.withSpan(`GET ${route}`, {
          kind: "client",
          // A stack trace per call would always point here.
          captureStackTrace: false,
          attributes: defined({
            "http.request.method": "GET",
            "graph.route": route,
            "graph.api_version": settings.apiVersion,
            "server.address": server.hostname,
            "server.port": port,
            "graph.usage_key": usageKey
          })
        })
      )

  return { attempted, retrying, served, traced }
}
