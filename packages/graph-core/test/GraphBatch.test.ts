// Batch requests: per-call outcomes as a call alone would have them, null answers and retryable errors
// retried alone, every call governed, no token anywhere it could be read.
import { Emulator, EmulatorHttpClient, Testing } from "@effect-waba/emulator"
import { GraphBatch, GraphClient, GraphConfig, GraphSchema, RateGovernor } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"

const Named = Schema.Struct({ id: GraphSchema.GraphId, name: Schema.optional(Schema.String) })
const node = (id: string) => ({
  route: "/{id}",
  params: { id },
  query: { fields: "id,name" },
  schema: Named,
  usageKey: id
})

const usage = (id: string) =>
  JSON.stringify({ [id]: [{ type: "whatsapp_business_management", call_count: 7, total_cputime: 1, total_time: 1 }] })

interface Sent {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly form: URLSearchParams
}

// A server that answers each call of a batch with the entry for the id it names (calls join a batch in the
// order they are ready, not the order they were made), and any GET with the node it names.
const server = (entries: Readonly<Record<string, unknown>>) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const text = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      sent.push({
        method: request.method,
        url: new URL(url.toString()),
        headers: request.headers,
        form: new URLSearchParams(text)
      })
      const calls = request.method === "POST"
        ? JSON.parse(new URLSearchParams(text).get("batch")!) as Array<{ relative_url: string }>
        : []
      const body = request.method === "POST"
        ? JSON.stringify(calls.map(({ relative_url }) => entries[relative_url.split(/[/?]/)[1]!]))
        : JSON.stringify({ id: url.pathname.split("/").pop(), name: "alone" })
      return HttpClientResponse.fromWeb(request, new Response(body, { status: 200 }))
    })
  )
  return { sent, client }
}

// A governor that lets everything through and writes down what it was asked and told.
const recordingGovernor = () => {
  const acquired: Array<string | undefined> = []
  const observed: Array<readonly [string | undefined, RateGovernor.Facts]> = []
  const layer = Layer.succeed(RateGovernor.RateGovernor, {
    acquire: (key) => Effect.sync(() => void acquired.push(key)),
    observe: (key, facts) => Effect.sync(() => void observed.push([key, facts]))
  })
  return { acquired, observed, layer }
}

describe("GraphBatch", () => {
  it.effect("mixed outcomes: 200 as is, 190 not retried, 80008 retried alone, null sent again alone", () => {
    const echoed = `Invalid OAuth access token ${Testing.token}`
    const error = (message: string, code: number) =>
      JSON.stringify({ error: { message, type: "OAuthException", code } })
    const { client, sent } = server({
      1: {
        code: 200,
        headers: [{ name: "X-Business-Use-Case-Usage", value: usage("1") }],
        body: "{\"id\":\"1\",\"name\":\"one\"}"
      },
      2: { code: 401, headers: [], body: error(echoed, 190) },
      3: { code: 400, headers: [], body: error("(#80008) Too many calls to this WhatsApp Business account", 80008) },
      4: null
    })
    const governor = recordingGovernor()
    const recorder = Testing.recorder()
    const layer = GraphClient.layer.pipe(
      Layer.provide(GraphConfig.layer({ accessToken: Testing.token, appSecret: Testing.appSecret })),
      Layer.provide(Layer.succeed(HttpClient.HttpClient, client)),
      Layer.provide(governor.layer)
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(GraphBatch.get([node("1"), node("2"), node("3"), node("4")]))
      // A batch leaves after a turn of the event loop, the null call's second try right after it: only
      // then is the test clock moved on, for 80008's retry.
      yield* Testing.eventually(Effect.sync(() => sent.some(({ url }) => url.pathname.endsWith("/4"))), "the batch")
      yield* TestClock.adjust("1 hour")
      const [one, two, three, four] = yield* Fiber.join(fiber)

      expect(Either.getOrThrow(one)).toMatchObject({ body: { id: "1", name: "one" }, status: 200, attempts: 1 })
      expect(Either.getOrThrow(one).usage.businessUseCase).toMatchObject([{ businessId: "1", callCount: 7 }])
      expect(Either.isLeft(two) && two.left).toMatchObject({
        _tag: "GraphAuthError",
        code: 190,
        attempts: 1,
        route: "/{id}"
      })
      expect(Either.getOrThrow(three)).toMatchObject({ body: { id: "3", name: "alone" }, attempts: 2 })
      expect(Either.getOrThrow(four)).toMatchObject({ body: { id: "4", name: "alone" }, attempts: 1 })

      // One batch, then 80008's retry and null's second try each alone; nothing more for 190.
      expect(sent.map(({ method, url }) => `${method} ${url.pathname}`).sort()).toEqual(
        ["GET /v27.0/3", "GET /v27.0/4", "POST /"]
      )
      const [batch] = sent.filter(({ method }) => method === "POST")
      expect(batch!.url.search).toBe("")
      expect(batch!.headers.authorization).toBeUndefined()
      expect(batch!.form.get("access_token")).toBe(Testing.token)
      expect(batch!.form.get("appsecret_proof")).toMatch(/^[0-9a-f]{64}$/)
      expect(batch!.form.get("include_headers")).toBe("true")
      const calls = JSON.parse(batch!.form.get("batch")!) as Array<{ method: string; relative_url: string }>
      expect(calls.map((call) => call.method)).toEqual(["GET", "GET", "GET", "GET"])
      expect(calls.map((call) => call.relative_url.split("?")[0]).sort()).toEqual([
        "v27.0/1",
        "v27.0/2",
        "v27.0/3",
        "v27.0/4"
      ])
      for (const call of calls) {
        const url = new URL(call.relative_url, "https://graph.facebook.com/")
        expect(url.searchParams.get("fields")).toBe("id,name")
        expect(url.searchParams.has("appsecret_proof")).toBe(true)
        // The config's own token is the batch's: no call repeats it.
        expect(url.searchParams.has("access_token")).toBe(false)
      }

      // Every call is governed under its own key, a retry again (a call sent again alone after a null answer
      // is the same attempt); the usage of each reaches the governor.
      expect([...governor.acquired].sort()).toEqual(["1", "2", "3", "3", "4"])
      expect(governor.observed.find(([key]) => key === "1")![1].usage.businessUseCase).toMatchObject([
        { businessId: "1", callCount: 7 }
      ])
      expect(governor.observed.filter(([key]) => key === "3").map(([, facts]) => facts.errorCode)).toEqual([
        80008,
        undefined
      ])

      // No token or proof in the error, however printed, nor in a span or a log line.
      expect(Testing.everyRendering(Either.getLeft(two))).not.toContain(Testing.token)
      expect(recorder.dump()).not.toContain(Testing.token)
      expect(recorder.dump()).not.toContain(batch!.form.get("appsecret_proof"))
      expect(recorder.spans.map((span) => span.name)).toContain("POST / (batch)")
    }).pipe(recorder.run, Effect.provide(layer))
  })

  it.effect("a batch refused as a whole is each call's answer; one lost on the way fails each call, retryably", () => {
    const echoed = `Invalid OAuth access token ${Testing.token}`
    let network = false
    const methods: Array<string> = []
    const client = HttpClient.make((request) =>
      (methods.push(request.method), network)
        ? Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error("socket hang up") })
        )
        : Effect.succeed(HttpClientResponse.fromWeb(
          request,
          new Response(JSON.stringify({ error: { message: echoed, type: "OAuthException", code: 190 } }), {
            status: 401
          })
        ))
    )
    const layer = GraphClient.layer.pipe(
      Layer.provide(GraphConfig.layer({ accessToken: Testing.token, retry: false })),
      Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
    )
    return Effect.gen(function*() {
      const refused = yield* GraphBatch.get([node("1"), node("2")])
      for (const result of refused) {
        expect(Either.isLeft(result) && result.left).toMatchObject({
          _tag: "GraphAuthError",
          code: 190,
          route: "/{id}"
        })
        expect(Testing.everyRendering(Either.getLeft(result))).not.toContain(Testing.token)
      }
      network = true
      expect(methods).toEqual(["POST"])
      const lost = yield* GraphBatch.get([node("1"), node("2")])
      for (const result of lost) {
        expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "GraphTransportError", retryable: true })
        expect(Either.isLeft(result) && result.left.message).toContain("socket hang up")
      }
      expect(methods).toEqual(["POST", "POST"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("the emulator's answers decode; more than 50 calls go in several batches", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const ids = emulator.businessIds
      expect(ids.length).toBe(120)
      const results = yield* GraphBatch.get(ids.map(node))
      expect(results.map((result) => Either.getOrThrow(result).body.id)).toEqual(ids)
      const log = yield* emulator.requests
      const trips = log.filter((entry) => entry.transport !== "batch")
      expect(trips.map((entry) => `${entry.method} ${entry.path}`)).toEqual(["POST /", "POST /", "POST /"])
      expect(log.filter((entry) => entry.transport === "batch")).toHaveLength(120)
    }).pipe(Effect.provide(Testing.inProcess({ businesses: 120, rateLimit: false }))))

  it.effect("a call the emulator leaves out (null) is sent again alone; a call with another token carries it", () => {
    const other = "EAAGanotherBusinessToken0123456789"
    const transformClient = HttpClient.mapRequest((request: HttpClientRequest.HttpClientRequest) =>
      request.url.endsWith("/v27.0/1234567890") ? HttpClientRequest.bearerToken(request, other) : request
    )
    return Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const ids = emulator.businessIds
      // Request 1 is the batch; its second call takes longer than a batch may.
      yield* emulator.setFaults([{ kind: "slow", ms: 60_000, when: { requests: [3] } }])
      const fiber = yield* Effect.fork(GraphBatch.get(ids.map(node)))
      yield* Testing.eventually(Effect.map(emulator.requestCount, (n) => n === 4), "the batch")
      yield* TestClock.adjust("1 minute")
      const results = yield* Fiber.join(fiber)
      // The first business's read went with the unknown token, and failed alone.
      expect(Either.isLeft(results[0]!) && results[0].left).toMatchObject({ _tag: "GraphAuthError", code: 190 })
      expect(results.slice(1).map((result) => Either.getOrThrow(result).body.id)).toEqual(ids.slice(1))
      const log = yield* emulator.requests
      expect(log.map((entry) => `${entry.transport} ${entry.method} ${entry.path}`)).toEqual([
        "in-process POST /",
        `batch GET /v27.0/${ids[0]}`,
        `batch GET /v27.0/${ids[1]}`,
        `batch GET /v27.0/${ids[2]}`,
        `in-process GET /v27.0/${ids[1]}`
      ])
      expect(log[1]!.query.access_token).toBe(other)
      expect(log[2]!.aborted).toBe(true)
    }).pipe(Effect.provide(
      Layer.unwrapEffect(Effect.map(Emulator.Emulator, (emulator) =>
        GraphClient.layerWith({ transformClient }).pipe(
          Layer.provide(GraphConfig.layer({ accessToken: emulator.token, retry: false })),
          Layer.provide(EmulatorHttpClient.layer)
        ))).pipe(Layer.provideMerge(Emulator.layer({ rateLimit: false })))
    ))
  })
})
