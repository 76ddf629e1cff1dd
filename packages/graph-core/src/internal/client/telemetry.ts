/**
 * What a request tells the outside world: its span, its metrics, the retry announcement (log line,
 * span event, `GraphEvents.RetryScheduled`, metric) and the once-per-client version warning.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import * as Ref from "effect/Ref"
import type * as GraphClient from "../../GraphClient.js"
import type * as GraphConfig from "../../GraphConfig.js"
import type * as GraphError from "../../GraphError.js"
import * as GraphEvents from "../../GraphEvents.js"
import * as GraphMetrics from "../../GraphMetrics.js"
import { defined } from "../defined.js"

const tagged = <Type, In, Out>(metric: Metric.Metric<Type, In, Out>, tags: Readonly<Record<string, string>>) =>
  Metric.taggedWithLabels(metric, Object.entries(tags).map(([key, value]) => MetricLabel.make(key, value)))

// What the members of `GraphClientError` that have these fields say about the request.
interface Facts {
  readonly code?: number | undefined
  readonly httpStatus?: number | undefined
  readonly attempts?: number | undefined
  readonly fbtraceId?: string | undefined
}

const outcome = (facts: Facts) =>
  defined({
    "http.response.status_code": facts.httpStatus,
    "graph.fbtrace_id": facts.fbtraceId,
    "graph.attempts": facts.attempts,
    "graph.retry_count": facts.attempts === undefined ? undefined : Math.max(0, facts.attempts - 1)
  })

/**
 * `Effect.withSpan` with its name and attributes built when the span is (for `internal/paging.ts`).
 *
 * @internal
 */
export const spanned =
  (span: () => { readonly name: string; readonly attributes: Record<string, unknown> }) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.suspend(() => {
      const { attributes, name } = span()
      return Effect.withSpan(effect, name, { attributes })
    })

/** @internal */
export const make = (settings: GraphConfig.Settings) =>
  Effect.map(Ref.make(false), (warned) => {
    // The host and port of the base URL, never a whole URL.
    const server = new URL(settings.baseUrl)
    const port = server.port !== "" ? Number(server.port) : server.protocol === "https:" ? 443 : 80

    /** Counts and times one HTTP attempt by its status class (`none` when no response arrived). */
    const attempted = (route: string, status: number | undefined, millis: number) => {
      const tags = { route, status_class: GraphMetrics.statusClass(status) }
      return Effect.zipRight(
        Metric.increment(tagged(GraphMetrics.requests, tags)),
        Metric.update(tagged(GraphMetrics.requestDuration, tags), millis)
      )
    }

    /** A throttling error received. */
    const throttled = (code: number) => Metric.increment(tagged(GraphMetrics.rateLimitedResponses, { code: `${code}` }))

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
      const said = `${error._tag}${code === undefined ? "" : ` (code ${code})`}`
      return Effect.all([
        Effect.currentSpan.pipe(
          Effect.flatMap((span) =>
            Effect.map(Clock.currentTimeNanos, (now) => span.event("graph.retry", now, annotations))
          ),
          Effect.ignore
        ),
        Effect.logInfo(`Graph request ${route} failed with ${said}; retrying in ${Duration.format(delay)}`).pipe(
          Effect.annotateLogs(annotations)
        ),
        GraphEvents.publish(GraphEvents.RetryScheduled({ route, attempt, error: error._tag, code, delay })),
        Metric.increment(tagged(GraphMetrics.retries, { route, error: error._tag }))
      ], { discard: true })
    }

    /**
     * Warns once per client (a log line and `GraphEvents.VersionMismatch`) when Graph serves another
     * version than the one asked for: an expired version silently falls forward.
     */
    const served = (route: string, version: string | undefined) => {
      const requested = settings.apiVersion
      if (version === undefined || version === requested) return Effect.void
      const warning = Effect.logWarning(
        `Graph served ${route} with API version ${version}, not the requested ${requested} ` +
          "(an expired version falls forward); pin a current version. Said once per client."
      ).pipe(
        Effect.annotateLogs({ "graph.route": route, "graph.api_version": requested, "graph.served_version": version }),
        Effect.zipRight(GraphEvents.publish(GraphEvents.VersionMismatch({ route, requested, served: version })))
      )
      return Effect.flatMap(Ref.getAndSet(warned, true), (already) => already ? Effect.void : warning)
    }

    /** The span of one call (all its attempts), named after the route template, and the error counter. */
    const traced =
      (route: string, usageKey: string | undefined) =>
      <A extends { readonly status: number; readonly fbtraceId: string | undefined; readonly attempts: number }, R>(
        effect: Effect.Effect<A, GraphClient.GraphClientError, R>
      ): Effect.Effect<A, GraphClient.GraphClientError, R> =>
        effect.pipe(
          Effect.tap((response) => Effect.annotateCurrentSpan(outcome({ ...response, httpStatus: response.status }))),
          Effect.tapError((error) => {
            const facts = error as Facts
            return Effect.zipRight(
              Effect.annotateCurrentSpan({
                "graph.error": error._tag,
                ...defined({ "graph.error_code": facts.code }),
                ...outcome(facts)
              }),
              Metric.increment(
                tagged(GraphMetrics.errors, {
                  route,
                  status_class: GraphMetrics.statusClass(facts.httpStatus),
                  error: error._tag
                })
              )
            )
          }),
          Effect.withSpan(`GET ${route}`, {
            kind: "client",
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

    return { attempted, throttled, retrying, served, traced }
  })
