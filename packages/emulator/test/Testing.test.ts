import { GraphClient, GraphError } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
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
})
