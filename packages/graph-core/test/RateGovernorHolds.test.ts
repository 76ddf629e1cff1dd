import { Testing } from "@effect-waba/emulator"
import { GraphEvents, RateGovernor, RateGovernorStore } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import * as Internal from "../src/internal/rateGovernor.js"
import * as MemoryStore from "../src/internal/rateGovernorStore.js"

// The governor as a service, fed what responses said: holds, refusals, events and the state it keeps.

const wbm = "whatsapp_business_management"

/** A response whose `X-Business-Use-Case-Usage` names `id` (a business or a WABA). */
const answered = (id: string, callCount: number, regainMinutes = 0): RateGovernor.Facts => ({
  usage: {
    businessUseCase: [{ businessId: id, type: wbm, callCount, estimatedTimeToRegainAccess: regainMinutes }]
  },
  status: 200
})

const makeGovernor = (options?: RateGovernor.Options, store = MemoryStore.make()) =>
  Effect.gen(function*() {
    const settings = yield* RateGovernor.makeSettings(options)
    const governor = yield* Internal.make(settings).pipe(
      Effect.provideService(RateGovernorStore.RateGovernorStore, store)
    )
    return { governor, store }
  })

const millis = Duration.toMillis

describe("RateGovernor holds are bounded by the caller's maxWait, for every reason", () => {
  it.effect("a hold longer than maxWait fails at once with HoldTooLongError: regain, ceiling and pacing", () =>
    Effect.gen(function*() {
      const { governor } = yield* makeGovernor()
      // No TestClock.adjust in this test: a refusal that waited first would hang it.
      yield* governor.observe("111", answered("111", 100, 20))
      const regain = yield* Effect.flip(governor.acquire("111", Duration.minutes(15)))
      expect(RateGovernor.isHoldTooLongError(regain)).toBe(true)
      expect(regain).toMatchObject({
        _tag: "HoldTooLongError",
        scope: "111",
        usageType: wbm,
        reason: "regain",
        usagePercent: 100
      })
      expect(millis(regain.wait)).toBe(1_200_000)
      expect(millis(regain.maxWait)).toBe(900_000)
      expect(regain.message).toContain("Graph said access returns in 20m")
      expect(regain.message).toContain("15m")

      // 95%: the next probe may go 12 minutes after the answer.
      yield* governor.observe("222", answered("222", 95))
      const ceiling = yield* Effect.flip(governor.acquire("222", Duration.minutes(1)))
      expect(ceiling).toMatchObject({ scope: "222", reason: "ceiling", usagePercent: 95 })
      expect(millis(ceiling.wait)).toBe(720_000)

      // 85%: sends 17.5 s apart, the first counted from the answer just received.
      yield* governor.observe("333", answered("333", 85))
      const pacing = yield* Effect.flip(governor.acquire("333", Duration.seconds(10)))
      expect(pacing).toMatchObject({ scope: "333", reason: "pacing", usagePercent: 85 })
      expect(millis(pacing.wait)).toBe(17_500)

      for (const error of [regain, ceiling, pacing]) {
        expect(millis(error.wait)).toBeGreaterThan(0)
        expect(RateGovernor.isHoldTooLongError(error)).toBe(true)
        expect(String(error)).toContain("HoldTooLongError")
      }
      expect(RateGovernor.isHoldTooLongError(new Error("other"))).toBe(false)
    }))

  it.effect("a refused place in the schedule is not booked: the next caller gets it", () =>
    Effect.gen(function*() {
      const { governor } = yield* makeGovernor()
      yield* governor.observe("333", answered("333", 85))
      for (let i = 0; i < 3; i++) yield* Effect.flip(governor.acquire("333", Duration.seconds(10)))
      const patient = yield* Effect.fork(governor.acquire("333", Duration.minutes(1)))
      // 17.5 s, not 4 × 17.5 s: the refusals took nothing.
      yield* TestClock.adjust("17499 millis")
      expect(patient.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(patient)
    }))

  it.effect("within maxWait, or without one, the same holds are waited out", () =>
    Effect.gen(function*() {
      const { governor } = yield* makeGovernor()
      yield* governor.observe("111", answered("111", 100, 20))
      const bounded = yield* Effect.fork(governor.acquire("111", Duration.minutes(20)))
      const unbounded = yield* Effect.fork(governor.acquire("111"))
      yield* TestClock.adjust("1199 seconds")
      expect([bounded.unsafePoll(), unbounded.unsafePoll()]).toEqual([null, null])
      yield* TestClock.adjust("1 second")
      // One of them goes as the probe; its answer releases the other.
      yield* governor.observe("111", answered("111", 30))
      yield* Fiber.join(bounded)
      yield* Fiber.join(unbounded)
    }))
})

describe("RateGovernor holds are visible", () => {
  it.scoped("a hold longer than 2 s is logged at INFO and published as GraphEvents.Held; shorter ones and refusals are not", () => {
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      const events = yield* GraphEvents.make()
      const received = yield* events.subscribe
      const { governor } = yield* makeGovernor()
      const run = <A, E>(effect: Effect.Effect<A, E>) => Effect.provideService(effect, GraphEvents.GraphEvents, events)

      // 52%: a 1 s gap.
      yield* governor.observe("111", answered("111", 52))
      const short = yield* Effect.fork(run(governor.acquire("111", Duration.minutes(1))))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(short)
      // 70%: 10 s after the previous booking.
      yield* governor.observe("111", answered("111", 70))
      const long = yield* Effect.fork(run(governor.acquire("111", Duration.minutes(1))))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(long)
      // Refused: nothing to announce, the caller has the error.
      yield* governor.observe("222", answered("222", 100, 60))
      yield* Effect.flip(run(governor.acquire("222", Duration.minutes(1))))

      const end = GraphEvents.VersionMismatch({ route: "end", requested: "v0", served: "v0" })
      yield* events.publish(end)
      const got = Chunk.toReadonlyArray(
        yield* received.pipe(Stream.takeUntil(GraphEvents.is("VersionMismatch")), Stream.runCollect)
      )
      expect(got).toEqual([
        GraphEvents.Held({ scope: "111", reason: "pacing", wait: Duration.millis(10_000), usagePercent: 70 }),
        end
      ])
      const lines = recorder.logs.filter((log) => log.message.startsWith("Rate governor: holding"))
      expect(lines.map((log) => [log.level, log.annotations["rate_governor.wait_ms"]])).toEqual([
        ["DEBUG", 1_000],
        ["INFO", 10_000]
      ])
      expect(lines[1]!.message).toContain(`business 111 (${wbm}) for 10s`)
      expect(lines[1]!.annotations["rate_governor.usage_type"]).toBe(wbm)
    }).pipe(recorder.run)
  })
})

describe("RateGovernor state stays bounded across thousands of businesses", () => {
  const ids = (count: number, from = 0) => Array.from({ length: count }, (_, i) => String(1_000_000_000 + from + i))

  it.effect("budgets far from their limits cost no state at all in the in-memory store", () =>
    Effect.gen(function*() {
      const { governor, store } = yield* makeGovernor()
      for (const id of ids(2_000)) {
        yield* governor.acquire(id, Duration.minutes(15))
        yield* governor.observe(id, answered(id, 10))
        yield* governor.acquire(id, Duration.minutes(15))
      }
      expect(store.sizes()).toEqual({ observations: 0, places: 0 })
      expect(governor.sizes()).toEqual({ keys: 0, aliases: 0, watches: 0 })
    }))

  it.effect("near their limits: state lapses with time, held fibers leave nothing behind, key memory is capped", () =>
    Effect.gen(function*() {
      const { governor, store } = yield* makeGovernor()
      const businesses = ids(5_000)
      // Each business answered with the usage of its own WABA at 95%.
      for (const id of businesses) yield* governor.observe(id, answered(`9${id}`, 95))
      expect(store.sizes()).toEqual({ observations: 5_000, places: 5_000 })
      expect(governor.sizes()).toMatchObject({ keys: 5_000, aliases: 5_000 })

      // Refused at once (maxWait zero) or held and then interrupted: no watcher is left behind.
      for (const id of businesses.slice(0, 1_000)) yield* Effect.flip(governor.acquire(id, Duration.zero))
      const held = yield* Effect.forkAll(businesses.slice(1_000, 1_500).map((id) => governor.acquire(id)))
      yield* TestClock.adjust("1 second")
      // Each held fiber watches its business's budget and its WABA's (app usage does not govern them).
      expect(governor.sizes().watches).toBe(1_000)
      yield* Fiber.interrupt(held)
      expect(governor.sizes().watches).toBe(0)

      // A day later everything has lapsed; the next write sweeps it away.
      yield* TestClock.adjust("25 hours")
      yield* governor.observe("42", answered("42", 95))
      expect(store.sizes()).toEqual({ observations: 1, places: 1 })

      // However many businesses one process talks to, it remembers the other ids of at most 10,000 keys.
      for (const id of ids(12_000, 10_000)) yield* governor.observe(id, answered(`9${id}`, 10))
      expect(governor.sizes().keys).toBe(10_000)
    }))

  it.effect("one key remembers at most 16 other ids, forgetting those not seen again within a window", () =>
    Effect.gen(function*() {
      const { governor } = yield* makeGovernor()
      for (const waba of ids(40, 500)) {
        yield* governor.observe("111", { usage: answered(waba, 10).usage, status: 200 })
      }
      expect(governor.sizes().aliases).toBe(16)
      yield* TestClock.adjust("61 minutes")
      yield* governor.observe("111", answered("7", 10))
      expect(governor.sizes().aliases).toBe(1)
    }))

  it.effect("the in-memory store drops the least recently written scopes past its cap", () =>
    Effect.gen(function*() {
      const store = MemoryStore.make({ maxScopes: 100 })
      const observation = { usage: 95, observedAt: 0, holdUntil: 0, streak: 1 }
      for (const id of ids(1_000)) yield* store.write(id, observation, Duration.hours(1))
      expect(store.sizes().observations).toBe(100)
      expect(yield* store.read([ids(1, 999)[0]!, ids(1)[0]!])).toEqual([Option.some(observation), Option.none()])
    }))
})
