/**
 * Graph's `null`s read as absent: the walk behind `GraphSchema.tolerant`.
 *
 * @internal
 */

/** How deep the walk looks; deeper parts are left as they are, so a hostile body cannot make it recurse without bound. @internal */
export const maxNullDepth = 64

/** `value` without `null` properties and `null` array elements, from `depth` down to {@link maxNullDepth}. @internal */
export const dropNullsAt = (value: unknown, depth: number): unknown =>
  typeof value !== "object" || value === null || depth > maxNullDepth
    ? value
    : Array.isArray(value)
    ? value.flatMap((element) => element === null ? [] : [dropNullsAt(element, depth + 1)])
    : Object.fromEntries(
      Object.entries(value).flatMap(([key, field]) => field === null ? [] : [[key, dropNullsAt(field, depth + 1)]])
    )

/**
 * Marks the `null`-dropping step of `GraphSchema.tolerant`, so the fast decoder can fold it into the
 * decode of what follows instead of copying the body first.
 *
 * @internal
 */
export const TolerantStep: unique symbol = Symbol.for("@effect-waba/graph-core/TolerantStep")
