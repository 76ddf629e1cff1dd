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
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as GraphError from "./GraphError.js"

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
export interface RetryPolicyInput {
  readonly maxRetries: number
  readonly baseDelay: Duration.DurationInput
  readonly maxDelay: Duration.DurationInput
  readonly maxHintedWait: Duration.DurationInput
  readonly jitter: boolean
}

/**
 * Four retries (five attempts), backoff from 500 ms doubling up to 30 s, hinted waits honoured up to
 * 15 minutes, with jitter.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPolicy: RetryPolicy = {
  maxRetries: 4,
  baseDelay: Duration.millis(500),
  maxDelay: Duration.seconds(30),
  maxHintedWait: Duration.minutes(15),
  jitter: true
}

const positiveDuration = (name: string, input: Duration.DurationInput | undefined, fallback: Duration.Duration) => {
  if (input === undefined) return Effect.succeed(fallback)
  const decoded = Duration.decodeUnknown(input)
  if (decoded._tag === "None" || !Duration.isFinite(decoded.value) || Duration.toMillis(decoded.value) < 0) {
    return Effect.fail(`retry.${name} must be a finite, non-negative duration.`)
  }
  return Effect.succeed(decoded.value)
}

/**
 * Validates a partial policy over {@link defaultPolicy}; fails with a message naming the bad setting.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makePolicy = (input: Partial<RetryPolicyInput>): Effect.Effect<RetryPolicy, string> =>
  Effect.gen(function*() {
    const maxRetries = input.maxRetries ?? defaultPolicy.maxRetries
    if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 100) {
      return yield* Effect.fail("retry.maxRetries must be an integer from 0 to 100.")
    }
    const baseDelay = yield* positiveDuration("baseDelay", input.baseDelay, defaultPolicy.baseDelay)
    const maxDelay = yield* positiveDuration("maxDelay", input.maxDelay, defaultPolicy.maxDelay)
    const maxHintedWait = yield* positiveDuration("maxHintedWait", input.maxHintedWait, defaultPolicy.maxHintedWait)
    if (Duration.lessThan(maxDelay, baseDelay)) {
      return yield* Effect.fail("retry.maxDelay must not be shorter than retry.baseDelay.")
    }
    return { maxRetries, baseDelay, maxDelay, maxHintedWait, jitter: input.jitter ?? defaultPolicy.jitter }
  })

/**
 * Whether another attempt could succeed where this one failed.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (error: GraphError.GraphError): boolean => {
  switch (error._tag) {
    case "GraphRateLimitError":
    case "GraphTransientError":
      return true
    case "GraphTransportError":
      return error.retryable
    case "GraphApiError":
      // Only an error body without a code gets here marked transient (a code would have made it a
      // GraphTransientError); Graph said another try may work.
      return error.isTransient
    default:
      return false
  }
}

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
 * The schedule a policy describes. Its input is the error of the attempt that just failed; it stops on
 * an error that is not retryable, on a hint longer than `maxHintedWait`, and after `maxRetries`.
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
export const schedule = (policy: RetryPolicy): Schedule.Schedule<unknown, GraphError.GraphError> => {
  const backoff = Schedule.exponential(policy.baseDelay, 2).pipe(
    policy.jitter ? Schedule.jittered : (self) => self,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay))
  )
  return Schedule.identity<GraphError.GraphError>().pipe(
    Schedule.intersect(backoff),
    // The hint is a floor: waiting less would only earn another refusal.
    Schedule.modifyDelay(([error], delay) => {
      const hint = hintedWait(error)
      return hint === undefined ? delay : Duration.sum(hint, delay)
    }),
    // Whole milliseconds: jitter yields fractions no timer can honour.
    Schedule.modifyDelay((_, delay) => Duration.millis(Math.round(Duration.toMillis(delay)))),
    Schedule.intersect(Schedule.recurs(policy.maxRetries)),
    Schedule.whileInput((error: GraphError.GraphError) => {
      if (!isRetryable(error)) return false
      const hint = hintedWait(error)
      return hint === undefined || Duration.lessThanOrEqualTo(hint, policy.maxHintedWait)
    })
  )
}
