/**
 * When to try a failed Graph request again, and how long to wait first.
 *
 * Throttling (code 80008 above all), transient Graph errors and transport failures are retried with
 * exponential backoff and jitter. A server hint — `estimated_time_to_regain_access` from the usage
 * headers, or `Retry-After` — sets the minimum wait. Errors that another attempt cannot fix (auth,
 * permission, signature, policy, invalid parameter, decode) are never retried.
 *
 * @since 0.1.0
 */
import * as Errors from "@effect-waba/graph-rules/errors"
import * as Rules from "@effect-waba/graph-rules/retryPolicy"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as GraphError from "./GraphError.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicy {
  /** Retries after the first attempt; `0` disables retrying. */
  readonly maxRetries: number
  /** The first backoff delay; each later one doubles. */
  readonly baseDelay: Duration.Duration
  /** The cap on each backoff delay (before a server hint is applied). */
  readonly maxDelay: Duration.Duration
  /**
   * The longest server-hinted wait worth sleeping through. A throttled request told to come back
   * later than this fails at once, carrying the hint in `retryAfter`, so a caller can decide. The rate
   * governor holds a request no longer than this either (see `RateGovernor.HoldTooLongError`).
   */
  readonly maxHintedWait: Duration.Duration
  /** Spread each delay over 80–120% so that many clients do not come back in step. */
  readonly jitter: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export type RetryPolicyInput = {
  readonly [K in keyof RetryPolicy]: RetryPolicy[K] extends Duration.Duration ? Duration.DurationInput : RetryPolicy[K]
}

/**
 * Four retries (five attempts), backoff from 500 ms doubling up to 30 s, hinted waits honoured up to
 * 15 minutes, with jitter.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPolicy: RetryPolicy = {
  maxRetries: Rules.defaults.maxRetries,
  baseDelay: Duration.millis(Rules.defaults.baseDelay),
  maxDelay: Duration.millis(Rules.defaults.maxDelay),
  maxHintedWait: Duration.millis(Rules.defaults.maxHintedWait),
  jitter: Rules.defaults.jitter
}

// A duration as given, in milliseconds (`NaN`: not a duration).
const millisOf = (duration: unknown) =>
  Option.getOrElse(Option.map(Duration.decodeUnknown(duration as Duration.DurationInput), Duration.toMillis), () => NaN)

const fromMillis = (policy: Rules.Policy): RetryPolicy => ({
  ...policy,
  baseDelay: Duration.millis(policy.baseDelay),
  maxDelay: Duration.millis(policy.maxDelay),
  maxHintedWait: Duration.millis(policy.maxHintedWait)
})

/**
 * Validates a partial policy over {@link defaultPolicy}; fails with a message naming the bad setting.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePolicy = (input: Partial<RetryPolicyInput>): Effect.Effect<RetryPolicy, string> => {
  const checked = Rules.policy(input, millisOf)
  return typeof checked === "string" ? Effect.fail(checked) : Effect.succeed(fromMillis(checked))
}

/**
 * Whether another attempt could succeed where this one failed.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable: (error: GraphError.GraphError) => boolean = Errors.isRetryable

/**
 * The minimum wait the server asked for, if it asked.
 *
 * @since 0.1.0
 * @category getters
 */
export const hintedWait = (error: GraphError.GraphError): Duration.Duration | undefined =>
  "retryAfter" in error && error.retryAfter !== undefined && Duration.greaterThan(error.retryAfter, Duration.zero)
    ? error.retryAfter
    : undefined

/**
 * The schedule a policy describes. Its input is the error of the attempt that just failed, and so is its
 * output; it stops on anything that is not a retryable Graph error, on a hint longer than `maxHintedWait`,
 * and after `maxRetries`.
 *
 * @example
 * ```ts
 * import { GraphRetry } from "@effect-waba/graph-core"
 * import { Effect } from "effect"
 *
 * declare const call: Effect.Effect<string, GraphError.GraphError>
 * const patient = call.pipe(Effect.retry(GraphRetry.schedule({ ...GraphRetry.defaultPolicy, maxRetries: 10 })))
 * ```
 *
 * @since 0.1.0
 * @category schedules
 */
export const schedule = (policy: RetryPolicy): Schedule.Schedule<GraphError.GraphError, unknown> => {
  const backoff = Schedule.exponential(policy.baseDelay, 2).pipe(
    policy.jitter ? Schedule.jittered : identity,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay))
  )
  const worthWaiting = (error: unknown): boolean => {
    if (!GraphError.isGraphError(error) || !isRetryable(error)) return false
    const hint = hintedWait(error)
    return hint === undefined || Duration.lessThanOrEqualTo(hint, policy.maxHintedWait)
  }
  return Schedule.identity<unknown>().pipe(
    Schedule.whileInput(worthWaiting),
    Schedule.intersect(Schedule.recurs(policy.maxRetries)),
    Schedule.intersect(backoff),
    // Only Graph errors get past `whileInput`.
    Schedule.map(([[error]]) => error as GraphError.GraphError),
    // The hint is a floor: waiting less would only earn another refusal. Whole milliseconds: jitter yields
    // fractions no timer can honour.
    Schedule.modifyDelay((error, delay) =>
      Duration.millis(Math.round(Duration.toMillis(Duration.sum(hintedWait(error) ?? Duration.zero, delay))))
    )
  )
}
