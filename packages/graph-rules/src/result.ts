/**
 * The outcome of a pure function that can fail: plain data, so that either Effect line can turn it into its
 * own `Either` (Effect 3) or `Result` (Effect 4). The field names are Effect 4's.
 *
 * @internal
 */

/** @internal */
export type Result<A, E> =
  | { readonly _tag: "Success"; readonly success: A }
  | { readonly _tag: "Failure"; readonly failure: E }

/** @internal */
export const succeed = <A>(success: A): Result<A, never> => ({ _tag: "Success", success })

/** @internal */
export const fail = <E>(failure: E): Result<never, E> => ({ _tag: "Failure", failure })
