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

const prefixOf = (settings: GraphConfig.Settings) => `${settings.baseUrl}/${settings.apiVersion}`

/**
 * Paths are relative to `baseUrl/apiVersion`.
 *
 * @internal
 */
export const withBaseUrl = (settings: GraphConfig.Settings) =>
  HttpClient.mapRequest(HttpClientRequest.prependUrl(prefixOf(settings)))

/**
 * `Authorization: Bearer` (never the token in the URL, where it would leak into logs and `paging.next`).
 *
 * @internal
 */
export const withBearerToken = (settings: GraphConfig.Settings) =>
  HttpClient.mapRequest(HttpClientRequest.bearerToken(settings.accessToken))

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
    case "Plain": {
      const proof = Redacted.value(source.proof)
      return HttpClient.mapRequest(client, HttpClientRequest.setUrlParam("appsecret_proof", proof))
    }
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

const headersOf = (settings: GraphConfig.Settings) => ({ accept: "application/json", "user-agent": settings.userAgent })

/**
 * `Accept: application/json` and a `User-Agent` that Meta's spec accepts.
 *
 * @internal
 */
export const withHeaders = (settings: GraphConfig.Settings) =>
  HttpClient.mapRequest((request) => HttpClientRequest.setHeaders(request, headersOf(settings)))

/**
 * Every step above as one: the base URL, the bearer token, a plain proof and the headers, added in a
 * single request step (each step of its own is a step of the effect per attempt, and a request copy).
 * The same request comes out as through the steps one by one; a timed proof stays a step of its own,
 * since it reads the clock on every attempt.
 *
 * @internal
 */
export const withGraphRequest =
  (settings: GraphConfig.Settings, source: ProofSource) => (client: HttpClient.HttpClient): HttpClient.HttpClient => {
    const prefix = prefixOf(settings)
    const headers = { authorization: `Bearer ${Redacted.value(settings.accessToken)}`, ...headersOf(settings) }
    const proof = source._tag === "Plain" ? Redacted.value(source.proof) : undefined
    const finished = HttpClient.mapRequest(client, (request) => {
      const located = HttpClientRequest.prependUrl(request, prefix)
      return HttpClientRequest.setHeaders(
        proof === undefined ? located : HttpClientRequest.setUrlParam(located, "appsecret_proof", proof),
        headers
      )
    })
    return source._tag === "Timed" ? withAppSecretProof(source)(finished) : finished
  }
