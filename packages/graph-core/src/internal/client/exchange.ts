/**
 * One HTTP attempt: send the request, read the body within the size limit, all within the timeout.
 * Every way that can fail becomes a `GraphTransportError`, with a message scrubbed of secrets.
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as GraphError from "../../GraphError.js"
import { readText } from "./body.js"
import type { ScrubberFor } from "./secrets.js"
import { timeoutFail } from "./timeout.js"

/**
 * A response and its body, read in full.
 *
 * @internal
 */
export interface Exchange {
  readonly response: HttpClientResponse.HttpClientResponse
  /** `response.headers`, read once (the platform converts them again on every read). */
  readonly headers: Headers.Headers
  readonly text: string
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null

// The first messages in an error's cause chain that say something (fetch wraps "other side closed" in
// "fetch failed"). Only used after scrubbing.
const describeCause = (error: unknown): string => {
  const messages: Array<string> = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error || (isObject(current) && typeof current.message === "string")) {
      const message = String((current as { message: unknown }).message).slice(0, 300)
      const code = (current as { code?: unknown }).code
      if (message !== "") messages.push(typeof code === "string" ? `${code.slice(0, 40)}: ${message}` : message)
      current = (current as { cause?: unknown }).cause
    } else {
      messages.push(String(current).slice(0, 300))
      break
    }
  }
  return messages.length === 0 ? "unknown cause" : messages.join(" <- ")
}

/** @internal */
export interface ExchangeContext {
  readonly route: string
  readonly attempt: number
  /** Removes every secret that may be echoed in what this request's transport says. */
  readonly scrub: (text: string) => string
}

/** @internal */
export const transportError = (
  context: ExchangeContext,
  reason: GraphError.TransportReason,
  message: string,
  retryable: boolean,
  extra?: Partial<Pick<GraphError.GraphTransportError, "httpStatus" | "usage" | "retryAfter">>
) =>
  new GraphError.GraphTransportError({
    reason,
    message: context.scrub(message),
    retryable,
    route: context.route,
    attempts: context.attempt,
    ...(extra?.httpStatus !== undefined ? { httpStatus: extra.httpStatus } : {}),
    ...(extra?.usage !== undefined ? { usage: extra.usage } : {}),
    ...(extra?.retryAfter !== undefined ? { retryAfter: extra.retryAfter } : {})
  })

const fromHttpError = (context: ExchangeContext, error: HttpClientError.HttpClientError) =>
  transportError(
    context,
    "Network",
    error._tag === "RequestError"
      ? `The request to ${context.route} failed: ${describeCause(error.cause)}`
      : `Reading the response of ${context.route} failed: ${describeCause(error.cause)}`,
    true
  )

/**
 * Sends one attempt through `client`: `Exchange` or a `GraphTransportError` (`Network`, `Timeout`,
 * `TooLarge`). The timeout covers the headers and the body.
 *
 * @internal
 */
export const make = (
  client: HttpClient.HttpClient,
  options: { readonly timeout: Duration.Duration; readonly maxResponseBytes: number },
  scrubberFor: ScrubberFor
) => {
  const timeoutText = Duration.format(options.timeout)
  return (
    request: HttpClientRequest.HttpClientRequest,
    attempt: { readonly route: string; readonly attempt: number },
    clock?: Clock.Clock
  ): Effect.Effect<Exchange, GraphError.GraphTransportError> => {
    const context: ExchangeContext = { ...attempt, scrub: scrubberFor(undefined) }
    return client.execute(request).pipe(
      Effect.flatMap((response) => {
        const headers = response.headers
        return Effect.map(
          readText(response, options.maxResponseBytes, headers),
          (text): Exchange => ({ response, headers, text })
        )
      }),
      Effect.catchAll((error) =>
        error._tag === "BodyTooLarge"
          ? Effect.fail(transportError(
            context,
            "TooLarge",
            `The response of ${context.route} is larger than maxResponseBytes (${error.limit} bytes); ` +
              `reading stopped at ${error.seen} bytes.`,
            // The same request would get the same answer.
            false
          ))
          // The request as sent (with a timed proof, say) is what its transport may echo.
          : Effect.fail(fromHttpError({ ...context, scrub: scrubberFor(error.request) }, error))
      ),
      (attempt) =>
        timeoutFail(
          attempt,
          options.timeout,
          () => transportError(context, "Timeout", `${context.route} did not answer within ${timeoutText}.`, true),
          clock
        )
    )
  }
}
