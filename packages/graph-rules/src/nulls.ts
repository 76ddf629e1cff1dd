/**
 * Graph's `null`s read as absent: the walk behind `GraphSchema.tolerant`.
 *
 * @internal
 */

/** How deep the walk looks; deeper parts are left as they are, so a hostile body cannot make it recurse without bound. @internal */
export const maxNullDepth = 64

/**
 * `value` without `null` properties and `null` array elements, looking at most {@link maxNullDepth} levels
 * deep from `depth`. A value that holds no null is returned as it is, so the bodies Graph sends most
 * often are not copied.
 *
 * @internal
 */
export const dropNullsAt = (value: unknown, depth: number): unknown => {
  if (typeof value !== "object" || value === null || depth > maxNullDepth) return value
  if (Array.isArray(value)) {
    let out: Array<unknown> | undefined
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i]
      const cleaned = element === null ? undefined : dropNullsAt(element, depth + 1)
      if (out === undefined && (element === null || cleaned !== element)) out = value.slice(0, i)
      if (out !== undefined && element !== null) out.push(cleaned)
    }
    return out ?? value
  }
  const record = value as Record<string, unknown>
  let out: Record<string, unknown> | undefined
  for (const key in record) {
    const field = record[key]
    const cleaned = field === null ? undefined : dropNullsAt(field, depth + 1)
    if (out === undefined && (field === null || cleaned !== field)) {
      out = {}
      for (const earlier in record) {
        if (earlier === key) break
        out[earlier] = record[earlier]
      }
    }
    if (out !== undefined && field !== null) out[key] = cleaned
  }
  return out ?? record
}
