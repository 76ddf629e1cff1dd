import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as RateGovernorStore from "../RateGovernorStore.js"

/** @internal */
export interface MemoryStore extends RateGovernorStore.Store {
  /** How many keys each map holds (for tests of boundedness). */
  readonly sizes: () => { readonly observations: number; readonly places: number }
}

/** A place is kept this long past its time: the next caller may ask with a longer interval. */
const retainMillis = 86_400_000
const sweepEveryMillis = 60_000

/** A value, and when it lapses. */
type Entry<A> = { readonly value: A; readonly until: number }

/** @internal */
export const make = (options?: { readonly maxScopes?: number | undefined }): MemoryStore => {
  const maxScopes = options?.maxScopes ?? 100_000
  const observations = new Map<string, Entry<RateGovernorStore.Observation>>()
  // The last place taken in each schedule.
  const places = new Map<string, Entry<number>>()

  let sweptAt = Number.NEGATIVE_INFINITY
  const atNow = <A>(f: (now: number) => A) =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      if (now - sweptAt >= sweepEveryMillis) {
        sweptAt = now
        for (const map of [observations, places] as Array<Map<string, Entry<unknown>>>) {
          for (const [scope, { until }] of map) if (until <= now) map.delete(scope)
        }
      }
      return f(now)
    })

  // Set again on every write, so that the first entry is the least recently written: the cap drops it.
  const put = <A>(map: Map<string, Entry<A>>, scope: string, entry: Entry<A>) => {
    map.delete(scope)
    map.set(scope, entry)
    if (map.size > maxScopes) map.delete(map.keys().next().value!)
  }

  return {
    sizes: () => ({ observations: observations.size, places: places.size }),
    read: (scopes) =>
      atNow((now) =>
        scopes.map((scope) => {
          const entry = observations.get(scope)
          return entry !== undefined && entry.until > now ? Option.some(entry.value) : Option.none()
        })
      ),
    write: (scope, value, timeToLive) =>
      atNow((now) => put(observations, scope, { value, until: now + Duration.toMillis(timeToLive) })),
    // The place `interval` after the last one (now, if that has passed), taken unless further than `limit`.
    // Each caller spaces itself by its own interval, so that an interval that grows takes effect at once.
    take: (key, interval, limit) =>
      atNow((now) => {
        const last = places.get(key)?.value
        const wait = last === undefined ? 0 : Math.max(0, last + Duration.toMillis(interval) - now)
        if (limit === undefined || wait <= Duration.toMillis(limit)) {
          put(places, key, { value: now + wait, until: now + wait + Duration.toMillis(interval) + retainMillis })
        }
        return Duration.millis(wait)
      })
  }
}
