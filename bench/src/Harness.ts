/**
 * Runs variants interleaved: round 1 runs A, B, C; round 2 runs B, C, A; and so on. Every variant
 * therefore sees the same mix of background load and the same share of first and last places, which
 * a block of A's repetitions followed by a block of B's would not give.
 */
import { performance } from "node:perf_hooks"

export interface Variant {
  readonly name: string
  /** One measured run; resolves to how many items it handled (checked against `expect`). */
  readonly run: () => Promise<number>
  readonly expect?: number | undefined
}

export interface Samples {
  readonly name: string
  /** Wall time of each measured run, in milliseconds, in round order. */
  readonly ms: ReadonlyArray<number>
}

const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) gc()
}

export const timeOnce = async (run: () => Promise<number>): Promise<{ ms: number; count: number }> => {
  collectGarbage()
  const start = performance.now()
  const count = await run()
  return { ms: performance.now() - start, count }
}

export const interleave = async (
  variants: ReadonlyArray<Variant>,
  options: { readonly repetitions: number; readonly warmup: number; readonly log: (line: string) => void }
): Promise<ReadonlyArray<Samples>> => {
  const ms = variants.map(() => [] as Array<number>)
  const rounds = options.warmup + options.repetitions
  for (let round = 0; round < rounds; round++) {
    const measured = round >= options.warmup
    const line: Array<string> = []
    for (let k = 0; k < variants.length; k++) {
      const index = (k + round) % variants.length
      const variant = variants[index]!
      const { count, ms: elapsed } = await timeOnce(variant.run)
      if (variant.expect !== undefined && count !== variant.expect) {
        throw new Error(`${variant.name} handled ${count} items, expected ${variant.expect}`)
      }
      if (measured) ms[index]!.push(elapsed)
      line.push(`${variant.name} ${elapsed.toFixed(0)} ms`)
    }
    options.log(`  ${measured ? `round ${round - options.warmup + 1}` : "warm-up"}: ${line.join(", ")}`)
  }
  return variants.map((variant, i) => ({ name: variant.name, ms: ms[i]! }))
}
