import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as RateGovernorStore from "../RateGovernorStore.js"

/** @internal */
export interface MemoryStore extends RateGovernorStore.Store {
  /** How many scopes each map holds (for tests of boundedness). */
  readonly sizes: () => { readonly observations: number; readonly bookings: number; readonly probes: number }
}

/** A booking or a probe is kept this long past its time: the next caller may ask with a longer interval. */
const retainMillis = 86_400_000
const sweepEveryMillis = 60_000

interface Mark {
  readonly at: number
  readonly interval: number
}

/** @internal */
export const make = (options?: { readonly maxScopes?: number | undefined }): MemoryStore => {
  const maxScopes = options?.maxScopes ?? 100_000
  const observations = new Map<
    string,
    { readonly observation: RateGovernorStore.Observation; readonly until: number }
  >()
  const bookings = new Map<string, Mark>()
  const probes = new Map<string, Mark>()

  // Re-inserted on every write, so that the first entry is the least recently written: the cap drops it.
  const put = <V>(map: Map<string, V>, scope: string, value: V) => {
    map.delete(scope)
    map.set(scope, value)
    if (map.size > maxScopes) map.delete(map.keys().next().value!)
  }

  let sweptAt = Number.NEGATIVE_INFINITY
  const atNow = <A>(f: (now: number) => A) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      if (now - sweptAt >= sweepEveryMillis) {
        sweptAt = now
        for (const [scope, { until }] of observations) if (until <= now) observations.delete(scope)
        for (const marks of [bookings, probes]) {
          for (const [scope, mark] of marks) if (mark.at + mark.interval + retainMillis <= now) marks.delete(scope)
        }
      }
      return f(now)
    })

  // The place `interval` after the last one (now, if that has passed), taken unless further than `limit`.
  // Each caller spaces itself by its own interval, so that an interval that grows takes effect at once.
  const take = (marks: Map<string, Mark>, scope: string, interval: Duration.Duration, limit?: Duration.Duration) =>
    atNow((now) => {
      const last = marks.get(scope)
      const wait = last === undefined ? 0 : Math.max(0, last.at + Duration.toMillis(interval) - now)
      if (limit === undefined || wait <= Duration.toMillis(limit)) {
        put(marks, scope, { at: now + wait, interval: Duration.toMillis(interval) })
      }
      return Duration.millis(wait)
    })

  return {
    sizes: () => ({ observations: observations.size, bookings: bookings.size, probes: probes.size }),
    read: (scopes) =>
      atNow((now) =>
        scopes.map((scope) => {
          const entry = observations.get(scope)
          return entry !== undefined && entry.until > now ? Option.some(entry.observation) : Option.none()
        })
      ),
    write: (scope, observation, timeToLive) =>
      atNow((now) => put(observations, scope, { observation, until: now + Duration.toMillis(timeToLive) })),
    reserve: (scope, interval, limit) => take(bookings, scope, interval, limit),
    tryTake: (scope, interval) => take(probes, scope, interval, Duration.zero)
  }
}
