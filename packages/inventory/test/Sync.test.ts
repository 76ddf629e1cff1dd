import { Testing } from "@effect-waba/emulator"
import { Emulator } from "@effect-waba/emulator"
import { GraphCredentials } from "@effect-waba/graph-core"
import { Inventory } from "@effect-waba/inventory"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { count, stores } from "./utils/stores.js"

// Three businesses; each has accounts of the others shared with it, so most accounts are seen twice.
const emulator = {
  businesses: [
    { accounts: 4, clientAccounts: 2, phoneNumbers: 2 },
    { accounts: 3, clientAccounts: 2, phoneNumbers: 1 },
    { accounts: 2, clientAccounts: 1, phoneNumbers: 3 }
  ],
  rateLimit: false as const
}

const allChanges = (since?: Inventory.Since) => Effect.map(Stream.runCollect(Inventory.changes(since)), Chunk.toArray)

// What the emulator holds now: every account each business manages, by id, with its phone numbers.
const expected = Effect.gen(function*() {
  const emu = yield* Emulator.Emulator
  const accounts = new Map<string, ReadonlyArray<string>>()
  const sightings = new Set<string>()
  for (const businessId of emu.businessIds) {
    for (const account of yield* emu.accounts(businessId)) {
      sightings.add(`${businessId}/owned/${account.id}`)
      accounts.set(account.id, (yield* emu.phoneNumbers(account.id)).map((n) => n.id).sort())
    }
    for (const account of yield* emu.clientAccounts(businessId)) {
      sightings.add(`${businessId}/client/${account.id}`)
      accounts.set(account.id, (yield* emu.phoneNumbers(account.id)).map((n) => n.id).sort())
    }
  }
  return { accounts, sightings }
})

const stored = Effect.gen(function*() {
  const accounts = yield* Inventory.accounts()
  const numbers = yield* Inventory.phoneNumbers()
  return {
    accounts: new Map(
      accounts.map((a) => [a.id, numbers.filter((n) => n.accountId === a.id).map((n) => n.id).sort()])
    ),
    sightings: new Set(accounts.flatMap((a) => a.sightings.map((s) => `${s.businessId}/${s.edge}/${a.id}`)))
  }
})

const businessIds = Effect.map(Emulator.Emulator, (emu) => [...emu.businessIds])

// The SQL statements an effect runs, by the span `@effect/sql` opens for each one.
const statementsOf = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.tracer, (native) => {
    let statements = 0
    const tracer = Tracer.make({
      span: (name, ...rest) => {
        if (name === "sql.execute") statements++
        return native.span(name, ...rest)
      },
      context: native.context
    })
    return Effect.map(Effect.withTracer(effect, tracer), () => statements)
  })

for (const store of stores) {
  describe.skipIf(store.skip)(`Inventory.sync on ${store.name}`, () => {
    const provide = <A, E, R>(self: Effect.Effect<A, E, R>) =>
      Effect.provide(self, Layer.merge(store.layer(), Testing.inProcess(emulator)))

    it.live("a first sync stores every account, sighting and phone number, each recorded as added", () =>
      provide(Effect.gen(function*() {
        const ids = yield* businessIds
        const run = yield* Inventory.sync(ids)
        const want = yield* expected
        const got = yield* stored
        expect(got.accounts).toEqual(want.accounts)
        expect(got.sightings).toEqual(want.sightings)
        expect(run).toMatchObject({ status: "completed", businesses: 3, businessesDone: 3, businessesFailed: 0 })
        const numbers = [...want.accounts.values()].flat().length
        expect(run.accountsWritten).toBe(want.accounts.size)
        expect(run.phoneNumbersWritten).toBe(numbers)
        const changes = yield* allChanges({ run: run.id })
        expect(changes.every((c) => c.kind === "added" && c.runId === run.id && c.source === "sync")).toBe(true)
        expect(changes.filter((c) => c.entity === "account").map((c) => c.entityId).sort()).toEqual(
          [...want.accounts.keys()].sort()
        )
        expect(changes.filter((c) => c.entity === "phone_number")).toHaveLength(numbers)
        expect(changes.filter((c) => c.entity === "sighting")).toHaveLength(want.sightings.size)
        // The added record carries the fields read, as stored.
        const [first] = yield* Inventory.accounts()
        const change = changes.find((c) => c.entity === "account" && c.entityId === first!.id)
        expect(change?.newValue).toEqual(first!.fields)
        expect(typeof first!.fields.name).toBe("string")
      })))

    it.live("a second sync with nothing changed writes no account or number row and records no change", () =>
      provide(Effect.gen(function*() {
        const ids = yield* businessIds
        yield* Inventory.sync(ids)
        const second = yield* Inventory.sync(ids)
        expect(second).toMatchObject({ status: "completed", accountsWritten: 0, phoneNumbersWritten: 0, changes: 0 })
        expect(yield* count("inventory_accounts", `written_run_id = ${second.id}`)).toBe(0)
        expect(yield* count("inventory_phone_numbers", `written_run_id = ${second.id}`)).toBe(0)
        expect(yield* allChanges({ run: second.id })).toEqual([])
      })))

    it.live("a business's new accounts, numbers and sightings go in with as many statements for 30 accounts as for 1", () =>
      Effect.provide(
        Effect.gen(function*() {
          const [one, many] = yield* businessIds
          const small = yield* statementsOf(Inventory.sync([one!]))
          const large = yield* statementsOf(Inventory.sync([many!]))
          // Each statement is a round trip to the database: a row each would make it 30 × 5 statements more.
          expect(large).toBe(small)
          expect((yield* Inventory.phoneNumbers()).length).toBe(1 + 30 * 3)
          expect(yield* count("inventory_sightings")).toBe(31)
        }),
        Layer.merge(
          store.layer(),
          Testing.inProcess({
            businesses: [
              { accounts: 1, clientAccounts: 0, phoneNumbers: 1 },
              { accounts: 30, clientAccounts: 0, phoneNumbers: 3 }
            ],
            rateLimit: false
          })
        )
      ))

    it.live("changes in Graph are recorded field by field, with the old and the new value", () =>
      provide(Effect.gen(function*() {
        const emu = yield* Emulator.Emulator
        const sql = yield* SqlClient.SqlClient
        const ids = yield* businessIds
        yield* Inventory.sync(ids)
        const [owned] = yield* emu.accounts(ids[2]!)
        const [numberGone, numberKept] = yield* emu.phoneNumbers(owned!.id)
        yield* emu.deletePhoneNumbers(owned!.id, [numberGone!.id])
        const [numberNew] = yield* emu.addPhoneNumbers(owned!.id, 1)
        const [accountNew] = yield* emu.addAccounts(ids[1]!, 1)
        // The store remembers another rating than Graph now reports: the sync records the move.
        const [row] = yield* sql<{ data: string }>`SELECT data FROM inventory_phone_numbers WHERE id = ${
          numberKept!.id
        }`
        const now = JSON.parse(row!.data).quality_rating as string
        const before = now === "RED" ? "GREEN" : "RED"
        yield* sql`UPDATE inventory_phone_numbers SET data = ${
          JSON.stringify({ ...JSON.parse(row!.data), quality_rating: before })
        } WHERE id = ${numberKept!.id}`

        const run = yield* Inventory.sync(ids)
        const changes = (yield* allChanges({ run: run.id })).map((c) => ({
          entity: c.entity,
          id: c.entityId,
          kind: c.kind,
          field: c.field,
          old: c.kind === "changed" ? c.oldValue : null,
          new: c.kind === "changed" ? c.newValue : null
        }))
        expect(changes).toEqual(expect.arrayContaining([
          { entity: "phone_number", id: numberGone!.id, kind: "removed", field: null, old: null, new: null },
          { entity: "phone_number", id: numberNew!.id, kind: "added", field: null, old: null, new: null },
          { entity: "account", id: accountNew!.id, kind: "added", field: null, old: null, new: null },
          { entity: "sighting", id: accountNew!.id, kind: "added", field: null, old: null, new: null },
          {
            entity: "phone_number",
            id: numberKept!.id,
            kind: "changed",
            field: "quality_rating",
            old: before,
            new: now
          }
        ]))
        expect(changes).toHaveLength(5)
        expect(run).toMatchObject({ accountsWritten: 1, phoneNumbersWritten: 3 })
        const removed = yield* Inventory.phoneNumbers({ includeRemoved: true, accountId: owned!.id })
        expect(removed.find((n) => n.id === numberGone!.id)?.removedAt).not.toBeNull()
      })))

    it.live("a business whose read failed keeps its accounts and numbers; its failure is recorded", () =>
      provide(Effect.gen(function*() {
        const emu = yield* Emulator.Emulator
        const ids = yield* businessIds
        yield* Inventory.sync(ids)
        const before = yield* Inventory.accounts({ businessId: ids[0] })
        // Gone from Graph, but the business's token expired: nothing of it may be taken as gone.
        const [doomed] = yield* emu.accounts(ids[0]!)
        yield* emu.deleteAccounts(ids[0]!, [doomed!.id])
        const tokens = Object.fromEntries(ids.map((id) => [id, Emulator.defaultToken]))
        const run = yield* Inventory.sync(ids).pipe(
          Effect.provide(GraphCredentials.layer({ ...tokens, [ids[0]!]: Emulator.expiredToken }))
        )
        expect(run).toMatchObject({ status: "partial", businessesDone: 2, businessesFailed: 1 })
        expect(run.failures.map((f) => [f.businessId, f.errorTag])).toContainEqual([ids[0], "GraphAuthError"])
        expect(JSON.stringify(run.failures)).not.toContain(Emulator.expiredToken)
        expect(yield* Inventory.accounts({ businessId: ids[0] })).toEqual(before)
        const [runs] = yield* Inventory.runs({ limit: 1 })
        expect(runs?.failures.length).toBeGreaterThan(0)
        const sql = yield* SqlClient.SqlClient
        const [business] = yield* sql<{ last_status: string }>`SELECT last_status FROM inventory_businesses
          WHERE id = ${ids[0]!}`
        expect(business?.last_status).toBe("failed")
        expect((yield* allChanges({ run: run.id })).filter((c) => c.kind === "removed")).toEqual([])

        // Once read to the end, the business's loss is recorded.
        const third = yield* Inventory.sync(ids)
        expect(third.status).toBe("completed")
        const removals = (yield* allChanges({ run: third.id })).filter((c) => c.kind === "removed")
        expect(removals.map((c) => [c.entity, c.entityId])).toContainEqual(["account", doomed!.id])
        expect((yield* Inventory.accounts()).some((a) => a.id === doomed!.id)).toBe(false)
      })))

    it.live("an account shared with a business that failed stays while that business cannot be read", () =>
      provide(Effect.gen(function*() {
        const emu = yield* Emulator.Emulator
        const ids = yield* businessIds
        yield* Inventory.sync(ids)
        // An account one business owns and another sees shared, deleted in Graph; the sharer cannot be read.
        const shared = (yield* Inventory.accounts()).find((a) =>
          a.sightings.length > 1 && a.sightings.some((s) => s.edge === "owned")
        )!
        const owner = shared.sightings.find((s) => s.edge === "owned")!.businessId
        const sharer = shared.sightings.find((s) => s.businessId !== owner)!.businessId
        yield* emu.deleteAccounts(owner, [shared.id])
        const tokens = Object.fromEntries(ids.map((id) => [id, Emulator.defaultToken]))
        yield* Inventory.sync(ids).pipe(
          Effect.provide(GraphCredentials.layer({ ...tokens, [sharer]: Emulator.expiredToken }))
        )
        const still = (yield* Inventory.accounts()).find((a) => a.id === shared.id)
        expect(still?.sightings.map((s) => s.businessId)).toEqual([sharer])
        yield* Inventory.sync(ids)
        expect((yield* Inventory.accounts()).find((a) => a.id === shared.id)).toBeUndefined()
      })))

    it.live("an interrupted sync is recorded as interrupted, and the next one completes it", () =>
      provide(Effect.gen(function*() {
        const emu = yield* Emulator.Emulator
        const ids = yield* businessIds
        // Every request hangs until the sync is interrupted.
        yield* emu.setFaults([{ kind: "latency", ms: 60_000, when: { rate: 1 } }])
        const fiber = yield* Effect.fork(Inventory.sync(ids, { concurrency: 1 }))
        yield* Effect.sleep("200 millis")
        yield* Fiber.interrupt(fiber)
        const [interrupted] = yield* Inventory.runs()
        expect(interrupted?.status).toBe("interrupted")
        yield* emu.clearFaults
        const run = yield* Inventory.sync(ids)
        expect(run.status).toBe("completed")
        expect((yield* stored).accounts).toEqual((yield* expected).accounts)
      })))

    it.live("bad input fails before anything is read or written", () =>
      provide(Effect.gen(function*() {
        const emu = yield* Emulator.Emulator
        for (
          const [ids, options] of [
            [[], {}],
            [["12ab"], {}],
            [["1234"], { concurrency: 0 }],
            [["1234"], { accountFields: ["nope"] }],
            [["1234"], { phoneNumberFields: ["nope"] }]
          ] as const
        ) {
          const error = yield* Effect.flip(Inventory.sync(ids as any, options as any))
          expect(error._tag).toBe("InvalidRequestError")
        }
        expect(yield* emu.requestCount).toBe(0)
        expect(yield* count("inventory_sync_runs")).toBe(0)
      })))

    it.live("changes stream in pages from a run, after a change id, or from a time", () =>
      provide(Effect.gen(function*() {
        const emu = yield* Emulator.Emulator
        const ids = yield* businessIds
        const first = yield* Inventory.sync(ids)
        yield* emu.addAccounts(ids[0]!, 2)
        const second = yield* Inventory.sync(ids)
        const every = yield* allChanges()
        expect(every.length).toBe(first.changes + second.changes)
        expect(every.map((c) => c.id)).toEqual([...every.map((c) => c.id)].sort((a, b) => a - b))
        const paged = yield* Effect.map(Stream.runCollect(Inventory.changes(undefined, { pageSize: 3 })), Chunk.toArray)
        expect(paged).toEqual(every)
        const ofSecond = yield* allChanges({ run: second.id })
        expect(ofSecond).toEqual(every.filter((c) => c.runId === second.id))
        expect(ofSecond).toHaveLength(4)
        const lastOfFirst = every.filter((c) => c.runId === first.id).at(-1)!
        expect(yield* allChanges({ after: lastOfFirst.id })).toEqual(ofSecond)
        expect(yield* allChanges({ time: second.startedAt })).toEqual(ofSecond)
        const error = yield* Effect.flip(Stream.runDrain(Inventory.changes({ run: 999 })))
        expect(error._tag).toBe("InvalidRequestError")
      })))
  })
}
