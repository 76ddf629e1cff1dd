import { Testing } from "@effect-waba/emulator"
import { GraphClient, GraphRetry } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })
const businessId = "1234567890"

const owned = GraphClient.get({
  route: "/{business-id}/owned_whatsapp_business_accounts",
  params: { "business-id": businessId },
  schema: Page,
  usageKey: businessId
})

const throttled = (minutes: number): Testing.Reply =>
  Testing.graphError(
    {
      message: "There have been too many calls to this WhatsApp Business account. Wait a bit and try again.",
      type: "OAuthException",
      code: 80008,
      fbtrace_id: "Throttle1"
    },
    400,
    {
      "x-business-use-case-usage": JSON.stringify({
        [businessId]: [{
          type: "whatsapp_business_management",
          call_count: 100,
          total_cputime: 10,
          total_time: 12,
          estimated_time_to_regain_access: minutes
        }]
      })
    }
  )

/** Answers `replies` in order, then the last one forever. */
const script = (...replies: ReadonlyArray<Testing.Reply>) => (_: unknown, i: number) =>
  replies[Math.min(i, replies.length - 1)]!

// Which failures are retried (5xx, codes 1 and 2, is_transient, a slow answer) and which never are (190, 200,
// 104, 368, 100, a decode error), a hint longer than maxHintedWait, and `retry: false`: the behaviour
// scenarios both lines run (`retries` and `hostile` in checks/behaviour/scenarios.ts). Here: the waits.
describe("GraphClient retries", () => {
  it.effect("80008 waits for estimated_time_to_regain_access, then retries soon after and succeeds", () => {
    const { layer, seen } = Testing.scriptedClient(script(throttled(2), Testing.page(["1"])))
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(owned)
      yield* TestClock.adjust("1 second")
      expect(seen).toHaveLength(1)
      // Two minutes hinted: nothing may be sent before they are up.
      yield* TestClock.adjust(Duration.subtract(Duration.minutes(2), Duration.seconds(2)))
      expect(seen).toHaveLength(1)
      // ...and the retry comes within a couple of seconds after.
      yield* TestClock.adjust("3 seconds")
      expect(seen).toHaveLength(2)
      const response = yield* Fiber.join(fiber)
      expect(response.body.data).toEqual([{ id: "1" }])
      expect(response.attempts).toBe(2)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a throttled error carries the hinted wait in retryAfter", () => {
    const { layer } = Testing.scriptedClient(script(throttled(3)), { retry: false })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(owned)
      expect(error).toMatchObject({
        _tag: "GraphRateLimitError",
        code: 80008,
        retryAfter: Duration.minutes(3),
        attempts: 1
      })
    }).pipe(Effect.provide(layer))
  })

  it.effect("transient errors back off exponentially and stop at the cap, saying how many attempts were made", () => {
    const { layer, seen } = Testing.scriptedClient(
      script(Testing.graphError({ message: "Please retry", code: 2, is_transient: true }, 500)),
      {
        retry: { maxRetries: 3, baseDelay: "1 second", maxDelay: "3 seconds", jitter: false }
      }
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.flip(owned))
      yield* TestClock.adjust("999 millis")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("1 millis") // 1 s
      expect(seen).toHaveLength(2)
      yield* TestClock.adjust("2 seconds") // then 2 s
      expect(seen).toHaveLength(3)
      yield* TestClock.adjust("2999 millis") // then 4 s, capped at 3 s
      expect(seen).toHaveLength(3)
      yield* TestClock.adjust("1 millis")
      expect(seen).toHaveLength(4)
      yield* TestClock.adjust("1 hour")
      const error = yield* Fiber.join(fiber)
      expect(error).toMatchObject({ _tag: "GraphTransientError", attempts: 4 })
      expect(seen).toHaveLength(4)
    }).pipe(Effect.provide(layer))
  })

  it.effect("Retry-After sets the minimum wait", () => {
    const { layer, seen } = Testing.scriptedClient(
      script(
        { status: 503, body: { error: { message: "busy", code: 1 } }, headers: { "retry-after": "20" } },
        Testing.page([])
      )
    )
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(owned)
      yield* TestClock.adjust("19 seconds")
      expect(seen).toHaveLength(1)
      yield* TestClock.adjust("5 seconds")
      expect(seen).toHaveLength(2)
      yield* Fiber.join(fiber)
    }).pipe(Effect.provide(layer))
  })

  it("the schedule alone refuses what must not be retried, even when custom", () => {
    expect(GraphRetry.defaultPolicy.maxRetries).toBe(4)
    const policy = Effect.runSync(GraphRetry.makePolicy({ maxRetries: 2 }))
    expect(policy.maxRetries).toBe(2)
    expect(Effect.runSync(Effect.flip(GraphRetry.makePolicy({ maxRetries: -1 })))).toContain("maxRetries")
    expect(Effect.runSync(Effect.flip(GraphRetry.makePolicy({ baseDelay: "10 seconds", maxDelay: "1 second" }))))
      .toContain("maxDelay")
  })
})
