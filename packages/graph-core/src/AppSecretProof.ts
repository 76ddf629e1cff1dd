/**
 * `appsecret_proof`: the lower-case hex HMAC-SHA256 of the access token, keyed by the app secret. With
 * "Require App Secret" on, Meta refuses server calls without it.
 *
 * Computed with Web Crypto, so it runs wherever Effect does (Node, Deno, Bun, browsers, workers).
 *
 * @since 0.1.0
 */
import * as Proof from "@effect-waba/graph-rules/appSecretProof"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

/**
 * The lower-case hex HMAC-SHA256 of `message` keyed by `key`.
 *
 * @since 0.1.0
 * @category crypto
 */
export const hmacSha256Hex = (key: string, message: string): Effect.Effect<string> =>
  Effect.promise(() => Proof.hmacSha256Hex(key, message))

/**
 * The plain proof: HMAC-SHA256 of the token.
 *
 * @example
 * ```ts
 * import { AppSecretProof } from "@effect-waba/graph-core"
 * import { Effect, Redacted } from "effect"
 *
 * const proof = AppSecretProof.make(Redacted.make("token"), Redacted.make("secret"))
 * // Effect<Redacted<string>>: never printed, sent as the appsecret_proof query parameter
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  accessToken: Redacted.Redacted<string>,
  appSecret: Redacted.Redacted<string>
): Effect.Effect<Redacted.Redacted<string>> =>
  Effect.map(hmacSha256Hex(Redacted.value(appSecret), Proof.signed(Redacted.value(accessToken))), Redacted.make)

/**
 * The timed proof Meta also accepts: HMAC-SHA256 of `token|time`, sent together with
 * `appsecret_time=time` (unix seconds). Meta rejects it after five minutes, so compute it per request.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTimed = (
  accessToken: Redacted.Redacted<string>,
  appSecret: Redacted.Redacted<string>,
  unixSeconds: number
): Effect.Effect<Redacted.Redacted<string>> =>
  Effect.map(
    hmacSha256Hex(Redacted.value(appSecret), Proof.signed(Redacted.value(accessToken), unixSeconds)),
    Redacted.make
  )
