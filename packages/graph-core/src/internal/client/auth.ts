/**
 * Who a request is sent as: the token as a bearer header (never in the URL, where it would leak into
 * logs and `paging.next`) and, with an app secret, `appsecret_proof`; and the scrubber that keeps those
 * secrets out of whatever the answer to that request echoes.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as AppSecretProof from "../../AppSecretProof.js"
import type * as GraphConfig from "../../GraphConfig.js"
import { makeScrubber } from "../../Redaction.js"

/** @internal */
export type Credentials = Pick<GraphConfig.Settings, "accessToken" | "appSecret" | "appSecretProof">

// A timed proof is signed for each attempt at its own time: Meta refuses it after five minutes.
const proof = ({ accessToken, appSecret, appSecretProof }: Credentials) =>
  Option.match(appSecret, {
    onNone: () => Effect.succeed<Array<[string, string]>>([]),
    onSome: (secret) =>
      appSecretProof === "plain"
        ? Effect.map(AppSecretProof.make(accessToken, secret), (proof) => [["appsecret_proof", Redacted.value(proof)]])
        : Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const time = Math.floor(now / 1000)
          return Effect.map(AppSecretProof.makeTimed(accessToken, secret, time), (proof) => [
            ["appsecret_proof", Redacted.value(proof)],
            ["appsecret_time", String(time)]
          ])
        })
  })

/**
 * The request sent as `credentials`.
 *
 * @internal
 */
export const authorize = (credentials: Credentials) =>
(
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<HttpClientRequest.HttpClientRequest> =>
  Effect.map(proof(credentials), (params) =>
    request.pipe(
      HttpClientRequest.bearerToken(credentials.accessToken),
      HttpClientRequest.appendUrlParams(params)
    ))

/**
 * Removes the token, the app secret and the proof `request` carried (as sent, when known) from text.
 *
 * @internal
 */
export const scrubberFor = (credentials: Credentials) => (request?: HttpClientRequest.HttpClientRequest) =>
  makeScrubber([
    credentials.accessToken,
    credentials.appSecret,
    ...(request === undefined ? [] : Option.toArray(UrlParams.getFirst(request.urlParams, "appsecret_proof")))
  ])
