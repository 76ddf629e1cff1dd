/**
 * 80008 with usage headers: a business whose budget is far smaller than the pages a full read needs.
 * The client must wait out each throttle (the hint is in `X-Business-Use-Case-Usage`, in minutes) and
 * still deliver every account exactly once, in order, retrying exactly once per 80008 received.
 */
import { Testing } from "@effect-waba/emulator"
import { RateGovernor } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"

describe("streams survive throttling", () => {
  it.effect("10,000 accounts through a 40-calls-per-hour budget", () =>
    Effect.gen(function*() {
      const { accounts: truth, businessId, emulator } = yield* Testing.ownedOracle()
      const recorder = Testing.recorder()
      const clock = yield* Effect.fork(Testing.timeMachine(emulator))
      const got = yield* OwnedAccounts.stream(businessId, { limit: 100 }).pipe(
        Stream.map((a) => a.id),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray),
        recorder.run
      )
      yield* Fiber.interrupt(clock)
      expect(got).toEqual(truth.map((a) => a.id))

      const log = yield* emulator.requests
      const throttled = log.filter((r) => r.errorCode === 80008).length
      expect(throttled).toBeGreaterThanOrEqual(2)
      expect(log.length - 100).toBe(throttled)
      expect(recorder.logs.filter((l) => l.message.includes("GraphRateLimitError"))).toHaveLength(throttled)
      console.log(
        `80008: ${throttled} received, ${throttled} survived, ${log.length} requests, ${got.length} delivered`
      )
    }).pipe(Effect.provide(Testing.overTheWire(
      { businesses: [10_000], rateLimit: { businessCalls: 40, window: "1 hour" }, clock: { frozen: true } },
      { retry: { maxHintedWait: "2 hours" } },
      // Off here on purpose: this is the retry path. With the governor on, the same read receives no
      // 80008 at all (packages/waba/test/RateLimits.test.ts).
      RateGovernor.disabled
    ))), 60_000)
})
