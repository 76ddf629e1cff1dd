/**
 * The filter DSL on the Effect 4 line, against the emulator: documented clauses on the wire in Meta's form,
 * the others evaluated by the client on fields it reads and then drops, and bad clauses or sorts refused
 * before any request.
 */
import type { GraphClient } from "@effect-waba/graph-core"
import { ClientAccounts, Filter, OwnedAccounts, PhoneNumbers } from "@effect-waba/waba"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { business, useEmulator, value } from "./fixture.js"

const { emulator, run } = useEmulator()

const all = <A, E>(stream: Stream.Stream<A, E, GraphClient.GraphClient>) => run(Stream.runCollect(stream))

describe("Filter (Effect 4)", () => {
  it("a documented time clause goes on the wire, and Graph's answer is the same set the client would keep", async () => {
    const everything = value(await all(OwnedAccounts.stream(business, { fields: ["creation_time"], limit: 100 })))
    const times = everything.map((account) => account.creation_time!.getTime()).sort((a, b) => a - b)
    const pivot = new Date(times[Math.floor(times.length / 2)]!)
    emulator().resetRequests()
    const later = value(
      await all(OwnedAccounts.stream(business, {
        fields: ["creation_time"],
        limit: 100,
        filtering: Filter.creationTime.greaterThan(pivot)
      }))
    )
    expect(later.map((account) => account.id).sort()).toEqual(
      everything.filter((account) => account.creation_time!.getTime() > pivot.getTime()).map((account) => account.id)
        .sort()
    )
    const wire = JSON.parse(String(emulator().requests()[0]?.query.filtering))
    expect(wire).toEqual([{
      field: "creation_time",
      operator: "GREATER_THAN",
      value: Math.floor(pivot.getTime() / 1000)
    }])
  })

  it("a clause Graph does not apply on this edge is evaluated by the client, on a field it reads and then drops", async () => {
    const withField = value(await all(OwnedAccounts.stream(business, { fields: ["ownership_type"], limit: 100 })))
    const self = withField.filter((account) => account.ownership_type === "SELF").map((account) => account.id).sort()
    emulator().resetRequests()
    const filtered = value(
      await all(OwnedAccounts.stream(business, {
        fields: ["name"],
        limit: 100,
        filtering: [Filter.ownershipType.in("SELF")]
      }))
    )
    expect(filtered.map((account) => account.id).sort()).toEqual(self)
    expect(filtered.every((account) => !("ownership_type" in account))).toBe(true)
    const [request] = emulator().requests()
    expect(request?.query.filtering).toBeUndefined()
    expect(String(request?.query.fields)).toContain("ownership_type")
  })

  it("phone numbers by quality rating, and shared accounts with what the business may do with them", async () => {
    const [account] = value(await all(Stream.take(OwnedAccounts.stream(business, { fields: ["name"] }), 1)))
    const numbers = value(
      await all(PhoneNumbers.stream(account!.id, {
        fields: ["quality_rating"],
        filtering: Filter.qualityRating.in("GREEN", "YELLOW")
      }))
    )
    expect(numbers.every((number) => ["GREEN", "YELLOW"].includes(number.quality_rating!))).toBe(true)
    const shared = value(await all(ClientAccounts.stream(business, { fields: ["permitted_tasks"] })))
    expect(shared.some((account) => Array.isArray(account.permitted_tasks))).toBe(true)
  })

  it("a clause on a field the edge does not declare, a bad value or an unknown sort is refused before any request", async () => {
    emulator().resetRequests()
    const refusals = await Promise.all([
      all(OwnedAccounts.stream(business, { filtering: Filter.qualityRating.equal("RED") as never })),
      all(OwnedAccounts.stream(business, { filtering: [Filter.ownershipType.in("self")] })),
      all(
        OwnedAccounts.stream(business, {
          filtering: Filter.creationTime.between(new Date(2_000_000), new Date(1_000_000))
        })
      ),
      all(ClientAccounts.stream(business, { sort: "creation_time_ascending" }))
    ])
    const messages = refusals.map((exit) => {
      expect(Exit.isFailure(exit)).toBe(true)
      return JSON.stringify(Exit.isFailure(exit) ? exit.cause.reasons : undefined)
    })
    expect(messages[0]).toContain("filtering.field: \\\"quality_rating\\\" cannot be filtered on here")
    expect(messages[1]).toContain("filtering[0].value")
    expect(messages[2]).toContain("bounds must be in order")
    expect(messages[3]).toContain("ClientAccounts cannot be sorted by creation_time_ascending")
    expect(emulator().requests()).toHaveLength(0)
  })
})
