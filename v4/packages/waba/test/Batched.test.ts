/**
 * The Effect 4 reads under `GraphBatch.batching`, against the emulator: the first pages of many businesses
 * (and the pages after them, and their phone numbers) in far fewer round trips, with the same accounts as
 * read one by one — what the agency fan-out's `batch` option does on the Effect 3 line.
 */
import { GraphBatch } from "@effect-waba/graph-core"
import { ManagedAccounts, OwnedAccounts } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { useEmulator, value } from "./fixture.js"

const { emulator, run } = useEmulator({ businesses: 40, rateLimit: false })

const summary = (results: ReadonlyArray<ManagedAccounts.Result<any>>) => ({
  accounts: results.flatMap((result) =>
    result._tag === "Account" ? [`${result.account.id}:${result.account.phone_numbers.length}`] : []
  ).sort(),
  done: results.flatMap((result) => result._tag === "BusinessDone" ? [result.businessId] : []).sort(),
  failures: results.filter((result) => result._tag === "Failure")
})

describe("batched reads (Effect 4)", () => {
  it("the fan-out batched: the same accounts and phone numbers, in far fewer round trips", async () => {
    const ids = emulator().businessIds
    const read = (batch = false) =>
      ManagedAccounts.stream(ids, {
        fields: ["name"],
        limit: 7,
        expand: { phone_numbers: { fields: ["display_phone_number"] } },
        concurrency: batch ? 4 : 40,
        batch
      })
    emulator().resetRequests()
    const alone = summary(value(await run(Stream.runCollect(read()))))
    const requests = emulator().requests().length
    emulator().resetRequests()
    const batched = summary(value(await run(Stream.runCollect(read().pipe(GraphBatch.batching({ concurrency: 4 }))))))
    expect(batched).toEqual(alone)
    expect(alone.done).toEqual([...ids].sort())
    expect(alone.failures).toEqual([])
    const log = emulator().requests()
    // Every read was made, each in a batch or (left alone in its turn) by itself.
    expect(log.filter((entry) => entry.method === "GET")).toHaveLength(requests)
    const trips = log.filter((entry) => entry.transport !== "batch").length
    expect(trips * 5).toBeLessThan(requests)
    // The fan-out's own `batch` option does the same: 4 round trips in flight, 40 businesses read at once.
    emulator().resetRequests()
    expect(summary(value(await run(Stream.runCollect(read(true)))))).toEqual(alone)
    const own = emulator().requests()
    expect(own.filter((entry) => entry.method === "GET")).toHaveLength(requests)
    expect(own.filter((entry) => entry.transport !== "batch").length * 5).toBeLessThan(requests)
  })

  it("first pages of many businesses as one batch each 50", async () => {
    const ids = emulator().businessIds
    emulator().resetRequests()
    const firstPages = value(
      await run(
        Effect.forEach(ids, (id) => Stream.runHead(OwnedAccounts.stream(id, { fields: ["name"], limit: 100 })), {
          concurrency: "unbounded"
        }).pipe(GraphBatch.batching())
      )
    )
    expect(firstPages.every((first) => first._tag === "Some")).toBe(true)
    const log = emulator().requests()
    expect(log.filter((entry) => entry.transport !== "batch").map((entry) => `${entry.method} ${entry.path}`))
      .toEqual(["POST /"])
    expect(log.filter((entry) => entry.transport === "batch").map((entry) => entry.path).sort()).toEqual(
      ids.map((id) => `/v27.0/${id}/owned_whatsapp_business_accounts`).sort()
    )
  })
})
