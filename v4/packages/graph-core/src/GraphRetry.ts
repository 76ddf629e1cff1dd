/**
 * Which failures are tried again, and when: throttling and transient failures, with exponential backoff
 * and jitter, never sooner than Graph's own hint (`Retry-After`, or the usage header's time to regain
 * access), and not at all when that hint is longer than the policy will wait.
 *
 * @since 1.0.0
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
 * @since 1.0.0
 * @category models
 */
export interface RetryPolicy {
  readonly maxRetries: number
  readonly baseDelay: Duration.Duration
  readonly maxDelay: Duration.Duration
  /** A hint longer than this is not waited for: the error is returned at once. */
  readonly maxHintedWait: Duration.Duration
  readonly jitter: boolean
}

/**
 * The policy as given: durations in any form `Duration` reads.
 *
 * @since 1.0.0
 * @category models
 */
export type RetryPolicyInput = {
  readonly [K in keyof RetryPolicy]: RetryPolicy[K] extends Duration.Duration ? Duration.Input : RetryPolicy[K]
}

/**
 * @since 1.0.0
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
  Option.getOrElse(Option.map(Duration.fromInput(duration as Duration.Input), Duration.toMillis), () => NaN)

const fromMillis = (policy: Rules.Policy): RetryPolicy => ({
  ...policy,
  baseDelay: Duration.millis(policy.baseDelay),
  maxDelay: Duration.millis(policy.maxDelay),
  maxHintedWait: Duration.millis(policy.maxHintedWait)
})

/**
 * Checks a policy: the problem as a sentence, or the policy.
 *
 * @since 1.0.0
 * @category constructors
 */
export const makePolicy = (input: Partial<RetryPolicyInput>): RetryPolicy | string => {
  const checked = Rules.policy(input, millisOf)
  return typeof checked === "string" ? checked : fromMillis(checked)
}

/**
 * Whether another attempt could succeed where this one failed.
 *
 * @since 1.0.0
 * @category predicates
 */
export const isRetryable: (error: GraphError.GraphError) => boolean = Errors.isRetryable

/**
 * How long Graph asked the client to wait before trying again, if it said.
 *
 * @since 1.0.0
 * @category getters
 */
export const hintedWait = (error: GraphError.GraphError): Duration.Duration | undefined =>
  "retryAfter" in error && error.retryAfter !== undefined && Duration.isGreaterThan(error.retryAfter, Duration.zero)
    ? error.retryAfter
    : undefined

/**
 * Whether a failure is worth another attempt under the policy.
 *
 * @since 1.0.0
 * @category predicates
 */
export const worthRetrying = (policy: RetryPolicy) => (error: unknown): boolean => {
  if (!GraphError.isGraphError(error) || !isRetryable(error)) return false
  const hint = hintedWait(error)
  return hint === undefined || Duration.isLessThanOrEqualTo(hint, policy.maxHintedWait)
}

/**
 * The delays between attempts: exponential backoff (with jitter), capped, with Graph's hint as a floor.
 *
 * @since 1.0.0
 * @category schedules
 */
export const schedule = (policy: RetryPolicy): Schedule.Schedule<Duration.Duration, GraphError.GraphError> =>
  Schedule.exponential(policy.baseDelay, 2).pipe(
    policy.jitter ? Schedule.jittered : identity,
    Schedule.modifyDelay(({ duration, input }) =>
      // Whole milliseconds: jitter yields fractions no timer can honour.
      Effect.succeed(Duration.millis(Math.round(
        Duration.toMillis(Duration.min(duration, policy.maxDelay)) +
          Duration.toMillis(hintedWait(input) ?? Duration.zero)
      )))
    )
  )
