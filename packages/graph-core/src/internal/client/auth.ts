/**
 * Who a request is sent as: `GraphConfig`'s credentials, or inside a business scope that business's
 * (`GraphCredentials`); the token as a bearer header (never in the URL, where it would leak into logs and
 * `paging.next`) and, with an app secret, `appsecret_proof`; and the scrubber that keeps those secrets
 * out of whatever the answer to that request echoes.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as AppSecretProof from "../../AppSecretProof.js"
import type * as GraphConfig from "../../GraphConfig.js"
import * as GraphCredentials from "../../GraphCredentials.js"
import { makeScrubber, type Secret, secretParams } from "../../Redaction.js"

/** @internal */
export type Credentials = Pick<GraphConfig.Settings, "accessToken" | "appSecret" | "appSecretProof">

/**
 * Who one call is made as.
 *
 * @internal
 */
export interface Caller {
  readonly credentials: Credentials
  /** The business scope the call runs in, if any. */
  readonly businessId: string | undefined
}

/**
 * Who one call is made as, resolved once for all its attempts: inside a business scope, that business's
 * credentials from the `GraphCredentials` around the call, else from the one the client was built with;
 * otherwise, or without either, the config's.
 *
 * @internal
 */
export const resolve = (
  settings: GraphConfig.Settings,
  built: Option.Option<GraphCredentials.Service>
): Effect.Effect<Caller, GraphCredentials.GraphCredentialsError> =>
  Effect.gen(function*() {
    const businessId = Option.getOrUndefined(yield* GraphCredentials.currentBusiness)
    const source = Option.orElse(yield* Effect.serviceOption(GraphCredentials.GraphCredentials), () => built)
    if (businessId === undefined || Option.isNone(source)) return { credentials: settings, businessId }
    const { accessToken, appSecret, appSecretProof } = yield* source.value.get(businessId)
    return {
      credentials: {
        accessToken,
        appSecret: Option.orElse(Option.fromNullable(appSecret), () => settings.appSecret),
        appSecretProof: appSecretProof ?? settings.appSecretProof
      },
      businessId
    }
  })

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
 * Removes the token, the app secret, the caller's own secret parameters (`others`) and every secret
 * parameter `request` carried (as sent, when known: the proof) from text.
 *
 * @internal
 */
export const scrubberFor =
  (credentials: Credentials, others: ReadonlyArray<Secret> = []) => (request?: HttpClientRequest.HttpClientRequest) =>
    makeScrubber([
      credentials.accessToken,
      credentials.appSecret,
      ...others,
      ...(request === undefined ? [] : request.urlParams.filter(([key]) => secretParams.has(key)).map(([, v]) => v))
    ])
