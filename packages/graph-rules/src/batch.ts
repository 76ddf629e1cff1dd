/**
 * Graph's batch format (`POST /` with `batch=[{ method, relative_url }]` and `include_headers=true`): the
 * form field a batch carries, and how each entry of the answer reads as the answer to one call.
 *
 * @internal
 */
import { parseJson } from "./json.js"

/** The most calls one batch may carry. @internal */
export const maxSize = 50

/** The `batch` form field for GETs of these URLs, relative to the versioned base URL. @internal */
export const batchField = (relativeUrls: ReadonlyArray<string>): string =>
  JSON.stringify(relativeUrls.map((relativeUrl) => ({ method: "GET", relative_url: relativeUrl })))

/**
 * A call's relative URL in a batch. A call made with another token than the batch's carries it, so that one
 * batch can mix businesses.
 *
 * @internal
 */
export const relativeUrl = (path: string, query: string, ownToken: string | undefined, batchToken: string): string => {
  const url = path + (query === "" ? "" : `?${query}`)
  return ownToken === undefined || ownToken === batchToken
    ? url
    : `${url}${query === "" ? "?" : "&"}access_token=${encodeURIComponent(ownToken)}`
}

/** The token of a bearer `authorization` header, if that is what it is. @internal */
export const bearer = (authorization: string | undefined): string | undefined =>
  /^Bearer (\S+)$/.exec(authorization ?? "")?.[1]

/**
 * A batch's form: the batch's own token and proof (in the body, never in the URL), per-call headers asked
 * for (they carry each call's usage), and the calls.
 *
 * @internal
 */
export const form = (
  token: string,
  proof: ReadonlyArray<readonly [name: string, value: string]>,
  relativeUrls: ReadonlyArray<string>
): Array<readonly [name: string, value: string]> => [
  ["access_token", token],
  ...proof,
  ["include_headers", "true"],
  ["batch", batchField(relativeUrls)]
]

/** The entries of a batch's answer, one per call in order; none when the answer is not such a list. @internal */
export const entries = (text: string, calls: number): ReadonlyArray<unknown> => {
  const answers = parseJson(text)
  return Array.isArray(answers) && answers.length === calls ? answers : []
}

/** One call's part of a batch's answer. @internal */
export interface Part {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>
  /** `null` for the statuses that have no body. */
  readonly body: string | null
}

// The headers that described the original body, not the one handed over.
const framing = ["content-length", "content-encoding", "transfer-encoding"]

/** An entry of a batch's answer as one call's answer; `undefined` for anything Graph would not send. @internal */
export const part = (entry: unknown): Part | undefined => {
  if (typeof entry !== "object" || entry === null) return undefined
  const { body, code, headers } = entry as Readonly<Record<string, unknown>>
  if (typeof code !== "number" || !Number.isInteger(code) || code < 200 || code > 599) return undefined
  const pairs: ReadonlyArray<unknown> = Array.isArray(headers) ? headers : []
  // A header list with holes is not Graph's.
  if (pairs.some((pair) => pair === null || pair === undefined)) return undefined
  const kept = pairs.flatMap((pair) => {
    const { name, value } = pair as { readonly name?: unknown; readonly value?: unknown }
    return typeof name === "string" && typeof value === "string" && !framing.includes(name.toLowerCase())
      ? [[name, value] as const]
      : []
  })
  return {
    status: code,
    headers: kept,
    body: typeof body === "string" && ![204, 205, 304].includes(code) ? body : null
  }
}

/**
 * What each of `calls` calls gets of a batch's answer, in order: its part; `null` when Graph left it out
 * (not finished in time: it goes again alone); `undefined` when its entry is nothing Graph would send. A
 * batch refused as a whole (not 2xx: a bad batch token, a throttle) is every call's answer, scrubbed of
 * every call's secrets with `scrub`, since it goes to each.
 *
 * @internal
 */
export const answers = (
  reply: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly text: string },
  calls: number,
  scrub: (text: string) => string
): ReadonlyArray<Part | null | undefined> => {
  if (reply.status < 200 || reply.status >= 300) {
    const headers = Object.entries(reply.headers).map(([name, value]) => ({ name, value: scrub(value) }))
    const whole = part({ code: reply.status, headers, body: scrub(reply.text) })
    return Array.from({ length: calls }, () => whole)
  }
  const list = entries(reply.text, calls)
  return Array.from({ length: calls }, (_, i) => list[i] === null ? null : part(list[i]))
}
