/**
 * The HTTP steps every request goes through, each an `HttpClient => HttpClient` that can be read and
 * tested alone: where the API lives, who we are, what we accept.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as AppSecretProof from "../../AppSecretProof.js"
import type * as GraphConfig from "../../GraphConfig.js"

/**
 * The platform's own span would record the full URL, `appsecret_proof` included: ours carries the
 * route template and the host instead.
 *
 * @internal
 */
export const withoutPlatformSpan: (client: HttpClient.HttpClient) => HttpClient.HttpClient = HttpClient
  .withTracerDisabledWhen(() => true)

type RequestStep = (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest

// Each step below is one of these request changes; `withGraphRequest` applies several in one step.
const locate = (settings: GraphConfig.Settings): RequestStep =>
  HttpClientRequest.prependUrl(`${settings.baseUrl}/${settings.apiVersion}`)
const authorize = (settings: GraphConfig.Settings): RequestStep => HttpClientRequest.bearerToken(settings.accessToken)
const plainProof = (proof: Redacted.Redacted<string>): RequestStep =>
  HttpClientRequest.setUrlParam("appsecret_proof", Redacted.value(proof))
const describe = (settings: GraphConfig.Settings): RequestStep =>
  HttpClientRequest.setHeaders({ accept: "application/json", "user-agent": settings.userAgent })

/**
 * Paths are relative to `baseUrl/apiVersion`.
 *
 * @internal
 */
export const withBaseUrl = (settings: GraphConfig.Settings) => HttpClient.mapRequest(locate(settings))

/**
 * `Authorization: Bearer` (never the token in the URL, where it would leak into logs and `paging.next`).
 *
 * @internal
 */
export const withBearerToken = (settings: GraphConfig.Settings) => HttpClient.mapRequest(authorize(settings))

/**
 * How `appsecret_proof` is added: the plain proof is computed once (it only depends on the token), the
 * timed one for every attempt, because Meta refuses it after five minutes.
 *
 * @internal
 */
export type ProofSource =
  | { readonly _tag: "None" }
  | { readonly _tag: "Plain"; readonly proof: Redacted.Redacted<string> }
  | {
    readonly _tag: "Timed"
    readonly accessToken: Redacted.Redacted<string>
    readonly appSecret: Redacted.Redacted<string>
  }

/** @internal */
export const proofSource = (settings: GraphConfig.Settings): Effect.Effect<ProofSource> =>
  Option.match(settings.appSecret, {
    onNone: () => Effect.succeed<ProofSource>({ _tag: "None" }),
    onSome: (appSecret) =>
      settings.appSecretProof === "timed"
        ? Effect.succeed<ProofSource>({ _tag: "Timed", accessToken: settings.accessToken, appSecret })
        : Effect.map(
          AppSecretProof.make(settings.accessToken, appSecret),
          (proof): ProofSource => ({ _tag: "Plain", proof })
        )
  })

/** @internal */
export const withAppSecretProof = (source: ProofSource) => (client: HttpClient.HttpClient): HttpClient.HttpClient => {
  switch (source._tag) {
    case "None":
      return client
    case "Plain":
      return HttpClient.mapRequest(client, plainProof(source.proof))
    case "Timed":
      return HttpClient.mapRequestEffect(client, (request) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const time = Math.floor(now / 1000)
          return Effect.map(
            AppSecretProof.makeTimed(source.accessToken, source.appSecret, time),
            (proof) =>
              HttpClientRequest.setUrlParams(request, [["appsecret_proof", Redacted.value(proof)], [
                "appsecret_time",
                String(time)
              ]])
          )
        }))
  }
}

/**
 * `Accept: application/json` and a `User-Agent` that Meta's spec accepts.
 *
 * @internal
 */
export const withHeaders = (settings: GraphConfig.Settings) => HttpClient.mapRequest(describe(settings))

/**
 * Every step above as one: the same request changes (base URL, bearer token, a plain proof, headers)
 * applied in a single step of the client, since each step of its own costs a step of the effect on every
 * attempt. A timed proof stays a step of its own, since it reads the clock on every attempt.
 *
 * @internal
 */
export const withGraphRequest =
  (settings: GraphConfig.Settings, source: ProofSource) => (client: HttpClient.HttpClient): HttpClient.HttpClient => {
    const steps = [
      locate(settings),
      authorize(settings),
      ...(source._tag === "Plain" ? [plainProof(source.proof)] : []),
      describe(settings)
    ]
    const finished = HttpClient.mapRequest(client, (request) => {
      let out = request
      for (const step of steps) out = step(out)
      return out
    })
    return source._tag === "Timed" ? withAppSecretProof(source)(finished) : finished
  }
