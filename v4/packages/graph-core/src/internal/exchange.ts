/**
 * What one HTTP exchange with Graph needs, for a call alone and for a batch: the `appsecret_proof` of a
 * token, the answer's body read within a size, and why a request failed.
 *
 * @internal
 */
import { hmacSha256Hex, signed } from "@effect-waba/graph-rules/appSecretProof"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as GraphConfig from "../GraphConfig.js"

/**
 * The proof of `token` signed with the app secret, none without one. A timed proof is signed for each
 * attempt at its own time: Meta refuses it after five minutes.
 *
 * @internal
 */
export const proof = (token: string, secret: string | undefined, mode: GraphConfig.AppSecretProofMode) =>
  Effect.gen(function*() {
    if (secret === undefined) return []
    if (mode === "plain") {
      return [[
        "appsecret_proof",
        yield* Effect.promise(() => hmacSha256Hex(secret, token))
      ]] as const
    }
    const time = Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const value = yield* Effect.promise(() => hmacSha256Hex(secret, signed(token, time)))
    return [["appsecret_proof", value], ["appsecret_time", String(time)]] as const
  })

/**
 * The body, read no further than one byte past `limit`: `seen` is how many bytes were read, `text` what
 * they say when within the limit. A body-less answer is an empty text.
 *
 * @internal
 */
export const readText = <E extends { readonly reason: { readonly _tag: string } }>(
  stream: Stream.Stream<Uint8Array, E>,
  limit: number
) =>
  Effect.suspend(() => {
    const decoder = new TextDecoder()
    let seen = 0
    let text = ""
    const within = (chunk: Uint8Array) => {
      seen += chunk.byteLength
      if (seen <= limit) text += decoder.decode(chunk, { stream: true })
      return seen <= limit
    }
    return Stream.runDrain(Stream.takeWhile(stream, within)).pipe(
      Effect.catchIf((error) => error.reason._tag === "EmptyBodyError", () => Effect.void),
      Effect.map(() => ({ seen, text: text + decoder.decode() }))
    )
  })

/**
 * What went wrong, and what that wrapped ("fetch failed" <- "other side closed"); only used after scrubbing.
 *
 * @internal
 */
export const describeCause = (cause: unknown): string =>
  [cause, typeof cause === "object" && cause !== null && "cause" in cause ? cause.cause : undefined]
    .filter((error) => error != null)
    .map((error) => String(typeof error === "object" && "message" in error ? error.message : error).slice(0, 300))
    .join(" <- ")
