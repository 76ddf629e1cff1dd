import { Testing } from "@effect-waba/emulator"
import { Filter, OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) =>
  Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)

describe("OwnedAccounts against the emulator", () => {
  it.effect("10,000 accounts, each exactly once and in order, for both sorts", () =>
    Effect.gen(function*() {
      for (const sort of ["creation_time_ascending", "creation_time_descending"] as const) {
        const { accounts, businessId, emulator } = yield* Testing.ownedOracle({
          descending: sort === "creation_time_descending"
        })
        yield* emulator.resetRequests
        const got = yield* collect(OwnedAccounts.stream(businessId, { sort, limit: 100, fields: ["creation_time"] }))
        expect(got).toHaveLength(10_000)
        expect(new Set(got.map((a) => a.id)).size).toBe(10_000)
        expect(got.map((a) => a.id)).toEqual(accounts.map((a) => a.id))
        const times = got.map((a) => a.creation_time!.getTime())
        const ordered = times.every((t, i) =>
          i === 0 || (sort === "creation_time_ascending" ? t >= times[i - 1]! : t <= times[i - 1]!)
        )
        expect(ordered).toBe(true)
        expect(yield* emulator.requestCount).toBe(100)
      }
    }).pipe(Effect.provide(Testing.inProcess({ businesses: [10_000], rateLimit: false }))))

  it.live("the same 10,000 over a real socket, with prefetch", () =>
    Effect.gen(function*() {
      const { accounts, businessId } = yield* Testing.ownedOracle()
      const got = yield* collect(OwnedAccounts.stream(businessId, { limit: 100, prefetch: 2 }))
      expect(got.map((a) => a.id)).toEqual(accounts.map((a) => a.id))
    }).pipe(Effect.provide(Testing.overTheWire({ businesses: [10_000], rateLimit: false }))))

  it.effect("field selection returns exactly the requested fields with the emulator's values", () =>
    Effect.gen(function*() {
      const { businessId, emulator, wire: accounts } = yield* Testing.ownedOracle()
      const got = yield* OwnedAccounts.all(businessId, {
        fields: ["name", "creation_time", "health_status", "ownership_type", "owner_business_info"]
      })
      expect(got).toHaveLength(accounts.length)
      for (const [i, account] of got.entries()) {
        const truth = accounts[i]!
        expect(Object.keys(account).sort()).toEqual(
          ["id", "name", "creation_time", "health_status", "ownership_type", "owner_business_info"].sort()
        )
        expect(account).toMatchObject({
          id: truth.id,
          name: truth.name,
          ownership_type: truth.ownership_type,
          health_status: truth.health_status,
          owner_business_info: truth.owner_business_info
        })
        expect(account.creation_time).toEqual(new Date(truth.creation_time * 1000))
      }
      const [request] = yield* emulator.requests
      expect(request!.query.fields).toBe("id,name,creation_time,health_status,ownership_type,owner_business_info")
    }).pipe(Effect.provide(Testing.inProcess({ businesses: [60] }))))

  it.effect("default fields without a fields parameter", () =>
    Effect.gen(function*() {
      const { accounts, businessId, emulator } = yield* Testing.ownedOracle()
      const got = yield* OwnedAccounts.all(businessId)
      expect(got.map((a) => Object.keys(a).sort())).toEqual(
        accounts.map(() => ["currency", "id", "message_template_namespace", "name", "timezone_id"])
      )
      const [request] = yield* emulator.requests
      expect(request!.query.fields).toBeUndefined()
    }).pipe(Effect.provide(Testing.inProcess({ businesses: [30] }))))

  describe("each filter operator matches a brute-force filter over the emulator's data", () => {
    const cases: ReadonlyArray<
      readonly [
        string,
        (times: ReadonlyArray<number>) => Filter.Filter,
        (t: number, owner: string, times: ReadonlyArray<number>) => boolean
      ]
    > = [
      ["GREATER_THAN", (ts) => Filter.creationTime.greaterThan(at(ts[400]!)), (t, _, ts) => t > ts[400]!],
      [
        "GREATER_THAN_OR_EQUAL",
        (ts) => Filter.creationTime.greaterThanOrEqual(at(ts[400]!)),
        (t, _, ts) => t >= ts[400]!
      ],
      ["LESS_THAN", (ts) => Filter.creationTime.lessThan(at(ts[150]!)), (t, _, ts) => t < ts[150]!],
      ["LESS_THAN_OR_EQUAL", (ts) => Filter.creationTime.lessThanOrEqual(at(ts[150]!)), (t, _, ts) => t <= ts[150]!],
      ["EQUAL", (ts) => Filter.creationTime.equal(at(ts[222]!)), (t, _, ts) => t === ts[222]!],
      ["NOT_EQUAL", (ts) => Filter.creationTime.notEqual(at(ts[222]!)), (t, _, ts) => t !== ts[222]!],
      [
        "IN_RANGE",
        (ts) => Filter.creationTime.inRange(at(ts[100]!), at(ts[300]!)),
        (t, _, ts) => t >= ts[100]! && t <= ts[300]!
      ],
      [
        "NOT_IN_RANGE",
        (ts) => Filter.creationTime.notInRange(at(ts[100]!), at(ts[300]!)),
        (t, _, ts) => t < ts[100]! || t > ts[300]!
      ],
      [
        "ownership IN",
        () => Filter.ownershipType.in("SELF", "ON_BEHALF_OF"),
        (_, o) => o === "SELF" || o === "ON_BEHALF_OF"
      ],
      ["ownership NOT_IN", () => Filter.ownershipType.notIn("SELF"), (_, o) => o !== "SELF"],
      ["ownership EQUAL", () => Filter.ownershipType.equal("CLIENT_OWNED"), (_, o) => o === "CLIENT_OWNED"],
      ["ownership NOT_EQUAL", () => Filter.ownershipType.notEqual("CLIENT_OWNED"), (_, o) => o !== "CLIENT_OWNED"]
    ]
    const at = (seconds: number) => new Date(seconds * 1000)

    for (const [name, build, keep] of cases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          const { businessId, wire: accounts } = yield* Testing.ownedOracle()
          const times = accounts.map((a) => a.creation_time)
          const expected = accounts.filter((a) => keep(a.creation_time, a.ownership_type, times)).map((a) => a.id)
          expect(expected.length).toBeGreaterThan(0)
          const got = yield* OwnedAccounts.all(businessId, { filtering: build(times), limit: 100 })
          expect(got.map((a) => a.id)).toEqual(expected)
        }).pipe(Effect.provide(Testing.inProcess({ businesses: [500] }))))
    }

    it.effect("clauses combine with AND", () =>
      Effect.gen(function*() {
        const { businessId, wire: accounts } = yield* Testing.ownedOracle()
        const pivot = accounts[250]!.creation_time
        const expected = accounts.filter((a) => a.creation_time > pivot && a.ownership_type !== "SELF").map((a) => a.id)
        const got = yield* OwnedAccounts.all(businessId, {
          filtering: [Filter.creationTime.greaterThan(new Date(pivot * 1000)), Filter.ownershipType.notIn("SELF")]
        })
        expect(got.map((a) => a.id)).toEqual(expected)
      }).pipe(Effect.provide(Testing.inProcess({ businesses: [500] }))))
  })

  it.effect("Graph's filter-after-paging quirk: short and empty pages with next do not end the stream", () =>
    Effect.gen(function*() {
      const { businessId, emulator, wire: accounts } = yield* Testing.ownedOracle()
      const pivot = accounts[940]!.creation_time
      const expected = accounts.filter((a) => a.creation_time > pivot).map((a) => a.id)
      const pages = yield* collect(OwnedAccounts.pages(businessId, {
        filtering: Filter.creationTime.greaterThan(new Date(pivot * 1000)),
        limit: 50
      }))
      expect(pages.filter((p) => p.accounts.length === 0 && p.hasNext).length).toBeGreaterThan(5)
      expect(pages.flatMap((p) => p.accounts.map((a) => a.id))).toEqual(expected)
      expect(yield* emulator.requestCount).toBe(20)
    }).pipe(Effect.provide(Testing.inProcess({ businesses: [1000], quirks: { filterAfterPaging: true } }))))

  it.effect("Stream.take(n) requests no page beyond the one holding the n-th account", () =>
    Effect.gen(function*() {
      const { businessId, emulator } = yield* Testing.ownedOracle()
      for (const [n, pages] of [[1, 1], [25, 1], [26, 2], [100, 4], [101, 5]] as const) {
        yield* emulator.resetRequests
        const got = yield* collect(OwnedAccounts.stream(businessId, { limit: 25 }).pipe(Stream.take(n)))
        expect(got).toHaveLength(n)
        expect(yield* emulator.requestCount).toBe(pages)
      }
    }).pipe(Effect.provide(Testing.inProcess({ businesses: [1000] }))))

  it.live("after an injected failure, resuming from the last page's cursor completes the set, nothing lost or repeated", () =>
    Effect.gen(function*() {
      const { accounts, businessId, emulator } = yield* Testing.ownedOracle()
      // Request 4 fails more often than the retry budget allows.
      yield* emulator.setFaults([{ kind: "httpError", status: 503, when: { requests: [4, 5, 6] } }])
      const delivered: Array<string> = []
      let resumeAfter: string | undefined
      const error = yield* OwnedAccounts.pages(businessId, { limit: 40 }).pipe(
        Stream.runForEach((page) =>
          Effect.sync(() => {
            delivered.push(...page.accounts.map((a) => a.id))
            resumeAfter = page.nextAfter
          })
        ),
        Effect.flip
      )
      // HTTP 503 with Graph's code-2 body: transient, retried twice, then given up.
      expect(error._tag).toBe("GraphTransientError")
      expect((error as { readonly attempts?: number }).attempts).toBe(3)
      expect(delivered).toEqual(accounts.slice(0, 120).map((a) => a.id))
      expect(resumeAfter).toBeDefined()
      const rest = yield* collect(OwnedAccounts.stream(businessId, { limit: 40, after: resumeAfter }))
      const all = [...delivered, ...rest.map((a) => a.id)]
      expect(all).toEqual(accounts.map((a) => a.id))
    }).pipe(Effect.provide(Testing.overTheWire({ businesses: [300], rateLimit: false }, {
      retry: { maxRetries: 2, baseDelay: "5 millis", jitter: false }
    }))))

  it.effect("a stale cursor (its account was deleted) is a typed Graph error", () =>
    Effect.gen(function*() {
      const { accounts, businessId, emulator } = yield* Testing.ownedOracle()
      const [first] = yield* collect(OwnedAccounts.pages(businessId, { limit: 10 }).pipe(Stream.take(1)))
      // The emulator's cursors point at the last account of their page; deleting it makes them stale.
      yield* emulator.deleteAccounts(businessId, [accounts[9]!.id])
      const error = yield* Effect.flip(
        Stream.runDrain(OwnedAccounts.stream(businessId, { limit: 10, after: first!.nextAfter }))
      )
      expect(error._tag).toBe("GraphApiError")
      expect(error).toMatchObject({ code: 2642 })
    }).pipe(Effect.provide(Testing.inProcess({ businesses: [50] }))))

  it.effect("bad input sends zero requests to the emulator", () =>
    Effect.gen(function*() {
      const { businessId, emulator } = yield* Testing.ownedOracle()
      const attempts = [
        OwnedAccounts.stream("../" + businessId),
        OwnedAccounts.stream(businessId, { fields: ["nope" as never] }),
        OwnedAccounts.stream(businessId, { filtering: Filter.creationTime.inRange(new Date(2e12), new Date(1e12)) }),
        OwnedAccounts.stream(businessId, { limit: 500 })
      ]
      for (const stream of attempts) {
        const error = yield* Effect.flip(Stream.runDrain(stream))
        expect(error._tag).toBe("InvalidRequestError")
      }
      expect(yield* emulator.requestCount).toBe(0)
    }).pipe(Effect.provide(Testing.inProcess())))
})
