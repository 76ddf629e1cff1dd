/**
 * What the client is doing while a read seems quiet: a retry being waited out, a request held by the rate
 * governor, a version Graph served that differs from the one asked for.
 *
 * Events are plain data. They are published only when a {@link GraphEvents} service is in the context of the
 * read (nothing is recorded otherwise), so a command line or a dashboard can subscribe and show them without
 * parsing log lines.
 *
 * @example
 * ```ts
 * import { GraphEvents } from "@effect-waba/graph-core"
 * import { Effect, Stream } from "effect"
 *
 * const showWaits = Effect.gen(function*() {
 *   const events = yield* GraphEvents.GraphEvents
 *   const received = yield* events.subscribe
 *   yield* received.pipe(
 *     Stream.filter(GraphEvents.is("Held")),
 *     Stream.runForEach((held) => Effect.log(`waiting for the budget of ${held.scope}`)),
 *     Effect.forkScoped
 *   )
 * })
 * ```
 *
 * @since 1.0.0
 */
import type { HoldReason } from "@effect-waba/graph-rules/governor"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as PubSub from "effect/PubSub"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/**
 * @since 1.0.0
 * @category models
 */
export type GraphEvent = Data.TaggedEnum<{
  /** An attempt failed with a retryable error; the next one starts after `delay`. */
  readonly RetryScheduled: {
    readonly route: string
    /** The attempt that failed, 1 for the first. */
    readonly attempt: number
    /** The `_tag` of the error that failed it. */
    readonly error: string
    readonly code: number | undefined
    readonly delay: Duration.Duration
  }
  /** The rate governor holds a request for up to `wait` before sending it. */
  readonly Held: {
    /** The business (or other Graph object) id whose budget is near or past its limit, or `"app"`. */
    readonly scope: string
    /** See `RateGovernor.HoldReason`. */
    readonly reason: HoldReason
    readonly wait: Duration.Duration
    /** The last usage percentage seen for the scope. */
    readonly usagePercent: number
  }
  /** Graph answered with another API version than the one requested (an expired version falls forward). */
  readonly VersionMismatch: {
    readonly route: string
    readonly requested: string
    readonly served: string
  }
}>

/**
 * A constructor per event, and `is`, a type guard per tag (e.g. `Stream.filter(GraphEvents.is("Held"))`).
 *
 * @since 1.0.0
 * @category constructors
 */
export const { $is: is, Held, RetryScheduled, VersionMismatch } = Data.taggedEnum<GraphEvent>()

/**
 * @since 1.0.0
 * @category models
 */
export interface Service {
  readonly publish: (event: GraphEvent) => Effect.Effect<void>
  /** Events published from now on, for as long as the scope lives. */
  readonly subscribe: Effect.Effect<Stream.Stream<GraphEvent>, never, Scope.Scope>
}

/**
 * The event hub the client publishes to, when there is one.
 *
 * @since 1.0.0
 * @category services
 */
export class GraphEvents extends Context.Service<GraphEvents, Service>()("@effect-waba/graph-core/GraphEvents") {}

/**
 * An in-memory event hub. A slow subscriber loses the oldest events rather than holding up requests.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (options?: { readonly capacity?: number | undefined }): Effect.Effect<Service> =>
  Effect.map(PubSub.sliding<GraphEvent>(options?.capacity ?? 256), (hub) => ({
    publish: (event) => Effect.asVoid(PubSub.publish(hub, event)),
    subscribe: Effect.map(PubSub.subscribe(hub), Stream.fromSubscription)
  }))

/**
 * Publishes to the {@link GraphEvents} in context, if there is one; does nothing otherwise.
 *
 * @since 1.0.0
 * @category publishing
 */
export const publish = (event: GraphEvent): Effect.Effect<void> =>
  Effect.flatMap(
    Effect.serviceOption(GraphEvents),
    (events) => events._tag === "Some" ? events.value.publish(event) : Effect.void
  )
