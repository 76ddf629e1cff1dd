/**
 * Stays under Graph's rate limits instead of running into them, as the Effect 3 line's governor does (the
 * decisions are graph-rules', shared): it reads the usage headers of every response (`observe`) and, before
 * each request (`acquire`), decides whether it should wait.
 *
 * - usage below `paceFrom` (50%): never;
 * - from `paceFrom` up to the `ceiling` (90%): calls are spaced, the gap growing with usage up to the pace the
 *   budget sustains (`window / (calls × ceiling)`, 20 s for 200 calls an hour);
 * - at or above the ceiling: requests are held while one probe at a time goes out, less and less often, to
 *   learn whether usage dropped;
 * - after `estimated_time_to_regain_access`, or a throttling error with a hint: until that time.
 *
 * One budget per (id, usage type) of `X-Business-Use-Case-Usage`, plus the app's (`X-App-Usage`), kept apart
 * per business scope (`GraphCredentials.asBusiness`: each business's token has its own), so that one
 * tenant's throttling never holds another's requests. Every hold is bounded by the caller's `maxWait`: a
 * longer one fails at once with {@link HoldTooLongError}, without sending.
 *
 * `GraphClient` uses the governor in its context, or an in-memory one of its own; provide {@link disabled}
 * to turn it off, or {@link layer} over a `RateGovernorStore` of your own to share one budget.
 *
 * @since 1.0.0
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
import * as GraphMetrics from "./GraphMetrics.js"
import type * as GraphUsage from "./GraphUsage.js"
import * as internal from "./internal/rateGovernor.js"
import * as RateGovernorStore from "./RateGovernorStore.js"

/**
 * The scope `X-App-Usage` is kept under (inside a business scope, `app/<business id>`).
 *
 * @since 1.0.0
 * @category constants
 */
export const appScope: string = Decision.appScope

/**
 * The store key of one budget, e.g. `budgetScope("123")` is `"123:whatsapp_business_management"`.
 *
 * @since 1.0.0
 * @category constructors
 */
export const budgetScope = (id: string, type = "whatsapp_business_management"): string => Decision.budgetScope(id, type)

/**
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /** The usage percentage to stay under. Default 90. */
  readonly ceiling?: number | undefined
  /** The usage percentage from which calls are spaced. Default 50 (half the ceiling when that is lower). */
  readonly paceFrom?: number | undefined
  /** What 100% stands for. Default Meta's documented 200 calls an hour. */
  readonly budget?: {
    readonly calls?: number | undefined
    readonly window?: Duration.Input | undefined
  } | undefined
  /** Where the doubling of the gap between probes at the ceiling stops. Default a tenth of the window. */
  readonly maxProbeInterval?: Duration.Input | undefined
  /** The usage types that govern requests. Default `["whatsapp_business_management"]`. */
  readonly types?: ReadonlyArray<string> | undefined
}

/**
 * Validated options.
 *
 * @since 1.0.0
 * @category models
 */
export interface Settings {
  readonly ceiling: number
  readonly paceFrom: number
  readonly calls: number
  readonly window: Duration.Duration
  readonly maxProbeInterval: Duration.Duration
  readonly types: ReadonlyArray<string>
}

// A duration as given, in milliseconds (`NaN`: not a duration).
const millisOf = (input: unknown) =>
  Option.match(Duration.fromInput(input as Duration.Input), { onNone: () => NaN, onSome: Duration.toMillis })

const fromChecked = ({ maxProbeIntervalMillis, windowMillis, ...rest }: Decision.Settings): Settings => ({
  ...rest,
  window: Duration.millis(windowMillis),
  maxProbeInterval: Duration.millis(maxProbeIntervalMillis)
})

/**
 * The settings of the default options: 90% ceiling, pacing from 50%, 200 calls an hour.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultSettings: Settings = fromChecked(Checked.defaultSettings)

/**
 * Validates options, filling in the defaults; fails with `GraphConfigError` (`setting: "rateGovernor.…"`).
 *
 * @since 1.0.0
 * @category constructors
 */
export const makeSettings = (options: Options = {}): Effect.Effect<Settings, GraphConfigError> =>
  Effect.suspend(() => {
    const checked = Checked.settings(options, millisOf)
    return checked._tag === "Failure"
      ? Effect.fail(new GraphConfigError(checked.failure))
      : Effect.succeed(fromChecked(checked.success))
  })

/**
 * What one response said, as far as rate limits go.
 *
 * @since 1.0.0
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
 * Why the governor holds a request: `pacing` (its place in the schedule is ahead), `ceiling` (it waits for
 * a probe to show usage dropped) or `regain` (Graph said when access returns).
 *
 * @since 1.0.0
 * @category models
 */
export const HoldReason = Schema.Literals(["pacing", "ceiling", "regain"])

/**
 * @since 1.0.0
 * @category models
 */
export type HoldReason = typeof HoldReason.Type

/**
 * @since 1.0.0
 * @category type ids
 */
export const HoldTooLongErrorTypeId: unique symbol = Symbol.for("@effect-waba/graph-core/HoldTooLongError")

/**
 * The governor did not send a request: it would have had to hold it longer than the caller accepts (for the
 * client, `retry.maxHintedWait`). Nothing reached Graph; the caller can come back after `wait`.
 *
 * @since 1.0.0
 * @category errors
 */
export class HoldTooLongError extends Schema.TaggedError<HoldTooLongError>()("HoldTooLongError", {
  /** The business-object id whose budget holds the request, or `"app"`. */
  scope: Schema.String,
  /** The usage type of that budget; absent for the app. */
  usageType: Schema.optional(Schema.String),
  reason: HoldReason,
  /** How long the request would have been held. */
  wait: Schema.Duration,
  /** The longest hold the caller accepted. */
  maxWait: Schema.Duration,
  /** The last usage percentage seen for the budget. */
  usagePercent: Schema.Number,
  /** The business the request was made as (`GraphCredentials.asBusiness`), if any. */
  businessId: Schema.optional(Schema.String)
}) {
  /**
   * @since 1.0.0
   */
  readonly [HoldTooLongErrorTypeId]: typeof HoldTooLongErrorTypeId = HoldTooLongErrorTypeId

  /**
   * @since 1.0.0
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
 * @since 1.0.0
 * @category predicates
 */
export const isHoldTooLongError = (u: unknown): u is HoldTooLongError =>
  Predicate.hasProperty(u, HoldTooLongErrorTypeId)

const refusal = ({ millis, reason, scope, usage }: Decision.Hold, maxWait: Duration.Duration) =>
  new HoldTooLongError({
    ...Decision.budgetOf(scope),
    reason,
    wait: Duration.millis(millis),
    maxWait,
    usagePercent: Math.max(0, usage)
  })

/**
 * @since 1.0.0
 * @category models
 */
export interface Service {
  /**
   * Waits, if needed, until a request counted against `key` (a business-object id; `undefined` for the app
   * only) may be sent, in the current business scope. A hold longer than `maxWait` fails at once with
   * {@link HoldTooLongError}; without `maxWait` it lasts as long as needed.
   */
  readonly acquire: (
    key: string | undefined,
    maxWait?: Duration.Duration | undefined
  ) => Effect.Effect<void, HoldTooLongError>
  /** Learns from a response to a request counted against `key`. Never fails. */
  readonly observe: (key: string | undefined, facts: Facts) => Effect.Effect<void>
}

/**
 * @since 1.0.0
 * @category services
 */
export class RateGovernor extends Context.Service<RateGovernor, Service>()("@effect-waba/graph-core/RateGovernor") {}

/**
 * The governor's and the client's metrics, as on the Effect 3 line: requests sent, throttling errors received
 * (by `code`), holds (by `reason`), time held, and each hold's length. The same metrics as in `GraphMetrics`.
 *
 * @since 1.0.0
 * @category metrics
 */
export const metrics = {
  requests: GraphMetrics.requests,
  rateLimitedResponses: GraphMetrics.rateLimitedResponses,
  waits: GraphMetrics.governorWaits,
  waitedMilliseconds: GraphMetrics.governorWaitedMilliseconds,
  waitMilliseconds: GraphMetrics.governorWaitMilliseconds
} as const

/**
 * A governor over a store, with validated settings.
 *
 * @since 1.0.0
 * @category constructors
 */
export const fromStore = (settings: Settings, store: RateGovernorStore.Store): Service =>
  internal.make(settings, store, refusal)

/**
 * A governor over the store in context.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (
  options?: Options | undefined
): Effect.Effect<Service, GraphConfigError, RateGovernorStore.RateGovernorStore> =>
  Effect.gen(function*() {
    const settings = yield* makeSettings(options)
    return fromStore(settings, yield* RateGovernorStore.RateGovernorStore)
  })

/**
 * The governor over the store in context.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  options?: Options | undefined
): Layer.Layer<RateGovernor, GraphConfigError, RateGovernorStore.RateGovernorStore> =>
  Layer.effect(RateGovernor, make(options))

/**
 * A governor with its own in-memory store: one budget for this process. `GraphClient` builds one with the
 * default options when none is in its context.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerMemory = (options?: Options | undefined): Layer.Layer<RateGovernor, GraphConfigError> =>
  layer(options).pipe(Layer.provide(RateGovernorStore.layerMemory))

/**
 * A governor that never waits and keeps nothing: throttling is left to the retry policy alone.
 *
 * @since 1.0.0
 * @category constructors
 */
export const unlimited: Service = { acquire: () => Effect.void, observe: () => Effect.void }

/**
 * Turns the governor off.
 *
 * @since 1.0.0
 * @category layers
 */
export const disabled: Layer.Layer<RateGovernor> = Layer.succeed(RateGovernor, unlimited)
