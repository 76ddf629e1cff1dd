import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as GraphError from "../GraphError.js"
import * as GraphMetrics from "../GraphMetrics.js"
import type * as RateGovernor from "../RateGovernor.js"
import type * as RateGovernorStore from "../RateGovernorStore.js"

/** @internal */
export const appScope = "app"

/** @internal */
export class HoldTooLongError extends Schema.TaggedError<HoldTooLongError>(
  "@effect-waba/graph-core/RateGovernor/HoldTooLongError"
)("HoldTooLongError", {
  /** The business id held, or `"app"`. */
  scope: Schema.String,
  /** How long until Graph accepts calls again. */
  waitMillis: Schema.Number,
  /** The last usage percentage seen for the scope. */
  usage: Schema.Number
}) {}

/** @internal */
export const metrics = {
  // The client's, defined once in GraphMetrics.
  requests: GraphMetrics.requests,
  rateLimitedResponses: GraphMetrics.rateLimitedResponses,
  waits: Metric.counter("effect_waba_rate_governor_waits_total", {
    description: "Requests the rate governor held before sending, by reason",
    incremental: true
  }),
  waitedMilliseconds: Metric.counter("effect_waba_rate_governor_waited_milliseconds_total", {
    description: "Time requests spent held by the rate governor",
    incremental: true
  }),
  waitMilliseconds: Metric.histogram(
    "effect_waba_rate_governor_wait_milliseconds",
    MetricBoundaries.exponential({ start: 100, factor: 4, count: 10 }),
    "How long each hold by the rate governor lasted"
  )
}

/** What one response said about one scope. */
interface Reading {
  /** The highest usage percentage reported, if any. */
  level: number | undefined
  /** Milliseconds until access returns, if the response said to wait. */
  holdMillis: number
}

const finite = (value: number | undefined): value is number => value !== undefined && Number.isFinite(value)

const readings = (key: string | undefined, facts: RateGovernor.Facts, ceiling: number): Map<string, Reading> => {
  const out = new Map<string, Reading>()
  const reading = (scope: string) => {
    let found = out.get(scope)
    if (found === undefined) {
      found = { level: undefined, holdMillis: 0 }
      out.set(scope, found)
    }
    return found
  }
  const raise = (scope: string, value: number | undefined) => {
    if (!finite(value)) return
    const target = reading(scope)
    target.level = target.level === undefined ? value : Math.max(target.level, value)
  }
  // The header is keyed by business id, so it informs every business it names, whoever asked.
  for (const entry of facts.usage.businessUseCase ?? []) {
    raise(entry.businessId, entry.callCount)
    raise(entry.businessId, entry.totalCputime)
    raise(entry.businessId, entry.totalTime)
    const minutes = entry.estimatedTimeToRegainAccess
    if (finite(minutes) && minutes > 0) {
      const target = reading(entry.businessId)
      target.holdMillis = Math.max(target.holdMillis, minutes * 60_000)
    }
  }
  const app = facts.usage.app
  if (app !== undefined) {
    raise(appScope, app.callCount)
    raise(appScope, app.totalCputime)
    raise(appScope, app.totalTime)
  }
  if (facts.errorCode !== undefined && GraphError.classify(facts.errorCode, false) === "GraphRateLimitError") {
    // Code 4 is the app's limit; the others (80008 above all) count against what was asked for.
    const scope = facts.errorCode === 4 || key === undefined ? appScope : key
    const target = reading(scope)
    // Refused: whatever the headers said, usage is at least at the ceiling.
    target.level = Math.max(target.level ?? ceiling, ceiling)
    if (finite(facts.retryAfterMillis) && facts.retryAfterMillis > 0) {
      target.holdMillis = Math.max(target.holdMillis, facts.retryAfterMillis)
    }
  }
  return out
}

const describeScope = (scope: string) => scope === appScope ? "the app" : `business ${scope}`

const reasons: Record<RateGovernor.WaitReason, string> = {
  pacing: "usage is nearing the ceiling",
  ceiling: "usage is at the ceiling; waiting for a probe to show it dropped",
  regain: "Graph said when access returns"
}

/** @internal */
export const make = (
  settings: RateGovernor.Settings,
  store: RateGovernorStore.Store
): Effect.Effect<RateGovernor.Service> =>
  Effect.gen(function*() {
    const windowMillis = Duration.toMillis(settings.window)
    // The gap at which calls can go on for ever without usage passing the ceiling.
    const sustainableMillis = windowMillis / (settings.calls * settings.ceiling / 100)
    const maxProbeMillis = Duration.toMillis(settings.maxProbeInterval)

    const pacingMillis = (usage: number) =>
      usage <= settings.paceFrom
        ? 0
        : sustainableMillis * Math.min(1, (usage - settings.paceFrom) / (settings.ceiling - settings.paceFrom))

    // Probes spend at most half of what is left of the budget (100% − usage) per window, so that they
    // cannot use it up before old calls roll out of the count, and leave the rest for requests already
    // in flight elsewhere; each answer still at the ceiling doubles the gap, up to maxProbeInterval.
    // Near 100% the spread wins (up to a quarter of the window).
    const probeMillis = (usage: number, streak: number) => {
      const headroomCalls = Math.max(1, (100 - usage) / 100 * settings.calls / 2)
      const spread = Math.min(windowMillis / 4, windowMillis / headroomCalls)
      const doubling = Math.min(maxProbeMillis, sustainableMillis * 2 ** Math.min(30, Math.max(0, streak - 1)))
      return Math.max(spread, doubling)
    }

    // Per scope, completed when this process learns something new about it, so that requests held at
    // the ceiling look again at once instead of sleeping until their next turn to probe.
    const signals = new Map<string, Deferred.Deferred<void>>()
    const signalOf = (scope: string) =>
      Effect.sync(() => {
        let signal = signals.get(scope)
        if (signal === undefined) {
          signal = Deferred.unsafeMake<void>(FiberId.none)
          signals.set(scope, signal)
        }
        return signal
      })
    const announce = (scope: string) =>
      Effect.suspend(() => {
        const signal = signals.get(scope)
        if (signal === undefined) return Effect.void
        signals.delete(scope)
        return Deferred.succeed(signal, undefined)
      })

    const wait = (
      key: string | undefined,
      scope: string,
      reason: RateGovernor.WaitReason,
      millis: number,
      usage: number,
      wakeUp: Option.Option<Deferred.Deferred<void>>
    ) =>
      Effect.gen(function*() {
        const rounded = Math.max(1, Math.ceil(millis))
        const annotations = {
          "graph.usage_key": key ?? appScope,
          "rate_governor.scope": scope,
          "rate_governor.reason": reason,
          "rate_governor.wait_ms": rounded,
          "rate_governor.usage_percent": usage
        }
        const span = yield* Effect.option(Effect.currentSpan)
        if (Option.isSome(span)) {
          span.value.event("graph.rate_governor.wait", yield* Clock.currentTimeNanos, annotations)
        }
        yield* Effect.logInfo(
          `Rate governor: holding a request for ${describeScope(scope)} ${reason === "ceiling" ? "up to" : "for"} ${
            Duration.format(Duration.millis(rounded))
          } (usage ${usage}%: ${reasons[reason]})`
        ).pipe(Effect.annotateLogs(annotations))
        yield* Metric.increment(Metric.tagged(metrics.waits, "reason", reason))
        const start = yield* Clock.currentTimeMillis
        const sleep = Effect.sleep(Duration.millis(rounded))
        yield* Option.match(wakeUp, {
          onNone: () => sleep,
          onSome: (deferred) => Effect.race(sleep, Deferred.await(deferred))
        })
        const waited = (yield* Clock.currentTimeMillis) - start
        yield* Metric.incrementBy(metrics.waitedMilliseconds, waited)
        yield* Metric.update(metrics.waitMilliseconds, waited)
      })

    const storeFailed = (operation: string) => (error: RateGovernorStore.RateGovernorStoreError) =>
      Effect.logWarning(
        `Rate governor: the store failed (${operation}: ${error.message}); letting the request through`
      )

    const acquire = (
      key: string | undefined,
      maxWait?: Duration.Duration | undefined
    ): Effect.Effect<void, HoldTooLongError> => {
      const scopes = key === undefined || key === appScope ? [appScope] : [key, appScope]
      const loop: Effect.Effect<
        void,
        RateGovernorStore.RateGovernorStoreError | HoldTooLongError
      > = Effect.gen(function*() {
        let booked = false
        while (true) {
          // Taken before reading, so that news arriving between the read and the wait is not missed.
          const wakeUps = yield* Effect.forEach(scopes, signalOf)
          const now = yield* Clock.currentTimeMillis
          const known = yield* store.read(scopes)
          const live: Array<[string, RateGovernorStore.Observation]> = []
          known.forEach((observation, i) => {
            if (Option.isSome(observation)) live.push([scopes[i]!, observation.value])
          })
          if (live.length === 0) return

          // Graph said when access returns: nothing sent before then would be accepted.
          const held = live.reduce<[string, RateGovernorStore.Observation] | undefined>(
            (longest, entry) => (longest === undefined || entry[1].holdUntil > longest[1].holdUntil ? entry : longest),
            undefined
          )!
          if (held[1].holdUntil > now) {
            const millis = held[1].holdUntil - now
            if (maxWait !== undefined && millis > Duration.toMillis(maxWait)) {
              return yield* Effect.fail(
                new HoldTooLongError({ scope: held[0], waitMillis: millis, usage: held[1].usage })
              )
            }
            yield* wait(key, held[0], "regain", millis, held[1].usage, Option.none())
            continue
          }

          // At the ceiling: one probe per interval after the last response, the others wait for what it
          // learns; each answer that is still at the ceiling doubles the interval.
          const full = live.filter(([, observation]) => observation.usage >= settings.ceiling)
          if (full.length > 0) {
            let blocked: [string, RateGovernorStore.Observation, number] | undefined
            for (const [scope, observation] of full) {
              const interval = probeMillis(observation.usage, observation.streak)
              // After a regain hint, Graph's time is the time to look again.
              const due = (observation.holdUntil > 0 ? observation.holdUntil : observation.observedAt + interval) - now
              const gate = due > 0 ? due : Duration.toMillis(yield* store.tryTake(scope, Duration.millis(interval)))
              if (gate > 0) {
                blocked = [scope, observation, gate]
                break
              }
            }
            if (blocked !== undefined) {
              const wakeUp = wakeUps[scopes.indexOf(blocked[0])]!
              yield* wait(key, blocked[0], "ceiling", blocked[2], blocked[1].usage, Option.some(wakeUp))
              continue
            }
          }

          // Our place in the schedule has come, and nothing learned meanwhile stands in the way.
          if (booked) return

          // Take a place in each scope's schedule, spaced from the previous send by how close usage is to
          // the ceiling. Every send is booked, unpaced ones and probes with a zero gap, so that the first
          // paced request is spaced from the last send rather than going at once.
          let longest: [string, RateGovernorStore.Observation, number] | undefined
          for (const [scope, observation] of live) {
            const gap = observation.usage >= settings.ceiling ? 0 : pacingMillis(observation.usage)
            const delay = Duration.toMillis(yield* store.reserve(scope, Duration.millis(gap)))
            if (delay > 0 && (longest === undefined || delay > longest[2])) longest = [scope, observation, delay]
          }
          if (longest === undefined) return
          yield* wait(key, longest[0], "pacing", longest[2], longest[1].usage, Option.none())
          // While we waited, another request (here or in another process) may have seen the ceiling or a
          // regain hint: look again before sending, without booking twice.
          booked = true
        }
      })
      return Effect.catchTag(loop, "RateGovernorStoreError", storeFailed("acquire"))
    }

    const observe = (key: string | undefined, facts: RateGovernor.Facts): Effect.Effect<void> => {
      const found = readings(key, facts, settings.ceiling)
      if (found.size === 0) return Effect.void
      return Effect.gen(function*() {
        const scopes = Array.from(found.keys())
        const now = yield* Clock.currentTimeMillis
        const previous = yield* store.read(scopes)
        for (let i = 0; i < scopes.length; i++) {
          const scope = scopes[i]!
          const reading = found.get(scope)!
          const before = Option.getOrUndefined(previous[i]!)
          const usage = reading.level ?? before?.usage
          if (usage === undefined) continue
          const holdUntil = Math.max(
            before !== undefined && before.holdUntil > now ? before.holdUntil : 0,
            reading.holdMillis > 0 ? now + reading.holdMillis : 0
          )
          const streak = usage >= settings.ceiling ? (before?.streak ?? 0) + 1 : 0
          // Kept for one window (usage older than that has rolled out of Graph's count), or for as long
          // as a hold lasts.
          const timeToLive = Duration.millis(Math.max(windowMillis, holdUntil - now))
          yield* store.write(scope, { usage, observedAt: now, holdUntil, streak }, timeToLive)
          // The request just answered went out before anything was known, so it was not booked: book it
          // now, so that the next request is spaced from it.
          if (before === undefined) yield* store.reserve(scope, Duration.zero)
          yield* announce(scope)
        }
      }).pipe(Effect.catchAll(storeFailed("observe")))
    }

    return { acquire, observe }
  })
