/**
 * What a request tells the outside world: its span, its metrics, the retry announcement (log line,
 * span event, `GraphEvents.RetryScheduled`) and the once-per-client version warning.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import type * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type * as GraphConfig from "../../GraphConfig.js"
import type * as GraphError from "../../GraphError.js"
import * as GraphEvents from "../../GraphEvents.js"
import * as GraphMetrics from "../../GraphMetrics.js"

// The tracer every Effect runtime starts with: its spans are kept by nobody.
const nativeTracer = Effect.runSync(Effect.tracer)

/**
 * `Effect.withSpan`, skipped when the runtime has the native tracer: nobody keeps its spans, and a span
 * per page (name, attributes, a child context) is a fixed cost on every page. The name and attributes
 * are only built when a span is.
 *
 * @internal
 */
export const spanned =
  (span: () => { readonly name: string; readonly attributes: Record<string, unknown> }) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.tracerWith((tracer) => {
      if (tracer === nativeTracer) return effect
      const { attributes, name } = span()
      return Effect.withSpan(effect, name, { attributes })
    })

interface Outcome {
  readonly status: number
  readonly fbtraceId: string | undefined
  readonly attempts: number
}

const successAttributes = (response: Outcome): Record<string, unknown> => ({
  "http.response.status_code": response.status,
  ...(response.fbtraceId !== undefined ? { "graph.fbtrace_id": response.fbtraceId } : {}),
  "graph.attempts": response.attempts,
  "graph.retry_count": response.attempts - 1
})

const errorAttributes = (error: unknown): Record<string, unknown> => {
  const status = numberField(error, "httpStatus")
  const attempts = numberField(error, "attempts")
  const code = numberField(error, "code")
  const fbtraceId = stringField(error, "fbtraceId")
  return {
    "graph.error": tagOf(error),
    ...(code !== undefined ? { "graph.error_code": code } : {}),
    ...(status !== undefined ? { "http.response.status_code": status } : {}),
    ...(fbtraceId !== undefined ? { "graph.fbtrace_id": fbtraceId } : {}),
    ...(attempts !== undefined ? { "graph.attempts": attempts, "graph.retry_count": Math.max(0, attempts - 1) } : {})
  }
}

/** `server.address` and `server.port` of the base URL: the host, never a whole URL. */
const server = (baseUrl: string): { readonly address: string; readonly port: number | undefined } => {
  try {
    const url = new URL(baseUrl)
    const port = url.port !== ""
      ? Number(url.port)
      : url.protocol === "https:"
      ? 443
      : url.protocol === "http:"
      ? 80
      : undefined
    return { address: url.hostname, port }
  } catch {
    return { address: "unknown", port: undefined }
  }
}

const numberField = (error: unknown, key: string): number | undefined => {
  const value = typeof error === "object" && error !== null ? (error as Record<string, unknown>)[key] : undefined
  return typeof value === "number" ? value : undefined
}

const stringField = (error: unknown, key: string): string | undefined => {
  const value = typeof error === "object" && error !== null ? (error as Record<string, unknown>)[key] : undefined
  return typeof value === "string" ? value : undefined
}

const tagOf = (error: unknown): string => stringField(error, "_tag") ?? "UnknownError"

// Label arrays are built once and reused: Effect caches a metric's hook per label array, so the same
// array costs a map look-up instead of a registry search. Bounded, in case routes are not templates.
const maxCachedLabels = 1_000

/** @internal */
export const make = (settings: GraphConfig.Settings) => {
  const { address, port } = server(settings.baseUrl)
  const labelCache = new Map<string, ReadonlyArray<MetricLabel.MetricLabel>>()
  const labels = (route: string, status: string, error?: string): ReadonlyArray<MetricLabel.MetricLabel> => {
    const key = `${route}\u0000${status}\u0000${error ?? ""}`
    let found = labelCache.get(key)
    if (found === undefined) {
      found = [
        MetricLabel.make("route", route),
        ...(status === "" ? [] : [MetricLabel.make("status_class", status)]),
        ...(error === undefined ? [] : [MetricLabel.make("error", error)])
      ]
      if (labelCache.size < maxCachedLabels) labelCache.set(key, found)
    }
    return found
  }

  const update = <In>(
    metrics: ReadonlyArray<readonly [Metric.Metric<any, In, unknown>, In, ReadonlyArray<MetricLabel.MetricLabel>]>
  ) =>
    Effect.withFiberRuntime<void>((fiber) => {
      // Honour labels set with `Effect.tagMetrics` around the call.
      const extra = fiber.getFiberRef(FiberRef.currentMetricLabels)
      for (const [metric, value, tags] of metrics) {
        metric.unsafeUpdate(value, extra.length === 0 ? tags : [...extra, ...tags])
      }
      return Effect.void
    })

  /**
   * Counts and times one HTTP attempt, by its status class (`none` when no response arrived). The caller
   * reads the clock around the attempt (it reads it anyway), so this is one step rather than a wrapper.
   */
  const attempted = (route: string, status: number | undefined, millis: number): Effect.Effect<void> => {
    const tags = labels(route, GraphMetrics.statusClass(status))
    return update<number>([[GraphMetrics.requests, 1, tags], [GraphMetrics.requestDuration, millis, tags]])
  }

  /** A throttling error received. */
  const throttled = (code: number) =>
    update<number>([[GraphMetrics.rateLimitedResponses, 1, [MetricLabel.make("code", String(code))]]])

  /** Says, in every way a user may be watching, that an attempt failed and when the next one starts. */
  const announceRetry =
    (route: string) => (error: GraphError.GraphError, delay: Duration.Duration, attempt: number) => {
      const code = numberField(error, "code")
      const annotations: Record<string, unknown> = {
        "graph.route": route,
        "graph.error": error._tag,
        ...(code !== undefined ? { "graph.error_code": code } : {}),
        "graph.retry_in_ms": Math.round(Duration.toMillis(delay)),
        "graph.attempt": attempt
      }
      return Effect.all([
        Effect.flatMap(Effect.option(Effect.currentSpan), (span) =>
          Option.isNone(span)
            ? Effect.void
            : Effect.map(Clock.currentTimeNanos, (now) => span.value.event("graph.retry", now, annotations))),
        Effect.logInfo(
          `Graph request ${route} failed with ${error._tag}${
            code !== undefined ? ` (code ${code})` : ""
          }; retrying in ${Duration.format(Duration.millis(Math.round(Duration.toMillis(delay))))}`
        ).pipe(Effect.annotateLogs(annotations)),
        GraphEvents.publish(GraphEvents.RetryScheduled({ route, attempt, error: error._tag, code, delay })),
        update<number>([[GraphMetrics.retries, 1, labels(route, "", error._tag)]])
      ], { discard: true })
    }

  /** The span of one call (all its attempts), named after the route template, and the error counter. */
  const traced = (route: string, usageKey: string | undefined) => {
    const attributes = {
      "http.request.method": "GET",
      "graph.route": route,
      "graph.api_version": settings.apiVersion,
      "server.address": address,
      ...(port !== undefined ? { "server.port": port } : {}),
      ...(usageKey !== undefined ? { "graph.usage_key": usageKey } : {})
    }
    const countError = (error: unknown) =>
      update<number>([[
        GraphMetrics.errors,
        1,
        labels(route, GraphMetrics.statusClass(numberField(error, "httpStatus")), tagOf(error))
      ]])
    return <A extends Outcome, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.tracerWith((tracer) =>
        // Without a tracer of the user's, spans go nowhere: skip building one.
        tracer === nativeTracer
          ? Effect.tapError(effect, countError)
          : effect.pipe(
            Effect.tap((response) => Effect.annotateCurrentSpan(successAttributes(response))),
            Effect.tapError((error) =>
              Effect.zipRight(Effect.annotateCurrentSpan(errorAttributes(error)), countError(error))
            ),
            Effect.withSpan(`GET ${route}`, { kind: "client", attributes })
          )
      )
  }

  return { attempted, throttled, announceRetry, traced }
}

/**
 * Warns once per client (a log line and `GraphEvents.VersionMismatch`) when Graph serves another
 * version than the one asked for: an expired version silently falls forward.
 *
 * @internal
 */
export const versionCheck = (requested: string) =>
  Effect.map(
    Ref.make(false),
    (warned) => (route: string, served: string | undefined): Effect.Effect<void> =>
      served === undefined || served === requested
        ? Effect.void
        : Effect.flatMap(Ref.getAndSet(warned, true), (already) =>
          already
            ? Effect.void
            : Effect.zipRight(
              Effect.logWarning(
                `Graph served ${route} with API version ${served}, not the requested ${requested} ` +
                  "(an expired version falls forward); pin a current version. Said once per client."
              ).pipe(
                Effect.annotateLogs({
                  "graph.route": route,
                  "graph.api_version": requested,
                  "graph.served_version": served
                })
              ),
              GraphEvents.publish(GraphEvents.VersionMismatch({ route, requested, served }))
            ))
  )
