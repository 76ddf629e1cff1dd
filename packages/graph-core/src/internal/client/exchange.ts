/**
 * One HTTP attempt: send the request, read the body within the size limit, all within the timeout.
 * Every way that can fail becomes a `GraphTransportError`, with a message scrubbed of secrets.
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import type * as GraphConfig from "../../GraphConfig.js"
import type * as GraphError from "../../GraphError.js"
import { transportError } from "./interpret.js"

// The body as UTF-8 text, counted on the bytes the transport hands over (after any decompression it does)
// while they stream in: reading stops at the first chunk past the limit, so a huge or endless body costs
// at most the limit in memory. An uncompressed body that declares its length is refused on that length
// before a byte is read, or read whole: HTTP framing keeps the transport to the declared length.
const readText = <E>(
  response: HttpClientResponse.HttpClientResponse,
  headers: Headers.Headers,
  limit: number,
  tooLarge: (seen: number) => E
) => {
  const { "content-encoding": encoding = "identity", "content-length": length = "" } = headers
  if (encoding.trim().toLowerCase() === "identity" && /^\d+$/.test(length)) {
    return Number(length) > limit ? Effect.fail(tooLarge(Number(length))) : response.text
  }
  const decoder = new TextDecoder()
  // A body the platform calls empty (no stream at all) reads as "".
  const body = Stream.catchAll(
    response.stream,
    (error) => error.reason === "EmptyBody" ? Stream.empty : Stream.fail(error)
  )
  return Stream.runFoldWhile(
    body,
    { seen: 0, text: "" },
    (read) => read.seen <= limit,
    (read, chunk) => ({ seen: read.seen + chunk.byteLength, text: read.text + decoder.decode(chunk, { stream: true }) })
  ).pipe(
    Effect.filterOrFail((read) => read.seen <= limit, (read) => tooLarge(read.seen)),
    Effect.map((read) => read.text + decoder.decode())
  )
}

// fetch wraps what went wrong ("other side closed") in "fetch failed": say both. Only used after scrubbing.
const describeCause = (cause: unknown): string =>
  [cause, Predicate.hasProperty(cause, "cause") ? cause.cause : undefined]
    .filter((error) => error != null)
    .map((error) => String(Predicate.hasProperty(error, "message") ? error.message : error).slice(0, 300))
    .join(" <- ")

/**
 * Sends one attempt through `client`: the answer and the request as sent, or a `GraphTransportError`
 * (`Network`, `Timeout`, `TooLarge`). The timeout covers the headers and the body.
 *
 * @internal
 */
export const make = (
  client: HttpClient.HttpClient,
  settings: GraphConfig.Settings,
  // Removes the secrets a request (as sent, when known) may have its transport echo.
  scrubberFor: (request?: HttpClientRequest.HttpClientRequest) => (text: string) => string
) =>
(request: HttpClientRequest.HttpClientRequest, route: string, attempt: number) => {
  const fail = (reason: GraphError.TransportReason, message: string, sent?: HttpClientRequest.HttpClientRequest) =>
    // The same request would get the same too large answer.
    transportError({ route, attempt, scrub: scrubberFor(sent) }, reason, message, reason !== "TooLarge")
  const tooLarge = (seen: number) =>
    fail(
      "TooLarge",
      `The response of ${route} is larger than maxResponseBytes (${settings.maxResponseBytes} bytes); reading stopped at ${seen} bytes.`
    )
  return client.execute(request).pipe(
    Effect.flatMap((response) => {
      // The platform builds them afresh on every read.
      const headers = response.headers
      return Effect.map(
        readText(response, headers, settings.maxResponseBytes, tooLarge),
        (text) => ({ status: response.status, headers, text, request: response.request })
      )
    }),
    Effect.catchTags({
      RequestError: (error) =>
        Effect.fail(fail("Network", `The request to ${route} failed: ${describeCause(error.cause)}`, error.request)),
      ResponseError: (error) =>
        Effect.fail(
          fail("Network", `Reading the response of ${route} failed: ${describeCause(error.cause)}`, error.request)
        )
    }),
    Effect.timeoutFail({
      duration: settings.timeout,
      onTimeout: () => fail("Timeout", `${route} did not answer within ${Duration.format(settings.timeout)}.`)
    })
  )
}
