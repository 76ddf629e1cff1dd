/**
 * The rate governor's in-memory store as plain state, the time passed in: each line wraps it in its own
 * clock. It stays bounded: an observation is dropped when it expires, a place a day after its time, and past
 * `maxScopes` keys the least recently written go first.
 *
 * @internal
 */
import type { Observation } from "./governor.js"

/** A place is kept this long past its time: the next caller may ask with a longer interval. */
const retainMillis = 86_400_000
const sweepEveryMillis = 60_000

/** A value, and when it lapses. */
interface Entry<A> {
  readonly value: A
  readonly until: number
}

/** @internal */
export interface MemoryStore {
  /** The unexpired observations of `scopes`, in the same order (`undefined`: none). */
  readonly read: (scopes: ReadonlyArray<string>, now: number) => ReadonlyArray<Observation | undefined>
  /** Replaces a scope's observation; it is forgotten after `timeToLiveMillis`. */
  readonly write: (scope: string, observation: Observation, timeToLiveMillis: number, now: number) => void
  /**
   * Takes the place `intervalMillis` after the last one in schedule `key` (now, if that has passed) unless it
   * is further than `limitMillis`, and returns the wait until it. Each caller spaces itself by its own
   * interval, so that an interval that grows takes effect at once.
   */
  readonly take: (key: string, intervalMillis: number, limitMillis: number | undefined, now: number) => number
  /** How many keys each map holds (for tests of boundedness). */
  readonly sizes: () => { readonly observations: number; readonly places: number }
}

/** @internal */
export const make = (options?: { readonly maxScopes?: number | undefined }): MemoryStore => {
  const maxScopes = options?.maxScopes ?? 100_000
  const observations = new Map<string, Entry<Observation>>()
  // The last place taken in each schedule.
  const places = new Map<string, Entry<number>>()

  let sweptAt = Number.NEGATIVE_INFINITY
  const sweep = (now: number) => {
    if (now - sweptAt < sweepEveryMillis) return
    sweptAt = now
    for (const map of [observations, places] as Array<Map<string, Entry<unknown>>>) {
      for (const [scope, { until }] of map) if (until <= now) map.delete(scope)
    }
  }
  // Set again on every write, so that the first entry is the least recently written: the cap drops it.
  const put = <A>(map: Map<string, Entry<A>>, scope: string, entry: Entry<A>) => {
    map.delete(scope)
    map.set(scope, entry)
    if (map.size > maxScopes) map.delete(map.keys().next().value!)
  }

  return {
    sizes: () => ({ observations: observations.size, places: places.size }),
    read: (scopes, now) => {
      sweep(now)
      return scopes.map((scope) => {
        const entry = observations.get(scope)
        return entry !== undefined && entry.until > now ? entry.value : undefined
      })
    },
    write: (scope, value, timeToLiveMillis, now) => {
      sweep(now)
      put(observations, scope, { value, until: now + timeToLiveMillis })
    },
    take: (key, intervalMillis, limitMillis, now) => {
      sweep(now)
      const last = places.get(key)?.value
      const wait = last === undefined ? 0 : Math.max(0, last + intervalMillis - now)
      if (limitMillis === undefined || wait <= limitMillis) {
        put(places, key, { value: now + wait, until: now + wait + intervalMillis + retainMillis })
      }
      return wait
    }
  }
}
