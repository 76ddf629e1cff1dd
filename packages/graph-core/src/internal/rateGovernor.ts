import * as Decision from "@effect-waba/graph-rules/governor"
import * as Aliases from "@effect-waba/graph-rules/governorAliases"
import * as Text from "@effect-waba/graph-rules/governorText"
import * as Telemetry from "@effect-waba/graph-rules/telemetry"
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
import * as GraphEvents from "../GraphEvents.js"
import * as GraphMetrics from "../GraphMetrics.js"
import * as RateGovernor from "../RateGovernor.js"
import * as RateGovernorStore from "../RateGovernorStore.js"

/** @internal */
export const metrics = {
  requests: GraphMetrics.requests,
  rateLimitedResponses: GraphMetrics.rateLimitedResponses,
  waits: Metric.counter(Telemetry.governorWaits.name, {
    description: Telemetry.governorWaits.description,
    incremental: true
  }),
  waitedMilliseconds: Metric.counter(Telemetry.governorWaited.name, {
    description: Telemetry.governorWaited.description,
    incremental: true
  }),
  waitMilliseconds: Metric.histogram(
    Telemetry.governorWait.name,
    MetricBoundaries.exponential(Telemetry.governorWait.boundaries),
    Telemetry.governorWait.description
  )
}

/** @internal */
export const make = (options: RateGovernor.Settings) =>
  Effect.map(RateGovernorStore.RateGovernorStore, (store) => {
    const settings: Decision.Settings = {
      ...options,
      windowMillis: Duration.toMillis(options.window),
      maxProbeIntervalMillis: Duration.toMillis(options.maxProbeInterval)
    }
    // The other ids each key's responses reported: for a window, their budgets are the key's too.
    const aliases = Aliases.make(settings)

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
        return outage === "reported" ? Effect.void : Effect.logWarning(Text.storeFailed(error.message))
      })
    const storeAnswered = Effect.suspend(() => {
      const was = outage
      outage = "none"
      return was === "logged" ? Effect.logInfo(Text.storeBack) : Effect.void
    })

    const hold = (key: string | undefined, held: Decision.Hold, news?: Deferred.Deferred<void>) =>
      Effect.gen(function*() {
        const { annotations, event, line, told } = Text.describe(key, held)
        const wait = Duration.millis(event.waitMillis)
        const span = yield* Effect.option(Effect.currentSpan)
        if (Option.isSome(span)) {
          span.value.event("graph.rate_governor.wait", yield* Clock.currentTimeNanos, annotations)
        }
        yield* (told ? Effect.logInfo(line) : Effect.logDebug(line)).pipe(Effect.annotateLogs(annotations))
        if (told) {
          const { reason, scope, usagePercent } = event
          yield* GraphEvents.publish(GraphEvents.Held({ scope, reason, wait, usagePercent }))
        }
        yield* Metric.increment(Metric.tagged(metrics.waits, "reason", held.reason))
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
        const scopes = app ? [Decision.appScopeOf(Option.getOrUndefined(business))] : aliases.budgetsOf(key)
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

    const observe = (key: string | undefined, { errorCode, retryAfter, usage }: RateGovernor.Facts) =>
      Effect.flatMap(Effect.zip(Clock.currentTimeMillis, GraphCredentials.currentBusiness), ([now, who]) => {
        const app = Decision.appScopeOf(Option.getOrUndefined(who))
        const facts = { usage, errorCode, retryAfterMillis: retryAfter && Duration.toMillis(retryAfter) }
        const found = Decision.heard(settings, key, facts, () => aliases.budgetsOf(key), app)
        if (found === undefined) return Effect.void
        if (key !== undefined) aliases.remember(key, found.aliases, now)
        return found.readings.length === 0 ? Effect.void : record(found.readings, now)
      })

    // How much state the governor itself holds (for tests of boundedness).
    const sizes = () => ({ ...aliases.sizes(), watches: watches.size })
    return { acquire, observe, sizes }
  })
