/**
 * The emulator's own notion of "now", used for rate-limit windows, token expiry, `appsecret_time`
 * validity and the `creation_time` of accounts added at runtime.
 *
 * It follows real time by default; a test moves it forward with `advance` instead of waiting an hour
 * for a rate-limit window to pass. It is deliberately separate from Effect's `Clock`: the Promise API
 * and the HTTP server run outside any `TestClock`, and a test wants to move the emulator's hour without
 * also firing its own client's timeouts.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"

/**
 * @since 0.1.0
 * @category models
 */
export interface EmulatorClock {
  /** Milliseconds since the unix epoch, as the emulator sees it. */
  readonly now: () => number
  /** Moves the emulator's time forward (a negative duration is refused). */
  readonly advance: (duration: Duration.DurationInput) => void
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Where the emulator's time starts (a `Date` or epoch milliseconds). Default: the real time. */
  readonly start?: Date | number | undefined
  /** When true, time stands still except through `advance`. Default false. */
  readonly frozen?: boolean | undefined
}

/**
 * @example
 * ```ts
 * import * as EmulatorClock from "@effect-waba/emulator/EmulatorClock"
 *
 * const clock = EmulatorClock.make({ start: new Date("2025-01-01T00:00:00Z"), frozen: true })
 * clock.advance("61 minutes")
 * new Date(clock.now()).toISOString() // "2025-01-01T01:01:00.000Z"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): EmulatorClock => {
  // Real time keeps an offset from the machine's clock; a frozen clock keeps its offset from its start.
  const base = options.frozen === true ? () => 0 : Date.now
  let offset = Number(options.start ?? Date.now()) - base()
  return {
    now: () => base() + offset,
    advance: (duration) => {
      const millis = Duration.toMillis(duration)
      if (!(millis >= 0)) throw new RangeError("The emulator clock only moves forward")
      offset += millis
    }
  }
}
