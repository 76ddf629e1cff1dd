import { Testing } from "@effect-waba/emulator"
import { Emulator } from "@effect-waba/emulator"
import type * as Faults from "@effect-waba/emulator/Faults"
import { GraphClient } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"

const Page = Schema.Struct({
  data: Schema.Array(Schema.Struct({ id: Schema.String })),
  paging: Schema.optional(Schema.Struct({ next: Schema.optional(Schema.String) }))
})

const firstPage = Effect.gen(function*() {
  const emulator = yield* Emulator.Emulator
  const businessId = emulator.businessIds[0]!
  return yield* GraphClient.get({
    route: "/{business-id}/owned_whatsapp_business_accounts",
    params: { "business-id": businessId },
    query: { limit: 5 },
    schema: Page,
    usageKey: businessId
  })
})

describe("GraphClient over the wire (emulator server)", () => {
  it.effect("80008: waits out estimated_time_to_regain_access, then succeeds", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      for (let i = 0; i < 3; i++) yield* firstPage // spends the budget of 3 calls
      const fiber = yield* Effect.fork(firstPage)
      yield* Testing.eventually(Effect.map(emulator.requestCount, (n) => n === 4), "the throttled call")
      const [, , , throttled] = yield* emulator.requests
      expect(throttled).toMatchObject({ status: 400, errorCode: 80008 })

      // Nothing is sent before the hinted hour is up...
      yield* TestClock.adjust("59 minutes")
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
      expect(yield* emulator.requestCount).toBe(4)

      // ...and once Graph's window has moved on, the retry goes out and succeeds.
      // Step just past the hint (60 min + at most 0.6 s of backoff), and not as far as the retry's own
      // 30 s timeout: the retry travels over a real socket while the test clock stands still.
      yield* emulator.advanceClock("61 minutes")
      yield* TestClock.adjust("1 minute")
      yield* TestClock.adjust("2 seconds")
      const response = yield* Fiber.join(fiber)
      expect(response.attempts).toBe(2)
      expect(response.body.data).toHaveLength(5)
      expect(yield* emulator.requestCount).toBe(5)
    }).pipe(
      Effect.provide(Testing.overTheWireUngoverned(
        { rateLimit: { businessCalls: 3, window: "1 hour" }, clock: { frozen: true } },
        { retry: { maxHintedWait: "2 hours" } }
      ))
    ))

  it.effect("80008 beyond the retry budget fails with the hint and the attempts made", () =>
    Effect.gen(function*() {
      yield* firstPage
      const error = yield* Effect.flip(firstPage)
      expect(error).toMatchObject({
        _tag: "GraphRateLimitError",
        code: 80008,
        retryAfter: Duration.hours(1),
        attempts: 1
      })
    }).pipe(Effect.provide(Testing.overTheWireUngoverned(
      { rateLimit: { businessCalls: 1, window: "1 hour" }, clock: { frozen: true } },
      { retry: { maxHintedWait: "10 minutes" } }
    ))))

  // Each fault hits the second request only; the client must retry it once and succeed.
  const faults: ReadonlyArray<readonly [string, Faults.Fault]> = [
    ["HTTP 500 with a Graph body", { kind: "httpError", status: 500 }],
    ["HTTP 502, empty", { kind: "httpError", status: 502, body: "empty" }],
    ["HTTP 503", { kind: "httpError", status: 503 }],
    ["Graph code 1", { kind: "graphError", code: 1 }],
    ["Graph code 2", { kind: "graphError", code: 2 }],
    ["is_transient on another code", { kind: "graphError", code: "transient" }],
    ["connection reset mid-body", { kind: "reset" }],
    ["truncated JSON", { kind: "truncated" }],
    ["an HTML page instead of JSON", { kind: "nonJson", status: 502 }],
    ["a response slower than the timeout", { kind: "slow", ms: 3_000 }]
  ]

  for (const [name, fault] of faults) {
    it.live(`retries through ${name}`, () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        yield* emulator.setFaults([{ ...fault, when: { requests: [2] } } as Faults.Rule])
        const first = yield* firstPage
        const second = yield* firstPage
        expect(first.attempts).toBe(1)
        expect(second.attempts).toBe(2)
        expect(second.body.data.map((a) => a.id)).toEqual(first.body.data.map((a) => a.id))
        expect((yield* emulator.injectedFaults).map((f) => f.kind)).toEqual([fault.kind])
        expect(yield* emulator.requestCount).toBe(3)
      }).pipe(Effect.provide(Testing.overTheWireUngoverned({ rateLimit: false }, {
        timeout: "400 millis",
        retry: { baseDelay: "5 millis", maxDelay: "20 millis", jitter: false }
      }))))
  }

  it.live("a token the server does not know is a GraphAuthError, not retried", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const error = yield* Effect.flip(firstPage)
      expect(error).toMatchObject({ _tag: "GraphAuthError", code: 190, attempts: 1 })
      expect(yield* emulator.requestCount).toBe(1)
    }).pipe(Effect.provide(Testing.overTheWireUngoverned({}, { accessToken: "EAA-not-a-token-we-know" }))))

  it.live("appsecret_proof is accepted by a server that requires it", () =>
    Effect.gen(function*() {
      const response = yield* firstPage
      expect(response.status).toBe(200)
    }).pipe(Effect.provide(Testing.overTheWireUngoverned(
      { requireAppSecretProof: true, appSecret: "emulator-secret-for-proof" },
      { appSecret: "emulator-secret-for-proof" }
    ))))

  it.live("a wrong app secret is refused as Graph words it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(firstPage)
      expect(error).toMatchObject({ _tag: "GraphInvalidParameterError", code: 100 })
      expect(error.message).toContain("appsecret_proof")
    }).pipe(Effect.provide(Testing.overTheWireUngoverned(
      { requireAppSecretProof: true, appSecret: "emulator-secret-for-proof" },
      { appSecret: "some-other-secret-value" }
    ))))
})
