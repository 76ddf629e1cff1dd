/**
 * What one HTTP reply from Graph means, as plain data: an answer (its JSON, usage and trace id), a failure of
 * the transport (a redirect, a body that is not JSON, a status without an error body), or a Graph error body
 * with its kind. Each Effect line turns the outcome into its own error classes.
 *
 * @internal
 */
import * as Errors from "./errors.js"
import { parseJson } from "./json.js"
import { safeUrl } from "./redaction.js"
import * as Usage from "./usage.js"

/** Why a request failed below Graph's own error bodies. @internal */
export type TransportReason = "Network" | "Timeout" | "InvalidBody" | "UnexpectedStatus" | "TooLarge" | "Redirect"

/** A reply as read off the wire: status, lower-case headers, the body's text. @internal */
export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly text: string
}

/** What the client knows of the request a reply answers. @internal */
export interface Context {
  readonly route: string
  readonly attempt: number
  readonly scrub: (text: string) => string
  readonly usageKey: string | undefined
  /** The clock, in milliseconds since the epoch: a `Retry-After` date is read against it. */
  readonly now: number
}

/** What every failure read from a reply carries. @internal */
export interface Facts {
  readonly route: string
  readonly httpStatus: number
  readonly usage: Usage.Usage
  readonly retryAfterMillis: number | undefined
  readonly attempts: number
}

/** The meaning of a reply. @internal */
export type Outcome =
  | {
    readonly _tag: "Answer"
    readonly json: unknown
    readonly status: number
    readonly usage: Usage.Usage
    readonly fbtraceId: string | undefined
    readonly apiVersion: string | undefined
    readonly attempts: number
  }
  | {
    readonly _tag: "Transport"
    readonly reason: TransportReason
    readonly message: string
    readonly retryable: boolean
    readonly facts: Facts
  }
  | {
    readonly _tag: "Response"
    readonly error: ReturnType<typeof Errors.fromErrorBody>
    readonly facts: Facts
  }

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `now`. @internal */
export const retryAfterMillis = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  if (/^\s*\d{1,9}\s*$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

// Graph's codes are integers; a numeric string is read too.
const code = (u: unknown): number | undefined | false =>
  typeof u === "number"
    ? Number.isInteger(u) && u
    : typeof u === "string" && u.trim() !== "" && Number.isFinite(Number(u))
    ? Number(u)
    : false

const strings = ["message", "type", "error_user_title", "error_user_msg", "fbtrace_id"] as const

/**
 * The `error` object of an envelope, `null`s read as absent; `undefined` when a field has the wrong type
 * (the body is then unreadable as a whole, as Graph's spec leaves no room for it).
 *
 * @internal
 */
export const errorBody = (error: unknown): Errors.ErrorBody | undefined => {
  if (!isRecord(error)) return undefined
  const present = (key: string) => error[key] !== undefined && error[key] !== null
  const body: Record<string, unknown> = {}
  for (const key of strings) {
    if (!present(key)) continue
    if (typeof error[key] !== "string") return undefined
    body[key] = error[key]
  }
  for (const key of ["code", "error_subcode"] as const) {
    if (!present(key)) continue
    const value = code(error[key])
    if (value === false) return undefined
    body[key] = value
  }
  if (present("is_transient")) {
    if (typeof error.is_transient !== "boolean") return undefined
    body.is_transient = error.is_transient
  }
  if (present("error_data")) body.error_data = error.error_data
  return body
}

const unreadable: Errors.ErrorBody = { message: "Graph returned an error body that could not be read." }

/**
 * Reads a reply: headers cut to size and scrubbed, the usage they report, and what the status and body mean.
 * Never the status alone: Graph sends most errors as 400 and can put one in a 200 body.
 *
 * @internal
 */
export const interpret = (reply: Reply, context: Context): Outcome => {
  const { route, scrub } = context
  const { headers, status } = reply
  // Header values copied into a result, an error or a span are scrubbed, and the short ones kept short.
  const header = (name: string, max = 200) => {
    const value = headers[name]
    return value === undefined ? undefined : scrub(value.slice(0, max))
  }
  const usage = Usage.fromHeaders({
    "x-business-use-case-usage": header("x-business-use-case-usage", Infinity),
    "x-app-usage": header("x-app-usage", Infinity)
  })
  const fbtraceId = header("x-fb-trace-id")
  const facts: Facts = {
    route,
    httpStatus: status,
    usage,
    retryAfterMillis: retryAfterMillis(headers["retry-after"], context.now),
    attempts: context.attempt
  }
  // An error status without a Graph body is a proxy or load balancer talking (a 502 page, an empty 503):
  // worth another try when it says it is busy, not when it is a 404 page from a wrong base URL. A success
  // whose body is cut short or garbled is worth another try too.
  const busy = status >= 500 || status === 429 || status === 408
  const transport = (reason: TransportReason, message: string, retryable: boolean): Outcome => ({
    _tag: "Transport",
    reason,
    message: scrub(message),
    retryable,
    facts
  })
  // One origin: a redirect is never followed (fetch is told not to; a browser's hides it as status 0), and
  // whatever its body says, it is not Graph's answer.
  if ((status >= 300 && status < 400) || status === 0) {
    const location = headers.location === undefined ? "" : ` to ${safeUrl(headers.location)}`
    return transport(
      "Redirect",
      `${route} answered HTTP ${status}, a redirect${location}; the client follows no redirect.`,
      false
    )
  }
  // By value, before parsing: a secret echoed anywhere in the body (a message, a `paging.next` link, a
  // field) is gone before anything can copy it.
  const body = scrub(reply.text)
  const json = parseJson(body)
  if (json === undefined) {
    const what = body.trim() === "" ? "an empty body" : "a body that is not JSON"
    return status >= 400
      ? transport("UnexpectedStatus", `${route} answered HTTP ${status} with ${what}.`, busy)
      : transport("InvalidBody", `The response of ${route} (HTTP ${status}) was not valid JSON.`, status < 300)
  }
  if (isRecord(json) && "error" in json) {
    const error = Errors.fromErrorBody(errorBody(json.error) ?? unreadable, scrub, fbtraceId)
    // Throttled with a wait the usage headers name: the longer of theirs and Retry-After's.
    const regain = error.tag === "GraphRateLimitError" ? Usage.regainAccessMillis(usage, context.usageKey) : undefined
    const wait = regain === undefined ? facts.retryAfterMillis : Math.max(regain, facts.retryAfterMillis ?? 0)
    return { _tag: "Response", error, facts: { ...facts, retryAfterMillis: wait } }
  }
  if (status >= 400) {
    return transport("UnexpectedStatus", `${route} answered HTTP ${status} without a Graph error body.`, busy)
  }
  return {
    _tag: "Answer",
    json,
    status,
    usage,
    fbtraceId,
    apiVersion: header("facebook-api-version"),
    attempts: context.attempt
  }
}
