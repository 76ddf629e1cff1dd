/**
 * Where the `RateGovernor` keeps what it has learned, so that every fiber (and, with a shared store, every
 * process) that calls Graph for the same business works from one budget.
 *
 * A store holds, per scope (one budget: `"123:whatsapp_business_management"`, or `"app"`; see
 * `RateGovernor.budgetScope`): the latest {@link Observation}, which expires; and places taken in schedules
 * (`take`): the budget's pacing schedule, and its probe gate. {@link layerMemory} keeps it in this process,
 * as the Effect 3 line's does (the rules are shared); a store of your own (Redis, a database) implements
 * {@link Store}, atomically across everyone who shares it.
 *
 * @since 1.0.0
 */
import * as Memory from "@effect-waba/graph-rules/governorStore"
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
 * @since 1.0.0
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
 * @since 1.0.0
 * @category models
 */
export type Observation = typeof Observation.Type

/**
 * A store could not be read or written. The governor then lets requests through (a broken store must not
 * stop every Graph call) and logs one warning per outage, unless the store says it `reported` it itself.
 *
 * @since 1.0.0
 * @category errors
 */
export class RateGovernorStoreError extends Schema.TaggedError<RateGovernorStoreError>()("RateGovernorStoreError", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect()),
  reported: Schema.optional(Schema.Boolean)
}) {}

/**
 * @since 1.0.0
 * @category models
 */
export interface Store {
  /** The unexpired observations of `scopes`, in the same order. */
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
   * Takes the next place in the schedule `key`, at least `interval` after the last place taken in it, and
   * returns how long until then (zero: now). Atomic across everyone sharing the store. A place further away
   * than `limit` is not taken (the caller will not wait that long): the wait it would have meant is returned.
   * The governor books sends in the schedule of a budget's scope, and passes its probe gate (`probe:` and
   * the scope) with `limit` zero: through if nobody went in the last `interval`.
   */
  readonly take: (
    key: string,
    interval: Duration.Duration,
    limit?: Duration.Duration | undefined
  ) => Effect.Effect<Duration.Duration, RateGovernorStoreError>
}

/**
 * The store the governor works from.
 *
 * @since 1.0.0
 * @category services
 */
export class RateGovernorStore
  extends Context.Service<RateGovernorStore, Store>()("@effect-waba/graph-core/RateGovernorStore")
{}

/**
 * A store in this process's memory, on Effect's `Clock`. Bounded: an observation is dropped when it expires,
 * a place a day after its time, and past 100,000 keys the least recently written go first.
 *
 * @since 1.0.0
 * @category constructors
 */
export const makeMemory = (): Store => {
  const store = Memory.make()
  const now = Clock.currentTimeMillis
  return {
    read: (scopes) => Effect.map(now, (at) => store.read(scopes, at).map(Option.fromUndefinedOr)),
    write: (scope, observation, timeToLive) =>
      Effect.map(now, (at) => store.write(scope, observation, Duration.toMillis(timeToLive), at)),
    take: (key, interval, limit) =>
      Effect.map(now, (at) =>
        Duration.millis(
          store.take(key, Duration.toMillis(interval), limit === undefined ? undefined : Duration.toMillis(limit), at)
        ))
  }
}

/**
 * {@link makeMemory} as a layer: one budget for this process.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerMemory: Layer.Layer<RateGovernorStore> = Layer.sync(RateGovernorStore, makeMemory)
