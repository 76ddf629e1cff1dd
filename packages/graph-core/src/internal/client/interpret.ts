/**
 * What an answer means: a JSON body to decode, or the typed error Graph's error body, the status or a
 * garbled body calls for. A pure function of the status, the headers, the body text and the time, so
 * that any answer (a whole response, or one part of one) reads the same way.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as GraphError from "../../GraphError.js"
import * as GraphUsage from "../../GraphUsage.js"
import { defined } from "../defined.js"

/** @internal */
export interface Reply {
  readonly status: number
  /** By lower-case name. */
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly text: string
}

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
  context: Context,
  reason: GraphError.TransportReason,
  message: string,
  retryable: boolean,
  extra: { readonly [K in "httpStatus" | "usage" | "retryAfter"]?: GraphError.GraphTransportError[K] | undefined } = {}
) =>
  new GraphError.GraphTransportError(defined({
    reason,
    message: context.scrub(message),
    retryable,
    route: context.route,
    attempts: context.attempt,
    ...extra
  }))

const parseRetryAfter = (value: string | undefined, now: number): Duration.Duration | undefined => {
  if (value === undefined) return undefined
  if (/^\s*\d{1,9}\s*$/.test(value)) return Duration.seconds(Number(value))
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Duration.millis(Math.max(0, date - now))
}

const decodeEnvelope = Schema.decodeUnknownOption(GraphError.ErrorEnvelope)

/**
 * What one answer means, and the usage its headers reported (for the rate governor, whatever the
 * outcome). `now` (epoch milliseconds) is what a `Retry-After` date is read against.
 *
 * @internal
 */
export const interpret = (
  { headers, status, text }: Reply,
  context: Context & { readonly usageKey: string | undefined; readonly now: number }
): {
  readonly usage: GraphUsage.GraphUsage
  readonly result: Either.Either<Answer, GraphError.GraphResponseError | GraphError.GraphTransportError>
} => {
  const { route, scrub } = context
  // A header value copied into a result, an error or a span: scrubbed and kept short.
  const header = (name: string, max = 200) => {
    const value = headers[name]
    return value === undefined ? undefined : scrub(value.slice(0, max))
  }
  const usage = GraphUsage.fromHeaders({
    "x-business-use-case-usage": header("x-business-use-case-usage", Infinity),
    "x-app-usage": header("x-app-usage", Infinity)
  })
  const fbtraceId = header("x-fb-trace-id")
  const retryAfter = parseRetryAfter(headers["retry-after"], context.now)
  const fail = (reason: GraphError.TransportReason, message: string, retryable: boolean) => ({
    usage,
    result: Either.left(transportError(context, reason, message, retryable, { httpStatus: status, usage, retryAfter }))
  })
  // An error status without a Graph body is a proxy or load balancer talking (a 502 page, an empty 503):
  // worth another try when it says it is busy, not when it is a 404 page from a wrong base URL.
  const busy = status >= 500 || status === 429 || status === 408
  // By value, before parsing: a secret echoed anywhere in the body (a message, a `paging.next` link, a
  // field) is gone before anything can copy it.
  const body = scrub(text)
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch (error) {
    if (status >= 400) {
      const what = body.trim() === "" ? "an empty body" : "a body that is not JSON"
      return fail("UnexpectedStatus", `${route} answered HTTP ${status} with ${what}.`, busy)
    }
    // A success cut short or garbled is worth another try.
    const why = error instanceof Error ? error.message.slice(0, 120) : "unreadable"
    return fail(
      "InvalidBody",
      `The response of ${route} (HTTP ${status}) was not valid JSON (${why}).`,
      status >= 200 && status < 300
    )
  }
  if (Predicate.isRecord(json) && "error" in json) {
    const errorBody = Option.match(decodeEnvelope(json), {
      onNone: (): GraphError.ErrorBody => ({ message: "Graph returned an error body that could not be read." }),
      onSome: (envelope) => envelope.error
    })
    return {
      usage,
      result: Either.left(GraphError.fromErrorBody(errorBody, {
        httpStatus: status,
        route,
        usage,
        attempts: context.attempt,
        scrub,
        fbtraceId,
        retryAfter,
        regainAccess: GraphUsage.regainAccessIn(usage, context.usageKey)
      }))
    }
  }
  if (status >= 400) {
    return fail("UnexpectedStatus", `${route} answered HTTP ${status} without a Graph error body.`, busy)
  }
  const apiVersion = header("facebook-api-version")
  return { usage, result: Either.right({ json, status, usage, fbtraceId, apiVersion, attempts: context.attempt }) }
}
