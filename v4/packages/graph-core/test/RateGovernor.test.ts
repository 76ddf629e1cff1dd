/**
 * The rate governor on the Effect 4 line, through the client, against the emulator's call budgets and usage
 * headers: a business at its limit is held (or refused at once, sending nothing) while another business, with
 * its own token, goes on; Graph's time to regain access is kept; app usage seen with one token holds no other
 * token's reads; a hold within the caller's patience is waited out and told; a store of one's own is used, and
 * its failure lets reads through.
 */
import { defaultToken } from "@effect-waba/emulator/Emulator"
import { type RunningEmulator, startEmulator, type StartOptions } from "@effect-waba/emulator/PromiseApi"
import {
  GraphClient,
  GraphConfig,
  GraphCredentials,
  GraphEvents,
  GraphMetrics,
  RateGovernor,
  RateGovernorStore
} from "@effect-waba/graph-core"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Metric from "effect/Metric"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { afterEach, describe, expect, it } from "vitest"

const first = "1234567890"
const second = "101000094277083"
const firstToken = "EAA-first-business-token-0001"
const secondToken = "EAA-second-business-token-0002"
const wbm = "whatsapp_business_management"

const running: Array<RunningEmulator> = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.stop()))
})

/** An emulator whose budgets are `rateLimit`, with a token per business besides the default one. */
const emulatorWith = async (rateLimit: NonNullable<StartOptions["rateLimit"]>) => {
  const emulator = await startEmulator({
    host: "127.0.0.1",
    rateLimit,
    tokens: [{ token: firstToken, businesses: [first] }, { token: secondToken, businesses: [second] }]
  })
  running.push(emulator)
  return emulator
}

const Business = Schema.Struct({ id: Schema.String, name: Schema.String })

/** A read of a business, counted against it, as that business (its own token). */
const read = (id: string) =>
  Effect.gen(function*() {
    const client = yield* GraphClient.GraphClient
    return yield* client.get({
      route: "/{id}",
      params: { id },
      query: { fields: "id,name" },
      schema: Business,
      usageKey: id
    })
  }).pipe(GraphCredentials.asBusiness(id))

/** The same read with no usage key: only the app's budget governs it. */
const readUnkeyed = (id: string) =>
  Effect.gen(function*() {
    const client = yield* GraphClient.GraphClient
    return yield* client.get({ route: "/{id}", params: { id }, query: { fields: "id,name" }, schema: Business })
  }).pipe(GraphCredentials.asBusiness(id))

interface Setup {
  readonly governor?: Layer.Layer<RateGovernor.RateGovernor, GraphConfig.GraphConfigError> | undefined
  readonly retry?: GraphConfig.Options["retry"]
}

/** The client on `emulator`, with the per-business tokens; by default it waits at most 1 s for anything. */
const clientOn = (emulator: RunningEmulator, setup: Setup = {}) =>
  GraphClient.layer.pipe(
    Layer.provideMerge(GraphCredentials.layer({ [first]: firstToken, [second]: secondToken })),
    Layer.provide(setup.governor ?? RateGovernor.layerMemory()),
    Layer.provide(GraphConfig.layer({
      accessToken: defaultToken,
      baseUrl: emulator.url,
      retry: setup.retry ?? { maxRetries: 0, maxHintedWait: "1 second" }
    })),
    Layer.provide(FetchHttpClient.layer)
  )

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  const reason = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
  if (reason === undefined || reason._tag !== "Fail") throw new Error(`expected a typed failure, got ${String(exit)}`)
  return reason.error
}

/** Requests the emulator received for `id`. */
const sentFor = (emulator: RunningEmulator, id: string) =>
  emulator.requests().filter((request) => request.businessId === id).length

const count = (metric: Metric.Metric<number, Metric.CounterState<number>>) =>
  Effect.map(Metric.value(metric), (state) => state.count)

describe("RateGovernor (Effect 4)", () => {
  it("a business at its limit is refused at once, sending nothing; another business, with its own token, is not held", async () => {
    const emulator = await emulatorWith({ businessCalls: 2, usageHeadersFrom: 1 })
    const exits = await Effect.runPromise(
      Effect.gen(function*() {
        // 50%, then 100%: the first business has spent its budget.
        yield* read(first)
        yield* read(first)
        const held = yield* Effect.exit(read(first))
        const other = yield* Effect.exit(read(second))
        return { held, other }
      }).pipe(Effect.provide(clientOn(emulator)))
    )

    const error = failure(exits.held)
    expect(RateGovernor.isHoldTooLongError(error)).toBe(true)
    // At its budget, the emulator (as Graph) says when access returns: when the oldest call leaves the hour.
    expect(error).toMatchObject({
      _tag: "HoldTooLongError",
      scope: first,
      usageType: wbm,
      reason: "regain",
      usagePercent: 100,
      businessId: first
    })
    expect(Duration.toMinutes((error as RateGovernor.HoldTooLongError).wait)).toBeGreaterThan(55)
    expect((error as Error).message).toContain(
      `The rate governor did not send this request: for the budget of ${first}`
    )
    expect((error as Error).message).toContain("longer than the 1s the request may wait")
    expect(sentFor(emulator, first)).toBe(2)
    // The other business's read went out and was answered.
    expect(Exit.isSuccess(exits.other) && exits.other.value.body.id).toBe(second)
    expect(sentFor(emulator, second)).toBe(1)
  })

  it("Graph's 80008 with a time to regain access holds that business until then: the next read fails at once", async () => {
    // No usage headers on the first answer: the governor cannot see the limit coming, and Graph refuses.
    const emulator = await emulatorWith({ businessCalls: 1, usageHeadersFrom: 2 })
    const throttled = Metric.withAttributes(GraphMetrics.rateLimitedResponses, { code: "80008" })
    const result = await Effect.runPromise(
      Effect.gen(function*() {
        const before = yield* count(throttled)
        yield* read(first)
        const refusedByGraph = yield* Effect.exit(read(first))
        const refusedHere = yield* Effect.exit(read(first))
        const other = yield* Effect.exit(read(second))
        return { refusedByGraph, refusedHere, other, throttled: (yield* count(throttled)) - before }
      }).pipe(Effect.provide(clientOn(emulator)))
    )

    expect(failure(result.refusedByGraph)).toMatchObject({
      _tag: "GraphRateLimitError",
      code: 80008,
      businessId: first
    })
    const held = failure(result.refusedHere) as RateGovernor.HoldTooLongError
    expect(held).toMatchObject({ _tag: "HoldTooLongError", scope: first, reason: "regain", businessId: first })
    // The emulator's window is an hour: access returns when the one call leaves it.
    expect(Duration.toMinutes(held.wait)).toBeGreaterThan(55)
    expect(held.message).toContain("Graph said access returns in")
    expect(sentFor(emulator, first)).toBe(2)
    expect(result.throttled).toBe(1)
    expect(Exit.isSuccess(result.other)).toBe(true)
  })

  it("app usage seen with one business's token holds that token's unkeyed reads, never another token's", async () => {
    const emulator = await emulatorWith({ appCalls: 2, businessCalls: 100, usageHeadersFrom: 1 })
    const exits = await Effect.runPromise(
      Effect.gen(function*() {
        // X-App-Usage: 50%, then 100%, as the first business's token sees it.
        yield* readUnkeyed(first)
        yield* readUnkeyed(first)
        const held = yield* Effect.exit(readUnkeyed(first))
        const other = yield* Effect.exit(readUnkeyed(second))
        return { held, other }
      }).pipe(Effect.provide(clientOn(emulator)))
    )

    expect(failure(exits.held)).toMatchObject({
      _tag: "HoldTooLongError",
      scope: "app",
      reason: "ceiling",
      businessId: first
    })
    expect((failure(exits.held) as Error).message).toContain(`for the app's budget as business ${first}`)
    expect(sentFor(emulator, first)).toBe(2)
    // The second token knew nothing of that usage: its read was sent. (The emulator has one app budget, so Graph
    // itself refuses it with code 4; what the governor must not do is hold it on another token's news.)
    expect(sentFor(emulator, second)).toBe(1)
    expect(failure(exits.other)).toMatchObject({ _tag: "GraphRateLimitError", code: 4 })
  })

  it("a hold the caller will wait for is waited out, logged, published as GraphEvents.Held and counted", async () => {
    const emulator = await emulatorWith({ businessCalls: 4, usageHeadersFrom: 1 })
    const lines: Array<{ readonly level: string; readonly text: string }> = []
    const logger = Logger.make(({ logLevel, message }) => {
      lines.push({ level: logLevel, text: (Array.isArray(message) ? message : [message]).map(String).join(" ") })
    })
    const pacing = Metric.withAttributes(RateGovernor.metrics.waits, { reason: "pacing" })
    // 3 calls in 10 seconds at 90%: a 3.7 s gap at the ceiling, 2.3 s at 75%.
    const governor = RateGovernor.layerMemory({ budget: { calls: 3, window: "10 seconds" } })
    const result = await Effect.runPromise(
      Effect.scoped(Effect.gen(function*() {
        const events = yield* GraphEvents.make()
        const received = yield* events.subscribe
        const before = { pacing: yield* count(pacing), waited: yield* count(GraphMetrics.governorWaitedMilliseconds) }
        // 25%, 50%, 75%: the fourth read is spaced from the third.
        for (let i = 0; i < 4; i++) yield* read(first).pipe(Effect.provideService(GraphEvents.GraphEvents, events))
        const held = yield* received.pipe(Stream.filter(GraphEvents.is("Held")), Stream.take(1), Stream.runCollect)
        return {
          held,
          pacing: (yield* count(pacing)) - before.pacing,
          waited: (yield* count(GraphMetrics.governorWaitedMilliseconds)) - before.waited
        }
      })).pipe(
        Effect.provide(clientOn(emulator, { governor, retry: { maxHintedWait: "1 minute" } })),
        Effect.provide(Logger.layer([logger]))
      )
    )

    expect(sentFor(emulator, first)).toBe(4)
    const [held] = result.held
    expect(held).toMatchObject({ _tag: "Held", scope: first, reason: "pacing", usagePercent: 75 })
    expect(Duration.toMillis(held!.wait)).toBeGreaterThan(2_000)
    expect(Duration.toMillis(held!.wait)).toBeLessThanOrEqual(2_315)
    expect(result.pacing).toBe(1)
    expect(result.waited).toBeGreaterThanOrEqual(2_000)
    const told = lines.filter((line) => line.text.startsWith("Rate governor: holding"))
    expect(told).toHaveLength(1)
    expect(told[0]!.level).toBe("Info")
    expect(told[0]!.text).toContain(`for business ${first} (${wbm}) for 2s`)
    expect(told[0]!.text).toContain("(usage 75%, pacing)")
  })

  it("RateGovernor.disabled sends every read, whatever the usage headers say", async () => {
    const emulator = await emulatorWith({ businessCalls: 2, usageHeadersFrom: 1 })
    const exits = await Effect.runPromise(
      Effect.all([read(first), read(first), read(first)].map(Effect.exit)).pipe(
        Effect.provide(clientOn(emulator, { governor: RateGovernor.disabled }))
      )
    )
    expect(sentFor(emulator, first)).toBe(3)
    expect(failure(exits[2]!)).toMatchObject({ _tag: "GraphRateLimitError", code: 80008 })
  })

  it("a store of one's own is what the governor works from; while it fails, reads go through and one warning says so", async () => {
    const emulator = await emulatorWith({ businessCalls: 2, usageHeadersFrom: 1 })
    const memory = RateGovernorStore.makeMemory()
    let down = true
    let calls = 0
    const guarded = <A>(
      effect: Effect.Effect<A, RateGovernorStore.RateGovernorStoreError>
    ): Effect.Effect<A, RateGovernorStore.RateGovernorStoreError> =>
      Effect.suspend(() => {
        calls++
        return down
          ? Effect.fail(new RateGovernorStore.RateGovernorStoreError({ message: "connection refused" }))
          : effect
      })
    const store: RateGovernorStore.Store = {
      read: (scopes) => guarded(memory.read(scopes)),
      write: (scope, observation, timeToLive) => guarded(memory.write(scope, observation, timeToLive)),
      take: (key, interval, limit) => guarded(memory.take(key, interval, limit))
    }
    const lines: Array<{ readonly level: string; readonly text: string }> = []
    const logger = Logger.make(({ logLevel, message }) => {
      lines.push({ level: logLevel, text: (Array.isArray(message) ? message : [message]).map(String).join(" ") })
    })
    const governor = RateGovernor.layer().pipe(Layer.provide(Layer.succeed(RateGovernorStore.RateGovernorStore, store)))
    const result = await Effect.runPromise(
      Effect.gen(function*() {
        const duringOutage = yield* Effect.all([read(first), read(first), read(first)].map(Effect.exit))
        down = false
        yield* read(second)
        yield* read(second)
        const afterwards = yield* Effect.exit(read(second))
        return { duringOutage, afterwards }
      }).pipe(Effect.provide(clientOn(emulator, { governor })), Effect.provide(Logger.layer([logger])))
    )

    // Nothing was known during the outage: all three reads went out, and Graph refused the third.
    expect(sentFor(emulator, first)).toBe(3)
    expect(failure(result.duringOutage[2]!)).toMatchObject({ _tag: "GraphRateLimitError", code: 80008 })
    const storeLines = lines.filter((line) => line.text.includes("store"))
    expect(storeLines.map((line) => line.level)).toEqual(["Warn", "Info"])
    expect(storeLines[0]!.text).toContain("connection refused")
    // Back up, the store holds what the governor learns, and the governor holds the business at its limit.
    expect(failure(result.afterwards)).toMatchObject({ _tag: "HoldTooLongError", scope: second, reason: "regain" })
    expect(sentFor(emulator, second)).toBe(2)
    expect(calls).toBeGreaterThan(6)
  })

  it("options that cannot work fail when the layer is built, naming the setting, and nothing is sent", async () => {
    const emulator = await emulatorWith({ businessCalls: 2, usageHeadersFrom: 1 })
    for (
      const [options, setting] of [
        [{ ceiling: 0 }, "rateGovernor.ceiling"],
        [{ ceiling: 80, paceFrom: 80 }, "rateGovernor.paceFrom"],
        [{ budget: { calls: 0 } }, "rateGovernor.budget.calls"],
        [{ budget: { window: "0 seconds" } }, "rateGovernor.budget.window"],
        [{ maxProbeInterval: Duration.infinity }, "rateGovernor.maxProbeInterval"],
        [{ types: ["Whatsapp Business"] }, "rateGovernor.types"]
      ] as const
    ) {
      const exit = await Effect.runPromiseExit(
        read(first).pipe(Effect.provide(clientOn(emulator, { governor: RateGovernor.layerMemory(options) })))
      )
      expect(failure(exit)).toMatchObject({ _tag: "GraphConfigError", setting })
    }
    expect(emulator.requests()).toHaveLength(0)
  })
})
