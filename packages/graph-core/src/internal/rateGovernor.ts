import * as Decision from "@effect-waba/graph-rules/governor"
import * as Arr from "effect/Array"
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FiberId from "effect/FiberId"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as Option from "effect/Option"
import * as GraphCredentials from "../GraphCredentials.js"
import * as GraphError from "../GraphError.js"
import * as GraphEvents from "../GraphEvents.js"
import * as GraphMetrics from "../GraphMetrics.js"
import * as RateGovernor from "../RateGovernor.js"
import * as RateGovernorStore from "../RateGovernorStore.js"

/** @internal */
export const metrics = {
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

/** Holds longer than this are told: an INFO log line and a `GraphEvents.Held`. Shorter ones log at DEBUG. */
const toldFromMillis = 2_000
/** How many request keys the governor remembers other ids for (the least recently answered go first). */
const maxKeys = 10_000
/** How many other ids one key's responses may name before the least recently seen is forgotten. */
const maxAliases = 16

/** @internal */
export const make = (options: RateGovernor.Settings) =>
  Effect.map(RateGovernorStore.RateGovernorStore, (store) => {
    const settings: Decision.Settings = {
      ...options,
      windowMillis: Duration.toMillis(options.window),
      maxProbeIntervalMillis: Duration.toMillis(options.maxProbeInterval)
    }
    // The other ids each key's responses reported, with when they were last seen: for a window, their
    // budgets are the key's too.
    const aliases = new Map<string, Map<string, number>>()
    const budgetsOf = (key: string | undefined): Array<string> => {
      if (key === undefined || key === Decision.appScope) return []
      const ids = [key, ...(aliases.get(key)?.keys() ?? [])]
      return ids.flatMap((id) => settings.types.map((type) => Decision.budgetScope(id, type)))
    }
    const remember = (key: string, reported: ReadonlyArray<string>, now: number) => {
      const window = settings.windowMillis
      const kept = Array.from(aliases.get(key) ?? []).filter(([id, at]) => at + window > now && !reported.includes(id))
      // The least recently seen first, so that the cap drops them.
      const seen = new Map([...kept, ...reported.map((id) => [id, now] as const)].slice(-maxAliases))
      aliases.delete(key)
      if (seen.size > 0) aliases.set(key, seen)
      if (aliases.size > maxKeys) aliases.delete(aliases.keys().next().value!)
    }

    // A request held at the ceiling is released early by news of that budget (a probe's answer). It takes
    // each budget's `news` before reading the store, so that news arriving between the read and the hold counts.
    const watches = new Map<string, { watchers: number; news: Deferred.Deferred<void> }>()
    const watch = (scopes: ReadonlyArray<string>, step: 1 | -1) =>
      Effect.sync(() => {
        for (const scope of scopes) {
          const entry = watches.get(scope) ?? { watchers: 0, news: Deferred.unsafeMake<void>(FiberId.none) }
          entry.watchers += step
          if (entry.watchers > 0) watches.set(scope, entry)
          else watches.delete(scope)
        }
      })
    const announce = (scope: string) =>
      Effect.suspend(() => {
        const entry = watches.get(scope)
        if (entry === undefined) return Effect.void
        const news = entry.news
        entry.news = Deferred.unsafeMake<void>(FiberId.none)
        return Deferred.succeed(news, undefined)
      })

    // A store that fails lets requests through: one line when it fails (unless it said so), one when it is back.
    let outage: "none" | "logged" | "reported" = "none"
    const storeFailed = (error: RateGovernorStore.RateGovernorStoreError) =>
      Effect.suspend(() => {
        if (outage !== "none") return Effect.void
        outage = error.reported === true ? "reported" : "logged"
        return outage === "reported" ? Effect.void : Effect.logWarning(
          `Rate governor: the store failed (${error.message}); letting requests through until it answers again`
        )
      })
    const storeAnswered = Effect.suspend(() => {
      const was = outage
      outage = "none"
      return was === "logged" ? Effect.logInfo("Rate governor: the store answers again") : Effect.void
    })

    const hold = (key: string | undefined, held: Decision.Hold, news?: Deferred.Deferred<void>) =>
      Effect.gen(function*() {
        const { reason, usage } = held
        const { scope: id, usageType: type } = Decision.budgetOf(held.scope)
        const wait = Duration.millis(Math.max(1, held.millis))
        const annotations = {
          "graph.usage_key": key ?? Decision.appScope,
          "rate_governor.scope": id,
          ...(type === undefined ? {} : { "rate_governor.usage_type": type }),
          "rate_governor.reason": reason,
          "rate_governor.wait_ms": Duration.toMillis(wait),
          "rate_governor.usage_percent": usage
        }
        const span = yield* Effect.option(Effect.currentSpan)
        if (Option.isSome(span)) {
          span.value.event("graph.rate_governor.wait", yield* Clock.currentTimeNanos, annotations)
        }
        const budget = held.scope === Decision.appScope
          ? "the app"
          : id === Decision.appScope
          ? `the app as business ${held.scope.slice(Decision.appScope.length + 1)}`
          : `business ${id}${type ? ` (${type})` : ""}`
        const line = `Rate governor: holding a request for ${budget} ${reason === "ceiling" ? "up to" : "for"} ${
          Duration.format(wait)
        } (usage ${usage}%, ${reason})`
        const told = held.millis > toldFromMillis
        yield* (told ? Effect.logInfo(line) : Effect.logDebug(line)).pipe(Effect.annotateLogs(annotations))
        if (told) yield* GraphEvents.publish(GraphEvents.Held({ scope: id, reason, wait, usagePercent: usage }))
        yield* Metric.increment(Metric.tagged(metrics.waits, "reason", reason))
        const sleep = Effect.sleep(wait)
        yield* (news === undefined ? sleep : Effect.race(sleep, Deferred.await(news))).pipe(
          Metric.trackDurationWith(metrics.waitedMilliseconds, Duration.toMillis),
          Metric.trackDurationWith(metrics.waitMilliseconds, Duration.toMillis)
        )
      })

    const refusal = ({ millis, reason, scope, usage }: Decision.Hold, maxWait: Duration.Duration) =>
      new RateGovernor.HoldTooLongError({
        ...Decision.budgetOf(scope),
        reason,
        wait: Duration.millis(millis),
        maxWait,
        usagePercent: Math.max(0, usage)
      })

    // Gates first, in order: a closed gate takes nothing and ends the claim.
    const take = (claims: ReadonlyArray<Decision.Claim>, limit: Duration.Duration | undefined) =>
      Effect.gen(function*() {
        const waits: Array<number> = []
        for (const { gate, intervalMillis, scope } of claims) {
          const wait = yield* store.take(
            gate ? `probe:${scope}` : scope,
            Duration.millis(intervalMillis),
            gate ? Duration.zero : limit
          )
          waits.push(Duration.toMillis(wait))
          if (gate && waits.at(-1)! > 0) break
        }
        return waits
      })

    // A request counted against a business-object id is governed by that id's business-use-case budgets,
    // never by app usage figures: those belong to other limits (and, in a business scope, to another
    // token). A request without a key is governed by the app's budget as its business scope sees it.
    const acquire = (key: string | undefined, maxWait?: Duration.Duration | undefined) =>
      Effect.flatMap(GraphCredentials.currentBusiness, (business) => {
        const app = key === undefined || key === Decision.appScope
        const scopes = app ? [Decision.appScopeOf(Option.getOrUndefined(business))] : budgetsOf(key)
        const maxWaitMillis = maxWait && Duration.toMillis(maxWait)
        type Failure = RateGovernor.HoldTooLongError | RateGovernorStore.RateGovernorStoreError
        const attempt = (bookedAt?: number): Effect.Effect<void, Failure> =>
          Effect.gen(function*() {
            const news = scopes.map((scope) => watches.get(scope)!.news)
            const observations = yield* store.read(scopes)
            yield* storeAnswered
            const now = yield* Clock.currentTimeMillis
            const known = Arr.getSomes(
              observations.map((o, i) => Option.map(o, (observation) => ({ scope: scopes[i]!, observation })))
            )
            const next = Decision.decide(settings, known, now, maxWaitMillis, bookedAt)
            const verdict = next._tag === "Claim"
              ? Decision.settle(next.claims, yield* take(next.claims, maxWait), maxWaitMillis)
              : next
            if (verdict._tag === "Go") return
            const { hold: held } = verdict
            if (verdict._tag === "Refuse") return yield* refusal(held, maxWait!)
            // At the ceiling a hold ends early with news of the budget; news since the read: look again at once.
            const early = held.reason === "ceiling" ? news[scopes.indexOf(held.scope)] : undefined
            if (early === undefined || !(yield* Deferred.isDone(early))) yield* hold(key, held, early)
            // A request that waited for its place looks again before sending, in case another one saw the
            // ceiling or a regain hint meanwhile, without booking twice.
            return yield* attempt(held.reason === "pacing" ? now : bookedAt)
          })
        return Effect.acquireUseRelease(
          watch(scopes, 1),
          () => attempt().pipe(Effect.catchTag("RateGovernorStoreError", storeFailed)),
          () => watch(scopes, -1)
        )
      })

    const record = (readings: ReadonlyArray<Decision.Reading>, now: number) =>
      Effect.gen(function*() {
        const before = yield* store.read(readings.map((reading) => reading.scope))
        yield* storeAnswered
        for (const [i, reading] of readings.entries()) {
          const update = Decision.update(settings, Option.getOrUndefined(before[i]!), reading, now)
          if (update === undefined) continue
          yield* store.write(reading.scope, update.observation, Duration.millis(update.timeToLiveMillis))
          if (update.book) yield* store.take(reading.scope, Duration.zero)
          yield* announce(reading.scope)
        }
      }).pipe(Effect.catchTag("RateGovernorStoreError", storeFailed))

    const observe = (key: string | undefined, { errorCode, retryAfter, usage }: RateGovernor.Facts) => {
      const throttled = errorCode !== undefined && GraphError.classify(errorCode, false) === "GraphRateLimitError"
      // Absent headers are unknown, not zero: a response without them teaches nothing.
      if (usage.businessUseCase === undefined && usage.app === undefined && !throttled) return Effect.void
      const refusal = throttled
        ? { app: errorCode === 4, retryAfterMillis: retryAfter && Duration.toMillis(retryAfter) }
        : undefined
      return Effect.flatMap(Effect.zip(Clock.currentTimeMillis, GraphCredentials.currentBusiness), ([now, who]) => {
        const app = Decision.appScopeOf(Option.getOrUndefined(who))
        const found = Decision.read(settings, key, usage, refusal, throttled ? budgetsOf(key) : [], app)
        if (key !== undefined) remember(key, found.aliases, now)
        return found.readings.length === 0 ? Effect.void : record(found.readings, now)
      })
    }

    // How much state the governor itself holds (for tests of boundedness).
    const sizes = () => ({
      keys: aliases.size,
      aliases: Arr.reduce(aliases.values(), 0, (sum, seen) => sum + seen.size),
      watches: watches.size
    })
    return { acquire, observe, sizes }
  })
