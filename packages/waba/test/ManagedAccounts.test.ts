import { Emulator, Testing } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, GraphCredentials } from "@effect-waba/graph-core"
import { ManagedAccounts } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const TOKEN = "EAAGmanagedTestToken0123456789"
const denied = { error: { message: "(#200) Permissions error", type: "OAuthException", code: 200 } }
const numbers = (...ids: Array<string>) => ids.map((id) => ({ id, display_phone_number: `+1 555 ${id}` }))

/** B1 owns W1 and W2 and is shared W2 and W3; B2 owns W3 and may not read its client edge. */
type Route = (url: URL) => readonly [number, unknown] | Effect.Effect<readonly [number, unknown]>

const routes: Record<string, Route> = {
  "/111/owned_whatsapp_business_accounts": () => [200, {
    data: [
      { id: "901", name: "W1" },
      { id: "902", name: "W2" }
    ]
  }],
  "/111/client_whatsapp_business_accounts": () => [200, {
    data: [
      { id: "902", name: "W2", permitted_tasks: ["MANAGE"] },
      {
        id: "903",
        name: "W3",
        permitted_tasks: ["MESSAGING"],
        phone_numbers: {
          data: numbers("7001"),
          paging: { cursors: { after: "N1" }, next: "https://graph.facebook.com/v27.0/903/phone_numbers?after=N1" }
        }
      }
    ]
  }],
  "/222/owned_whatsapp_business_accounts": () => [200, {
    data: [{
      id: "903",
      name: "W3",
      phone_numbers: {
        data: numbers("7001"),
        paging: { cursors: { after: "N1" }, next: "https://graph.facebook.com/v27.0/903/phone_numbers?after=N1" }
      }
    }]
  }],
  "/222/client_whatsapp_business_accounts": () => [403, denied],
  "/903/phone_numbers": () => [200, { data: numbers("7002", "7003") }]
}

const server = (more: Record<string, Route> = {}) => {
  const seen: Array<URL> = []
  const client = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      seen.push(new URL(url.toString()))
      const route = { ...routes, ...more }[url.pathname.replace(/^\/v\d+\.\d+/, "")]
      const answer = route === undefined ? [400, { error: { message: "no route", code: 100 } }] as const : route(url)
      const [status, body] = Effect.isEffect(answer) ? yield* answer : answer
      return HttpClientResponse.fromWeb(request, new Response(JSON.stringify(body), { status }))
    })
  )
  const layer = GraphClient.layer.pipe(
    Layer.provide(GraphConfig.layer({ accessToken: TOKEN, retry: false })),
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
  )
  return { seen, layer }
}

describe("ManagedAccounts", () => {
  it.effect("merges both edges of every business by id, each account once, with every source", () => {
    const graph = server()
    return Effect.gen(function*() {
      const { accounts, failures } = yield* ManagedAccounts.all(["111", "222"], {
        fields: ["name"],
        expand: { phone_numbers: { fields: ["display_phone_number"] } },
        concurrency: 2
      })
      expect(accounts.map((a) => [a.account.id, a.sources])).toEqual([
        ["901", [{ businessId: "111", edge: "owned" }]],
        ["902", [{ businessId: "111", edge: "owned" }, {
          businessId: "111",
          edge: "client",
          permittedTasks: ["MANAGE"]
        }]],
        ["903", [{ businessId: "111", edge: "client", permittedTasks: ["MESSAGING"] }, {
          businessId: "222",
          edge: "owned"
        }]]
      ])
      const w3 = accounts.find((a) => a.account.id === "903")!.account
      expect(w3.phone_numbers.map((p) => p.id)).toEqual(["7001", "7002", "7003"])
      expect(w3).not.toHaveProperty("permitted_tasks")
      expect(accounts.find((a) => a.account.id === "901")!.account.phone_numbers).toEqual([])
      // The permission failure is reported for that business and edge; the others went on.
      expect(failures).toHaveLength(1)
      expect(failures[0]).toMatchObject({ _tag: "Failure", businessId: "222", edge: "client" })
      expect(failures[0]!.error._tag).toBe("GraphPermissionError")
      // W3 was seen twice; its phone numbers were completed once.
      expect(graph.seen.filter((url) => url.pathname.endsWith("/903/phone_numbers"))).toHaveLength(1)
      const client = graph.seen.find((url) => url.pathname.endsWith("/111/client_whatsapp_business_accounts"))!
      expect(client.searchParams.get("fields")).toBe(
        "id,name,permitted_tasks,phone_numbers{id,display_phone_number}"
      )
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("failFast ends the read at the first failure", () => {
    const graph = server()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(ManagedAccounts.all(["222"], { edges: ["client"], failFast: true }))
      expect(error._tag).toBe("GraphPermissionError")
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("one edge only, duplicates in the list read once", () => {
    const graph = server()
    return Effect.gen(function*() {
      const { accounts } = yield* ManagedAccounts.all(["111", "111"], { edges: ["owned"] })
      expect(accounts.map((a) => a.account.id)).toEqual(["901", "902"])
      expect(graph.seen).toHaveLength(1)
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("bad input is refused before any request", () => {
    const graph = server()
    return Effect.gen(function*() {
      const refusals = [
        yield* Effect.flip(ManagedAccounts.all([])),
        yield* Effect.flip(ManagedAccounts.all(["111", "12ab"])),
        yield* Effect.flip(ManagedAccounts.all(["111"], { edges: ["mine" as any] })),
        yield* Effect.flip(ManagedAccounts.all(["111"], { concurrency: 0 })),
        yield* Effect.flip(ManagedAccounts.all(["111"], { fields: ["nmae" as any] })),
        yield* Effect.flip(ManagedAccounts.all(["111", "222", "333"], { limit: 500 }))
      ]
      expect(refusals.map((e) => "parameter" in e && e.parameter)).toEqual([
        "businessIds",
        "businessIds",
        "edges",
        "concurrency",
        "fields",
        "limit"
      ])
      expect(refusals[1]!.message).toContain("\"12ab\"")
      expect(graph.seen).toHaveLength(0)
    }).pipe(Effect.provide(graph.layer))
  })
})

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) =>
  Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

// An account whose phone numbers continue past the nested page.
const paged = (id: string) => ({
  id,
  name: `W${id}`,
  phone_numbers: {
    data: numbers("7001"),
    paging: { cursors: { after: "N1" }, next: `https://graph.facebook.com/v27.0/${id}/phone_numbers?after=N1` }
  }
})

const label = (result: ManagedAccounts.Result<{ readonly id: string }> | ManagedAccounts.SeenAgain) =>
  result._tag === "Account"
    ? `Account ${result.account.id} from ${result.firstSeenOn.businessId}`
    : result._tag === "SeenAgain"
    ? `SeenAgain ${result.accountId} on ${result.seenOn.businessId}`
    : `${result._tag} ${result.businessId}`

describe("ManagedAccounts.stream, scripted", () => {
  it.effect("emits each account once, a Failure per failed edge and BusinessDone for the businesses read whole", () => {
    const graph = server()
    return Effect.gen(function*() {
      const results = yield* collect(ManagedAccounts.stream(["111", "222"], { fields: ["name"], concurrency: 1 }))
      expect(results.map(label)).toEqual([
        "Account 901 from 111",
        "Account 902 from 111",
        "Account 903 from 111",
        "BusinessDone 111",
        "Failure 222"
      ])
      expect(results[1]).toMatchObject({ firstSeenOn: { businessId: "111", edge: "owned" } })
      expect(results[2]).toMatchObject({
        firstSeenOn: { businessId: "111", edge: "client", permittedTasks: ["MESSAGING"] }
      })
      // The page size of the fan-out is the edges' maximum.
      expect(graph.seen.every((url) => url.searchParams.get("limit") === "100")).toBe(true)
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("sightings: every (account, business, edge), the account's data on the first", () => {
    const graph = server()
    return Effect.gen(function*() {
      const results = yield* collect(ManagedAccounts.sightings(["111", "222"], { fields: ["name"], concurrency: 1 }))
      expect(results.map(label)).toEqual([
        "Account 901 from 111",
        "Account 902 from 111",
        "SeenAgain 902 on 111",
        "Account 903 from 111",
        "BusinessDone 111",
        "SeenAgain 903 on 222",
        "Failure 222"
      ])
      expect(results[2]).toEqual({
        _tag: "SeenAgain",
        accountId: "902",
        seenOn: { businessId: "111", edge: "client", permittedTasks: ["MANAGE"] }
      })
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("a refused read of one account's phone numbers fails that business only; the others go on", () => {
    const graph = server({
      "/333/owned_whatsapp_business_accounts": () => [200, { data: [paged("904")] }],
      "/333/client_whatsapp_business_accounts": () => [200, { data: [] }],
      "/904/phone_numbers": () => [403, denied]
    })
    return Effect.gen(function*() {
      const results = yield* collect(ManagedAccounts.stream(["333", "111"], {
        fields: ["name"],
        expand: { phone_numbers: {} },
        concurrency: 2
      }))
      expect(results.filter(ManagedAccounts.isAccount).map((a) => a.account.id).sort()).toEqual(["901", "902", "903"])
      const failures = results.filter((r): r is ManagedAccounts.Failure => r._tag === "Failure")
      expect(failures.map((f) => [f.businessId, f.edge, f.error._tag])).toEqual([
        ["333", "owned", "GraphPermissionError"]
      ])
      expect(Testing.everyRendering(failures[0]!.error)).not.toContain(TOKEN)
      // 333's client edge is still read; only the business read whole is done.
      expect(graph.seen.some((url) => url.pathname.endsWith("/333/client_whatsapp_business_accounts"))).toBe(true)
      expect(results.filter((r) => r._tag === "BusinessDone").map(label)).toEqual(["BusinessDone 111"])
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("an account whose first read fails is emitted, once, by a business that waited on it", () => {
    let calls = 0
    const graph = server({
      "/444/owned_whatsapp_business_accounts": () => [200, { data: [paged("905")] }],
      "/555/owned_whatsapp_business_accounts": () => [200, { data: [paged("905")] }],
      // The first read of its numbers is slow, then refused; by then the other business has met the account.
      "/905/phone_numbers": () =>
        ++calls === 1
          ? Effect.as(Effect.sleep("1 second"), [403, denied] as const)
          : [200, { data: numbers("7002") }]
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(collect(ManagedAccounts.stream(["444", "555"], {
        edges: ["owned"],
        expand: { phone_numbers: {} },
        concurrency: 2
      })))
      yield* TestClock.adjust("1 second")
      const results = yield* Fiber.join(fiber)
      const failed = results.find((r) => r._tag === "Failure")!.businessId
      const other = failed === "444" ? "555" : "444"
      expect(results.map(label).sort()).toEqual(
        [`Account 905 from ${other}`, `BusinessDone ${other}`, `Failure ${failed}`].sort()
      )
      expect(results.map(label).indexOf(`Account 905 from ${other}`)).toBeLessThan(
        results.map(label).indexOf(`BusinessDone ${other}`)
      )
      const account = results.find(ManagedAccounts.isAccount)!.account
      expect(account.phone_numbers.map((p) => p.id)).toEqual(["7001", "7002"])
      expect(graph.seen.filter((url) => url.pathname.endsWith("/905/phone_numbers"))).toHaveLength(2)
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("two businesses sharing accounts in opposite order, each completing one: both finish, each account once", () => {
    const slow = (id: string): Route => () =>
      Effect.as(Effect.sleep("1 second"), [200, { data: numbers(`${id}9`) }] as const)
    const graph = server({
      "/666/owned_whatsapp_business_accounts": () => [200, { data: [paged("906"), paged("907")] }],
      "/777/owned_whatsapp_business_accounts": () => [200, { data: [paged("907"), paged("906")] }],
      "/906/phone_numbers": slow("906"),
      "/907/phone_numbers": slow("907")
    })
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(collect(ManagedAccounts.sightings(["666", "777"], {
        edges: ["owned"],
        expand: { phone_numbers: {} },
        concurrency: 2
      })))
      yield* TestClock.adjust("1 second")
      yield* TestClock.adjust("1 second")
      const results = yield* Fiber.join(fiber)
      const accounts = results.filter(ManagedAccounts.isAccount)
      expect(accounts.map((a) => a.account.id).sort()).toEqual(["906", "907"])
      expect(accounts.every((a) => a.account.phone_numbers.length === 2)).toBe(true)
      expect(results.filter((r) => r._tag === "SeenAgain")).toHaveLength(2)
      expect(results.filter((r) => r._tag === "BusinessDone").map(label).sort()).toEqual([
        "BusinessDone 666",
        "BusinessDone 777"
      ])
      // Each account's numbers were read past the nested page once, by the business that emitted it.
      expect(graph.seen.filter((url) => url.pathname.endsWith("/phone_numbers"))).toHaveLength(2)
    }).pipe(Effect.provide(graph.layer))
  })

  it.effect("bad resume and progress options are refused before any request", () => {
    const graph = server()
    return Effect.gen(function*() {
      const refusals = [
        yield* Effect.flip(Stream.runDrain(ManagedAccounts.stream(["111"], { done: [111 as any] }))),
        yield* Effect.flip(Stream.runDrain(ManagedAccounts.stream(["111"], { done: "111" as any }))),
        yield* Effect.flip(Stream.runDrain(ManagedAccounts.sightings(["111"], { onProgress: 5 as any }))),
        yield* Effect.flip(Stream.runDrain(ManagedAccounts.stream(["111"], { limit: 101 })))
      ]
      expect(refusals.map((e) => "parameter" in e && e.parameter)).toEqual(["done", "done", "onProgress", "limit"])
      expect(graph.seen).toHaveLength(0)
    }).pipe(Effect.provide(graph.layer))
  })
})

// Every (business, edge) each account of the emulator is managed from.
const managedBy = (businessIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const sources = new Map<string, Set<string>>()
    const add = (id: string, source: string) => sources.set(id, (sources.get(id) ?? new Set()).add(source))
    for (const businessId of businessIds) {
      for (const account of yield* emulator.accounts(businessId)) add(account.id, `${businessId} owned`)
      for (const account of yield* emulator.clientAccounts(businessId)) add(account.id, `${businessId} client`)
    }
    return sources
  })

describe("ManagedAccounts.stream, against the emulator", () => {
  const phoneNumbers = { phone_numbers: { fields: ["display_phone_number"] as const } }

  it.effect("each account once across businesses and edges, complete; sightings name every source", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const ids = emulator.businessIds
      const expected = yield* managedBy(ids)
      expect([...expected.values()].some((sources) => sources.size > 1)).toBe(true)

      const results = yield* collect(ManagedAccounts.stream(ids, { expand: phoneNumbers, concurrency: 3 }))
      const accounts = results.filter(ManagedAccounts.isAccount)
      expect(accounts.map((a) => a.account.id).sort()).toEqual([...expected.keys()].sort())
      for (const { account, firstSeenOn } of accounts) {
        expect(expected.get(account.id)).toContain(`${firstSeenOn.businessId} ${firstSeenOn.edge}`)
        expect(account.phone_numbers.map((p) => p.id)).toEqual(
          (yield* emulator.phoneNumbers(account.id)).map((p) => p.id)
        )
      }
      expect(accounts.some((a) => a.account.phone_numbers.length > 100)).toBe(true)
      // A business is done only after every account it manages was emitted.
      const at = new Map(results.map((r, i) => [r._tag === "Account" ? r.account.id : label(r), i]))
      for (const businessId of ids) {
        for (const [id, sources] of expected) {
          if ([...sources].some((s) => s.startsWith(`${businessId} `))) {
            expect(at.get(id)!).toBeLessThan(at.get(`BusinessDone ${businessId}`)!)
          }
        }
      }

      const sightings = yield* collect(ManagedAccounts.sightings(ids, { concurrency: 3 }))
      const seen = new Map<string, Set<string>>()
      const emitted = new Set<string>()
      for (const s of sightings) {
        if (s._tag !== "Account" && s._tag !== "SeenAgain") continue
        const [id, source] = s._tag === "Account" ? [s.account.id, s.firstSeenOn] : [s.accountId, s.seenOn]
        // The data comes first, once.
        expect(emitted.has(id)).toBe(s._tag === "SeenAgain")
        emitted.add(id)
        seen.set(id, (seen.get(id) ?? new Set()).add(`${source.businessId} ${source.edge}`))
      }
      expect(seen).toEqual(expected)
    }).pipe(Effect.provide(Testing.inProcess({ rateLimit: false }))))

  it.effect("the first account arrives one response after the start, while a slower business is still read", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const [slow, quick] = emulator.businessIds
      const fiber = yield* ManagedAccounts.stream([slow!, quick!], { edges: ["owned"], concurrency: 2 }).pipe(
        Stream.mapEffect((result) => Effect.map(Clock.currentTimeMillis, (at) => ({ result, at }))),
        Stream.runCollect,
        Effect.fork
      )
      yield* TestClock.adjust("1 minute")
      const timed = Chunk.toReadonlyArray(yield* Fiber.join(fiber))
      const doneAt = (id: string) => timed.find(({ result }) => label(result) === `BusinessDone ${id}`)!.at
      // Each response takes 100 ms; the slow business has three pages of 100.
      expect(timed[0]).toMatchObject({ result: { _tag: "Account" }, at: 100 })
      expect(doneAt(quick!)).toBe(100)
      expect(doneAt(slow!)).toBe(300)
      expect(timed.filter(({ result }) => result._tag === "Account")).toHaveLength(253)
    }).pipe(Effect.provide(Testing.inProcess({
      businesses: [{ accounts: 250 }, { accounts: 3 }],
      rateLimit: false,
      faults: [{ kind: "latency", ms: 100, when: { every: 1 } }]
    }))))

  it.effect("progress: businesses done and failed of the total, accounts emitted, pages read", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const snapshots: Array<ManagedAccounts.Progress> = []
      const results = yield* collect(ManagedAccounts.stream([...emulator.businessIds, "999999999999"], {
        expand: phoneNumbers,
        concurrency: 2,
        onProgress: (progress) => Effect.sync(() => snapshots.push(progress))
      }))
      const pages = (yield* emulator.requests).filter((entry) => entry.status === 200).length
      expect(snapshots[0]).toEqual({ businesses: 4, businessesDone: 0, businessesFailed: 0, accounts: 0, pages: 0 })
      expect(snapshots[snapshots.length - 1]).toEqual({
        businesses: 4,
        businessesDone: 3,
        businessesFailed: 1,
        accounts: results.filter(ManagedAccounts.isAccount).length,
        pages
      })
      for (const [i, snapshot] of snapshots.entries()) {
        for (const key of Object.keys(snapshot) as Array<keyof ManagedAccounts.Progress>) {
          expect(snapshot[key]).toBeGreaterThanOrEqual(snapshots[Math.max(0, i - 1)]![key])
        }
      }
    }).pipe(Effect.provide(Testing.inProcess({ rateLimit: false }))))

  it.effect("resume: the businesses done are skipped, nothing of theirs is read twice, nothing is lost", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const ids = emulator.businessIds
      const expected = yield* managedBy(ids)
      // Ten numbers a nested page: the first account of each business has its numbers completed.
      const options = { expand: { phone_numbers: { limit: 10 } }, concurrency: 2 } as const

      // The first run is interrupted after its third business is done.
      let finished = 0
      const first = yield* collect(
        ManagedAccounts.stream(ids, options).pipe(
          Stream.takeUntil((result) => result._tag === "BusinessDone" && ++finished === 3)
        )
      )
      const done = new Set(first.flatMap((r) => r._tag === "BusinessDone" ? [r.businessId] : []))
      expect(done.size).toBe(3)
      yield* emulator.resetRequests

      const snapshots: Array<ManagedAccounts.Progress> = []
      const second = yield* collect(ManagedAccounts.stream(ids, {
        ...options,
        done,
        onProgress: (progress) => Effect.sync(() => snapshots.push(progress))
      }))
      const log = yield* emulator.requests
      const open = ids.filter((id) => !done.has(id))
      const managedByOpen = (id: string) => [...expected.get(id)!].some((s) => open.includes(s.split(" ")[0]!))
      // Nothing of a done business is requested again: neither its edges nor the numbers of its own accounts.
      expect(log.filter((entry) => done.has(entry.businessId!))).toEqual([])
      expect(log.some((entry) => entry.path.endsWith("/phone_numbers"))).toBe(true)
      expect(log.filter((entry) => entry.path.endsWith("/phone_numbers") && !managedByOpen(entry.businessId!)))
        .toEqual([])
      // The second run emits exactly the accounts of the businesses not done; with the first, every account.
      const again = second.filter(ManagedAccounts.isAccount).map((a) => a.account.id)
      expect(again.sort()).toEqual([...expected.keys()].filter(managedByOpen).sort())
      const before = first.filter(ManagedAccounts.isAccount).map((a) => a.account.id)
      expect(new Set([...before, ...again])).toEqual(new Set(expected.keys()))
      expect(snapshots[0]).toMatchObject({ businesses: ids.length, businessesDone: 3 })
      expect(snapshots[snapshots.length - 1]).toMatchObject({ businessesDone: ids.length, businessesFailed: 0 })
    }).pipe(Effect.provide(Testing.inProcess({
      businesses: Array.from(
        { length: 8 },
        (_, i) => ({ accounts: 3 + i * 5, clientAccounts: 4, manyPhoneNumbers: { 0: 25 } })
      ),
      rateLimit: false
    }))))

  it.effect("batch: the same accounts, phone numbers completed, sources and failures, in a tenth of the round trips", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const ids = [...emulator.businessIds, "999999999999"]
      const read = (batch: boolean) =>
        Effect.gen(function*() {
          yield* emulator.resetRequests
          const { accounts, failures } = yield* ManagedAccounts.all(ids, {
            expand: { phone_numbers: { fields: ["display_phone_number"], limit: 5 } },
            concurrency: 2,
            batch
          })
          const log = yield* emulator.requests
          return {
            accounts: [...accounts].sort((a, b) => a.account.id.localeCompare(b.account.id)),
            failures: failures.map((failure) => `${failure.businessId} ${failure.edge} ${failure.error._tag}`).sort(),
            calls: log.filter((entry) => entry.method === "GET").length,
            roundTrips: log.filter((entry) => entry.transport !== "batch").length
          }
        })
      const alone = yield* read(false)
      const batched = yield* read(true)
      expect(alone.accounts.some((a) => a.account.phone_numbers.length > 5)).toBe(true)
      expect(batched.accounts).toEqual(alone.accounts)
      expect(batched.failures).toEqual(alone.failures)
      expect(batched.failures).toHaveLength(2)
      // Every read is still a call of its own; only the round trips are fewer.
      expect(batched.calls).toBe(alone.calls)
      expect(batched.roundTrips * 10).toBeLessThanOrEqual(alone.roundTrips)
    }).pipe(Effect.provide(Testing.inProcess({
      businesses: Array.from({ length: 60 }, (_, i) => ({
        accounts: 2 + (i % 3),
        clientAccounts: 2,
        manyPhoneNumbers: i % 10 === 0 ? { 0: 12 } : {}
      })),
      rateLimit: false
    }))))

  it.effect("batch: each business's reads carry its own token in their item; a wrong token fails that business only", () => {
    const businesses = ["1111111111", "2222222222", "3333333333"]
    const tokens = businesses.map((id) => `EAAGtokenOfBusiness${id}0000`)
    const credentials = GraphCredentials.layer({
      [businesses[0]!]: tokens[0]!,
      [businesses[1]!]: tokens[1]!,
      [businesses[2]!]: "EAAGrevokedTokenOfBusiness3333"
    })
    return Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const { accounts, failures } = yield* ManagedAccounts.all(businesses, { batch: true })
      expect(failures.map((f) => `${f.businessId} ${f.edge} ${f.error._tag}`)).toEqual([
        "3333333333 owned GraphAuthError",
        "3333333333 client GraphAuthError"
      ])
      expect(accounts.length).toBeGreaterThan(0)
      expect(accounts.every((a) => a.sources.every((s) => s.businessId !== businesses[2]))).toBe(true)
      const log = yield* emulator.requests
      const calls = log.filter((entry) => entry.transport === "batch")
      expect(calls).toHaveLength(6)
      for (const call of calls) {
        const i = businesses.indexOf(call.businessId!)
        expect(call.query.access_token).toBe(i === 2 ? "EAAGrevokedTokenOfBusiness3333" : tokens[i])
      }
      // The batch itself goes with the config's token, never in its URL.
      const batches = log.filter((entry) => entry.method === "POST")
      expect(batches.length).toBeLessThan(calls.length)
      expect(batches.every((entry) => entry.query.access_token === undefined)).toBe(true)
    }).pipe(Effect.provide(Layer.merge(
      Testing.inProcess({
        businesses: businesses.map((id) => ({ id, accounts: 3, clientAccounts: 2 })),
        tokens: businesses.slice(0, 2).map((id, i) => ({ token: tokens[i]!, businesses: [id] })),
        rateLimit: false
      }),
      credentials
    )))
  })
})
