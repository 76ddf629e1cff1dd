/**
 * Reading a response body within a size limit, counted on the bytes the transport hands over (after
 * any decompression it does), while they stream in: reading stops at the first chunk past the limit,
 * so a huge or endless body costs at most the limit in memory. An uncompressed body that declares its
 * length is checked against the limit before reading, and then read whole: HTTP framing keeps the
 * transport to the declared length.
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** @internal */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{
  /** Bytes seen when reading stopped (or the declared `content-length`). */
  readonly seen: number
  readonly limit: number
}> {}

interface Reading {
  bytes: number
  readonly parts: Array<string>
  readonly decoder: TextDecoder
}

const declaredLength = (headers: Headers.Headers): number | undefined => {
  const encoding = headers["content-encoding"]
  // A compressed body's declared length says nothing about its size once decompressed.
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") return undefined
  const raw = headers["content-length"]
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined
  return Number(raw.trim())
}

/**
 * The body as text (UTF-8), or `BodyTooLarge` as soon as more than `limit` bytes have arrived.
 *
 * @internal
 */
export const readText = (
  response: HttpClientResponse.HttpClientResponse,
  limit: number,
  // The platform builds its headers afresh on every read of `response.headers`: callers pass them once.
  headers: Headers.Headers = response.headers
): Effect.Effect<string, BodyTooLarge | HttpClientError.ResponseError> => {
  const declared = declaredLength(headers)
  // Announced as too large: refuse before reading a byte.
  if (declared !== undefined && declared > limit) return Effect.fail(new BodyTooLarge({ seen: declared, limit }))
  // Announced within the limit, uncompressed: HTTP framing stops the transport at the declared length,
  // so the body cannot outgrow it, and reading it whole is as safe as counting it and much cheaper.
  if (declared !== undefined) return response.text
  return Stream.runFoldWhile(
    response.stream,
    { bytes: 0, parts: [], decoder: new TextDecoder() } as Reading,
    (reading) => reading.bytes <= limit,
    (reading, chunk) => {
      reading.bytes += chunk.byteLength
      if (reading.bytes <= limit) reading.parts.push(reading.decoder.decode(chunk, { stream: true }))
      return reading
    }
  ).pipe(
    Effect.flatMap((reading) => {
      if (reading.bytes > limit) return Effect.fail(new BodyTooLarge({ seen: reading.bytes, limit }))
      reading.parts.push(reading.decoder.decode())
      return Effect.succeed(reading.parts.length === 1 ? reading.parts[0]! : reading.parts.join(""))
    }),
    Effect.catchIf(
      (error): error is HttpClientError.ResponseError => error._tag === "ResponseError" && error.reason === "EmptyBody",
      () => Effect.succeed("")
    )
  )
}
