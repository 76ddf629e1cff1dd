// Each step of the client's pipeline on its own, against a recording HttpClient.
import { Testing } from "@effect-waba/emulator"
import { GraphConfig, GraphError, GraphRetry } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"
import { readText } from "../src/internal/client/body.js"
import * as Decode from "../src/internal/client/decode.js"
import * as Request from "../src/internal/client/request.js"
import { retrying } from "../src/internal/client/retrying.js"
import * as Steps from "../src/internal/client/steps.js"

const settingsWith = (options: Partial<GraphConfig.Options> = {}) =>
  Effect.runSync(GraphConfig.make({ accessToken: Testing.token, ...options }))

/** A client that records the request it is given and answers 200 `{}`. */
const recording = () => {
  const sent: Array<HttpClientRequest.HttpClientRequest> = []
  const client = HttpClient.make((request) =>
    Effect.sync(() => {
      sent.push(request)
      return HttpClientResponse.fromWeb(request, new Response("{}"))
    })
  )
  return { sent, client }
}

const through = (
  step: (client: HttpClient.HttpClient) => HttpClient.HttpClient,
  path = "https://graph.test/1/owned_whatsapp_business_accounts"
) =>
  Effect.gen(function*() {
    const { client, sent } = recording()
    yield* step(client).execute(HttpClientRequest.get(path))
    return sent[0]!
  })

describe("GraphClient steps", () => {
  it.effect("withBaseUrl: paths go under baseUrl/apiVersion", () =>
    Effect.gen(function*() {
      const request = yield* through(
        Steps.withBaseUrl(settingsWith({ baseUrl: "https://proxy.example.com/graph/", apiVersion: "v25.0" })),
        "/1/owned_whatsapp_business_accounts"
      )
      expect(request.url).toBe("https://proxy.example.com/graph/v25.0/1/owned_whatsapp_business_accounts")
    }))

  it.effect("withBearerToken: the token travels in Authorization only", () =>
    Effect.gen(function*() {
      const request = yield* through(Steps.withBearerToken(settingsWith()))
      expect(request.headers.authorization).toBe(`Bearer ${Testing.token}`)
      expect(request.url).not.toContain(Testing.token)
      expect(request.urlParams).toEqual([])
    }))

  it.effect("withAppSecretProof: plain is computed once; timed is computed for each attempt at its time", () =>
    Effect.gen(function*() {
      const plain = yield* Steps.proofSource(settingsWith({ appSecret: Testing.appSecret }))
      const once = yield* through(Steps.withAppSecretProof(plain))
      expect(once.urlParams).toEqual([[
        "appsecret_proof",
        createHmac("sha256", Testing.appSecret).update(Testing.token).digest("hex")
      ]])

      const timed = yield* Steps.proofSource(settingsWith({ appSecret: Testing.appSecret, appSecretProof: "timed" }))
      const { client, sent } = recording()
      const signed = Steps.withAppSecretProof(timed)(client)
      yield* TestClock.setTime(1_750_000_000_000)
      yield* signed.execute(HttpClientRequest.get("https://graph.test/x"))
      yield* TestClock.adjust("10 minutes")
      yield* signed.execute(HttpClientRequest.get("https://graph.test/x"))
      const times = [1_750_000_000, 1_750_000_600]
      expect(sent.map((request) => request.urlParams)).toEqual(times.map((time) => [
        ["appsecret_proof", createHmac("sha256", Testing.appSecret).update(`${Testing.token}|${time}`).digest("hex")],
        ["appsecret_time", String(time)]
      ]))

      const none = yield* Steps.proofSource(settingsWith())
      expect((yield* through(Steps.withAppSecretProof(none))).urlParams).toEqual([])
    }))

  it.effect("withGraphRequest: the same request as the steps one by one, with each kind of proof", () =>
    Effect.gen(function*() {
      const settings = (options: Partial<GraphConfig.Options>) =>
        settingsWith({ baseUrl: "https://proxy.example.com/graph/", userAgent: "my-sync/2.1.0", ...options })
      for (
        const options of [{}, { appSecret: Testing.appSecret }, {
          appSecret: Testing.appSecret,
          appSecretProof: "timed" as const
        }]
      ) {
        const config = settings(options)
        const proof = yield* Steps.proofSource(config)
        yield* TestClock.setTime(1_750_000_000_000)
        // Without the platform's span, whose trace headers differ from one request to the next.
        const combined = yield* through(
          (client) => Steps.withGraphRequest(config, proof)(Steps.withoutPlatformSpan(client)),
          "/1/phone_numbers"
        )
        const oneByOne = yield* through(
          (client) =>
            client.pipe(
              Steps.withoutPlatformSpan,
              Steps.withBaseUrl(config),
              Steps.withBearerToken(config),
              Steps.withAppSecretProof(proof),
              Steps.withHeaders(config)
            ),
          "/1/phone_numbers"
        )
        expect(combined.url).toBe(oneByOne.url)
        expect(combined.urlParams).toEqual(oneByOne.urlParams)
        expect({ ...combined.headers }).toEqual({ ...oneByOne.headers })
        expect(combined.headers.authorization).toBe(`Bearer ${Testing.token}`)
        expect(combined.urlParams.length).toBe(proof._tag === "None" ? 0 : proof._tag === "Plain" ? 1 : 2)
      }
    }))

  it.effect("withHeaders: Accept JSON and the configured User-Agent", () =>
    Effect.gen(function*() {
      const request = yield* through(Steps.withHeaders(settingsWith({ userAgent: "my-sync/2.1.0" })))
      expect(request.headers.accept).toBe("application/json")
      expect(request.headers["user-agent"]).toBe("my-sync/2.1.0")
    }))

  it("Request.check: any input, however wrong, is an InvalidRequestError and never a throw", () => {
    const Page = Schema.Struct({})
    const bad: ReadonlyArray<unknown> = [
      null,
      "GET /me",
      { route: "/{id}", schema: "not a schema", params: { id: "1" } },
      { route: 42, schema: Page },
      { route: "/{id}", schema: Page, params: { id: 7 } },
      { route: "/{id}", schema: Page, params: "1" },
      { route: "/{id}", schema: Page, params: Object.create(null) },
      { route: "/x", schema: Page, query: { limit: { n: 1 } } },
      { route: "/x", schema: Page, query: { APPSECRET_PROOF: "x" } },
      { route: "/x", schema: Page, query: { limit: Number.NaN } }
    ]
    for (const input of bad) {
      const result = Request.check(input)
      expect(Either.isLeft(result) && result.left._tag).toBe("InvalidRequestError")
    }
    const good = Request.check({
      route: "/{id}/edge",
      params: { id: "12" },
      schema: Page,
      query: { limit: 5, x: true }
    })
    expect(Either.getOrThrow(good).url).toBe("/12/edge")
    expect(Either.getOrThrow(good).urlParams).toEqual([["limit", "5"], ["x", "true"]])
    expect(Either.getOrThrow(good).method).toBe("GET")
    expect(Either.getOrThrow(good).body._tag).toBe("Empty")
  })

  describe("readText", () => {
    const request = HttpClientRequest.get("https://example.test/")

    it.effect("stops reading at the first chunk past the limit", () =>
      Effect.gen(function*() {
        let pulled = 0
        const endless = new ReadableStream<Uint8Array>({
          pull(controller) {
            pulled++
            controller.enqueue(new Uint8Array(1024).fill(32))
          }
        })
        const response = HttpClientResponse.fromWeb(request, new Response(endless))
        const error = yield* Effect.flip(readText(response, 10 * 1024))
        expect(error).toMatchObject({ _tag: "BodyTooLarge", limit: 10 * 1024 })
        // The limit is 10 chunks; the stream may have been asked for a few more in advance, no more.
        expect(pulled).toBeLessThan(16)
      }))

    it.effect("refuses a declared content-length over the limit before reading; reads small and empty bodies", () =>
      Effect.gen(function*() {
        const declared = HttpClientResponse.fromWeb(
          request,
          new Response("x".repeat(100), { headers: { "content-length": "100" } })
        )
        expect(yield* Effect.flip(readText(declared, 50))).toMatchObject({ _tag: "BodyTooLarge", seen: 100 })
        const small = HttpClientResponse.fromWeb(request, new Response("{\"ok\":\"é\"}"))
        expect(yield* readText(small, 50)).toBe("{\"ok\":\"é\"}")
        const empty = HttpClientResponse.fromWeb(request, new Response(null, { status: 204 }))
        expect(yield* readText(empty, 50)).toBe("")
      }))

    it.effect("counts what the transport hands over after decompression, not the compressed size", () =>
      Effect.gen(function*() {
        const bomb = new Blob([new Uint8Array(1_000_000)]).stream().pipeThrough(new CompressionStream("gzip"))
        const compressed = new Uint8Array(yield* Effect.promise(() => new Response(bomb).arrayBuffer()))
        expect(compressed.byteLength).toBeLessThan(10_000)
        // A transport that decompresses (as fetch does) keeps the compressed length in the headers.
        const inflated = new Blob([compressed]).stream().pipeThrough(new DecompressionStream("gzip"))
        const response = HttpClientResponse.fromWeb(
          request,
          new Response(inflated, {
            headers: { "content-encoding": "gzip", "content-length": String(compressed.byteLength) }
          })
        )
        expect(yield* Effect.flip(readText(response, 100_000))).toMatchObject({ _tag: "BodyTooLarge" })
      }))
  })

  it.effect("Decode: a mismatch names the path in a short message; deep or huge data cannot blow it up", () =>
    Effect.gen(function*() {
      const decode = Decode.make(Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) }))
      const answer = (json: unknown) => ({
        json,
        status: 200,
        usage: {},
        fbtraceId: "T",
        apiVersion: undefined,
        attempts: 2
      })
      const wrong = yield* Effect.flip(decode(answer({ data: [{ id: 1 }] }), "/r"))
      expect(wrong).toMatchObject({ _tag: "GraphDecodeError", route: "/r", attempts: 2, fbtraceId: "T" })
      expect(wrong.message).toContain("data[0].id")
      let deep: unknown = "bottom"
      for (let i = 0; i < 20_000; i++) deep = { id: deep }
      const huge = "x".repeat(5_000_000)
      for (
        const json of [{ data: [deep] }, { data: [{ id: deep }] }, { data: [{ id: 1, name: huge }] }, { data: huge }]
      ) {
        const error = yield* Effect.flip(decode(answer(json), "/r"))
        expect(error._tag).toBe("GraphDecodeError")
        expect(error.message.length).toBeLessThan(400)
        expect(JSON.stringify(error).length).toBeLessThan(800)
      }
      // A recursive schema on hostile nesting overflows the stack: a typed error, not a defect.
      interface Tree {
        readonly id: Tree | string
      }
      const TreeSchema: Schema.Schema<Tree> = Schema.Struct({
        id: Schema.Union(Schema.String, Schema.suspend(() => TreeSchema))
      })
      const recursive = yield* Effect.flip(Decode.make(TreeSchema)(answer(deep), "/r"))
      expect(recursive.message).toContain("nested too deeply")
    }))

  it.effect("retrying: attempts are numbered, waits follow the schedule, and non-Graph errors end at once", () =>
    Effect.gen(function*() {
      const transient = (attempt: number) =>
        new GraphError.GraphTransientError({
          code: 2,
          message: "retry",
          isTransient: true,
          httpStatus: 500,
          route: "/r",
          usage: {},
          attempts: attempt
        })
      const policy = Effect.runSync(GraphRetry.makePolicy({ maxRetries: 2, baseDelay: "1 second", jitter: false }))
      const announced: Array<readonly [number, number]> = []
      const tried: Array<number> = []
      const fiber = yield* Effect.fork(Effect.flip(retrying(
        GraphRetry.schedule(policy),
        (_, delay, attempt) => Effect.sync(() => announced.push([attempt, Duration.toMillis(delay)])),
        (n) => Effect.suspend(() => (tried.push(n), Effect.fail(transient(n))))
      )))
      yield* TestClock.adjust("1 hour")
      const error = yield* Fiber.join(fiber)
      expect(tried).toEqual([1, 2, 3])
      expect(announced).toEqual([[1, 1000], [2, 2000]])
      expect(error.attempts).toBe(3)

      const local = yield* Effect.flip(
        retrying(
          GraphRetry.schedule(policy),
          () => Effect.void,
          () => Effect.fail({ _tag: "HoldTooLongError" as const })
        )
      )
      expect(local._tag).toBe("HoldTooLongError")
    }))
})
