import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as Option from "effect/Option"
import * as GraphError from "../GraphError.js"
import * as GraphEvents from "../GraphEvents.js"
import * as GraphMetrics from "../GraphMetrics.js"
import { HoldTooLongError } from "../HoldTooLongError.js"
import type * as RateGovernor from "../RateGovernor.js"
import type * as RateGovernorStore from "../RateGovernorStore.js"
import * as Decision from "./governorDecision.js"

/** @internal */
export const appScope = Decision.appScope

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

/** Holds longer than this are announced: an INFO log line and a `GraphEvents.Held` event. Shorter ones log at DEBUG. */
const visibleFromMillis = 2_000
/** How many request keys the governor remembers the budgets of (the least recently learned go first). */
const maxKeys = 10_000
/** How many other ids one key's responses may name before the least recently seen is forgotten. */
const maxAliases = 16

const describeId = (id: string) => id === appScope ? "the app" : `business ${id}`

const reasons: Record<RateGovernor.WaitReason, string> = {
  pacing: "usage is nearing the ceiling",
  ceiling: "usage is at the ceiling; waiting for a probe to show it dropped",
  regain: "Graph said when access returns"
}

/** What the governor remembers about one request key: the budgets its requests count against. */
interface KeyState {
  scopes: ReadonlyArray<string>
  /**
   * Other ids the key's responses reported, with when they were last seen (Effect clock); made on the
   * first one, since most keys (a business read on its own) never have any and there can be many keys.
   */
  aliases: Map<string, number> | undefined
}

/** Fibers in the slow path watching one budget; its deferred completes (and is replaced) on news about it. */
interface Watch {
  deferred: Deferred.Deferred<void>
  watchers: number
}

/** @internal */
export interface Governor extends RateGovernor.Service {
  /** How much per-key and per-budget state the governor itself holds (for tests of boundedness). */
  readonly sizes: () => { readonly keys: number; readonly aliases: number; readonly watches: number }
}

/** @internal */
export const make = (
  settings: RateGovernor.Settings,
  store: RateGovernorStore.Store
): Effect.Effect<Governor> =>
  Effect.sync(() => {
    const policy = Decision.policy({
      ceiling: settings.ceiling,
      paceFrom: settings.paceFrom,
      calls: settings.calls,
      windowMillis: Duration.toMillis(settings.window),
      maxProbeMillis: Duration.toMillis(settings.maxProbeInterval),
      types: settings.types
    })
    const peek = store.peek
    const appOnly: ReadonlyArray<string> = [appScope]

    // ---- the budgets of each key ----------------------------------------------------------------

    const keys = new Map<string, KeyState>()
    const scopesFor = (key: string, aliases: Iterable<string>): ReadonlyArray<string> => {
      const scopes: Array<string> = []
      for (const type of policy.types) scopes.push(Decision.budgetScope(key, type))
      for (const alias of aliases) for (const type of policy.types) scopes.push(Decision.budgetScope(alias, type))
      scopes.push(appScope)
      // A copy of exactly its length: the pushes leave spare room, and this array is kept per key.
      return scopes.slice()
    }
    const stateOf = (key: string): KeyState => {
      let state = keys.get(key)
      if (state === undefined) {
        state = { scopes: scopesFor(key, []), aliases: undefined }
        keys.set(key, state)
        if (keys.size > maxKeys) keys.delete(keys.keys().next().value!)
      }
      return state
    }
    const scopesOf = (key: string | undefined): ReadonlyArray<string> =>
      key === undefined || key === appScope ? appOnly : stateOf(key).scopes

    // The ids a response to a request for `key` reported become budgets of `key` for a window; those
    // not reported again within a window are forgotten.
    const remember = (key: string, aliases: ReadonlyArray<string>, now: number) => {
      const known = keys.get(key)
      if (aliases.length === 0 && (known?.aliases === undefined || known.aliases.size === 0)) return
      const state = known ?? stateOf(key)
      const seenAliases = state.aliases ??= new Map()
      let changed = false
      for (const alias of aliases) {
        if (!seenAliases.delete(alias)) changed = true
        seenAliases.set(alias, now)
      }
      for (const [alias, seen] of seenAliases) {
        if (seenAliases.size > maxAliases || seen + policy.windowMillis <= now) {
          seenAliases.delete(alias)
          changed = true
        }
      }
      if (changed) state.scopes = scopesFor(key, seenAliases.keys())
    }

    // ---- news: a probe's answer releases the requests held at the ceiling -------------------------

    const watches = new Map<string, Watch>()
    const watch = (scope: string): Watch => {
      let entry = watches.get(scope)
      if (entry === undefined) {
        entry = { deferred: Deferred.unsafeMake<void>(FiberId.none), watchers: 0 }
        watches.set(scope, entry)
      }
      entry.watchers++
      return entry
    }
    const unwatch = (scope: string, entry: Watch) => {
      if (--entry.watchers === 0 && watches.get(scope) === entry) watches.delete(scope)
    }
    const announce = (scope: string) =>
      Effect.suspend(() => {
        const entry = watches.get(scope)
        if (entry === undefined) return Effect.void
        const done = entry.deferred
        entry.deferred = Deferred.unsafeMake<void>(FiberId.none)
        return Deferred.succeed(done, undefined)
      })

    // ---- the store's health: one line per outage ------------------------------------------------

    let outage: "none" | "logged" | "reported" = "none"
    const storeFailed = (operation: string) => (error: RateGovernorStore.RateGovernorStoreError) =>
      Effect.suspend(() => {
        if (outage !== "none") return Effect.void
        outage = error.reported === true ? "reported" : "logged"
        return outage === "reported" ? Effect.void : Effect.logWarning(
          `Rate governor: the store failed (${operation}: ${error.message}); letting requests through until it answers again`
        )
      })
    const storeAnswered = Effect.suspend(() => {
      if (outage === "none") return Effect.void
      const was = outage
      outage = "none"
      return was === "logged" ? Effect.logInfo("Rate governor: the store answers again") : Effect.void
    })

    // ---- holding --------------------------------------------------------------------------------

    const hold = (
      key: string | undefined,
      decided: Decision.Hold,
      wakeUp: Deferred.Deferred<void> | undefined
    ) =>
      Effect.gen(function*() {
        const id = Decision.idOf(decided.scope)
        const type = Decision.typeOf(decided.scope)
        const millis = Math.max(1, decided.millis)
        const annotations: Record<string, string | number> = {
          "graph.usage_key": key ?? appScope,
          "rate_governor.scope": id,
          ...(type !== undefined ? { "rate_governor.usage_type": type } : {}),
          "rate_governor.reason": decided.reason,
          "rate_governor.wait_ms": millis,
          "rate_governor.usage_percent": decided.usage
        }
        const span = yield* Effect.option(Effect.currentSpan)
        if (Option.isSome(span)) {
          span.value.event("graph.rate_governor.wait", yield* Clock.currentTimeNanos, annotations)
        }
        const visible = millis > visibleFromMillis
        const line = `Rate governor: holding a request for ${describeId(id)}${type !== undefined ? ` (${type})` : ""} ${
          decided.reason === "ceiling" ? "up to" : "for"
        } ${Duration.format(Duration.millis(millis))} (usage ${decided.usage}%: ${reasons[decided.reason]})`
        yield* (visible ? Effect.logInfo(line) : Effect.logDebug(line)).pipe(Effect.annotateLogs(annotations))
        if (visible) {
          yield* GraphEvents.publish(
            GraphEvents.Held({
              scope: id,
              reason: decided.reason,
              wait: Duration.millis(millis),
              usagePercent: decided.usage
            })
          )
        }
        yield* Metric.increment(Metric.tagged(metrics.waits, "reason", decided.reason))
        const start = yield* Clock.currentTimeMillis
        const sleep = Effect.sleep(Duration.millis(millis))
        yield* wakeUp === undefined ? sleep : Effect.race(sleep, Deferred.await(wakeUp))
        const waited = (yield* Clock.currentTimeMillis) - start
        yield* Metric.incrementBy(metrics.waitedMilliseconds, waited)
        yield* Metric.update(metrics.waitMilliseconds, waited)
      })

    const refusal = (decided: Decision.Hold, maxWait: Duration.Duration) => {
      const type = Decision.typeOf(decided.scope)
      return new HoldTooLongError({
        scope: Decision.idOf(decided.scope),
        ...(type !== undefined ? { usageType: type } : {}),
        reason: decided.reason,
        wait: Duration.millis(decided.millis),
        maxWait,
        usagePercent: Math.max(0, decided.usage)
      })
    }

    // ---- acquire --------------------------------------------------------------------------------

    const slowAcquire = (
      key: string | undefined,
      scopes: ReadonlyArray<string>,
      maxWait: Duration.Duration | undefined
    ): Effect.Effect<void, HoldTooLongError> => {
      const maxWaitMillis = maxWait === undefined ? undefined : Duration.toMillis(maxWait)
      return Effect.acquireUseRelease(
        Effect.sync(() => scopes.map(watch)),
        (watched) =>
          Effect.gen(function*() {
            let bookedAt: number | undefined
            while (true) {
              // Taken before reading, so that news arriving between the read and the wait is not missed.
              const wakeUps = watched.map((entry) => entry.deferred)
              const observations = yield* store.read(scopes)
              yield* storeAnswered
              const now = yield* Clock.currentTimeMillis
              const known: Array<Decision.Known> = []
              for (let i = 0; i < scopes.length; i++) {
                const observation = observations[i]
                if (observation !== undefined && Option.isSome(observation)) {
                  known.push({ scope: scopes[i]!, observation: observation.value })
                }
              }
              let next = Decision.decide(policy, { now, known, maxWaitMillis, bookedAt })
              if (next._tag === "Probe") {
                const waits: Array<number> = []
                for (const gate of next.gates) {
                  const wait = Duration.toMillis(yield* store.tryTake(gate.scope, Duration.millis(gate.intervalMillis)))
                  waits.push(wait)
                  if (wait > 0) break
                }
                next = Decision.afterGates(next, waits, maxWaitMillis)
              }
              if (next._tag === "Book") {
                const delays: Array<number> = []
                for (const booking of next.bookings) {
                  delays.push(
                    Duration.toMillis(yield* store.reserve(booking.scope, Duration.millis(booking.gapMillis), maxWait))
                  )
                }
                next = Decision.afterBooking(next.bookings, delays, maxWaitMillis)
                // A request that waited for its place looks again before sending, in case another one saw
                // the ceiling or a regain hint meanwhile, without booking twice.
                if (next._tag === "Wait") bookedAt = now
              }
              switch (next._tag) {
                case "Go":
                  return
                case "Refuse":
                  return yield* Effect.fail(refusal(next.hold, maxWait!))
                case "Wait": {
                  const wakeUp = next.hold.untilNews ? wakeUps[scopes.indexOf(next.hold.scope)] : undefined
                  // News since the read: look again rather than announce a hold that is already over.
                  if (wakeUp !== undefined && (yield* Deferred.isDone(wakeUp))) continue
                  yield* hold(key, next.hold, wakeUp)
                  continue
                }
                default:
                  // Probe and Book were carried out above.
                  return
              }
            }
          }).pipe(Effect.catchTag("RateGovernorStoreError", storeFailed("acquire"))),
        (watched) => Effect.sync(() => watched.forEach((entry, i) => unwatch(scopes[i]!, entry)))
      )
    }

    const quiet = (scopes: ReadonlyArray<string>, lookUp: NonNullable<RateGovernorStore.Store["peek"]>) => {
      for (let i = 0; i < scopes.length; i++) {
        const observation = lookUp(scopes[i]!)
        if (observation !== undefined && !Decision.isQuiet(policy, observation)) return false
      }
      return true
    }

    const acquire = (
      key: string | undefined,
      maxWait?: Duration.Duration | undefined
    ): Effect.Effect<void, HoldTooLongError> =>
      Effect.suspend(() => {
        const scopes = scopesOf(key)
        // The fast path: with a store in this process, a request whose budgets are unknown or far from
        // their limits goes with nothing read, booked or allocated.
        if (peek !== undefined && quiet(scopes, peek)) return Effect.void
        return slowAcquire(key, scopes, maxWait)
      })

    // ---- observe --------------------------------------------------------------------------------

    const quietReadings = (
      readings: ReadonlyArray<Decision.Reading>,
      lookUp: NonNullable<RateGovernorStore.Store["peek"]>
    ) => {
      for (const reading of readings) {
        if (reading.holdMillis > 0 || (reading.level !== undefined && reading.level > policy.paceFrom)) return false
        const before = lookUp(reading.scope)
        if (before !== undefined && !Decision.isQuiet(policy, before)) return false
      }
      return true
    }

    const record = (readings: ReadonlyArray<Decision.Reading>, now: number) =>
      Effect.gen(function*() {
        const scopes = readings.map((reading) => reading.scope)
        const previous = yield* store.read(scopes)
        yield* storeAnswered
        for (let i = 0; i < readings.length; i++) {
          const update = Decision.update(
            policy,
            Option.getOrUndefined(previous[i] ?? Option.none()),
            readings[i]!,
            now,
            peek !== undefined
          )
          if (update === undefined) continue
          yield* store.write(scopes[i]!, update.observation, Duration.millis(update.timeToLiveMillis))
          if (update.book) yield* store.reserve(scopes[i]!, Duration.zero)
          yield* announce(scopes[i]!)
        }
      }).pipe(Effect.catchTag("RateGovernorStoreError", storeFailed("observe")))

    const observe = (key: string | undefined, facts: RateGovernor.Facts): Effect.Effect<void> => {
      const usage = facts.usage
      const throttled = facts.errorCode !== undefined &&
        GraphError.classify(facts.errorCode, false) === "GraphRateLimitError"
      // Absent headers are unknown, not zero: a response without them teaches nothing.
      if (usage.businessUseCase === undefined && usage.app === undefined && !throttled) return Effect.void
      return Effect.suspend(() => {
        const fallback = throttled && key !== undefined
          ? scopesOf(key).filter((scope) => scope !== appScope)
          : []
        const found = Decision.read(policy, key, {
          usage,
          throttled,
          appThrottled: facts.errorCode === 4,
          retryAfterMillis: facts.retryAfter === undefined ? undefined : Duration.toMillis(facts.retryAfter)
        }, fallback)
        const hasAliases = key !== undefined && (found.aliases.length > 0 || (keys.get(key)?.aliases?.size ?? 0) > 0)
        if (
          !hasAliases && (found.readings.length === 0 || (peek !== undefined && quietReadings(found.readings, peek)))
        ) {
          return Effect.void
        }
        return Effect.flatMap(Clock.currentTimeMillis, (now) => {
          if (key !== undefined) remember(key, found.aliases, now)
          if (found.readings.length === 0 || (peek !== undefined && quietReadings(found.readings, peek))) {
            return Effect.void
          }
          return record(found.readings, now)
        })
      })
    }

    return {
      acquire,
      observe,
      sizes: () => {
        let aliases = 0
        for (const state of keys.values()) aliases += state.aliases?.size ?? 0
        return { keys: keys.size, aliases, watches: watches.size }
      }
    }
  })
