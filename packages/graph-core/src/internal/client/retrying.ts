/**
 * Retrying an attempt by a policy's schedule. The attempt number is an argument and the schedule's
 * state is threaded through the recursion: nothing mutable, and nothing at all on the success path.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as GraphError from "../../GraphError.js"

/**
 * Runs `attempt(1)`, and after each retryable failure waits as the schedule says and runs the next
 * attempt. Errors that are not Graph errors (a rate-governor refusal) end at once.
 *
 * @internal
 */
export const retrying = <A, E, R>(
  schedule: Schedule.Schedule<unknown, GraphError.GraphError> | undefined,
  announce: (error: GraphError.GraphError, delay: Duration.Duration, attempt: number) => Effect.Effect<void>,
  attempt: (n: number) => Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  if (schedule === undefined) return attempt(1)
  const next = (error: E, n: number, state: unknown): Effect.Effect<A, E, R> => {
    if (!GraphError.isGraphError(error)) return Effect.fail(error)
    return Effect.flatMap(
      Clock.currentTimeMillis,
      (now) =>
        Effect.flatMap(schedule.step(now, error, state), ([following, , decision]) => {
          if (ScheduleDecision.isDone(decision)) return Effect.fail(error)
          const delay = Duration.millis(Math.max(0, ScheduleIntervals.start(decision.intervals) - now))
          return announce(error, delay, n).pipe(
            Effect.zipRight(Effect.sleep(delay)),
            Effect.zipRight(run(n + 1, following))
          )
        })
    )
  }
  const run = (n: number, state: unknown): Effect.Effect<A, E, R> =>
    Effect.catchAll(attempt(n), (error) => next(error, n, state))
  return run(1, schedule.initial)
}
