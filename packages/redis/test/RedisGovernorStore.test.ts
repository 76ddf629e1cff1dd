import { RateGovernor, RateGovernorStore } from "@effect-waba/graph-core"
import { RedisGovernorStore } from "@effect-waba/redis"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { Redis } from "ioredis"
import { redisUrl, uniquePrefix } from "./utils/redisUrl.js"

const millis = (duration: Duration.Duration) => Duration.toMillis(duration)

/** Lets real I/O (Redis round trips) finish while the TestClock stands still. */
const settle = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 150)))

const stores: ReadonlyArray<readonly [string, () => Layer.Layer<RateGovernorStore.RateGovernorStore, unknown>]> = [
  ["in-memory", () => RateGovernorStore.layerMemory],
  ...(redisUrl === undefined
    ? []
    : [["Redis", () => RedisGovernorStore.layerUrl(redisUrl!, { prefix: uniquePrefix("store") })] as const])
]

// One contract, two stores: the governor must behave the same over either.
for (const [name, makeLayer] of stores) {
  describe(`${name} store`, () => {
    it.effect("take books places at least the interval after the previous one", () =>
      Effect.gen(function*() {
        const store = yield* RateGovernorStore.RateGovernorStore
        const gap = Duration.seconds(10)
        expect(millis(yield* store.take("42", gap))).toBe(0)
        expect(millis(yield* store.take("42", gap))).toBe(10_000)
        expect(millis(yield* store.take("42", gap))).toBe(20_000)
        // Places are per key.
        expect(millis(yield* store.take("43", gap))).toBe(0)
        // 25 s later the last booking (20 s) is past: the next is at 30 s, 5 s from now.
        yield* TestClock.adjust("25 seconds")
        expect(millis(yield* store.take("42", gap))).toBe(5_000)
        // A zero gap only records the send; the next booking is spaced from it.
        yield* TestClock.adjust("1 minute")
        expect(millis(yield* store.take("42", Duration.zero))).toBe(0)
        yield* TestClock.adjust("1 second")
        expect(millis(yield* store.take("42", Duration.seconds(4)))).toBe(3_000)
      }).pipe(Effect.provide(makeLayer())))

    it.effect("take with a limit books nothing further away than the limit", () =>
      Effect.gen(function*() {
        const store = yield* RateGovernorStore.RateGovernorStore
        const gap = Duration.seconds(10)
        expect(millis(yield* store.take("42", gap, Duration.seconds(5)))).toBe(0)
        // The next place is 10 s away: refused under a 5 s limit, and not taken...
        expect(millis(yield* store.take("42", gap, Duration.seconds(5)))).toBe(10_000)
        expect(millis(yield* store.take("42", gap, Duration.seconds(5)))).toBe(10_000)
        // ...so a caller who accepts it gets that same place, and the one after is 10 s later.
        expect(millis(yield* store.take("42", gap, Duration.seconds(10)))).toBe(10_000)
        expect(millis(yield* store.take("42", gap))).toBe(20_000)
      }).pipe(Effect.provide(makeLayer())))

    it.effect("take with a zero limit (a probe gate) lets one caller through per interval and takes nothing when it refuses", () =>
      Effect.gen(function*() {
        const store = yield* RateGovernorStore.RateGovernorStore
        const interval = Duration.seconds(20)
        expect(millis(yield* store.take("42", interval, Duration.zero))).toBe(0)
        expect(millis(yield* store.take("42", interval, Duration.zero))).toBe(20_000)
        yield* TestClock.adjust("15 seconds")
        // Refusals did not push the gate back.
        expect(millis(yield* store.take("42", interval, Duration.zero))).toBe(5_000)
        yield* TestClock.adjust("5 seconds")
        expect(millis(yield* store.take("42", interval, Duration.zero))).toBe(0)
      }).pipe(Effect.provide(makeLayer())))

    it.effect("read returns what write stored, in order, and nothing for unknown scopes", () =>
      Effect.gen(function*() {
        const store = yield* RateGovernorStore.RateGovernorStore
        const observation = { usage: 93, observedAt: 1_000, holdUntil: 61_000, streak: 2 }
        yield* store.write("42", observation, Duration.minutes(60))
        const [unknown, known] = yield* store.read(["7", "42"])
        expect(unknown).toEqual(Option.none())
        expect(known).toEqual(Option.some(observation))
      }).pipe(Effect.provide(makeLayer())))
  })
}

describe.skipIf(redisUrl === undefined)("Redis store", () => {
  it.effect("observations expire with their time to live, in Redis itself", () => {
    const prefix = uniquePrefix("ttl")
    return Effect.gen(function*() {
      const store = yield* RateGovernorStore.RateGovernorStore
      yield* store.write("42", { usage: 50, observedAt: 0, holdUntil: 0, streak: 0 }, Duration.minutes(7))
      const redis = new Redis(redisUrl!)
      const ttl = yield* Effect.promise(() => redis.pttl(`${prefix}usage:42`))
      yield* Effect.promise(() => redis.quit())
      expect(ttl).toBeGreaterThan(6 * 60_000)
      expect(ttl).toBeLessThanOrEqual(7 * 60_000)
    }).pipe(Effect.provide(RedisGovernorStore.layerUrl(redisUrl!, { prefix })))
  })

  it.effect("what one governor learns holds back another that shares the store", () => {
    const prefix = uniquePrefix("shared")
    // Two governors, each with its own connections, as in two processes.
    const governor = () =>
      Layer.build(RedisGovernorStore.layerUrl(redisUrl!, { prefix })).pipe(
        Effect.flatMap((context) =>
          RateGovernor.make().pipe(
            Effect.provideService(
              RateGovernorStore.RateGovernorStore,
              Context.get(context, RateGovernorStore.RateGovernorStore)
            )
          )
        )
      )
    return Effect.gen(function*() {
      const first = yield* governor()
      const second = yield* governor()
      // The first is refused with a three-minute hint...
      yield* first.observe("42", {
        usage: {
          businessUseCase: [{ businessId: "42", callCount: 100, estimatedTimeToRegainAccess: 3 }]
        },
        status: 400,
        errorCode: 80008,
        retryAfter: Duration.seconds(180)
      })
      // ...and the second, which has seen nothing itself, waits for it.
      const held = yield* Effect.fork(second.acquire("42"))
      yield* settle
      yield* TestClock.adjust(Duration.subtract(Duration.minutes(3), Duration.millis(1)))
      yield* settle
      expect(held.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(held)
      // Another business is not held.
      yield* second.acquire("43")
    }).pipe(Effect.scoped)
  })

  it.effect("a store that cannot be reached fails fast, and the governor lets requests through", () =>
    Effect.gen(function*() {
      const store = yield* RateGovernorStore.RateGovernorStore
      const error = yield* Effect.flip(store.read(["42"]))
      expect(error._tag).toBe("RateGovernorStoreError")
      const governor = yield* RateGovernor.make()
      yield* governor.acquire("42")
    }).pipe(
      // Port 1 on loopback: nothing listens there.
      Effect.provide(
        RedisGovernorStore.layer({
          host: "127.0.0.1",
          port: 1,
          retryStrategy: () => null,
          prefix: uniquePrefix("down")
        })
      )
    ))
})

describe("Redis URLs", () => {
  it("are parsed into connection options without leaking the password into errors", () => {
    expect(RedisGovernorStore.optionsFromUrl("redis://127.0.0.1:6390")).toEqual(
      Either.right({ host: "127.0.0.1", port: 6390 })
    )
    expect(RedisGovernorStore.optionsFromUrl(Redacted.make("rediss://app:s%3Acret@cache.internal/2"))).toEqual(
      Either.right({ host: "cache.internal", port: 6379, username: "app", password: "s:cret", db: 2, tls: {} })
    )
    const bad = RedisGovernorStore.optionsFromUrl(Redacted.make("http://user:hunter2@example.com"))
    expect(Either.isLeft(bad) && bad.left).toMatchObject({ _tag: "GraphConfigError", setting: "redis.url" })
    expect(JSON.stringify(bad)).not.toContain("hunter2")
  })
})
