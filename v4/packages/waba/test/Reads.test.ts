/**
 * The Effect 4 line's WhatsApp reads against the emulator on loopback, with the field declarations both
 * lines share: typed selection, Graph's defaults, paging, times as Dates, nulls as absent fields, and bad
 * options refused before any request.
 */
import { ClientAccounts, OwnedAccounts, PhoneNumbers, WhatsAppBusinessAccount } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { business, useEmulator, value } from "./fixture.js"

const { emulator, run } = useEmulator({ quirks: { nullForAbsent: true } })

describe("WhatsApp reads (Effect 4)", () => {
  it("every owned account, once, with the fields asked for and no others", async () => {
    emulator().resetRequests()
    const accounts = value(
      await run(Stream.runCollect(
        OwnedAccounts.stream(business, { fields: ["name", "account_review_status"], limit: 100 })
      ))
    )
    expect(accounts).toHaveLength(137)
    expect(new Set(accounts.map((account) => account.id)).size).toBe(137)
    for (const account of accounts) {
      expect(Object.keys(account).every((key) => ["id", "name", "account_review_status"].includes(key))).toBe(true)
      // Typed: `name` is a string when present.
      const name: string | undefined = account.name
      expect(name === undefined || typeof name === "string").toBe(true)
    }
    expect(emulator().requests()).toHaveLength(2)
    expect(emulator().requests()[0]?.query.fields).toBe("id,name,account_review_status")
  })

  it("Graph's default fields when none are asked for", async () => {
    const [account] = value(await run(Stream.runCollect(Stream.take(OwnedAccounts.stream(business), 1))))
    expect(Object.keys(account!).sort()).toEqual(
      expect.arrayContaining(["id", "name", "currency", "timezone_id"].filter((key) => key in account!))
    )
    expect(account!.id).toMatch(/^\d+$/)
  })

  it("the shared accounts of a business, and the phone numbers of an account, with times as Dates", async () => {
    const shared = value(await run(Stream.runCollect(ClientAccounts.stream(business, { fields: ["name"] }))))
    expect(shared.length).toBeGreaterThan(0)
    const owned = value(
      await run(Stream.runCollect(Stream.take(OwnedAccounts.stream(business, { fields: ["name"] }), 5)))
    )
    const numbers = value(
      await run(Effect.forEach(owned, (account) =>
        Stream.runCollect(
          PhoneNumbers.stream(account.id, { fields: ["display_phone_number", "quality_rating", "last_onboarded_time"] })
        )))
    )
    const all = numbers.flat()
    expect(all.length).toBeGreaterThan(0)
    for (const number of all) {
      if (number.last_onboarded_time !== undefined) expect(number.last_onboarded_time).toBeInstanceOf(Date)
      expect(number).not.toHaveProperty("verified_name")
    }
  })

  it("a node by id: Unix seconds as a Date, Graph's nulls as absent fields", async () => {
    const [first] = value(
      await run(Stream.runCollect(Stream.take(OwnedAccounts.stream(business, { fields: ["name"] }), 1)))
    )
    const account = value(
      await run(WhatsAppBusinessAccount.get(first!.id, {
        fields: ["creation_time", "purchase_order_number", "health_status"]
      }))
    )
    expect(account.creation_time).toBeInstanceOf(Date)
    expect(Object.values(account)).not.toContain(null)
  })

  it("an unknown field or a page size Graph does not serve is refused before any request", async () => {
    emulator().resetRequests()
    const unknownField = await run(Stream.runCollect(OwnedAccounts.stream(business, { fields: ["nmae" as "name"] })))
    const tooLarge = await run(Stream.runCollect(OwnedAccounts.stream(business, { limit: 101 })))
    for (const [exit, parameter] of [[unknownField, "fields"], [tooLarge, "limit"]] as const) {
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(Exit.isFailure(exit) && exit.cause)).toContain("InvalidRequestError")
      expect(JSON.stringify(Exit.isFailure(exit) && exit.cause.reasons)).toContain(parameter)
    }
    expect(emulator().requests()).toHaveLength(0)
  })

  it("expanded phone numbers come inside the account pages, the rest read after them, or the first page only", async () => {
    emulator().resetRequests()
    const accounts = value(
      await run(Stream.runCollect(OwnedAccounts.stream(business, {
        fields: ["name"],
        limit: 100,
        expand: { phone_numbers: { fields: ["display_phone_number"] } }
      })))
    )
    // Two account pages, and the rest of each account that has more than a page of numbers.
    const paths = emulator().requests().map((entry) => entry.path)
    const large = accounts.filter((account) => account.phone_numbers.length > 100).map((account) => account.id)
    expect(paths.filter((path) => path.endsWith("/owned_whatsapp_business_accounts"))).toHaveLength(2)
    expect(paths.filter((path) => path.endsWith("/phone_numbers")).sort()).toEqual(
      large.map((id) => `/v27.0/${id}/phone_numbers`).sort()
    )
    const some = accounts.filter((account) => account.phone_numbers.length > 1 && account.phone_numbers.length < 10)
      .slice(0, 2)
    expect(some.length).toBeGreaterThan(0)
    for (const account of some) {
      const numbers = value(
        await run(Stream.runCollect(PhoneNumbers.stream(account.id, { fields: ["display_phone_number"], limit: 100 })))
      )
      expect(account.phone_numbers).toEqual(numbers)
      const [byOne] = value(
        await run(Stream.runCollect(Stream.take(
          OwnedAccounts.stream(business, {
            fields: ["name"],
            expand: { phone_numbers: { fields: ["display_phone_number"], limit: 1 } }
          }).pipe(Stream.filter((one) => one.id === account.id)),
          1
        )))
      )
      expect(byOne?.phone_numbers).toEqual(numbers)
    }
    const [firstOnly] = value(
      await run(Stream.runCollect(Stream.take(
        OwnedAccounts.stream(business, {
          expand: { phone_numbers: { limit: 1, pages: "first" } }
        }).pipe(Stream.filter((one) => one.id === some[0]!.id)),
        1
      )))
    )
    // Graph's first page, with the cursor that continues it: read on from there, the account's numbers.
    const { data, nextAfter } = firstOnly!.phone_numbers
    expect(data).toHaveLength(1)
    const rest = value(
      await run(Stream.runCollect(PhoneNumbers.stream(some[0]!.id, { limit: 100, after: nextAfter! })))
    )
    const all = value(await run(Stream.runCollect(PhoneNumbers.stream(some[0]!.id, { limit: 100 }))))
    expect([...data, ...rest].map((number) => number.id)).toEqual(all.map((number) => number.id))
  })

  it("an edge that cannot be expanded, or a bad expansion, is refused before any request", async () => {
    emulator().resetRequests()
    const exits: ReadonlyArray<Exit.Exit<unknown, unknown>> = [
      await run(Stream.runCollect(OwnedAccounts.stream(business, { expand: { templates: {} } as never }))),
      await run(Stream.runCollect(OwnedAccounts.stream(business, { expand: { phone_numbers: { limit: 500 } } }))),
      await run(Stream.runCollect(PhoneNumbers.stream("1", { expand: { phone_numbers: {} } } as never)))
    ]
    for (const exit of exits) expect(Exit.isFailure(exit) && String(exit.cause)).toContain("InvalidRequestError")
    expect(emulator().requests()).toHaveLength(0)
  })
})
