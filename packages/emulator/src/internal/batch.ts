/**
 * Batch requests as Graph serves them: `POST /` (or `/vNN.0/`) with a `batch` of up to 50 calls (form
 * body or query). Each call is answered by the emulator's own app as if it had come alone — logged (with
 * transport `batch`), numbered, met by the fault rules, with its own token (`access_token` in its
 * relative URL) or the batch's, and its own budget — all at once; the answer lists
 * `{ code, headers: [{ name, value }], body }` in request order, the body a JSON string. A call not
 * answered within {@link deadline} (a `slow` fault hits it) is `null`.
 *
 * @internal
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import * as GraphError from "./graphError.js"

/** How long a call of a batch may take before Graph gives up on it. @internal */
export const deadline = "10 seconds"

/** The most calls in one batch. @internal */
export const maxCalls = 50

const body = (response: HttpServerResponse.HttpServerResponse) =>
  response.body._tag === "Uint8Array"
    ? Effect.succeed(new TextDecoder().decode(response.body.body))
    : response.body._tag === "Stream"
    ? Effect.map(Stream.runCollect(response.body.stream), (chunks) => Buffer.concat(Chunk.toArray(chunks)).toString())
    : Effect.succeed("")

/**
 * The batch handler: each call through `app` (with transport `batch`), after the batch's own token is
 * checked by `authenticate`.
 *
 * @internal
 */
export const make = <R>(
  app: HttpApp.Default<never, R>,
  authenticate: (authorization: string | undefined, url: URL) => Either.Either<unknown, GraphError.GraphError>,
  inBatch: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const url = new URL(request.originalUrl, `http://${request.headers.host ?? "localhost"}`)
    const form = yield* Effect.orElseSucceed(request.urlParamsBody, () => UrlParams.empty)
    const params = new URLSearchParams([...url.searchParams, ...form.map(([name, value]) => [name, value])])
    // The batch's own token (and proof) authenticate the batch, and every call that brings none.
    const auth = new URL(url.origin)
    for (const name of ["access_token", "appsecret_proof", "appsecret_time"]) {
      const value = params.get(name)
      if (value !== null) auth.searchParams.set(name, value)
    }
    yield* authenticate(request.headers.authorization, auth)
    const calls = Either.getOrUndefined(Either.try(() => JSON.parse(params.get("batch") ?? "") as unknown))
    if (!Array.isArray(calls) || calls.length === 0) {
      return yield* GraphError.invalidParameter("The batch parameter must be a non-empty JSON array")
    }
    if (calls.length > maxCalls) {
      return yield* GraphError.invalidParameter(`Too many requests in batch message. Maximum batch size is ${maxCalls}`)
    }
    const withHeaders = params.get("include_headers") !== "false"

    const answer = (call: unknown) => {
      const { method = "GET", relative_url } = Predicate.isRecord(call) ? call : {}
      if (typeof relative_url !== "string" || typeof method !== "string") {
        const { error } = GraphError.invalidParameter("Missing relative_url")
        return Effect.succeed({ code: 400, body: JSON.stringify({ error }) })
      }
      const target = new URL(relative_url.replace(/^\/+/, ""), `${url.origin}/`)
      // A call without a token of its own is made with the batch's (and its proof, unless it has one).
      const headers: Record<string, string> = {}
      if (!target.searchParams.has("access_token")) {
        const token = auth.searchParams.get("access_token")
        const authorization = token === null ? request.headers.authorization : `Bearer ${token}`
        if (authorization !== undefined) headers.authorization = authorization
        if (!target.searchParams.has("appsecret_proof")) {
          for (const [name, value] of auth.searchParams) {
            if (name !== "access_token") target.searchParams.set(name, value)
          }
        }
      }
      const alone = HttpServerRequest.fromWeb(new Request(target, { method, headers }))
      return Effect.provideService(inBatch(app), HttpServerRequest.HttpServerRequest, alone).pipe(
        Effect.flatMap((response) =>
          Effect.map(body(response), (text) => ({
            code: response.status,
            ...(withHeaders
              ? { headers: Object.entries(response.headers).map(([name, value]) => ({ name, value })) }
              : {}),
            body: text
          }))
        ),
        Effect.timeout(deadline),
        // Not done in time, or cut off: Graph leaves the call out.
        Effect.option,
        Effect.map(Option.getOrNull)
      )
    }
    const answers = yield* Effect.forEach(calls, answer, { concurrency: "unbounded" })
    return HttpServerResponse.text(JSON.stringify(answers), { contentType: "application/json; charset=UTF-8" })
  })
