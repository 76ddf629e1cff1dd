/**
 * Where the {@link RateGovernor} keeps what it has learned, so that every fiber — and, with a shared
 * store, every process — that calls Graph for the same business works from one budget.
 *
 * A store holds, per scope (a business id, or `"app"` for `X-App-Usage`):
 * - the latest {@link Observation} of the usage headers, which expires after the usage window;
 * - a pacing schedule: `reserve` books send times, each at least `interval` after the one before;
 * - a probe gate: `tryTake` lets one caller through once `interval` has passed since the last one.
 *
 * {@link layerMemory} keeps all of it in this process (the default). `@effect-waba/redis` provides the
 * same contract over Redis, for many processes or machines sharing one budget.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

/**
 * What the governor knows about one scope, as of `observedAt`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Observation = Schema.Struct({
  /** The highest usage percentage (calls, CPU time or total time) the last response reported. */
  usage: Schema.Number,
  /** When that response arrived (epoch milliseconds). */
  observedAt: Schema.Number,
  /** No request for this scope may be sent before this time (epoch milliseconds; 0 when free). */
  holdUntil: Schema.Number,
  /** How many responses in a row reported usage at or above the ceiling; sets the probe interval. */
  streak: Schema.Number
})

/**
 * @since 0.1.0
 * @category models
 */
export type Observation = typeof Observation.Type

/**
 * A store could not be read or written. The governor lets requests through when this happens (a
 * broken store must not stop every Graph call) and logs a warning.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateGovernorStoreError extends Schema.TaggedError<RateGovernorStoreError>(
  "@effect-waba/graph-core/RateGovernorStoreError"
)("RateGovernorStoreError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Store {
  /** The current observations for `scopes`, in the same order; `None` where nothing (unexpired) is known. */
  readonly read: (
    scopes: ReadonlyArray<string>
  ) => Effect.Effect<ReadonlyArray<Option.Option<Observation>>, RateGovernorStoreError>
  /** Replaces a scope's observation; it is forgotten after `timeToLive`. */
  readonly write: (
    scope: string,
    observation: Observation,
    timeToLive: Duration.Duration
  ) => Effect.Effect<void, RateGovernorStoreError>
  /**
   * Books the next send time for `scope`, at least `interval` after the previous booking, and returns
   * how long the caller must wait for it (zero when it may send now). Atomic across everyone sharing
   * the store.
   */
  readonly reserve: (
    scope: string,
    interval: Duration.Duration
  ) => Effect.Effect<Duration.Duration, RateGovernorStoreError>
  /**
   * Lets the caller through the probe gate of `scope` if nobody went through it in the last `interval`:
   * returns zero when it may go, otherwise how long until the gate opens (and takes nothing). (How an
   * interval that changed since the last caller applies to the time already passed is the store's
   * choice; the governor spaces probes from the last response itself.)
   */
  readonly tryTake: (
    scope: string,
    interval: Duration.Duration
  ) => Effect.Effect<Duration.Duration, RateGovernorStoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RateGovernorStore extends Context.Tag("@effect-waba/graph-core/RateGovernorStore")<
  RateGovernorStore,
  Store
>() {}

/**
 * A store in this process's memory, on Effect's `Clock` (so `TestClock` drives it).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory: Effect.Effect<Store> = Effect.sync(() => {
  const retainMillis = 86_400_000
  const observations = new Map<string, { readonly observation: Observation; readonly expiresAt: number }>()
  // The last booking and the last probe per scope, with the interval they were made under. Each caller
  // spaces itself from the last one by its own interval, so an interval that grows (a probe streak)
  // takes effect at once.
  const bookings = new Map<string, { readonly at: number; readonly interval: number }>()
  const probes = new Map<string, { readonly at: number; readonly interval: number }>()

  // Forget what has lapsed now and then, so a process that talks to many businesses does not grow.
  let writes = 0
  const sweep = (now: number) => {
    if (++writes % 256 !== 0) return
    for (const [scope, entry] of observations) if (entry.expiresAt <= now) observations.delete(scope)
    // A booking is kept well past its interval: the next caller may ask with a longer one.
    for (const map of [bookings, probes]) {
      for (const [scope, entry] of map) if (entry.at + entry.interval + retainMillis <= now) map.delete(scope)
    }
  }

  return {
    read: (scopes) =>
      Effect.map(Clock.currentTimeMillis, (now) =>
        scopes.map((scope) => {
          const entry = observations.get(scope)
          return entry !== undefined && entry.expiresAt > now ? Option.some(entry.observation) : Option.none()
        })),
    write: (scope, observation, timeToLive) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        sweep(now)
        observations.set(scope, { observation, expiresAt: now + Duration.toMillis(timeToLive) })
      }),
    reserve: (scope, interval) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        sweep(now)
        const millis = Duration.toMillis(interval)
        const last = bookings.get(scope)
        const slot = last === undefined ? now : Math.max(now, last.at + millis)
        bookings.set(scope, { at: slot, interval: millis })
        return Duration.millis(slot - now)
      }),
    tryTake: (scope, interval) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        sweep(now)
        const millis = Duration.toMillis(interval)
        const last = probes.get(scope)
        const openAt = last === undefined ? now : last.at + millis
        if (openAt > now) return Duration.millis(openAt - now)
        probes.set(scope, { at: now, interval: millis })
        return Duration.zero
      })
  }
})

/**
 * The in-memory store as a layer: one budget per process.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory: Layer.Layer<RateGovernorStore> = Layer.effect(RateGovernorStore, makeMemory)
