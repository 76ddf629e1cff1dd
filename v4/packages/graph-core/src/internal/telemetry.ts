/**
 * What a request tells the outside world on the Effect 4 line, worded and named by graph-rules as on the
 * Effect 3 line: per-attempt metrics, the retry announcement (log line, span event, `GraphEvents`, metric),
 * the once-per-client version warning, and the count of calls that failed for good.
 */
import { defined } from "@effect-waba/graph-rules/defined"
import * as Rules from "@effect-waba/graph-rules/telemetry"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as GraphEvents from "../GraphEvents.js"
import * as GraphMetrics from "../GraphMetrics.js"

// An attributed metric is made once per attribute set, not once per request.
const attributed = new Map<string, Metric.Metric<number, unknown>>()
const withAttributes = <M extends Metric.Metric<number, any>>(metric: M, attributes: Record<string, string>): M => {
  const key = `${metric.id}\u0000${JSON.stringify(attributes)}`
  const known = attributed.get(key)
  if (known !== undefined) return known as M
  // Routes, status classes, codes and error names: few, but bounded all the same.
  if (attributed.size >= 1_000) attributed.clear()
  const made = Metric.withAttributes(metric, attributes) as M
  attributed.set(key, made)
  return made
}

/** @internal */
export const make = (apiVersion: string) => {
  let warned = false

  /**
   * Counts and times one HTTP attempt that started at `start` (epoch milliseconds), by status class (`none`
   * when no response arrived), and counts a throttling error by its code.
   */
  const attempted = (route: string, start: number, status?: number, throttledCode?: number) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const attributes = { route, status_class: Rules.statusClass(status) }
      return Effect.all([
        Metric.update(withAttributes(GraphMetrics.requests, attributes), 1),
        Metric.update(withAttributes(GraphMetrics.requestDuration, attributes), now - start),
        throttledCode === undefined
          ? Effect.void
          : Metric.update(withAttributes(GraphMetrics.rateLimitedResponses, { code: `${throttledCode}` }), 1)
      ], { discard: true })
    })

  /** Says, in every way a user may be watching, that an attempt failed and when the next one starts. */
  const retrying = (
    route: string,
    error: { readonly _tag: string; readonly code?: number | undefined },
    delay: Duration.Duration,
    attempt: number
  ) => {
    const code = error.code
    const annotations = defined({
      "graph.route": route,
      "graph.error": error._tag,
      "graph.error_code": code,
      "graph.retry_in_ms": Duration.toMillis(delay),
      "graph.attempt": attempt
    })
    return Effect.all([
      Effect.flatMap(
        Effect.zip(Effect.option(Effect.currentSpan), Clock.currentTimeNanos),
        ([span, now]) =>
          Effect.sync(() => {
            if (Option.isSome(span)) span.value.event("graph.retry", now, annotations)
          })
      ),
      Effect.annotateLogs(
        Effect.logInfo(Rules.retryLine(route, error._tag, code, Duration.format(delay))),
        annotations
      ),
      GraphEvents.publish(GraphEvents.RetryScheduled({ route, attempt, error: error._tag, code, delay })),
      Metric.update(withAttributes(GraphMetrics.retries, { route, error: error._tag }), 1)
    ], { discard: true })
  }

  /** Warns once per client when Graph serves another version than the one asked for. */
  const served = (route: string, version: string | undefined) =>
    version === undefined || version === apiVersion ? Effect.void : Effect.suspend(() => {
      if (warned) return Effect.void
      warned = true
      return Effect.annotateLogs(
        Effect.logWarning(Rules.versionWarning(route, apiVersion, version)),
        { "graph.route": route, "graph.api_version": apiVersion, "graph.served_version": version }
      ).pipe(
        Effect.andThen(
          GraphEvents.publish(GraphEvents.VersionMismatch({ route, requested: apiVersion, served: version }))
        )
      )
    })

  /** Counts a call that failed for good, by its status class and error tag, and marks its span. */
  const failed = (route: string, error: { readonly _tag: string; readonly httpStatus?: number | undefined }) =>
    Effect.andThen(
      Effect.annotateCurrentSpan(defined({ "graph.error": error._tag, "http.response.status_code": error.httpStatus })),
      Metric.update(
        withAttributes(GraphMetrics.errors, {
          route,
          status_class: Rules.statusClass(error.httpStatus),
          error: error._tag
        }),
        1
      )
    )

  return { attempted, retrying, served, failed }
}
