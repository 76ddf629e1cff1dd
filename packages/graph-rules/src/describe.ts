/**
 * A value as an error message quotes it: short, and never throwing whatever the value is.
 *
 * @internal
 */
export const describe = (value: unknown): string => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : value.toISOString()
  let text: string | undefined
  try {
    text = typeof value === "number" || typeof value === "bigint" ? String(value) : JSON.stringify(value)
  } catch {
    text = Object.prototype.toString.call(value)
  }
  text ??= String(value)
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}
