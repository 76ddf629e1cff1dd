/**
 * The check of a retry policy, in milliseconds: each line reads durations its own way, and both refuse the
 * same policies with the same words.
 *
 * @internal
 */

/** A policy as read: durations in milliseconds (`NaN` for one that could not be read). @internal */
export interface Given {
  readonly maxRetries: unknown
  readonly baseDelay: number
  readonly maxDelay: number
  readonly maxHintedWait: number
}

/** The defaults: 4 retries, from 500 ms doubling up to 30 s, and no hint longer than 15 minutes waited for. @internal */
export const defaults = {
  maxRetries: 4,
  baseDelay: 500,
  maxDelay: 30_000,
  maxHintedWait: 900_000,
  jitter: true
} as const

/** What is wrong with a policy, if anything. @internal */
export const problem = (given: Given): string | undefined => {
  const { maxRetries } = given
  if (typeof maxRetries !== "number" || !Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 100) {
    return "retry.maxRetries must be an integer from 0 to 100."
  }
  for (const name of ["baseDelay", "maxDelay", "maxHintedWait"] as const) {
    if (!Number.isFinite(given[name]) || given[name] < 0) {
      return `retry.${name} must be a finite, non-negative duration.`
    }
  }
  return given.maxDelay < given.baseDelay ? "retry.maxDelay must not be shorter than retry.baseDelay." : undefined
}

/** A checked policy, durations in milliseconds. @internal */
export interface Policy {
  readonly maxRetries: number
  readonly baseDelay: number
  readonly maxDelay: number
  readonly maxHintedWait: number
  readonly jitter: boolean
}

/**
 * A policy from what was given, with the defaults, checked: the policy or the problem. `millisOf` reads
 * one of the line's duration inputs (`NaN` when it is none).
 *
 * @internal
 */
export const policy = (
  input: {
    readonly maxRetries?: number | undefined
    readonly jitter?: boolean | undefined
    readonly baseDelay?: unknown
    readonly maxDelay?: unknown
    readonly maxHintedWait?: unknown
  },
  millisOf: (duration: unknown) => number
): Policy | string => {
  const read = (name: "baseDelay" | "maxDelay" | "maxHintedWait") =>
    input[name] === undefined ? defaults[name] : millisOf(input[name])
  const given = {
    maxRetries: input.maxRetries ?? defaults.maxRetries,
    baseDelay: read("baseDelay"),
    maxDelay: read("maxDelay"),
    maxHintedWait: read("maxHintedWait"),
    jitter: input.jitter ?? defaults.jitter
  }
  return problem(given) ?? given
}
