/**
 * Summaries of repeated measurements. Medians and quartiles rather than means: on a shared machine a
 * run now and then loses its core to someone else, and one such run must not move the headline.
 */

export interface Summary {
  readonly n: number
  readonly median: number
  readonly min: number
  readonly max: number
  readonly q1: number
  readonly q3: number
}

// Linear interpolation between closest ranks (the default of most statistics packages).
const quantile = (sorted: ReadonlyArray<number>, q: number): number => {
  if (sorted.length === 0) return Number.NaN
  const position = (sorted.length - 1) * q
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const a = sorted[lower]!
  const b = sorted[upper]!
  return a + (b - a) * (position - lower)
}

export const summarize = (values: ReadonlyArray<number>): Summary => {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
    q1: quantile(sorted, 0.25),
    q3: quantile(sorted, 0.75)
  }
}

/**
 * Ratios of paired measurements, round by round (`a[i] / b[i]`). Variants run interleaved, so a round's
 * pair saw the same background load; the spread of these ratios is the honest uncertainty of the ratio.
 */
export const pairedRatios = (a: ReadonlyArray<number>, b: ReadonlyArray<number>): ReadonlyArray<number> =>
  a.slice(0, Math.min(a.length, b.length)).map((value, i) => value / b[i]!)
