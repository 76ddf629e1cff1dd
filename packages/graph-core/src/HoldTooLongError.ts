/**
 * The rate governor would have to hold a request longer than its caller accepts, so the request is not
 * sent and fails at once: a caller (a command line, a job scheduler) can come back later instead of
 * hanging. Nothing was sent to Graph: this is the client's own decision. Also exported from `RateGovernor`.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-waba/graph-core/HoldTooLongError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

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

const describe: Record<HoldReason, (wait: string) => string> = {
  pacing: (wait) => `usage is nearing the ceiling and this request's place in the schedule is ${wait} away`,
  ceiling: (wait) => `usage is at the ceiling and the next probe may go in ${wait}`,
  regain: (wait) => `Graph said access returns in ${wait}`
}

// Whole seconds, at least one: a hold is never worth more precision in a sentence.
const format = (duration: Duration.Duration) =>
  Duration.format(Duration.seconds(Math.max(1, Math.round(Duration.toSeconds(duration)))))

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
  readonly [TypeId]: TypeId = TypeId

  /**
   * @since 0.1.0
   */
  override get message(): string {
    const budget = this.scope === "app"
      ? `the app's budget${this.businessId === undefined ? "" : ` as business ${this.businessId}`}`
      : `the budget of ${this.scope}${this.usageType === undefined ? "" : ` (${this.usageType})`}`
    return `The rate governor did not send this request: for ${budget}, at ${this.usagePercent}%, ${
      describe[this.reason](format(this.wait))
    }, longer than the ${format(this.maxWait)} the request may wait.`
  }
}

/**
 * @since 0.1.0
 * @category predicates
 */
export const isHoldTooLongError = (u: unknown): u is HoldTooLongError => Predicate.hasProperty(u, TypeId)
