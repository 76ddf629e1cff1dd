/**
 * One HTTP attempt: send the request, read the body within the size limit, all within the timeout.
 * Every way that can fail becomes a `GraphTransportError`, with a message scrubbed of secrets.
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import type * as GraphConfig from "../../GraphConfig.js"
import type * as GraphError from "../../GraphError.js"
import { type Reply, transportError } from "./interpret.js"

class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{ readonly seen: number; readonly limit: number }> {}

// A compressed body's declared length says nothing about its size once decompressed.
const declaredLength = (headers: Headers.Headers): number | undefined => {
  const encoding = headers["content-encoding"]?.trim().toLowerCase()
  const length = headers["content-length"]?.trim()
  return (encoding === undefined || encoding === "identity") && length !== undefined && /^\d+$/.test(length)
    ? Number(length)
    : undefined
}

// The body as UTF-8 text, counted on the bytes the transport hands over (after any decompression it does)
// while they stream in: reading stops at the first chunk past the limit, so a huge or endless body costs
// at most the limit in memory. A body declared too large is refused before a byte is read.
const readText = (response: HttpClientResponse.HttpClientResponse, limit: number) => {
  const declared = declaredLength(response.headers)
  if (declared !== undefined && declared > limit) return Effect.fail(new BodyTooLarge({ seen: declared, limit }))
  return Effect.suspend(() => {
    const decoder = new TextDecoder()
    return Stream.runFoldWhile(
      response.stream,
      { seen: 0, text: "" },
      (read) => read.seen <= limit,
      (read, chunk) => ({
        seen: read.seen + chunk.byteLength,
        text: read.text + decoder.decode(chunk, { stream: true })
      })
    ).pipe(
      Effect.flatMap((read) =>
        read.seen > limit
          ? Effect.fail(new BodyTooLarge({ seen: read.seen, limit }))
          : Effect.succeed(read.text + decoder.decode())
      )
    )
  }).pipe(
    Effect.catchIf(
      (error): error is HttpClientError.ResponseError => error._tag === "ResponseError" && error.reason === "EmptyBody",
      () => Effect.succeed("")
    )
  )
}

// The first messages in an error's cause chain that say something (fetch wraps "other side closed" in
// "fetch failed"). Only used after scrubbing.
const describeCause = (cause: unknown): string => {
  const messages: Array<string> = []
  for (let current = cause, depth = 0; current != null && depth < 5; depth++) {
    const message = Predicate.hasProperty(current, "message") ? String(current.message) : String(current)
    const code = Predicate.hasProperty(current, "code") && Predicate.isString(current.code)
      ? `${current.code.slice(0, 40)}: `
      : ""
    if (message !== "") messages.push(`${code}${message.slice(0, 300)}`)
    current = Predicate.hasProperty(current, "cause") ? current.cause : undefined
  }
  return messages.length === 0 ? "unknown cause" : messages.join(" <- ")
}

/**
 * Sends one attempt through `client`: the answer as sent, or a `GraphTransportError` (`Network`,
 * `Timeout`, `TooLarge`). The timeout covers the headers and the body.
 *
 * @internal
 */
export const make = (
  client: HttpClient.HttpClient,
  settings: GraphConfig.Settings,
  // Removes the secrets a request (as sent, when known) may have its transport echo.
  scrubberFor: (request?: HttpClientRequest.HttpClientRequest) => (text: string) => string
) =>
(
  request: HttpClientRequest.HttpClientRequest,
  route: string,
  attempt: number
): Effect.Effect<Reply & { readonly request: HttpClientRequest.HttpClientRequest }, GraphError.GraphTransportError> => {
  const context = (sent?: HttpClientRequest.HttpClientRequest) => ({ route, attempt, scrub: scrubberFor(sent) })
  return client.execute(request).pipe(
    Effect.flatMap((response) =>
      Effect.map(readText(response, settings.maxResponseBytes), (text) => ({
        status: response.status,
        headers: response.headers,
        text,
        request: response.request
      }))
    ),
    Effect.mapError((error) =>
      error._tag === "BodyTooLarge"
        ? transportError(
          context(),
          "TooLarge",
          `The response of ${route} is larger than maxResponseBytes (${error.limit} bytes); ` +
            `reading stopped at ${error.seen} bytes.`,
          // The same request would get the same answer.
          false
        )
        : transportError(
          context(error.request),
          "Network",
          `${error._tag === "RequestError" ? "The request to" : "Reading the response of"} ${route} failed: ${
            describeCause(error.cause)
          }`,
          true
        )
    ),
    Effect.timeoutFail({
      duration: settings.timeout,
      onTimeout: () =>
        transportError(
          context(),
          "Timeout",
          `${route} did not answer within ${Duration.format(settings.timeout)}.`,
          true
        )
    })
  )
}
