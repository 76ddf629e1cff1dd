/**
 * Batching under the client: the GETs a client sends at about the same time are gathered into `POST /`
 * batches of up to 50, and each caller gets back its own part of the answer as if it had come alone. The
 * client's steps above (governor, retry, interpretation, decoding, span) run per call, unchanged.
 *
 * @internal
 */
import * as Batch from "@effect-waba/graph-rules/batch"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberId from "effect/FiberId"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as GraphConfig from "../GraphConfig.js"
import * as GraphMetrics from "../GraphMetrics.js"
import { makeScrubber } from "../Redaction.js"
import * as Auth from "./client/auth.js"
import * as Exchange from "./client/exchange.js"

/** @internal */
export const maxSize = Batch.maxSize

// A turn of the event loop, for the calls other fibers are still preparing (a proof is signed
// asynchronously) to reach the transport. Outside Effect's clock on purpose: it measures no time, and a
// test clock must not hold it.
const turn = Effect.async<void>((resume) => {
  const timer = setTimeout(() => resume(Effect.void), 0)
  return Effect.sync(() => clearTimeout(timer))
})

// Some(response): the call's part of the answer; None: the call goes alone (Graph answered it `null`, or
// there was nothing to batch it with, or the batch's answer was too large to read).
type Outcome = Deferred.Deferred<Option.Option<HttpClientResponse.HttpClientResponse>, HttpClientError.HttpClientError>

interface Call {
  readonly request: HttpClientRequest.HttpClientRequest
  readonly outcome: Outcome
  readonly relativeUrl: string
}

// One part of the answer as a response to `request` (the call's own steps scrub it of the call's secrets);
// anything Graph would not send (headers `Response` refuses included) is no answer. The body is already in
// memory: its length goes with it, so that the call reads it whole instead of as a stream of chunks (which
// cost more than the rest of the call's steps together).
const part = (request: HttpClientRequest.HttpClientRequest, read: Batch.Part | undefined) =>
  Either.try(() => {
    if (read === undefined) throw new Error("not an answer")
    const body = read.body === null ? null : new TextEncoder().encode(read.body)
    const headers = new globalThis.Headers(read.headers as Array<[string, string]>)
    if (body !== null) headers.set("content-length", String(body.byteLength))
    return HttpClientResponse.fromWeb(request, new Response(body, { status: read.status, headers }))
  })

const failure = (call: Call, message: string) =>
  Deferred.fail(
    call.outcome,
    new HttpClientError.RequestError({ request: call.request, reason: "Transport", cause: new Error(message) })
  )

/**
 * Wraps a client's transport (below its steps) so that the GETs to `settings.baseUrl` it is given at about
 * the same time go in batches, sent in `scope`; at most `concurrency` round trips (batches, or calls sent
 * alone) are in flight at once.
 *
 * @internal
 */
export const make = (
  concurrency: number,
  scope: Scope.Scope
): Effect.Effect<(http: HttpClient.HttpClient, settings: GraphConfig.Settings) => HttpClient.HttpClient> =>
  Effect.map(Effect.makeSemaphore(concurrency), (permits) => (http, settings) => {
    const prefix = `${settings.baseUrl}/`
    let open: Array<Call> | undefined

    // The batch: the config's token and proof as form fields (a call with another token carries it in its
    // relative URL), the first call's other headers.
    const post = (calls: ReadonlyArray<Call>) =>
      Effect.map(
        Auth.authorize(settings)(HttpClientRequest.post(prefix)),
        ({ urlParams: proof }) =>
          HttpClientRequest.post(prefix, { headers: Headers.remove(calls[0]!.request.headers, "authorization") }).pipe(
            HttpClientRequest.bodyUrlParams(
              Batch.form(Redacted.value(settings.accessToken), proof, calls.map(({ relativeUrl }) => relativeUrl))
            )
          )
      )

    const send = (calls: ReadonlyArray<Call>): Effect.Effect<void> => {
      if (calls.length === 1) return Deferred.succeed(calls[0]!.outcome, Option.none())
      const secrets = calls.flatMap(({ request }) => [
        Batch.bearer(request.headers.authorization) ?? "",
        ...request.urlParams.filter(([key]) => key.startsWith("appsecret")).map(([, value]) => value)
      ])
      const scrub = makeScrubber([settings.accessToken, settings.appSecret, ...secrets])
      const route = `POST / (a batch of ${calls.length})`
      const deliver = (call: Call, entry: Batch.Part | null | undefined) => {
        if (entry === null) return Deferred.succeed(call.outcome, Option.none())
        const answer = part(call.request, entry)
        return Either.isRight(answer)
          ? Deferred.succeed(call.outcome, Option.some(answer.right))
          : failure(call, `${route} gave no readable answer for this call.`)
      }
      return Effect.flatMap(post(calls), (request) => Exchange.make(http, settings, () => scrub)(request, route, 1))
        .pipe(
          Effect.tap(({ status }) =>
            Effect.zipRight(
              Effect.annotateCurrentSpan("http.response.status_code", status),
              Metric.increment(Metric.tagged(GraphMetrics.batches, "status_class", GraphMetrics.statusClass(status)))
            )
          ),
          Effect.matchEffect({
            onFailure: (error) =>
              Effect.forEach(calls, (call) =>
                error.reason === "TooLarge"
                  ? Deferred.succeed(call.outcome, Option.none())
                  : failure(call, error.message), { discard: true }),
            onSuccess: (reply) => {
              const answers = Batch.answers(reply, calls.length, scrub)
              return Effect.forEach(calls, (call, i) => deliver(call, answers[i]), { discard: true })
            }
          }),
          Effect.withSpan("POST / (batch)", {
            kind: "client",
            captureStackTrace: false,
            attributes: { "http.request.method": "POST", "graph.batch.size": calls.length }
          })
        )
    }

    // The first call of a batch waits while other calls keep joining it (up to 50), then for a round trip
    // of its own.
    const lead = (calls: Array<Call>) =>
      Effect.gen(function*() {
        let seen = 0
        while (calls.length > seen && calls.length < maxSize) {
          seen = calls.length
          yield* turn
        }
        yield* permits.withPermits(1)(Effect.suspend(() => {
          if (open === calls) open = undefined
          return send(calls)
        }))
      }).pipe(
        // Whatever happened, no call is left waiting.
        Effect.onError(() => Effect.forEach(calls, (call) => failure(call, "The batch request failed.")))
      )

    return HttpClient.transform(http, (alone, request) => {
      if (request.method !== "GET" || !request.url.startsWith(prefix) || request.body._tag !== "Empty") return alone
      const query = UrlParams.toString(request.urlParams)
      const call: Call = {
        request,
        outcome: Deferred.unsafeMake(FiberId.none),
        relativeUrl: Batch.relativeUrl(
          request.url.slice(prefix.length),
          query,
          Batch.bearer(request.headers.authorization),
          Redacted.value(settings.accessToken)
        )
      }
      return Effect.suspend(() => {
        const joined = open
        if (joined !== undefined) joined.push(call)
        else open = [call]
        const calls = open!
        if (calls.length >= maxSize) open = undefined
        return Effect.zipRight(
          joined === undefined ? Effect.forkIn(lead(calls), scope) : Effect.void,
          Deferred.await(call.outcome)
        )
      }).pipe(
        Effect.flatMap(Option.match({ onNone: () => permits.withPermits(1)(alone), onSome: Effect.succeed }))
      )
    })
  })
