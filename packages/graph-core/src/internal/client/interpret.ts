/**
 * What an answer means: a JSON body to decode, or the typed error Graph's error body, the status or a
 * garbled body calls for. A pure function of the status, the headers, the body text and the time, so
 * that any answer (a whole response, or one part of one) reads the same way.
 */
import { defined } from "@effect-waba/graph-rules/defined"
import { parseJson } from "@effect-waba/graph-rules/json"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as GraphError from "../../GraphError.js"
import * as GraphUsage from "../../GraphUsage.js"
import { safeUrl } from "../../Redaction.js"

/** @internal */
export interface Context {
  readonly route: string
  readonly attempt: number
  /** Removes every secret the answer may echo. */
  readonly scrub: (text: string) => string
}

/**
 * A successful answer, before the caller's schema has looked at it.
 *
 * @internal
 */
export interface Answer {
  readonly json: unknown
  readonly status: number
  readonly usage: GraphUsage.GraphUsage
  readonly fbtraceId: string | undefined
  readonly apiVersion: string | undefined
  readonly attempts: number
}

/** @internal */
export const transportError = (
  context: Context & Partial<Pick<GraphError.GraphTransportError, "httpStatus" | "usage" | "retryAfter">>,
  reason: GraphError.TransportReason,
  message: string,
  retryable: boolean
) => {
  const { attempt, httpStatus, retryAfter, route, scrub, usage } = context
  const fields = { httpStatus, usage, retryAfter, attempts: attempt }
  return new GraphError.GraphTransportError(defined({ reason, message: scrub(message), retryable, route, ...fields }))
}

const parseRetryAfter = (value: string | undefined, now: number): Duration.Duration | undefined => {
  if (value === undefined) return undefined
  if (/^\s*\d{1,9}\s*$/.test(value)) return Duration.seconds(Number(value))
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Duration.millis(Math.max(0, date - now))
}

const decodeEnvelope = Schema.decodeUnknownOption(GraphError.ErrorEnvelope)

const unreadable: GraphError.ErrorBody = { message: "Graph returned an error body that could not be read." }

/**
 * What one answer (status, headers by lower-case name, body text) means, and the usage its headers
 * reported, for the rate governor whatever the outcome. A `Retry-After` date is read against `now`.
 *
 * @internal
 */
export const interpret = (
  reply: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly text: string },
  context: Context & { readonly usageKey: string | undefined; readonly now: number }
) => {
  const { route, scrub } = context
  const { headers, status } = reply
  // Header values copied into a result, an error or a span are scrubbed, and the short ones kept short.
  const header = (name: string, max = 200) =>
    headers[name] === undefined ? undefined : scrub(headers[name].slice(0, max))
  const usage = GraphUsage.fromHeaders({
    "x-business-use-case-usage": header("x-business-use-case-usage", Infinity),
    "x-app-usage": header("x-app-usage", Infinity)
  })
  const fbtraceId = header("x-fb-trace-id")
  const retryAfter = parseRetryAfter(headers["retry-after"], context.now)
  const facts = { ...context, httpStatus: status, usage, retryAfter }
  // An error status without a Graph body is a proxy or load balancer talking (a 502 page, an empty 503):
  // worth another try when it says it is busy, not when it is a 404 page from a wrong base URL. A success
  // whose body is cut short or garbled is worth another try too.
  const busy = status >= 500 || status === 429 || status === 408
  const meaning = (): Either.Either<Answer, GraphError.GraphResponseError | GraphError.GraphTransportError> => {
    // One origin: a redirect is never followed (fetch is told not to; a browser's hides it as status 0), and
    // whatever its body says, it is not Graph's answer.
    if ((status >= 300 && status < 400) || status === 0) {
      const location = headers.location === undefined ? "" : ` to ${safeUrl(headers.location)}`
      const message = `${route} answered HTTP ${status}, a redirect${location}; the client follows no redirect.`
      return Either.left(transportError(facts, "Redirect", message, false))
    }
    // By value, before parsing: a secret echoed anywhere in the body (a message, a `paging.next` link, a
    // field) is gone before anything can copy it.
    const body = scrub(reply.text)
    const json = parseJson(body)
    if (json === undefined) {
      const what = body.trim() === "" ? "an empty body" : "a body that is not JSON"
      return Either.left(
        status >= 400
          ? transportError(facts, "UnexpectedStatus", `${route} answered HTTP ${status} with ${what}.`, busy)
          : transportError(
            facts,
            "InvalidBody",
            `The response of ${route} (HTTP ${status}) was not valid JSON.`,
            status < 300
          )
      )
    }
    if (Predicate.isRecord(json) && "error" in json) {
      const errorBody = Option.getOrElse(
        Option.map(decodeEnvelope(json), (envelope) => envelope.error),
        () => unreadable
      )
      const regainAccess = GraphUsage.regainAccessIn(usage, context.usageKey)
      return Either.left(
        GraphError.fromErrorBody(errorBody, { ...facts, scrub, fbtraceId, regainAccess, attempts: context.attempt })
      )
    }
    if (status >= 400) {
      return Either.left(
        transportError(facts, "UnexpectedStatus", `${route} answered HTTP ${status} without a Graph error body.`, busy)
      )
    }
    const apiVersion = header("facebook-api-version")
    return Either.right({ json, status, usage, fbtraceId, apiVersion, attempts: context.attempt })
  }
  return { usage, result: meaning() }
}
