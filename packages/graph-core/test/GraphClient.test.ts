import { Testing } from "@effect-waba/emulator"
import { AppSecretProof, GraphClient, GraphError } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })

const route = "/{business-id}/owned_whatsapp_business_accounts"

const owned = (businessId = "1234567890") =>
  GraphClient.get({
    route,
    params: { "business-id": businessId },
    query: { fields: "id,name", limit: 10 },
    schema: Page,
    usageKey: businessId
  })

describe("GraphClient requests", () => {
  it.effect("sends the token as a Bearer header, never in the URL, to the versioned path", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page(["1", "2"]))
    return Effect.gen(function*() {
      const response = yield* owned()
      expect(response.body.data.map((a) => a.id)).toEqual(["1", "2"])
      expect(response.attempts).toBe(1)
      expect(seen).toHaveLength(1)
      const [request] = seen
      expect(request!.headers.authorization).toBe(`Bearer ${Testing.token}`)
      expect(request!.url.pathname).toBe("/v27.0/1234567890/owned_whatsapp_business_accounts")
      expect(request!.url.origin).toBe("https://graph.facebook.com")
      expect(request!.url.searchParams.get("fields")).toBe("id,name")
      expect(request!.url.searchParams.get("limit")).toBe("10")
      expect(request!.url.toString()).not.toContain(Testing.token)
      expect(request!.url.searchParams.has("access_token")).toBe(false)
      expect(request!.url.searchParams.has("appsecret_proof")).toBe(false)
    }).pipe(Effect.provide(layer))
  })

  it.effect("adds appsecret_proof, the hex HMAC-SHA256 of the token keyed by the app secret", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]), { appSecret: Testing.appSecret })
    return Effect.gen(function*() {
      yield* owned()
      yield* owned()
      const expected = createHmac("sha256", Testing.appSecret).update(Testing.token).digest("hex")
      expect(seen.map((s) => s.url.searchParams.get("appsecret_proof"))).toEqual([expected, expected])
      expect(expected).toMatch(/^[0-9a-f]{64}$/)
    }).pipe(Effect.provide(layer))
  })

  it.effect("timed appsecret_proof signs token|time and sends appsecret_time", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]), {
      appSecret: Testing.appSecret,
      appSecretProof: "timed"
    })
    return Effect.gen(function*() {
      yield* TestClock.setTime(1_750_000_000_000)
      yield* owned()
      const [request] = seen
      expect(request!.url.searchParams.get("appsecret_time")).toBe("1750000000")
      expect(request!.url.searchParams.get("appsecret_proof")).toBe(
        createHmac("sha256", Testing.appSecret).update(`${Testing.token}|1750000000`).digest("hex")
      )
    }).pipe(Effect.provide(layer))
  })

  it.effect("honours the configured version and a base URL with a path prefix", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]), {
      apiVersion: "v23.0",
      baseUrl: "https://proxy.example.com/graph/"
    })
    return Effect.gen(function*() {
      yield* owned("42")
      expect(seen[0]!.url.toString()).toMatch(
        /^https:\/\/proxy\.example\.com\/graph\/v23\.0\/42\/owned_whatsapp_business_accounts\?/
      )
    }).pipe(Effect.provide(layer))
  })

  it.effect("refuses path values that could escape the route, and auth params passed as query, sending nothing", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]))
    return Effect.gen(function*() {
      for (const bad of ["", "../me", "12?x=1", "12#frag", "12/34", "..", "a b"]) {
        const error = yield* Effect.flip(owned(bad))
        expect(error._tag).toBe("InvalidRequestError")
        expect(error.message).toContain("business-id")
      }
      const smuggled = yield* Effect.flip(
        GraphClient.get({ route, params: { "business-id": "1" }, query: { access_token: "x" }, schema: Page })
      )
      expect(smuggled._tag).toBe("InvalidRequestError")
      expect(smuggled.message).toContain("access_token")
      const missing = yield* Effect.flip(GraphClient.get({ route, schema: Page }))
      expect(missing.message).toContain("{business-id}")
      expect(seen).toHaveLength(0)
    }).pipe(Effect.provide(layer))
  })

  it.effect("reads usage headers, trace id and served version from a successful response", () => {
    const { layer } = Testing.scriptedClient(() => ({
      body: { data: [] },
      headers: {
        "x-business-use-case-usage": JSON.stringify({
          "1234567890": [{ type: "whatsapp_business_management", call_count: 12, total_cputime: 3, total_time: 4 }]
        }),
        "x-app-usage": "{\"call_count\":7,\"total_cputime\":1,\"total_time\":2}",
        "x-fb-trace-id": "TraceABC",
        "facebook-api-version": "v27.0"
      }
    }))
    return Effect.gen(function*() {
      const response = yield* owned()
      expect(response.fbtraceId).toBe("TraceABC")
      expect(response.apiVersion).toBe("v27.0")
      expect(response.usage.businessUseCase).toEqual([
        { businessId: "1234567890", type: "whatsapp_business_management", callCount: 12, totalCputime: 3, totalTime: 4 }
      ])
      expect(response.usage.app).toEqual({ callCount: 7, totalCputime: 1, totalTime: 2 })
    }).pipe(Effect.provide(layer))
  })

  it.effect("a body that is not JSON is a transport error; a body of the wrong shape is a decode error", () => {
    const { layer } = Testing.scriptedClient((_, i) =>
      i === 0
        ? { raw: "<html>Bad gateway</html>", status: 404 }
        : i === 1
        ? { raw: "{\"data\":[{\"id\":\"1\"},", status: 200 }
        : { body: { data: [{ id: 12 }] } }, { retry: false })
    return Effect.gen(function*() {
      const notJson = yield* Effect.flip(owned())
      expect(notJson).toMatchObject({
        _tag: "GraphTransportError",
        reason: "UnexpectedStatus",
        httpStatus: 404,
        retryable: false
      })
      const truncated = yield* Effect.flip(owned())
      expect(truncated).toMatchObject({ _tag: "GraphTransportError", reason: "InvalidBody", retryable: true })
      const wrongShape = yield* Effect.flip(owned())
      expect(wrongShape._tag).toBe("GraphDecodeError")
      expect(wrongShape.message).toContain("id")
    }).pipe(Effect.provide(layer))
  })

  it.effect("an attempt slower than the timeout fails as a Timeout transport error", () => {
    const { layer, seen } = Testing.scriptedClient(() => ({ hang: true }), { timeout: "2 seconds", retry: false })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.either(owned()))
      yield* TestClock.adjust("1999 millis")
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      const result = yield* Fiber.join(fiber)
      expect(Either.isLeft(result) && result.left).toMatchObject({ _tag: "GraphTransportError", reason: "Timeout" })
      expect(seen).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.live("under the live clock too, a hung attempt times out, and an interrupted call stops its attempt", () => {
    const { abandoned, layer } = Testing.scriptedClient(() => ({ hang: true }), { timeout: "30 millis", retry: false })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(owned())
      expect(error).toMatchObject({ _tag: "GraphTransportError", reason: "Timeout", attempts: 1 })
      expect(abandoned.count).toBe(1)
      const fiber = yield* Effect.fork(owned())
      yield* Effect.sleep("5 millis")
      yield* Fiber.interrupt(fiber)
      expect(abandoned.count).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a network failure is a retryable transport error whose message says why", () => {
    const { layer } = Testing.scriptedClient(() => ({ network: "ECONNRESET socket hang up" }), { retry: false })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(owned())
      expect(error).toMatchObject({ _tag: "GraphTransportError", reason: "Network", retryable: true, attempts: 1 })
      expect(error.message).toContain("socket hang up")
      expect(GraphError.isGraphError(error)).toBe(true)
    }).pipe(Effect.provide(layer))
  })
})

describe("AppSecretProof", () => {
  it.effect("matches the RFC 4231 HMAC-SHA256 test vector", () =>
    Effect.gen(function*() {
      // RFC 4231, test case 2.
      const hex = yield* AppSecretProof.hmacSha256Hex("Jefe", "what do ya want for nothing?")
      expect(hex).toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }))
})
