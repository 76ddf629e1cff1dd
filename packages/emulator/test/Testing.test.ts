import { GraphClient, GraphError } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Testing from "../src/Testing.js"

const Page = Schema.Struct({
  data: Schema.Array(Schema.Struct({ id: Schema.String })),
  paging: Schema.optional(Schema.Struct({ next: Schema.optional(Schema.String) }))
})

const read = (businessId: string) =>
  GraphClient.get({
    route: "/{business-id}/owned_whatsapp_business_accounts",
    params: { "business-id": businessId },
    query: { limit: 5 },
    schema: Page,
    usageKey: businessId
  })

describe("Testing", () => {
  it.effect("scripted: records each request with its headers and answers JSON, raw bodies and header maps", () => {
    const server = Testing.scriptedClient(
      (_, index) =>
        index === 0
          ? { body: { data: [{ id: "1" }] }, headers: { "x-app-usage": "{\"call_count\":42}" } }
          : { raw: "{\"data\": [", status: 200 },
      { retry: false }
    )
    return Effect.gen(function*() {
      const ok = yield* read("123")
      expect(ok.body.data).toEqual([{ id: "1" }])
      expect(ok.usage.app?.callCount).toBe(42)
      const broken = yield* Effect.either(read("123"))
      expect(Either.isLeft(broken) && broken.left._tag).toBe("GraphTransportError")
      expect(server.seen).toHaveLength(2)
      expect(server.seen[0]!.url.pathname).toMatch(/\/123\/owned_whatsapp_business_accounts$/)
      expect(server.seen[0]!.headers["authorization"]).toBe(`Bearer ${Testing.token}`)
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("scripted: a network failure is a transport error, a Graph error body a typed error, a hang a hang", () => {
    const server = Testing.scriptedClient(
      (_, index) =>
        index === 0
          ? { network: "ECONNRESET" }
          : index === 1
          ? Testing.graphError({ code: 200, message: "(#200) Permissions error", type: "OAuthException" }, 403)
          : { hang: true },
      { retry: false }
    )
    return Effect.gen(function*() {
      const network = yield* Effect.flip(read("1"))
      expect(network._tag).toBe("GraphTransportError")
      const denied = yield* Effect.flip(read("1"))
      expect(GraphError.isGraphError(denied) && denied._tag).toBe("GraphPermissionError")
      const fiber = yield* Effect.fork(read("1").pipe(Effect.timeout("5 seconds"), Effect.either))
      yield* TestClock.adjust("10 minutes")
      const hung = yield* Fiber.join(fiber)
      expect(Either.isLeft(hung)).toBe(true)
      expect(server.seen).toHaveLength(3)
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("inProcess: a GraphClient over a fresh emulator, and the oracles agree with what it reads", () =>
    Effect.gen(function*() {
      const { accounts, businessId } = yield* Testing.ownedOracle()
      const page = yield* read(businessId)
      expect(page.body.data.map((a) => a.id)).toEqual(accounts.slice(0, 5).map((a) => a.id))
      const managed = yield* Testing.managedOracle(businessId)
      const clients = (yield* Testing.clientOracle()).accounts
      expect(managed.size).toBe(new Set([...accounts, ...clients].map((a) => a.id)).size)
      const [first] = managed.values()
      expect(first!.phoneNumbers).toEqual(yield* Testing.phoneNumbersOracle(first!.account.id))
    }).pipe(Effect.provide(Testing.inProcess({ seed: "testing" }))))

  it.effect("overTheWire: the same read through a loopback server and fetch", () =>
    Effect.gen(function*() {
      const { accounts, businessId } = yield* Testing.ownedOracle()
      const page = yield* read(businessId)
      expect(page.body.data.map((a) => a.id)).toEqual(accounts.slice(0, 5).map((a) => a.id))
      expect(page.body.paging?.next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
    }).pipe(Effect.provide(Testing.overTheWireUngoverned({ seed: "testing" }))), { timeout: 20_000 })
  it.effect("scripted: streamed bodies, the client's own step, whether a request had a body, abandoned hangs", () => {
    const encoder = new TextEncoder()
    const server = Testing.scriptedClient(
      (_, index) =>
        index === 0
          ? {
            stream: () =>
              new ReadableStream({
                start(controller) {
                  controller.enqueue(encoder.encode("{\"data\": [{\"id\""))
                  controller.enqueue(encoder.encode(": \"7\"}]}"))
                  controller.close()
                }
              })
          }
          : { hang: true },
      { retry: false, timeout: "2 seconds" },
      { transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-test-hook", "on")) }
    )
    return Effect.gen(function*() {
      const ok = yield* read("123")
      expect(ok.body.data).toEqual([{ id: "7" }])
      expect(server.seen[0]!.headers["x-test-hook"]).toBe("on")
      expect(server.seen[0]!.hasBody).toBe(false)
      expect(server.abandoned.count).toBe(0)
      const fiber = yield* Effect.fork(Effect.either(read("123")))
      yield* TestClock.adjust("3 seconds")
      const timedOut = yield* Fiber.join(fiber)
      expect(Either.isLeft(timedOut) && timedOut.left._tag).toBe("GraphTransportError")
      expect(server.abandoned.count).toBe(1)
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("recorder: keeps spans with their attributes and exits, and log lines at every level", () => {
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      yield* recorder.run(
        Effect.logDebug("quiet detail").pipe(
          Effect.annotateLogs("business", "42"),
          Effect.zipRight(Effect.annotateCurrentSpan("graph.attempts", 2)),
          Effect.withSpan("outer.read")
        )
      )
      expect(recorder.spans.map((span) => span.name)).toEqual(["outer.read"])
      expect(recorder.spans[0]!.attributes.get("graph.attempts")).toBe(2)
      expect(recorder.spans[0]!.exit?._tag).toBe("Success")
      expect(recorder.logs).toEqual([{ level: "DEBUG", message: "quiet detail", annotations: { business: "42" } }])
      expect(recorder.dump()).toContain("quiet detail")
    })
  })

  it("everyRendering: a value kept on an error shows up in at least one rendering", () => {
    class Leaky extends Error {
      readonly detail = "hidden-in-a-field"
    }
    const rendered = Testing.everyRendering(new Leaky("the message"))
    expect(rendered).toContain("the message")
    expect(rendered).toContain("hidden-in-a-field")
  })

  it.live("eventually: returns once the condition holds", () =>
    Effect.gen(function*() {
      const polls = yield* Ref.make(0)
      yield* Testing.eventually(Ref.updateAndGet(polls, (n) => n + 1).pipe(Effect.map((n) => n >= 3)), "three polls")
      expect(yield* Ref.get(polls)).toBe(3)
    }))

  it.effect(
    "timeMachine: a client waiting out Graph's rate-limit hint gets through once both clocks move",
    () =>
      Effect.gen(function*() {
        const { businessId, emulator } = yield* Testing.ownedOracle()
        yield* read(businessId)
        const machine = yield* Effect.fork(Testing.timeMachine(emulator, { step: "10 minutes", idleMs: 25 }))
        const second = yield* read(businessId)
        yield* Fiber.interrupt(machine)
        // Throttled at least once, then through. How many times it was throttled first depends on how the
        // machine's steps fall against the retry delay on a loaded machine, so only the shape is pinned.
        expect(second.attempts).toBeGreaterThanOrEqual(2)
        expect(yield* emulator.requestCount).toBe(1 + second.attempts)
      }).pipe(Effect.provide(Testing.overTheWireUngoverned(
        { seed: "testing", rateLimit: { businessCalls: 1, window: "1 hour" }, clock: { frozen: true } },
        // Each step jumps 10 minutes: the request timeout is longer, so a step never times out a request in flight.
        { retry: { maxHintedWait: "2 hours" }, timeout: "1 hour" }
      ))),
    { timeout: 20_000 }
  )
})
