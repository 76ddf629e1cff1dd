/**
 * Stays under Graph's rate limits instead of running into them: reads the usage headers of every
 * response (`observe`) and, before each request (`acquire`), decides whether it should wait.
 *
 * - usage below `paceFrom` (50%): never;
 * - from `paceFrom` up to the `ceiling` (90%): calls are spaced, the gap growing with usage up to the pace
 *   the budget sustains (`window / (calls × ceiling)`, 20 s for 200 calls an hour);
 * - at or above the ceiling: requests are held while one probe at a time goes out, less and less often,
 *   to learn whether usage dropped;
 * - after `estimated_time_to_regain_access`, or a throttling error with a hint: until that time.
 *
 * One budget per (id, usage type) of `X-Business-Use-Case-Usage`, plus the app's (`X-App-Usage`), kept
 * apart per business scope (`GraphCredentials.asBusiness`: each business's token has its own). A request
 * counted against a key is governed by the key's budgets and those of the other ids its responses reported
 * (a business's WABAs), never by app usage figures; a request without a key by the app's budget. An app
 * limit refusal (code 4) holds the app's budget of its business scope and the refused key's. Every hold is bounded by the
 * caller's `maxWait`: a longer one fails at once with {@link HoldTooLongError}, without sending (the client's own
 * decision: nothing reaches Graph, and a caller such as a command line can come back later). See
 * docs/rate-limits.md.
 *
 * `GraphClient` uses the governor in its context, or an in-memory one of its own; provide {@link disabled}
 * to turn it off, or {@link layer} over a shared store (`@effect-waba/redis`) for many processes.
 *
 * @since 0.1.0
 */
import * as Decision from "@effect-waba/graph-rules/governor"
import * as Checked from "@effect-waba/graph-rules/governorSettings"
import * as Text from "@effect-waba/graph-rules/governorText"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import { GraphConfigError } from "./GraphConfig.js"
import type * as GraphUsage from "./GraphUsage.js"
import * as internal from "./internal/rateGovernor.js"
import * as RateGovernorStore from "./RateGovernorStore.js"

/**
 * The scope `X-App-Usage` is kept under (inside a business scope, `app/<business id>`).
 *
 * @since 0.1.0
 * @category constants
 */
export const appScope: string = Decision.appScope

/**
 * The store key of one budget, e.g. `budgetScope("123")` is `"123:whatsapp_business_management"`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const budgetScope = (id: string, type = "whatsapp_business_management"): string => Decision.budgetScope(id, type)

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The usage percentage to stay under. Default 90. */
  readonly ceiling?: number | undefined
  /** The usage percentage from which calls are spaced. Default 50 (half the ceiling when that is lower). */
  readonly paceFrom?: number | undefined
  /**
   * What 100% stands for. Default Meta's documented 200 calls an hour; say 5,000 for accounts of that
   * tier, so that calls near the ceiling are not spaced more than needed.
   */
  readonly budget?: {
    readonly calls?: number | undefined
    readonly window?: Duration.DurationInput | undefined
  } | undefined
  /** Where the doubling of the gap between probes at the ceiling stops. Default a tenth of the window. */
  readonly maxProbeInterval?: Duration.DurationInput | undefined
  /**
   * The usage types that govern requests, each its own budget. Default `["whatsapp_business_management"]`;
   * add `"whatsapp"` to be paced by the messaging budget too. Entries without a type count as the first.
   */
  readonly types?: ReadonlyArray<string> | undefined
}

/**
 * Validated options.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly ceiling: number
  readonly paceFrom: number
  readonly calls: number
  readonly window: Duration.Duration
  readonly maxProbeInterval: Duration.Duration
  /** The usage types that govern requests; entries without a type count as the first. */
  readonly types: ReadonlyArray<string>
}

/**
 * Validates options, filling in the defaults; fails with `GraphConfigError` (`setting: "rateGovernor.…"`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSettings = (options: Options = {}): Effect.Effect<Settings, GraphConfigError> => {
  const checked = Checked.settings(
    options,
    (input) => Option.match(Duration.decodeUnknown(input), { onNone: () => NaN, onSome: Duration.toMillis })
  )
  if (checked._tag === "Failure") return Effect.fail(new GraphConfigError(checked.failure))
  const { maxProbeIntervalMillis, windowMillis, ...rest } = checked.success
  return Effect.succeed({
    ...rest,
    window: Duration.millis(windowMillis),
    maxProbeInterval: Duration.millis(maxProbeIntervalMillis)
  })
}

/**
 * What one response said, as far as rate limits go.
 *
 * @since 0.1.0
 * @category models
 */
export interface Facts {
  readonly usage: GraphUsage.GraphUsage
  readonly status: number
  /** Graph's error code, when the body was an error. */
  readonly errorCode?: number | undefined
  /** For a throttling error: the wait the server asked for (regain time or `Retry-After`). */
  readonly retryAfter?: Duration.Duration | undefined
}

/**
 * @since 0.1.0
 * @category type ids
 */
export const HoldTooLongErrorTypeId: unique symbol = Symbol.for("@effect-waba/graph-core/HoldTooLongError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type HoldTooLongErrorTypeId = typeof HoldTooLongErrorTypeId

/**
 * Why the rate governor holds a request: `pacing` (usage between the pacing threshold and the ceiling:
 * its place in the schedule is ahead), `ceiling` (usage at or above the ceiling: it waits for a probe to
 * show usage dropped) or `regain` (Graph said when access returns). `GraphEvents.Held` carries it too.
 *
 * @since 0.1.0
 * @category models
 */
export const HoldReason = Schema.Literal("pacing", "ceiling", "regain")

/**
 * @since 0.1.0
 * @category models
 */
export type HoldReason = typeof HoldReason.Type

/**
 * @example
 * ```ts
 * import { RateGovernor } from "@effect-waba/graph-core"
 * import { Duration, Effect } from "effect"
 *
 * const governed = Effect.gen(function*() {
 *   const governor = yield* RateGovernor.RateGovernor
 *   return yield* governor.acquire("1234567890", Duration.minutes(1)).pipe(
 *     Effect.catchTag("HoldTooLongError", (error) =>
 *       Effect.log(`come back in ${Duration.format(error.wait)}: ${error.reason} for ${error.scope}`))
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class HoldTooLongError extends Schema.TaggedError<HoldTooLongError>("@effect-waba/graph-core/HoldTooLongError")(
  "HoldTooLongError",
  {
    /**
     * The business-object id whose budget holds the request (a business or a WABA id), or `"app"` (the
     * app's budget as the business the request was made as, if any).
     */
    scope: Schema.String,
    /** The usage type of that budget, e.g. `whatsapp_business_management`; absent for the app. */
    usageType: Schema.optional(Schema.String),
    reason: HoldReason,
    /** How long the request would have been held. */
    wait: Schema.DurationFromSelf,
    /** The longest hold the caller accepted. */
    maxWait: Schema.DurationFromSelf,
    /** The last usage percentage seen for the budget. */
    usagePercent: Schema.NonNegative,
    /** The business the request was made as (`GraphCredentials.asBusiness`), if any. */
    businessId: Schema.optional(Schema.String)
  }
) {
  /**
   * @since 0.1.0
   */
  readonly [HoldTooLongErrorTypeId]: HoldTooLongErrorTypeId = HoldTooLongErrorTypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    return Text.refusalMessage({
      ...this,
      waitMillis: Duration.toMillis(this.wait),
      maxWaitMillis: Duration.toMillis(this.maxWait)
    })
  }
}

/**
 * @since 0.1.0
 * @category predicates
 */
export const isHoldTooLongError = (u: unknown): u is HoldTooLongError =>
  Predicate.hasProperty(u, HoldTooLongErrorTypeId)

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Waits, if needed, until a request counted against `key` (a business-object id; `undefined` for the
   * app only) may be sent, in the current business scope (`GraphCredentials.currentBusiness`). A hold
   * longer than `maxWait`, for any reason, fails at once with {@link HoldTooLongError}; without `maxWait`
   * it lasts as long as needed.
   */
  readonly acquire: (
    key: string | undefined,
    maxWait?: Duration.Duration | undefined
  ) => Effect.Effect<void, HoldTooLongError>
  /** Learns from a response to a request counted against `key`. Never fails. */
  readonly observe: (key: string | undefined, facts: Facts) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RateGovernor extends Context.Tag("@effect-waba/graph-core/RateGovernor")<RateGovernor, Service>() {}

/**
 * The governor's and the client's metrics, for any Effect metrics exporter (or `Metric.value`): requests
 * sent, throttling errors received (tagged `code`), holds (tagged `reason`), time held, and each hold's
 * length (a histogram).
 *
 * @example
 * ```ts
 * import { RateGovernor } from "@effect-waba/graph-core"
 * import { Effect, Metric } from "effect"
 *
 * const throttled80008 = Metric.value(Metric.tagged(RateGovernor.metrics.rateLimitedResponses, "code", "80008"))
 * const report = Effect.map(throttled80008, (state) => `80008 responses: ${state.count}`)
 * ```
 *
 * @since 0.1.0
 * @category metrics
 */
export const metrics = internal.metrics

/**
 * A governor over the store in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options?: Options | undefined
): Effect.Effect<Service, GraphConfigError, RateGovernorStore.RateGovernorStore> =>
  Effect.flatMap(makeSettings(options), internal.make)

/**
 * The governor over the store in context: `RateGovernorStore.layerMemory` for one process, or
 * `@effect-waba/redis`'s store for many.
 *
 * @example
 * ```ts
 * import { GraphClient, GraphConfig, RateGovernor } from "@effect-waba/graph-core"
 * import { RedisGovernorStore } from "@effect-waba/redis"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer } from "effect"
 *
 * const GraphLive = GraphClient.layer.pipe(
 *   Layer.provide(RateGovernor.layer({ ceiling: 80 })),
 *   Layer.provide(RedisGovernorStore.layer({ host: "127.0.0.1", port: 6379 })),
 *   Layer.provide(GraphConfig.layerConfig()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options?: Options | undefined
): Layer.Layer<RateGovernor, GraphConfigError, RateGovernorStore.RateGovernorStore> =>
  Layer.effect(RateGovernor, make(options))

/**
 * A governor with its own in-memory store: one budget for this process. `GraphClient` builds one with
 * the default options when none is in its context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options?: Options | undefined): Layer.Layer<RateGovernor, GraphConfigError> =>
  layer(options).pipe(Layer.provide(RateGovernorStore.layerMemory))

/**
 * A governor that never waits and keeps nothing: throttling is left to the retry policy alone.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unlimited: Service = { acquire: () => Effect.void, observe: () => Effect.void }

/**
 * Turns the governor off.
 *
 * @example
 * ```ts
 * import { GraphClient, RateGovernor } from "@effect-waba/graph-core"
 * import { Layer } from "effect"
 *
 * const Ungoverned = GraphClient.layer.pipe(Layer.provide(RateGovernor.disabled))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const disabled: Layer.Layer<RateGovernor> = Layer.succeed(RateGovernor, unlimited)
