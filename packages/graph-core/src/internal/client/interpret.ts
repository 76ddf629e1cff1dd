/**
 * What an answer means: a JSON body to decode, or the typed error Graph's error body, the status or a
 * garbled body calls for. A pure function of the response, the body text and the time.
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as GraphError from "../../GraphError.js"
import * as GraphUsage from "../../GraphUsage.js"
import type { Exchange, ExchangeContext } from "./exchange.js"
import { transportError } from "./exchange.js"

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
export interface InterpretContext extends ExchangeContext {
  readonly usageKey: string | undefined
  /** Now, in epoch milliseconds: `Retry-After` may be a date. */
  readonly now: number
}

/** @internal */
export const parseRetryAfter = (value: string | undefined, now: number): Duration.Duration | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d{1,9}$/.test(trimmed)) return Duration.seconds(Number(trimmed))
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Duration.millis(Math.max(0, date - now))
}

const maxHeaderChars = 200

// A header value we copy into a result, an error or a span: scrubbed and kept short.
const headerText = (value: string | undefined, scrub: (text: string) => string): string | undefined =>
  value === undefined ? undefined : scrub(value.length <= maxHeaderChars ? value : value.slice(0, maxHeaderChars))

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const decodeErrorEnvelope = Schema.decodeUnknownEither(GraphError.ErrorEnvelope)

/**
 * What one answer means, and the usage its headers reported (for the rate governor, whatever the outcome).
 *
 * @internal
 */
export interface Interpretation {
  readonly usage: GraphUsage.GraphUsage
  readonly result: Either.Either<Answer, GraphError.GraphResponseError | GraphError.GraphTransportError>
}

/** @internal */
export const interpret = ({ headers, response, text }: Exchange, context: InterpretContext): Interpretation => {
  // Parsed once: the governor and the answer (or its error) carry the same usage.
  const usage = usageOf(headers, context.scrub)
  return { usage, result: meaning(response.status, headers, text, context, usage) }
}

const usageOf = (
  headers: Readonly<Record<string, string | undefined>>,
  scrub: (text: string) => string
): GraphUsage.GraphUsage => {
  const usageHeader = headers["x-business-use-case-usage"]
  const appHeader = headers["x-app-usage"]
  return usageHeader === undefined && appHeader === undefined
    ? GraphUsage.unknown
    : GraphUsage.fromHeaders({
      "x-business-use-case-usage": usageHeader === undefined ? undefined : scrub(usageHeader),
      "x-app-usage": appHeader === undefined ? undefined : scrub(appHeader)
    })
}

const meaning = (
  status: number,
  headers: Exchange["headers"],
  text: string,
  context: InterpretContext,
  usage: GraphUsage.GraphUsage
): Either.Either<Answer, GraphError.GraphResponseError | GraphError.GraphTransportError> => {
  const { route, scrub } = context
  const fbtraceId = headerText(headers["x-fb-trace-id"], scrub)
  const retryAfter = parseRetryAfter(headers["retry-after"], context.now)
  // By value, before parsing: a secret echoed anywhere in the body (a message, a `paging.next` link, a
  // field) is gone before anything can copy it.
  const body = scrub(text)
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch (error) {
    // An error status without a JSON body is a proxy or load balancer talking (a 502 page, an empty
    // 503); a success status with one is a body cut short or garbled. 5xx, 429, 408 and damaged
    // successes are worth another try; a 404 page from a wrong base URL is not.
    const retryable = status >= 500 || status === 429 || status === 408 || (status >= 200 && status < 300)
    const empty = body.trim() === ""
    const extra = { httpStatus: status, usage, retryAfter }
    return Either.left(
      status >= 400
        ? transportError(
          context,
          "UnexpectedStatus",
          `${route} answered HTTP ${status} with ${empty ? "an empty body" : "a body that is not JSON"}.`,
          retryable,
          extra
        )
        : transportError(
          context,
          "InvalidBody",
          `The response of ${route} (HTTP ${status}) was not valid JSON (${
            error instanceof Error ? error.message.slice(0, 120) : "unreadable"
          }).`,
          retryable,
          extra
        )
    )
  }
  if (isObject(json) && "error" in json) {
    const envelope = decodeErrorEnvelope(json)
    const errorBody: GraphError.ErrorBody = Either.isRight(envelope)
      ? envelope.right.error
      : { message: "Graph returned an error body that could not be read." }
    return Either.left(GraphError.fromErrorBody(errorBody, {
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
  if (status >= 400) {
    return Either.left(transportError(
      context,
      "UnexpectedStatus",
      `${route} answered HTTP ${status} without a Graph error body.`,
      status >= 500 || status === 429 || status === 408,
      { httpStatus: status, usage, retryAfter }
    ))
  }
  return Either.right({
    json,
    status,
    usage,
    fbtraceId,
    apiVersion: headerText(headers["facebook-api-version"], scrub),
    attempts: context.attempt
  })
}
