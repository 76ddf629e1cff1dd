/**
 * Batch requests on the Effect 4 line, against the emulator on loopback: up to 50 reads in one `POST /`,
 * each answered, decoded and failed as if it had come alone; a transient item retried, an item Graph left
 * out sent again alone, a batch too large to read split, a lost batch failing each call retryably; each
 * business's own token in its item, the batch's token in the form, no token in any error.
 */
import { defaultAppSecret, defaultToken } from "@effect-waba/emulator/Emulator"
import { type RunningEmulator, startEmulator, type StartOptions } from "@effect-waba/emulator/PromiseApi"
import { GraphBatch, GraphClient, GraphConfig, GraphCredentials } from "@effect-waba/graph-core"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Result from "effect/Result"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { inspect } from "node:util"
import { describe, expect, it } from "vitest"

const Named = Schema.Struct({ id: Schema.String, name: Schema.String })
const node = (id: string) => ({ route: "/{id}", params: { id }, query: { fields: "id,name" }, schema: Named })
const read = (id: string) => Effect.flatMap(Effect.service(GraphClient.GraphClient), (client) => client.get(node(id)))

interface Batch {
  readonly url: string
  readonly authorization: string | undefined
  readonly form: URLSearchParams
  readonly calls: ReadonlyArray<{ readonly method: string; readonly relative_url: string }>
}

// The batches as sent (form decoded); `answer` may change what the emulator answered a batch.
const transport = (
  batches: Array<Batch>,
  answer: (batch: Batch, entries: Array<unknown>) => Array<unknown> = (_, entries) => entries
) =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(Effect.service(HttpClient.HttpClient), (http) =>
      HttpClient.transform(http, (response, request: HttpClientRequest.HttpClientRequest) => {
        if (request.method !== "POST") {
          return response
        }
        const form = new URLSearchParams(
          request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
        )
        const batch: Batch = {
          url: request.url + (request.urlParams.params.length > 0 ? "?…" : ""),
          authorization: request.headers.authorization,
          form,
          calls: JSON.parse(form.get("batch") ?? "[]")
        }
        batches.push(batch)
        return Effect.flatMap(response, (sent) =>
          sent.status !== 200 ? Effect.succeed(sent) : Effect.map(sent.text, (text) =>
            HttpClientResponse.fromWeb(
              request,
              new Response(JSON.stringify(answer(batch, JSON.parse(text))), { status: 200, headers: sent.headers })
            )))
      }))
  ).pipe(Layer.provide(FetchHttpClient.layer))

const withEmulator = async <A, E>(
  options: StartOptions,
  body: (emulator: RunningEmulator) => Effect.Effect<A, E, GraphClient.GraphClient>,
  config: Partial<GraphConfig.Options> = {},
  http: Layer.Layer<HttpClient.HttpClient> = FetchHttpClient.layer
) => {
  const emulator = await startEmulator({ host: "127.0.0.1", rateLimit: false, ...options })
  try {
    return await Effect.runPromiseExit(Effect.provide(
      body(emulator),
      GraphClient.layer.pipe(
        Layer.provide(GraphConfig.layer({
          accessToken: defaultToken,
          appSecret: defaultAppSecret,
          baseUrl: emulator.url,
          retry: { baseDelay: "1 millis", jitter: false },
          ...config
        })),
        Layer.provide(http)
      )
    ))
  } finally {
    await emulator.stop()
  }
}

const value = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
  return exit.value
}

const rendered = (value: unknown) => [JSON.stringify(value), String(value), inspect(value, { depth: 5 })].join("\n")

const trips = (emulator: RunningEmulator) =>
  emulator.requests().filter((entry) => entry.transport !== "batch").map((entry) => `${entry.method} ${entry.path}`)

describe("GraphBatch (Effect 4)", () => {
  it("120 reads go in 3 batches of at most 50, each decoded in its place; the token only in the form", async () => {
    const batches: Array<Batch> = []
    const exit = await withEmulator(
      { businesses: 120, requireAppSecretProof: true },
      (emulator) =>
        Effect.gen(function*() {
          const ids = emulator.businessIds
          const results = yield* GraphBatch.get(ids.map(node))
          expect(results.map((result) => Result.getOrThrow(result).body.id)).toEqual(ids)
          expect(results.every((result) => Result.getOrThrow(result).attempts === 1)).toBe(true)
          // Three batches (two of 50); a call still signing its proof when its batch left may make a fourth trip.
          const log = emulator.requests()
          expect(log.filter((entry) => entry.transport !== "batch").length).toBeLessThanOrEqual(4)
          expect(log.filter((entry) => entry.method === "GET")).toHaveLength(120)
        }),
      {},
      transport(batches)
    )
    value(exit)
    expect(Math.max(...batches.map((batch) => batch.calls.length))).toBe(50)
    expect(batches.length).toBeGreaterThanOrEqual(3)
    for (const batch of batches) {
      // Not in the URL, not as a header: a form field of the body.
      expect(batch.url.endsWith("/") && !batch.url.includes("?")).toBe(true)
      expect(batch.authorization).toBeUndefined()
      expect(batch.form.get("access_token")).toBe(defaultToken)
      expect(batch.form.get("appsecret_proof")).toMatch(/^[0-9a-f]{64}$/)
      expect(batch.form.get("include_headers")).toBe("true")
      for (const call of batch.calls) {
        expect(call.method).toBe("GET")
        const url = new URL(call.relative_url, "https://graph.facebook.com/")
        expect(url.pathname).toMatch(/^\/v\d+\.\d+\/\d+$/)
        expect(url.searchParams.get("fields")).toBe("id,name")
        // The config's token is the batch's: no call repeats it; each carries its proof.
        expect(url.searchParams.has("access_token")).toBe(false)
        expect(url.searchParams.get("appsecret_proof")).toMatch(/^[0-9a-f]{64}$/)
      }
    }
  })

  it("per item: a typed failure, a transient error retried, an item Graph left out sent again alone", async () => {
    const batches: Array<Batch> = []
    let left: string | undefined
    // Graph leaves out the third call of the first batch (not done in time).
    const answer = (batch: Batch, entries: Array<unknown>) => {
      if (batches.length > 1) return entries
      left = batch.calls[2]!.relative_url.split(/[/?]/)[1]
      return entries.map((entry, i) => i === 2 ? null : entry)
    }
    const exit = await withEmulator(
      // Request 1 is the batch; request 3 its second call.
      { businesses: 6, faults: [{ kind: "graphError", code: "transient", when: { requests: [3] } }] },
      (emulator) =>
        Effect.gen(function*() {
          const ids = [...emulator.businessIds, "999999999999999"]
          const results = yield* GraphBatch.get(ids.map(node))
          const transient = emulator.requests().find((entry) => entry.fault === "graphError")!.path.split("/").pop()
          const byId = new Map(ids.map((id, i) => [id, results[i]!]))
          const unknown = byId.get("999999999999999")!
          expect(Result.isFailure(unknown) && unknown.failure).toMatchObject({
            _tag: "GraphNotFoundError",
            code: 100,
            subcode: 33,
            attempts: 1,
            route: "/{id}"
          })
          expect(Result.getOrThrow(byId.get(transient!)!)).toMatchObject({ body: { id: transient }, attempts: 2 })
          expect(Result.getOrThrow(byId.get(left!)!)).toMatchObject({ body: { id: left }, attempts: 1 })
          for (const id of emulator.businessIds) expect(Result.getOrThrow(byId.get(id)!).body.id).toBe(id)
          // One batch; then the item left out, at once, and the transient one's retry, each alone.
          expect(trips(emulator).sort()).toEqual([`GET /v27.0/${left}`, `GET /v27.0/${transient}`, "POST /"].sort())
          expect(left).not.toBe(transient)
        }),
      // Without a proof to sign, every call reaches the transport at once: one batch, whatever the load.
      { appSecret: undefined },
      transport(batches, answer)
    )
    value(exit)
  })

  it("a batch refused as a whole is each call's answer, retried; a lost batch fails each call, retryably", async () => {
    const refused = await withEmulator(
      { businesses: 4, faults: [{ kind: "httpError", status: 503, when: { requests: [1] } }] },
      (emulator) =>
        Effect.gen(function*() {
          const results = yield* GraphBatch.get(emulator.businessIds.map(node))
          expect(results.map((result) => Result.getOrThrow(result).attempts)).toEqual([2, 2, 2, 2])
          expect(trips(emulator)).toEqual(["POST /", "POST /"])
        }),
      { appSecret: undefined }
    )
    value(refused)
    const lost = await withEmulator(
      { businesses: 4, faults: [{ kind: "reset", when: { requests: [1] } }] },
      (emulator) =>
        Effect.gen(function*() {
          const results = yield* GraphBatch.get(emulator.businessIds.map(node))
          for (const result of results) {
            expect(Result.isFailure(result) && result.failure).toMatchObject({
              _tag: "GraphTransportError",
              reason: "Network",
              retryable: true,
              route: "/{id}"
            })
            expect(rendered(result)).not.toContain(defaultToken)
            expect(rendered(result)).not.toContain(defaultAppSecret)
          }
          expect(trips(emulator)).toEqual(["POST /"])
        }),
      { retry: false, appSecret: undefined }
    )
    value(lost)
  })

  it("each business's read carries its own token and proof in its item; a refused one fails alone, named", async () => {
    const [first, second, third] = ["1000000001", "1000000002", "1000000003"]
    const tokens = { [first]: "EAA-first-business-token-0001", [second]: "EAA-second-business-token-0002" }
    const revoked = "EAA-revoked-token-of-third-0003"
    const batches: Array<Batch> = []
    const exit = await withEmulator(
      {
        businesses: [first, second, third].map((id) => ({ id, accounts: 1 })),
        requireAppSecretProof: true,
        tokens: [{ token: tokens[first]!, businesses: [first] }, { token: tokens[second]!, businesses: [second] }]
      },
      (emulator) =>
        Effect.gen(function*() {
          const results = yield* Effect.forEach(
            [first, second, third],
            (id) => Effect.result(GraphCredentials.asBusiness(id)(read(id))),
            { concurrency: "unbounded" }
          ).pipe(
            GraphBatch.batching(),
            Effect.provide(GraphCredentials.layer({ ...tokens, [third]: revoked }))
          )
          expect(Result.getOrThrow(results[0]!).body.id).toBe(first)
          expect(Result.getOrThrow(results[1]!).body.id).toBe(second)
          const error = Result.isFailure(results[2]!) ? results[2].failure : undefined
          expect(error).toMatchObject({ _tag: "GraphAuthError", code: 190, businessId: third })
          for (const secret of [revoked, ...Object.values(tokens), defaultToken]) {
            expect(rendered(error)).not.toContain(secret)
          }
          // One batch (a call still signing its proof when it left goes in a trip of its own), each read with
          // its business's token: in its item, or as the bearer of a call sent alone.
          const log = emulator.requests()
          expect(log.filter((entry) => entry.transport !== "batch").length).toBeLessThanOrEqual(2)
          expect(log.filter((entry) => entry.transport === "batch").length).toBeGreaterThanOrEqual(2)
          expect(
            log.filter((entry) => entry.method === "GET").map((entry) =>
              entry.transport === "batch" ? entry.query.access_token : entry.headers.authorization?.slice(7)
            ).sort()
          ).toEqual([tokens[first], tokens[second], revoked].sort())
        }),
      {},
      transport(batches)
    )
    value(exit)
    expect(batches[0]!.form.get("access_token")).toBe(defaultToken)
    for (const call of batches[0]!.calls) {
      expect(new URL(call.relative_url, "https://graph.facebook.com/").searchParams.get("appsecret_proof"))
        .toMatch(/^[0-9a-f]{64}$/)
    }
  })

  it("a batch answer larger than maxResponseBytes: each call is sent again alone", async () => {
    const exit = await withEmulator({ businesses: 10 }, (emulator) =>
      Effect.gen(function*() {
        const ids = emulator.businessIds
        const results = yield* GraphBatch.get(ids.map(node))
        expect(results.map((result) => Result.getOrThrow(result).body.id)).toEqual(ids)
        expect(trips(emulator).map((trip) => trip.split(" ")[0])).toEqual(["POST", ...ids.map(() => "GET")])
      }), { maxResponseBytes: 2_000 })
    value(exit)
  })

  it("a stream's concurrent reads are batched too; bad options are refused before any request", async () => {
    const exit = await withEmulator({ businesses: 60 }, (emulator) =>
      Effect.gen(function*() {
        const ids = emulator.businessIds
        const names = yield* Stream.fromIterable(ids).pipe(
          Stream.mapEffect(read, { concurrency: 60 }),
          Stream.map((response) => response.body.id),
          GraphBatch.batching({ concurrency: 2 }),
          Stream.runCollect
        )
        expect(names).toEqual(ids)
        // How the reads fall into batches depends on when the stream starts them: far fewer trips than reads.
        const log = emulator.requests()
        expect(log.filter((entry) => entry.transport !== "batch").length).toBeLessThanOrEqual(6)
        expect(log.filter((entry) => entry.method === "GET")).toHaveLength(60)
        emulator.resetRequests()
        for (const concurrency of [0, 1.5, Number.NaN]) {
          const refused = yield* Effect.exit(read(ids[0]!).pipe(GraphBatch.batching({ concurrency })))
          expect(Exit.isFailure(refused) && String(refused.cause)).toContain("concurrency must be a whole number")
        }
        expect(emulator.requests()).toHaveLength(0)
      }))
    value(exit)
  })

  it("a client this library did not build makes its calls as they are", async () => {
    const calls: Array<string> = []
    const mock = GraphClient.GraphClient.of({
      baseUrl: "https://graph.example",
      apiVersion: "v27.0",
      get: (request) =>
        Effect.sync(() => {
          calls.push(request.params!.id!)
          return {
            body: { id: request.params!.id!, name: "mock" } as never,
            status: 200,
            usage: {} as never,
            fbtraceId: undefined,
            apiVersion: undefined,
            attempts: 1
          }
        })
    })
    const results = await Effect.runPromise(
      Effect.provideService(GraphBatch.get([node("1"), node("2")]), GraphClient.GraphClient, mock)
    )
    expect(results.map((result) => Result.getOrThrow(result).body.name)).toEqual(["mock", "mock"])
    expect(calls).toEqual(["1", "2"])
  })
})
