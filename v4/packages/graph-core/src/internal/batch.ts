/**
 * Batching under the client, as on the Effect 3 line: the GETs a client sends at about the same time are
 * gathered into `POST /` batches of up to 50, and each caller gets back its own part of the answer as if it
 * had come alone. The client's steps above (credentials, retry, interpretation, decoding, span) run per
 * call, unchanged; the batch format and how its answer splits are the shared rules'.
 *
 * @internal
 */
import * as Batch from "@effect-waba/graph-rules/batch"
import { scrubberOf, secretParams } from "@effect-waba/graph-rules/redaction"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as UrlParams from "effect/http/UrlParams"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import type * as GraphClient from "../GraphClient.js"
import { describeCause, proof, readText } from "./exchange.js"

// A turn of the event loop, for the calls other fibers are still preparing (a proof is signed
// asynchronously) to reach the transport. Outside Effect's clock on purpose: it measures no time, and a
// test clock must not hold it.
const turn = Effect.callback<void>((resume) => {
  const timer = setTimeout(() => resume(Effect.void), 0)
  return Effect.sync(() => clearTimeout(timer))
})

// Some(response): the call's part of the answer; None: the call goes alone (Graph left it out, there was
// nothing to batch it with, or the batch's answer was too large to read).
type Outcome = Deferred.Deferred<Option.Option<HttpClientResponse.HttpClientResponse>, HttpClientError.HttpClientError>

interface Call {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly outcome: Outcome
  readonly relativeUrl: string
}

// What the batch's round trip came to.
type Trip =
  | { readonly _tag: "Reply"; readonly status: number; readonly headers: Headers.Headers; readonly text: string }
  | { readonly _tag: "TooLarge" }
  | { readonly _tag: "Lost"; readonly message: string }

// A part as the response to the call's request; anything `Response` refuses is no answer.
const responseOf = (request: HttpClientRequest.HttpClientRequest, part: Batch.Part | undefined) =>
  part === undefined ? Result.failVoid : Result.try(() =>
    HttpClientResponse.fromWeb(
      request,
      new Response(part.body, { status: part.status, headers: part.headers as Array<[string, string]> })
    )
  )

// The call's step above reads this as a transport failure of its own, and retries it as such.
const failure = (call: Call, message: string) =>
  Deferred.fail(
    call.outcome,
    new HttpClientError.HttpClientError({
      reason: new HttpClientError.TransportError({ request: call.request, cause: new Error(message) })
    })
  )

const secretsOf = (request: HttpClientRequest.HttpClientRequest) => [
  Batch.bearer(request.headers.authorization) ?? "",
  ...request.urlParams.params.flatMap(([key, value]) =>
    secretParams.has(key) ? [Redacted.isRedacted(value) ? String(Redacted.value(value)) : value] : []
  )
]

/**
 * A transport that sends the GETs to `settings.baseUrl` it is given at about the same time in batches,
 * forked in `scope`; at most `concurrency` round trips (batches, or calls sent alone) are in flight at once.
 *
 * @internal
 */
export const make = (concurrency: number, scope: Scope.Scope): Effect.Effect<GraphClient.Transport> =>
  Effect.map(Semaphore.make(concurrency), (permits) => (http, settings) => {
    const prefix = `${settings.baseUrl}/`
    const token = Redacted.value(settings.accessToken)
    const secret = Option.getOrUndefined(Option.map(settings.appSecret, Redacted.value))
    let open: Array<Call> | undefined

    // The batch goes as the config's token and proof (form fields); a call with another token carries it
    // in its relative URL. The other headers are the first call's.
    const send = (calls: ReadonlyArray<Call>) =>
      Effect.gen(function*() {
        const params = yield* proof(token, secret, settings.appSecretProof)
        const scrub = scrubberOf(
          [
            token,
            secret ?? "",
            ...params.map(([, value]) => value),
            ...calls.flatMap(({ request }) => secretsOf(request))
          ]
            .filter((value) => value !== "")
        )
        const route = `POST / (a batch of ${calls.length})`
        const request = HttpClientRequest.post(prefix, {
          headers: Headers.remove(calls[0]!.request.headers, "authorization")
        }).pipe(HttpClientRequest.bodyUrlParams(Batch.form(token, params, calls.map((call) => call.relativeUrl))))
        const trip: Trip = yield* http.execute(request).pipe(
          Effect.flatMap((response) =>
            Effect.map(readText(response.stream, settings.maxResponseBytes), ({ seen, text }): Trip =>
              seen > settings.maxResponseBytes
                ? { _tag: "TooLarge" }
                : { _tag: "Reply", status: response.status, headers: response.headers, text })
          ),
          Effect.catch((error) =>
            Effect.succeed<Trip>({
              _tag: "Lost",
              message: `${route} failed: ${describeCause(error.reason.cause ?? error)}`
            })
          ),
          // Credentials go to the configured origin only.
          Effect.provideService(FetchHttpClient.RequestInit, { redirect: "manual" }),
          Effect.timeoutOrElse({
            duration: settings.timeout,
            orElse: () =>
              Effect.succeed<Trip>({
                _tag: "Lost",
                message: `${route} did not answer within ${Duration.format(settings.timeout)}.`
              })
          })
        )
        if (trip._tag === "Reply") {
          yield* Effect.annotateCurrentSpan("http.response.status_code", trip.status)
        }
        const parts = trip._tag === "Reply" ? Batch.answers(trip, calls.length, scrub) : []
        yield* Effect.forEach(calls, (call, i) => {
          // Too large to read as one: each call goes again alone (its own answer may fit).
          if (trip._tag === "TooLarge") {
            return Deferred.succeed(call.outcome, Option.none())
          }
          if (trip._tag === "Lost") {
            return failure(call, scrub(trip.message))
          }
          const part = parts[i]
          if (part === null) {
            return Deferred.succeed(call.outcome, Option.none())
          }
          const response = responseOf(call.request, part)
          return Result.isSuccess(response)
            ? Deferred.succeed(call.outcome, Option.some(response.success))
            : failure(call, `${route} gave no readable answer for this call.`)
        }, { discard: true })
      }).pipe(
        Effect.withSpan("POST / (batch)", {
          kind: "client",
          attributes: { "http.request.method": "POST", "graph.batch.size": calls.length }
        })
      )

    // The first call of a batch waits while other calls keep joining it (up to 50), then for a round trip
    // of its own; a call alone goes as the plain GET it is.
    const lead = (calls: Array<Call>) =>
      Effect.gen(function*() {
        let seen = 0
        while (calls.length > seen && calls.length < Batch.maxSize) {
          seen = calls.length
          yield* turn
        }
        yield* permits.withPermits(1)(Effect.suspend(() => {
          if (open === calls) open = undefined
          return calls.length === 1 ? Deferred.succeed(calls[0]!.outcome, Option.none()) : send(calls)
        }))
      }).pipe(
        // Whatever happened, no call is left waiting.
        Effect.onError(() => Effect.forEach(calls, (call) => failure(call, "The batch request failed.")))
      )

    return HttpClient.transform(http, (alone, request) => {
      if (request.method !== "GET" || !request.url.startsWith(prefix) || request.body._tag !== "Empty") return alone
      const call: Call = {
        request,
        outcome: Deferred.makeUnsafe(),
        relativeUrl: Batch.relativeUrl(
          request.url.slice(prefix.length),
          UrlParams.toString(request.urlParams),
          Batch.bearer(request.headers.authorization),
          token
        )
      }
      return Effect.suspend(() => {
        const joined = open
        if (joined !== undefined) joined.push(call)
        else open = [call]
        const calls = open!
        if (calls.length >= Batch.maxSize) open = undefined
        return Effect.andThen(
          joined === undefined ? Effect.asVoid(lead(calls).pipe(Effect.forkIn(scope))) : Effect.void,
          Deferred.await(call.outcome)
        )
      }).pipe(
        Effect.flatMap(Option.match({ onNone: () => permits.withPermits(1)(alone), onSome: Effect.succeed }))
      )
    })
  })
