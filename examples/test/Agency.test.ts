import { Emulator, Testing } from "@effect-waba/emulator"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Agency from "../src/Agency.js"

describe("example: the agency job", () => {
  it.effect("every account the demo businesses manage, once, with its complete phone numbers; alerts from them", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const ids = emulator.businessIds
      const { alerts, failures, rows } = yield* Agency.run(ids)
      expect(failures).toEqual([])

      // The oracle: each business's owned and client accounts with their phone numbers, merged by id.
      const truth = new Map<string, { readonly phoneNumbers: ReadonlyArray<{ readonly id: string }> }>()
      for (const id of ids) {
        for (const [accountId, entry] of yield* Testing.managedOracle(id)) truth.set(accountId, entry)
      }
      expect(rows).toHaveLength(truth.size)
      expect(new Set(rows.map((row) => row.id)).size).toBe(rows.length)
      for (const row of rows) {
        expect(row.phoneNumbers.map((number) => number.id)).toEqual(
          truth.get(row.id)!.phoneNumbers.map((number) => number.id)
        )
      }
      // Some account of the demo is seen from two places, and some have more than 100 numbers (nested paging).
      expect(rows.some((row) => row.seenOn.length > 1)).toBe(true)
      expect(rows.some((row) => row.phoneNumbers.length > 100)).toBe(true)

      // An alert for every RED or YELLOW or not-connected number, and no other.
      const expected = rows.flatMap((row) =>
        row.phoneNumbers.filter((n) =>
          n.quality === "RED" || n.quality === "YELLOW" || (n.status !== undefined && n.status !== "CONNECTED")
        ).map((n) => n.id)
      )
      expect(alerts.map((alert) => alert.phoneNumberId)).toEqual(expected)
      expect(alerts.length).toBeGreaterThan(0)
    }).pipe(Effect.provide(Testing.inProcess({ rateLimit: false }))))

  it.effect("a business the token may not read is reported beside the others", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const { failures, rows } = yield* Agency.run([...emulator.businessIds, "999999999999"])
      expect(rows.length).toBeGreaterThan(0)
      // Graph's 100/33 "does not exist or cannot be loaded", for both of its edges.
      expect(failures.map((f) => [f.businessId, f.edge])).toEqual([["999999999999", "owned"], [
        "999999999999",
        "client"
      ]])
      for (const failure of failures) expect(failure.error).toMatch(/^Graph/)
    }).pipe(Effect.provide(Testing.inProcess({ rateLimit: false }))))

  it.effect("sync streams into a store, and an interrupted run resumes to the same inventory", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const ids = emulator.businessIds
      const { rows: expected } = yield* Agency.inventory(ids)
      const memory = Agency.memoryStore()
      // The first run is stopped as its first business is done.
      const stopping: Agency.Store = {
        ...memory.store,
        businessDone: (id) => Effect.zipRight(memory.store.businessDone(id), Effect.interrupt)
      }
      expect(Exit.isInterrupted(yield* Effect.exit(Agency.sync(ids, stopping)))).toBe(true)
      expect(memory.done.size).toBe(1)
      yield* emulator.resetRequests
      expect(yield* Agency.sync(ids, memory.store)).toEqual([])
      // The business done first was not read again.
      const [first] = memory.done
      expect((yield* emulator.requests).filter((entry) => entry.businessId === first)).toEqual([])
      expect(memory.done).toEqual(new Set(ids))
      expect(new Map([...memory.rows].map(([id, row]) => [id, { ...row, seenOn: [...row.seenOn].sort() }]))).toEqual(
        new Map(expected.map((row) => [row.id, { ...row, seenOn: [...row.seenOn].sort() }]))
      )
    }).pipe(Effect.provide(Testing.inProcess({ rateLimit: false }))))
})
