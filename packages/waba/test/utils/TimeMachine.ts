import type { Emulator } from "@effect-waba/emulator"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"

const realPause = (ms: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

/**
 * Moves time for a client under `TestClock` talking to an emulator over real sockets: whenever no new
 * request has reached the emulator for a short real while (the client is asleep: a retry delay or a
 * governor hold), both the emulator's clock and the test clock move forward by `step`. A step shorter
 * than the client's request timeout keeps an in-flight request from timing out on a jump.
 *
 * Fork it next to the work, and interrupt it when the work is done.
 */
export const timeMachine = (
  emulator: Emulator.EmulatorService,
  options: { readonly step?: Duration.DurationInput; readonly idleMs?: number } = {}
) =>
  Effect.gen(function*() {
    const step = Duration.decode(options.step ?? "20 seconds")
    let last = -1
    let moved = Duration.zero
    while (true) {
      yield* realPause(options.idleMs ?? 8)
      const count = yield* emulator.requestCount
      if (count === last) {
        yield* emulator.advanceClock(step)
        yield* TestClock.adjust(step)
        moved = Duration.sum(moved, step)
      }
      last = count
    }
  })
