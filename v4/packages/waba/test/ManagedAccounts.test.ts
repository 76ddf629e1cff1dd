/**
 * The agency fan-out on the Effect 4 line, against the emulator: each account once across businesses and
 * edges, a business's failure reported while the others go on, phone numbers completed, resume from the
 * businesses done, and bad options refused before any request.
 */
import { GraphCredentials } from "@effect-waba/graph-core"
import { ClientAccounts, ManagedAccounts, OwnedAccounts, PhoneNumbers } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { useEmulator, value } from "./fixture.js"

const first = "1234567890"
const second = "101000094277083"
const third = "102000589825967"
const firstToken = "EAA-first-business-token-0001"

const { emulator, run } = useEmulator({ tokens: [{ token: firstToken, businesses: [first] }] })

const ids = async (stream: Stream.Stream<{ readonly id: string }, unknown, any>) =>
  value(await run(Stream.runCollect(stream))).map((item) => item.id)

describe("ManagedAccounts (Effect 4)", () => {
  it("every account of every business, once, and each business done", async () => {
    const expected = new Set<string>()
    for (const business of [first, second, third]) {
      for (const id of await ids(OwnedAccounts.stream(business, { fields: ["name"], limit: 100 }))) expected.add(id)
      for (const id of await ids(ClientAccounts.stream(business, { fields: ["name"], limit: 100 }))) expected.add(id)
    }
    const results = value(
      await run(Stream.runCollect(ManagedAccounts.stream([first, second, third], { fields: ["name"], concurrency: 3 })))
    )
    const accounts = results.flatMap((result) => result._tag === "Account" ? [result.account.id] : [])
    expect(accounts.length).toBe(new Set(accounts).size)
    expect(new Set(accounts)).toEqual(expected)
    expect(
      results.filter((result) => result._tag === "BusinessDone").map((result) =>
        result._tag === "BusinessDone" && result.businessId
      ).sort()
    )
      .toEqual([first, second, third].sort())
    expect(results.some((result) => result._tag === "Failure")).toBe(false)
  })

  it("a business whose token is refused fails alone, named, while the others are read with theirs", async () => {
    const credentials = GraphCredentials.layer({ [first]: firstToken, [second]: "EAA-revoked-token-of-second-0003" })
    const results = value(
      await run(
        Effect.provide(Stream.runCollect(ManagedAccounts.stream([first, second], { fields: ["name"] })), credentials)
      )
    )
    const failures = results.filter((result) => result._tag === "Failure")
    expect(
      failures.map((failure) => failure._tag === "Failure" && [failure.businessId, failure.edge, failure.error._tag])
    )
      .toEqual([[second, "owned", "GraphAuthError"], [second, "client", "GraphAuthError"]])
    expect(JSON.stringify(failures)).not.toContain("EAA-revoked-token-of-second-0003")
    const done = results.flatMap((result) => result._tag === "BusinessDone" ? [result.businessId] : [])
    expect(done).toEqual([first])
    expect(results.filter((result) => result._tag === "Account").length).toBeGreaterThan(100)
  })

  it("each account comes with its phone numbers when asked for", async () => {
    const results = value(
      await run(Stream.runCollect(ManagedAccounts.stream([second], {
        fields: ["name"],
        expand: { phone_numbers: { fields: ["display_phone_number", "quality_rating"] } }
      })))
    )
    const accounts = results.flatMap((result) => result._tag === "Account" ? [result.account] : [])
    expect(accounts.length).toBeGreaterThan(0)
    for (const account of accounts.slice(0, 3)) {
      expect(account.phone_numbers.map((number) => number.id)).toEqual(
        await ids(PhoneNumbers.stream(account.id, { limit: 100 }))
      )
    }
  })

  it("the businesses done in an earlier read are not read again", async () => {
    emulator().resetRequests()
    const results = value(
      await run(Stream.runCollect(ManagedAccounts.stream([first, second], { fields: ["name"], done: [first] })))
    )
    expect(emulator().requests().some((entry) => entry.path.includes(first))).toBe(false)
    expect(results.flatMap((result) => result._tag === "BusinessDone" ? [result.businessId] : [])).toEqual([second])
  })

  it("bad ids or options are refused before any request", async () => {
    emulator().resetRequests()
    for (
      const exit of [
        await run(Stream.runCollect(ManagedAccounts.stream(["12ab"]))),
        await run(Stream.runCollect(ManagedAccounts.stream([first], { concurrency: 0 }))),
        await run(Stream.runCollect(ManagedAccounts.stream([first], { fields: ["nmae" as "name"] }))),
        await run(Stream.runCollect(ManagedAccounts.stream([]))),
        await run(Stream.runCollect(ManagedAccounts.stream([first], { edges: ["shared" as "owned"] })))
      ]
    ) {
      expect(Exit.isFailure(exit) && String(exit.cause)).toContain("InvalidRequestError")
    }
    expect(emulator().requests()).toHaveLength(0)
  })
})
