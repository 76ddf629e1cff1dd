/**
 * JSON text read without throwing: `undefined` when it is not JSON (no JSON text reads as `undefined`).
 *
 * @internal
 */
export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
