import { GraphClient, GraphConfig, GraphError, GraphUsage } from "@effect-waba/graph-core"
import {
  ClientAccounts,
  ManagedAccounts,
  OwnedAccounts,
  PhoneNumbers,
  WhatsAppBusinessAccount
} from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Dataset from "../src/Dataset.js"
import * as Emulator from "../src/Emulator.js"
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
      expect(first!.wire.phoneNumbers).toEqual((yield* Testing.phoneNumbersOracle(first!.account.id)).wire)
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

  describe("the documented demo business", () => {
    it.effect("inProcess({ businesses: [120] }) is business 1234567890 owning 120 accounts", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        expect(emulator.businessIds[0]).toBe("1234567890")
        expect(yield* OwnedAccounts.all("1234567890", { limit: 100 })).toHaveLength(120)
      }).pipe(Effect.provide(Testing.inProcess({ seed: 1, businesses: [120] }))))

    it.effect("a count of businesses keeps it too, with the other ids as before", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        expect(emulator.businessIds).toHaveLength(3)
        expect(emulator.businessIds[0]).toBe("1234567890")
        const generated = Dataset.make({ seed: 1, businesses: 3, accountsPerBusiness: 7 }).businesses.map((b) => b.id)
        expect(emulator.businessIds.slice(1)).toEqual(generated.slice(1))
        expect(yield* OwnedAccounts.all("1234567890", { limit: 100 })).toHaveLength(7)
      }).pipe(Effect.provide(Testing.inProcess({ seed: 1, businesses: 3, accountsPerBusiness: 7 }))))

    it.effect("an id a spec gives takes its place, wherever the spec is", () =>
      Effect.gen(function*() {
        const [first, second] = (yield* Emulator.Emulator).businessIds
        expect(second).toBe("1234567890")
        expect(first).toMatch(/^[0-9]+$/)
        expect(first).not.toBe("1234567890")
        expect(yield* OwnedAccounts.all("1234567890")).toHaveLength(2)
      }).pipe(Effect.provide(Testing.inProcess({ businesses: [3, { id: "1234567890", accounts: 2 }] }))))

    it("firstBusinessId names it otherwise; the emulator and the data set alone generate it", () => {
      expect(Emulator.unsafeMake({ businesses: [5], firstBusinessId: "77" }).businessIds[0]).toBe("77")
      expect(Emulator.unsafeMake({ businesses: [{ id: "42", accounts: 1 }], firstBusinessId: "77" }).businessIds)
        .toEqual(["42"])
      const generated = Dataset.make({ seed: 1, businesses: [5] }).businesses[0]!.id
      expect(generated).not.toBe("1234567890")
      expect(Emulator.unsafeMake({ seed: 1, businesses: [5] }).businessIds[0]).toBe(generated)
    })
  })

  describe("oracles give what a read gives", () => {
    const everyAccountField = OwnedAccounts.edge.node.fieldNames

    it.effect("owned: Graph's default fields as a read without fields, decoded; the wire form beside them", () =>
      Effect.gen(function*() {
        const { accounts, businessId, wire } = yield* Testing.ownedOracle()
        expect(yield* OwnedAccounts.all(businessId, { limit: 100 })).toEqual(accounts)
        expect(accounts).toHaveLength(137)
        expect(wire.map((a) => a.id)).toEqual(accounts.map((a) => a.id))
        expect(typeof wire[0]!.creation_time).toBe("number")
      }).pipe(Effect.provide(Testing.inProcess())))

    it.effect("owned, every field: dates are Dates, nulls absent, equal to the read of every field", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        // Nulls and numeric strings on the wire: the read decodes them, and the oracle decodes as the read does.
        yield* emulator.setQuirks({ nullForAbsent: true, creationTimeAsString: true })
        const { accounts, businessId, wire } = yield* Testing.ownedOracle({ fields: everyAccountField })
        const read = yield* OwnedAccounts.all(businessId, { fields: everyAccountField, limit: 100 })
        expect(read).toEqual(accounts)
        expect(accounts[0]!.creation_time).toBeInstanceOf(Date)
        expect(accounts[0]!.creation_time!.getTime()).toBe(wire[0]!.creation_time * 1000)
        expect(accounts.some((a) => !("purchase_order_number" in a))).toBe(true)
      }).pipe(Effect.provide(Testing.inProcess({ businesses: [60] }))))

    it.effect("newest first, as the descending sort reads them", () =>
      Effect.gen(function*() {
        const { accounts, businessId } = yield* Testing.ownedOracle({ descending: true, fields: ["creation_time"] })
        const read = yield* OwnedAccounts.all(businessId, {
          sort: "creation_time_descending",
          fields: ["creation_time"]
        })
        expect(read).toEqual(accounts)
      }).pipe(Effect.provide(Testing.inProcess({ businesses: [60] }))))

    it.effect("client accounts and phone numbers the same way", () =>
      Effect.gen(function*() {
        const clients = yield* Testing.clientOracle({ fields: ["permitted_tasks", "creation_time", "name"] })
        expect(clients.accounts.length).toBeGreaterThan(5)
        expect(
          yield* ClientAccounts.all(clients.businessId, { fields: ["permitted_tasks", "creation_time", "name"] })
        ).toEqual(clients.accounts)
        const accountId = clients.accounts[0]!.id
        const numbers = yield* Testing.phoneNumbersOracle(accountId, { fields: ["last_onboarded_time", "status"] })
        expect(numbers.phoneNumbers.length).toBeGreaterThan(0)
        expect(numbers.phoneNumbers.length).toBe(numbers.wire.length)
        expect(yield* PhoneNumbers.all(accountId, { fields: ["last_onboarded_time", "status"] })).toEqual(
          numbers.phoneNumbers
        )
        expect(yield* PhoneNumbers.all(accountId)).toEqual((yield* Testing.phoneNumbersOracle(accountId)).phoneNumbers)
      }).pipe(Effect.provide(Testing.inProcess())))

    it.effect("managed: each account once, with every field and its phone numbers, as the fan-out reads them", () =>
      Effect.gen(function*() {
        const oracle = yield* Testing.managedOracle("1234567890")
        const { accounts, failures } = yield* ManagedAccounts.all(["1234567890"], {
          fields: everyAccountField,
          expand: { phone_numbers: { fields: PhoneNumbers.edge.node.fieldNames } }
        })
        expect(failures).toEqual([])
        expect(accounts).toHaveLength(oracle.size)
        for (const { account } of accounts) {
          const { phone_numbers, ...fields } = account
          expect(fields).toEqual(oracle.get(account.id)!.account)
          expect(phone_numbers).toEqual(oracle.get(account.id)!.phoneNumbers)
        }
      }).pipe(Effect.provide(Testing.inProcess({ rateLimit: false }))))
  })

  describe("mockClient: a GraphClient answered with a body in one line", () => {
    it.effect("the body is decoded with the read's own Schema, and each request is kept", () => {
      const mock = Testing.mockClient(() => ({
        data: [{ id: "1", name: "Support", creation_time: 1_700_000_000 }, { id: "2", name: null }]
      }))
      return Effect.gen(function*() {
        const accounts = yield* OwnedAccounts.all("1234567890", { fields: ["name", "creation_time"] })
        expect(accounts).toEqual([
          { id: "1", name: "Support", creation_time: new Date(1_700_000_000_000) },
          { id: "2" }
        ])
        expect(mock.seen).toHaveLength(1)
        expect(mock.seen[0]).toMatchObject({
          route: "/{business-id}/owned_whatsapp_business_accounts",
          params: { "business-id": "1234567890" },
          query: { fields: "id,name,creation_time" }
        })
      }).pipe(Effect.provide(mock.layer))
    })

    it.effect("a body that does not fit fails as the real client fails; an answer can fail with a Graph error", () => {
      const expired = new GraphError.GraphAuthError({
        code: 190,
        subcode: 463,
        message: "Error validating access token: Session has expired",
        isTransient: false,
        httpStatus: 400,
        route: "/{waba-id}",
        usage: GraphUsage.unknown,
        attempts: 1
      })
      const mock = Testing.mockClient((request) =>
        request.route === "/{waba-id}" ? Effect.fail(expired) : { data: [{ name: "no id" }] }
      )
      return Effect.gen(function*() {
        const bad = yield* Effect.flip(OwnedAccounts.all("1234567890"))
        expect(bad._tag).toBe("GraphDecodeError")
        expect(bad.message).toContain("/{business-id}/owned_whatsapp_business_accounts did not match")
        const denied = yield* Effect.flip(WhatsAppBusinessAccount.get("102290129340398"))
        expect(denied._tag).toBe("GraphAuthError")
        expect(denied.message).toBe(expired.message)
        expect(mock.seen.map((request) => request.route)).toEqual([
          "/{business-id}/owned_whatsapp_business_accounts",
          "/{waba-id}"
        ])
      }).pipe(Effect.provide(mock.layer))
    })

    it.effect("respond: the same answer for a GraphClient of one's own", () =>
      Effect.gen(function*() {
        const response = yield* Testing.respond(
          { route: "/{business-id}/owned_whatsapp_business_accounts", schema: Page },
          { data: [{ id: "7" }] }
        )
        expect(response).toEqual({
          body: { data: [{ id: "7" }] },
          status: 200,
          usage: GraphUsage.unknown,
          fbtraceId: undefined,
          apiVersion: GraphConfig.defaultApiVersion,
          attempts: 1
        })
      }))
  })
})
