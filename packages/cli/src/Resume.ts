/**
 * Where a read that stopped part-way (an error, Ctrl-C, SIGTERM) can continue, and the words that tell a
 * person how. The CLI keeps the point itself, from the pages it has written, so the advice is exactly as
 * far as the output got, whatever the error holds. Today a point is a Graph cursor, given back with
 * `--after`; everything that knows this is here.
 */

/** A place to continue from: after this cursor (`--after <cursor>`). */
export interface Point {
  readonly _tag: "After"
  readonly cursor: string
}

/** Where a read that was told to start after `after` (its `--after`, if any) begins. */
export const start = (after: string | undefined): Point | undefined =>
  after === undefined ? undefined : { _tag: "After", cursor: after }

/** Where to continue once a page has been written: after it, or nowhere when it was the last. */
export const afterPage = (page: { readonly nextAfter: string | undefined }): Point | undefined => start(page.nextAfter)

/**
 * The sentence that says how to continue from a point. What is left of `--max` after the `items` written
 * goes into the advice, so the resumed run stops where the whole one would have.
 */
export const hint = (point: Point, options: { readonly items: number; readonly max?: number | undefined }): string => {
  const max = options.max !== undefined && options.max > options.items ? ` --max ${options.max - options.items}` : ""
  return `To continue where this stopped, run the same command with: --after ${point.cursor}${max}`
}
