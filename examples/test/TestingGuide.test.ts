/**
 * The layers docs/testing.md shows, checked: each compiles and behaves as the guide says.
 */
import { Emulator, EmulatorHttpClient, Testing } from "@effect-waba/emulator"
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import { GraphClient, GraphConfig, GraphError, GraphUsage } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Stream, TestClock } from "effect"

// 1. A scripted HttpClient.
const onePage = { data: [{ id: "1", name: "Shrub Support" }, { id: "2", name: "Shrub Sales" }] }
const scripted = Testing.scriptedClient((_seen, index) =>
  index === 0
    ? Testing.graphError({ code: 2, message: "Service temporarily unavailable", is_transient: true }, 503)
    : { body: onePage, headers: { "x-app-usage": "{\"call_count\":12}" } }
)

// 2. A GraphClient mock.
const FakeGraph = Testing.mockClient(() => onePage).layer
const ExpiredToken = Testing.mockClient((request) =>
  Effect.fail(
    new GraphError.GraphAuthError({
      code: 190,
      subcode: 463,
      message: "Error validating access token: Session has expired",
      isTransient: false,
      httpStatus: 400,
      route: request.route,
      usage: GraphUsage.unknown,
      attempts: 1
    })
  )
).layer

// 3. The emulator in-process.
const TestGraph = Testing.inProcess({ seed: 1, businesses: [120] })
const SameByHand = GraphClient.layer.pipe(
  Layer.provide(GraphConfig.layer({ accessToken: Emulator.defaultToken })),
  Layer.provide(EmulatorHttpClient.layer),
  Layer.provideMerge(Emulator.layer({ seed: 1, businesses: [120], firstBusinessId: "1234567890" }))
)

// 4. The emulator server, over real HTTP.
const OverTheWire = Testing.overTheWire({ seed: 1, businesses: [120] })

// Telemetry and time: a recorder around a traced, logging effect.
const recorder = Testing.recorder()
const traced = recorder.run(Effect.logWarning("retrying").pipe(Effect.withSpan("my.read")))

describe("the testing guide", () => {
  it.effect("a scripted HttpClient answers the client, and records what it sent", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(
        OwnedAccounts.stream("1234", { fields: ["name"] }).pipe(Stream.map((a) => a.name), Stream.runCollect)
      )
      yield* TestClock.adjust("1 minute") // the retry after the 503
      expect([...(yield* Fiber.join(fiber))]).toEqual(["Shrub Support", "Shrub Sales"])
      expect(scripted.seen).toHaveLength(2)
      expect(scripted.seen[1]!.headers["authorization"]).toBe(`Bearer ${Testing.token}`)
    }).pipe(Effect.provide(scripted.layer)))
  it.effect("a GraphClient mock answers any request, or fails as told", () =>
    Effect.gen(function*() {
      expect(yield* OwnedAccounts.all("1234")).toHaveLength(2)
      const error = yield* Effect.flip(OwnedAccounts.all("1234").pipe(Effect.provide(ExpiredToken)))
      expect(error._tag).toBe("GraphAuthError")
    }).pipe(Effect.provide(FakeGraph)))
  it.effect("the emulator in-process, a fault, and a retry under TestClock", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      yield* emulator.setFaults([{ kind: "httpError", status: 503, when: { requests: [2] } }])
      const fiber = yield* Effect.fork(OwnedAccounts.all("1234567890", { limit: 50 }))
      yield* TestClock.adjust("1 minute")
      const accounts = yield* Fiber.join(fiber)
      expect(accounts).toHaveLength(120)
      expect(yield* emulator.requestCount).toBe(4)
    }).pipe(Effect.provide(TestGraph)))
  it.effect("the oracles give what a read gives", () =>
    Effect.gen(function*() {
      const { accounts, businessId, wire } = yield* Testing.ownedOracle({ fields: ["name", "creation_time"] })
      expect(businessId).toBe("1234567890")
      expect(yield* OwnedAccounts.all(businessId, { fields: ["name", "creation_time"] })).toEqual(accounts)
      expect(accounts).toHaveLength(120)
      expect(accounts[0]?.creation_time?.getTime()).toBe(wire[0]!.creation_time * 1000)
    }).pipe(Effect.provide(TestGraph)))
  it.effect("the in-process layer by hand is the same", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      expect(yield* OwnedAccounts.all(emulator.businessIds[0]!, { limit: 100 })).toHaveLength(120)
      expect(emulator.businessIds[0]).toBe("1234567890")
    }).pipe(Effect.provide(SameByHand)))
  it.live("the emulator server over real HTTP", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const accounts = yield* OwnedAccounts.all(emulator.businessIds[0]!, { limit: 100 })
      expect(accounts).toHaveLength(120)
      expect((yield* emulator.requests).map((r) => r.transport)).toEqual(["server", "server"])
    }).pipe(Effect.provide(OverTheWire)))
  it("the Promise API with plain fetch", async () => {
    const emu = await startEmulator({ businesses: [30] })
    try {
      const response = await fetch(`${emu.url}/v26.0/${emu.businessIds[0]}/owned_whatsapp_business_accounts?limit=10`, {
        headers: { authorization: `Bearer ${emu.token}` }
      })
      const body = await response.json()
      expect(body.data).toHaveLength(10)
      expect(typeof body.paging.next).toBe("string")
      expect(emu.requests()).toHaveLength(1)
    } finally {
      await emu.stop()
    }
  })

  it.effect("the recorder keeps the span and the log line, and no token", () =>
    Effect.gen(function*() {
      yield* traced
      expect(recorder.spans[0]?.name).toBe("my.read")
      expect(recorder.logs[0]?.level).toBe("WARN")
      expect(recorder.dump()).not.toContain(Testing.token)
    }))
})
