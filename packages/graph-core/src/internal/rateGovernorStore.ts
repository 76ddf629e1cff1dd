import * as Memory from "@effect-waba/graph-rules/governorStore"
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

/** The shared in-memory store on Effect's `Clock` (so `TestClock` drives it). @internal */
export const make = (options?: { readonly maxScopes?: number | undefined }): MemoryStore => {
  const store = Memory.make(options)
  return {
    sizes: store.sizes,
    read: (scopes) => Effect.map(Clock.currentTimeMillis, (now) => store.read(scopes, now).map(Option.fromNullable)),
    write: (scope, value, timeToLive) =>
      Effect.map(Clock.currentTimeMillis, (now) => store.write(scope, value, Duration.toMillis(timeToLive), now)),
    take: (key, interval, limit) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        Duration.millis(
          store.take(key, Duration.toMillis(interval), limit === undefined ? undefined : Duration.toMillis(limit), now)
        ))
  }
}
