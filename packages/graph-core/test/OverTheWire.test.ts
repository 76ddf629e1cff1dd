import { Testing } from "@effect-waba/emulator"
import { Emulator } from "@effect-waba/emulator"
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

  // Retries through each emulator fault, an unknown token, and appsecret_proof accepted or refused: the
  // behaviour scenarios both lines run (`emulatorRetries` and `emulated` in checks/behaviour/scenarios.ts).
})
