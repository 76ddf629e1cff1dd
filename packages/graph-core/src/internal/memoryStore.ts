import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as RateGovernorStore from "../RateGovernorStore.js"

/** @internal */
export interface MemoryStore extends RateGovernorStore.Store {
  readonly peek: (scope: string) => RateGovernorStore.Observation | undefined
  /** How many scopes each map holds (for tests of boundedness). */
  readonly sizes: () => { readonly observations: number; readonly bookings: number; readonly probes: number }
}

interface Mark {
  readonly at: number
  readonly interval: number
}

/** A booking or a probe is kept this long past its time: the next caller may ask with a longer interval. */
const retainMillis = 86_400_000
/** Sweeps of lapsed entries run at most this often (on Effect's clock). */
const sweepEveryMillis = 60_000

/** @internal */
export const make = (options?: { readonly maxScopes?: number | undefined }): MemoryStore => {
  const maxScopes = options?.maxScopes ?? 100_000
  const observations = new Map<
    string,
    { readonly observation: RateGovernorStore.Observation; readonly expiresAt: number }
  >()
  // The last booking and the last probe per scope, with the interval they were made under. Each caller
  // spaces itself from the last one by its own interval, so an interval that grows (a probe streak)
  // takes effect at once.
  const bookings = new Map<string, Mark>()
  const probes = new Map<string, Mark>()

  // Maps keep insertion order: re-inserting on every write keeps the least recently written first, so
  // that the cap drops those.
  const put = <V>(map: Map<string, V>, scope: string, value: V) => {
    map.delete(scope)
    map.set(scope, value)
    if (map.size > maxScopes) map.delete(map.keys().next().value!)
  }

  let sweptAt = Number.NEGATIVE_INFINITY
  const sweep = (now: number) => {
    if (now - sweptAt < sweepEveryMillis) return
    sweptAt = now
    for (const [scope, entry] of observations) if (entry.expiresAt <= now) observations.delete(scope)
    for (const map of [bookings, probes]) {
      for (const [scope, mark] of map) if (mark.at + mark.interval + retainMillis <= now) map.delete(scope)
    }
  }

  return {
    peek: (scope) => observations.get(scope)?.observation,
    sizes: () => ({ observations: observations.size, bookings: bookings.size, probes: probes.size }),
    read: (scopes) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        scopes.map((scope) => {
          const entry = observations.get(scope)
          return entry !== undefined && entry.expiresAt > now ? Option.some(entry.observation) : Option.none()
        })),
    write: (scope, observation, timeToLive) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        sweep(now)
        put(observations, scope, { observation, expiresAt: now + Duration.toMillis(timeToLive) })
      }),
    reserve: (scope, interval, limit) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        sweep(now)
        const millis = Duration.toMillis(interval)
        const last = bookings.get(scope)
        const slot = last === undefined ? now : Math.max(now, last.at + millis)
        if (limit === undefined || slot - now <= Duration.toMillis(limit)) {
          put(bookings, scope, { at: slot, interval: millis })
        }
        return Duration.millis(slot - now)
      }),
    tryTake: (scope, interval) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        sweep(now)
        const millis = Duration.toMillis(interval)
        const last = probes.get(scope)
        const openAt = last === undefined ? now : last.at + millis
        if (openAt > now) return Duration.millis(openAt - now)
        put(probes, scope, { at: now, interval: millis })
        return Duration.zero
      })
  }
}
