/**
 * Stays under Graph's rate limits instead of running into them.
 *
 * Graph reports, on responses, how much of a budget has been used: `X-Business-Use-Case-Usage` per
 * business-object id and usage type (the budget behind error 80008) and `X-App-Usage` for the whole app,
 * as percentages over a rolling window, and — once a budget is spent — how many minutes until calls are
 * accepted again. The governor reads those headers from every response (`observe`) and decides, before
 * each request is sent (`acquire`), whether it should wait:
 *
 * - below `paceFrom` (50%): never;
 * - from `paceFrom` up to the `ceiling` (90%): calls are spaced out, the gap growing with usage up to the
 *   pace that the budget sustains (`window / (calls × ceiling)`, 20 s for 200 calls an hour);
 * - at or above the ceiling: requests are held, and one probe goes through now and then to learn
 *   whether usage has dropped — no more often than half the budget left would allow over a window, and
 *   less often with each answer still at the ceiling (the gap doubling, up to `maxProbeInterval`);
 * - when a response says `estimated_time_to_regain_access` > 0, or a request was throttled (4, 17, 32,
 *   341, 613, 80000–80014) with a hint: every request counted against that budget waits until the time is up.
 *
 * **Budgets.** One budget per (id, usage type): the header's keys may be the business id asked about or
 * other ids (for a request on `/{business-id}/...`, Meta may key the usage by the business's WhatsApp
 * Business Account ids), and one id's array may hold several types. A request is governed by the budgets
 * of the types in `types` (default `whatsapp_business_management`; an entry without a type counts as the
 * first) under its own key, under every other id that responses to its key reported (remembered for a
 * window), and by the app's budget.
 *
 * **The decision** is a pure function of what is known and the time (see `internal/governorDecision.ts`);
 * the store and the clock are the only effects around it. Until a response carries usage headers, and
 * while every budget of a request is at or below `paceFrom`, a request goes at once: with the in-memory
 * store nothing is read, booked or stored.
 *
 * **Bounded holds.** Every hold, whatever its reason, is bounded by the `maxWait` the caller passes to
 * `acquire` (`GraphClient` passes `retry.maxHintedWait`): a hold the caller would not accept fails at once
 * with {@link HoldTooLongError}, without sending.
 *
 * `GraphClient` uses the governor in its context, and an in-memory one of its own when there is none;
 * provide {@link disabled} to turn it off, or {@link layer} over a shared store (`@effect-waba/redis`)
 * so that many processes keep to one budget.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { GraphConfigError } from "./GraphConfig.js"
import type * as GraphUsage from "./GraphUsage.js"
import type { HoldTooLongError } from "./HoldTooLongError.js"
import * as decision from "./internal/governorDecision.js"
import * as internal from "./internal/rateGovernor.js"
import * as RateGovernorStore from "./RateGovernorStore.js"

/**
 * The scope `X-App-Usage` is kept under (business ids are numeric, so it cannot clash with one).
 *
 * @since 0.1.0
 * @category constants
 */
export const appScope: string = decision.appScope

/**
 * The usage type of the WhatsApp Business Management API, the budget the reads of this project count against.
 *
 * @since 0.2.0
 * @category constants
 */
export const whatsappBusinessManagement = "whatsapp_business_management"

/**
 * The store key of one budget: a business-object id and a usage type, e.g.
 * `budgetScope("123", "whatsapp_business_management")` is `"123:whatsapp_business_management"`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const budgetScope = (id: string, type: string = whatsappBusinessManagement): string =>
  decision.budgetScope(id, type)

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The usage percentage to stay under. Default 90. */
  readonly ceiling?: number | undefined
  /** The usage percentage from which calls are spaced out. Default 50 (half the ceiling when that is lower). */
  readonly paceFrom?: number | undefined
  /**
   * What 100% stands for: calls per rolling window. Default Meta's documented 200 calls an hour per
   * WhatsApp Business Account; raise it for accounts with a higher tier (5,000 an hour with a registered
   * phone number) so that calls near the ceiling are not spaced more than needed.
   */
  readonly budget?: {
    readonly calls?: number | undefined
    readonly window?: Duration.DurationInput | undefined
  } | undefined
  /**
   * Where the doubling of the gap between probes stops while usage stays at or above the ceiling.
   * Default a tenth of the window. (Near 100% the gap can be longer: probes never spend more than half
   * the budget left per window.)
   */
  readonly maxProbeInterval?: Duration.DurationInput | undefined
  /**
   * The usage types of `X-Business-Use-Case-Usage` that govern requests, each a budget of its own.
   * Default `["whatsapp_business_management"]`; add `"whatsapp"` to be paced by the messaging budget too.
   * Entries without a type count as the first; entries of other types are ignored.
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
  readonly types: ReadonlyArray<string>
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultSettings: Settings = {
  ceiling: 90,
  paceFrom: 50,
  calls: 200,
  window: Duration.hours(1),
  maxProbeInterval: Duration.minutes(6),
  types: [whatsappBusinessManagement]
}

const invalid = (setting: string, message: string) =>
  Effect.fail(new GraphConfigError({ setting: `rateGovernor.${setting}`, message }))

const duration = (input: Duration.DurationInput) => {
  const decoded = Duration.decodeUnknown(input)
  return decoded._tag === "Some" && Duration.isFinite(decoded.value) && Duration.toMillis(decoded.value) > 0
    ? decoded.value
    : undefined
}

/**
 * Validates options over {@link defaultSettings}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeSettings = (options: Options = {}): Effect.Effect<Settings, GraphConfigError> =>
  Effect.gen(function*() {
    const ceiling = options.ceiling ?? defaultSettings.ceiling
    if (!(ceiling > 0 && ceiling <= 100)) {
      return yield* invalid("ceiling", "The ceiling must be a percentage above 0, at most 100.")
    }
    const paceFrom = options.paceFrom ?? (ceiling > defaultSettings.paceFrom ? defaultSettings.paceFrom : ceiling / 2)
    if (!(paceFrom >= 0 && paceFrom < ceiling)) {
      return yield* invalid("paceFrom", "paceFrom must be a percentage from 0 up to (not including) the ceiling.")
    }
    const calls = options.budget?.calls ?? defaultSettings.calls
    if (!(Number.isFinite(calls) && calls > 0)) {
      return yield* invalid("budget.calls", "The budget must be a positive number of calls.")
    }
    const window = options.budget?.window === undefined ? defaultSettings.window : duration(options.budget.window)
    if (window === undefined) return yield* invalid("budget.window", "The window must be a positive, finite duration.")
    const maxProbeInterval = options.maxProbeInterval === undefined
      ? Duration.unsafeDivide(window, 10)
      : duration(options.maxProbeInterval)
    if (maxProbeInterval === undefined) {
      return yield* invalid("maxProbeInterval", "maxProbeInterval must be a positive, finite duration.")
    }
    const types = options.types ?? defaultSettings.types
    if (types.length === 0 || types.some((type) => typeof type !== "string" || !/^[a-z0-9_]+$/.test(type))) {
      return yield* invalid("types", "types must name one or more usage types, e.g. whatsapp_business_management.")
    }
    return { ceiling, paceFrom, calls, window, maxProbeInterval, types: [...new Set(types)] }
  })

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
 * A hold longer than the caller accepts: the request is not sent. See {@link HoldTooLongError}.
 *
 * @since 0.2.0
 * @category errors
 */
export { HoldTooLongError, isHoldTooLongError } from "./HoldTooLongError.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Waits, if needed, until a request counted against `key` (a business-object id; `undefined` for calls
   * that only count against the app) may be sent. Fails with {@link HoldTooLongError}, at once and
   * without waiting, when the hold would be longer than `maxWait` (for any reason: regain, ceiling or
   * pacing); without `maxWait` it waits as long as needed.
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
 * Why a request waited: `pacing` (usage between `paceFrom` and the ceiling), `ceiling` (usage at or
 * above the ceiling; waiting for a probe to show it dropped) or `regain` (Graph said when access returns).
 *
 * @since 0.1.0
 * @category models
 */
export type WaitReason = "pacing" | "ceiling" | "regain"

/**
 * The governor's and the client's metrics, for any Effect metrics exporter (or `Metric.value`).
 *
 * | metric | kind | tags |
 * | --- | --- | --- |
 * | `effect_waba_graph_requests_total` | counter: requests sent, retries included | |
 * | `effect_waba_graph_rate_limited_responses_total` | counter: throttling errors received | `code` (`80008`, `4`, …) |
 * | `effect_waba_rate_governor_waits_total` | counter: holds (a request held again after a probe's answer counts twice) | `reason` |
 * | `effect_waba_rate_governor_waited_milliseconds_total` | counter: time spent held | |
 * | `effect_waba_rate_governor_wait_milliseconds` | histogram: how long each hold lasted | |
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
  Effect.gen(function*() {
    const settings = yield* makeSettings(options)
    const store = yield* RateGovernorStore.RateGovernorStore
    return yield* internal.make(settings, store)
  })

/**
 * The governor over the store in context: provide `RateGovernorStore.layerMemory` for one process, or
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
 * A governor with its own in-memory store: one budget for this process. `GraphClient` builds one of
 * these with the default options when no governor is in its context; provide one yourself to change
 * the options or to share it between several clients.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options?: Options | undefined): Layer.Layer<RateGovernor, GraphConfigError> =>
  layer(options).pipe(Layer.provide(RateGovernorStore.layerMemory))

/**
 * A governor that never waits and keeps nothing: requests go out as soon as they are made, and
 * throttling is left to the retry policy alone.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unlimited: Service = {
  acquire: () => Effect.void,
  observe: () => Effect.void
}

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
