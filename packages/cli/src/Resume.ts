/**
 * Where a read that stopped part-way (an error, Ctrl-C, SIGTERM) can continue, and the words that tell a
 * person how. The CLI keeps the point itself, from the pages it has written, so the advice is exactly as
 * far as the output got, whatever the error holds.
 *
 * Today a point is a Graph cursor, given back with `--after`. Everything that knows this is here: when
 * paging gains cursor-free checkpoints, this module changes and its callers do not.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"

/**
 * A place to continue from.
 *
 * @since 0.2.0
 * @category models
 */
export type Point = Data.TaggedEnum<{
  /** Continue after this cursor: `--after <cursor>`. */
  readonly After: { readonly cursor: string }
}>

const Point = Data.taggedEnum<Point>()

/**
 * Where a read that was told to start after `after` (the `--after` it was given, if any) begins.
 *
 * @since 0.2.0
 * @category constructors
 */
export const start = (after: string | undefined): Point | undefined =>
  after === undefined ? undefined : Point.After({ cursor: after })

/**
 * Where to continue once a page has been written: after it, or nowhere when it was the last.
 *
 * @since 0.2.0
 * @category constructors
 */
export const afterPage = (page: { readonly nextAfter: string | undefined }): Point | undefined =>
  page.nextAfter === undefined ? undefined : Point.After({ cursor: page.nextAfter })

/**
 * The sentence that says how to continue from a point. `max` is the `--max` the command had, `items`
 * how many items it wrote: the rest of the budget goes into the advice, so the resumed run stops where the
 * whole one would have.
 *
 * @example
 * ```ts
 * import * as Resume from "@effect-waba/cli/Resume"
 *
 * Resume.hint(Resume.start("QVFIUm")!, { items: 25, max: 100 })
 * // "To continue where this stopped, run the same command with: --after QVFIUm --max 75"
 * ```
 *
 * @since 0.2.0
 * @category rendering
 */
export const hint = (
  point: Point,
  options: { readonly items: number; readonly max?: number | undefined }
): string => {
  const flags = [`--after ${point.cursor}`]
  if (options.max !== undefined && options.max > options.items) flags.push(`--max ${options.max - options.items}`)
  return `To continue where this stopped, run the same command with: ${flags.join(" ")}`
}
