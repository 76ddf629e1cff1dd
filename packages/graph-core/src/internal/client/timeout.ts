/**
 * A per-attempt timeout that costs one fiber instead of two.
 *
 * `Effect.timeoutFail` races the effect against a sleep, forking both. Under the live clock a plain
 * timer does what the sleep would: the attempt runs in one child fiber and the parent waits for
 * whichever comes first, the child's exit or the timer. Under any other clock (`TestClock`, a custom
 * one) time is not wall time, so `Effect.timeoutFail` keeps the semantics exact.
 */
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"

// The clock every Effect runtime starts with, unless something replaces it.
const liveClock = Effect.runSync(Effect.clock)

// Timers cannot be longer (setTimeout would fire at once).
const maxTimerMillis = 2 ** 31 - 1

/** @internal */
export const timeoutFail = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  duration: Duration.Duration,
  onTimeout: () => E2,
  // The caller's clock, when it has read it already (one step less per attempt).
  clock?: Clock.Clock
): Effect.Effect<A, E | E2, R> => {
  const millis = Duration.toMillis(duration)
  if (clock === undefined) return Effect.clockWith((clock) => timeoutFail(self, duration, onTimeout, clock))
  if (clock !== liveClock || !(millis <= maxTimerMillis)) return Effect.timeoutFail(self, { duration, onTimeout })
  return Effect.uninterruptibleMask((restore) =>
    Effect.flatMap(Effect.fork(restore(self)), (child) =>
      restore(Effect.async<A, E | E2>((resume) => {
        let settled = false
        const timer = setTimeout(() => {
          if (settled) return
          settled = true
          resume(Effect.zipRight(Fiber.interrupt(child), Effect.fail(onTimeout())))
        }, millis)
        child.addObserver((exit) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          // Its fiber refs are not inherited, as `Effect.timeoutFail` would: an exchange changes none
          // that outlive it (the platform's are scoped), and joining them costs more than the timer.
          resume(exit)
        })
        // The caller gave up: stop the timer and the attempt.
        return Effect.suspend(() => {
          settled = true
          clearTimeout(timer)
          return Fiber.interrupt(child)
        })
      })))
  )
}
