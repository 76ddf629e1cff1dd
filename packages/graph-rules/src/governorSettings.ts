/**
 * The rate governor's options, checked with their defaults, in milliseconds: each line reads durations its
 * own way, and both refuse the same options with the same words.
 *
 * @internal
 */
import type { Settings } from "./governor.js"
import { fail, type Result, succeed } from "./result.js"

/** The defaults: stay under 90%, space calls from 50%, Meta's 200 calls an hour. @internal */
export const defaults = {
  ceiling: 90,
  paceFrom: 50,
  calls: 200,
  windowMillis: 3_600_000,
  types: ["whatsapp_business_management"]
} as const

/** The settings of the default options (probes at most a tenth of the window apart). @internal */
export const defaultSettings: Settings = {
  ceiling: defaults.ceiling,
  paceFrom: defaults.paceFrom,
  calls: defaults.calls,
  windowMillis: defaults.windowMillis,
  maxProbeIntervalMillis: defaults.windowMillis / 10,
  types: defaults.types
}

/** Options as given; durations in the line's own form, read by `millisOf`. @internal */
export interface Given {
  readonly ceiling?: number | undefined
  readonly paceFrom?: number | undefined
  readonly budget?: { readonly calls?: number | undefined; readonly window?: unknown } | undefined
  readonly maxProbeInterval?: unknown
  readonly types?: ReadonlyArray<string> | undefined
}

/** A refused option: its name (`rateGovernor.…`) and why. @internal */
export interface Refusal {
  readonly setting: string
  readonly message: string
}

const refuse = (setting: string, message: string) => fail<Refusal>({ setting: `rateGovernor.${setting}`, message })

/**
 * The settings from what was given, with the defaults, or the first refused option. `millisOf` reads one of
 * the line's duration inputs (`NaN` when it is none).
 *
 * @internal
 */
export const settings = (given: Given, millisOf: (duration: unknown) => number): Result<Settings, Refusal> => {
  const { budget = {}, ceiling = defaults.ceiling, types = defaults.types } = given
  const { calls = defaults.calls } = budget
  const paceFrom = given.paceFrom ?? (ceiling > defaults.paceFrom ? defaults.paceFrom : ceiling / 2)
  const positive = (duration: unknown) => {
    const millis = millisOf(duration)
    return Number.isFinite(millis) && millis > 0 ? millis : undefined
  }
  const windowMillis = budget.window === undefined ? defaults.windowMillis : positive(budget.window)
  const probes = given.maxProbeInterval === undefined
    ? windowMillis && windowMillis / 10
    : positive(given.maxProbeInterval)
  if (!(ceiling > 0) || ceiling > 100) return refuse("ceiling", "The ceiling must be a percentage in (0, 100].")
  if (!(paceFrom >= 0 && paceFrom < ceiling)) return refuse("paceFrom", "paceFrom must lie in [0, ceiling).")
  if (!(calls > 0 && calls < Infinity)) return refuse("budget.calls", "The budget must be a positive number of calls.")
  if (windowMillis === undefined) return refuse("budget.window", "The window must be a positive, finite duration.")
  if (probes === undefined) return refuse("maxProbeInterval", "maxProbeInterval must be a positive, finite duration.")
  if (types.length === 0 || !types.every((type) => /^[a-z0-9_]+$/.test(type))) {
    return refuse("types", "types must name one or more usage types, e.g. whatsapp_business_management.")
  }
  return succeed({ ceiling, paceFrom, calls, windowMillis, maxProbeIntervalMillis: probes, types: [...new Set(types)] })
}
