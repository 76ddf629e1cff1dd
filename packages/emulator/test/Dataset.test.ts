import { PhoneNumber, WhatsAppBusinessAccount } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Schema from "effect/Schema"
import * as Dataset from "../src/Dataset.js"

const isAccount = Schema.is(Schema.encodedSchema(WhatsAppBusinessAccount.node.schema))
const fieldNames = WhatsAppBusinessAccount.node.fieldNames

describe("Dataset", () => {
  it("is a pure function of the seed", () => {
    const a = Dataset.make({ seed: 42, businesses: [50, 7] })
    const b = Dataset.make({ seed: 42, businesses: [50, 7] })
    const c = Dataset.make({ seed: 43, businesses: [50, 7] })
    const first = a.businesses[0]!
    expect(a.businesses.map((x) => x.id)).toEqual(b.businesses.map((x) => x.id))
    expect(a.account(first, 17)).toEqual(b.account(b.businesses[0]!, 17))
    expect(c.businesses[0]!.id).not.toEqual(first.id)
    expect(c.account(c.businesses[0]!, 17).id).not.toEqual(a.account(first, 17).id)
  })

  it("gives every account every documented field with a valid value", () => {
    const dataset = Dataset.make({ seed: "fields", businesses: [400] })
    const business = dataset.businesses[0]!
    const optional = new Set([
      "on_behalf_of_business_info",
      "purchase_order_number",
      "linked_commerce_account",
      "marketing_messages_ad_account"
    ])
    const seenOptional = new Set<string>()
    for (let i = 0; i < business.accounts; i++) {
      const account = dataset.account(business, i)
      expect(isAccount(account)).toBe(true)
      expect(account.id).toMatch(/^[0-9]+$/)
      expect(account.owner_business_info).toEqual({ id: business.id, name: business.name })
      for (const field of fieldNames) {
        if (optional.has(field)) {
          if (field in account) seenOptional.add(field)
        } else {
          expect(account).toHaveProperty(field)
        }
      }
      // Graph fills on_behalf_of_business_info only for accounts run for someone else.
      expect("on_behalf_of_business_info" in account).toBe(account.ownership_type !== "SELF")
    }
    expect(seenOptional).toEqual(optional)
  })

  it("spreads creation_time over several years, never decreasing with the index, ids strictly increasing", () => {
    const dataset = Dataset.make({ seed: 1, businesses: [5000] })
    const business = dataset.businesses[0]!
    let ties = 0
    for (let i = 1; i < business.accounts; i++) {
      const previous = dataset.owned(business).time(i - 1)
      const current = dataset.owned(business).time(i)
      expect(current).toBeGreaterThanOrEqual(previous)
      if (current === previous) ties++
      expect(BigInt(dataset.accountId(business, i))).toBeGreaterThan(BigInt(dataset.accountId(business, i - 1)))
    }
    expect(ties).toBeGreaterThan(0)
    const first = dataset.owned(business).time(0)
    const last = dataset.owned(business).time(business.accounts - 1)
    expect(last - first).toBeGreaterThan(5 * 365 * 86_400)
  })

  it("generates account i of a million-account business without generating the others", () => {
    const dataset = Dataset.make({ businesses: [1_000_000] })
    const business = dataset.businesses[0]!
    const last = dataset.account(business, 999_999)
    expect(dataset.owned(business).indexOf(last.id)).toBe(999_999)
    expect(dataset.owned(business).field(999_999, "name")).toBe(last.name)
    expect(dataset.owned(business).indexOf("1")).toBeUndefined()
    expect(dataset.owned(business).indexOf(String(BigInt(last.id) + 1n))).toBeUndefined()
  })

  it("keeps businesses' ids unique and accepts explicit ones", () => {
    const dataset = Dataset.make({ businesses: [{ id: "123", name: "Mine", accounts: 2 }, 3] })
    expect(dataset.businesses[0]).toMatchObject({ id: "123", name: "Mine", accounts: 2 })
    expect(dataset.findBusiness("123")?.accounts).toBe(2)
    const ids = new Set(dataset.businesses.flatMap((b) => [0, 1].map((i) => dataset.accountId(b, i))))
    expect(ids.size).toBe(4)
    expect(() => Dataset.make({ businesses: [{ id: "abc", accounts: 1 }] })).toThrow(RangeError)
    expect(() => Dataset.make({ businesses: [-1] })).toThrow(RangeError)
  })

  it("gives added accounts ids above every generated one", () => {
    const dataset = Dataset.make({ businesses: [10] })
    const business = dataset.businesses[0]!
    const added = dataset.newAccount(business, 1, 1_800_000_000)
    expect(added.creation_time).toBe(1_800_000_000)
    expect(BigInt(added.id)).toBeGreaterThan(BigInt(dataset.accountId(business, 9)))
    expect(isAccount(added)).toBe(true)
  })
})

describe("Dataset: shares and phone numbers", () => {
  it("keeps the first default business's id and gives it client accounts and many phone numbers", () => {
    const dataset = Dataset.make()
    const first = dataset.businesses[0]!
    expect(first.id).toBe("1234567890")
    expect(dataset.businesses.map((b) => b.accounts)).toEqual([137, 12, 0])
    const shares = dataset.shares(first)
    expect(shares.length).toBeGreaterThan(5)
    expect(dataset.phoneCount(first, 0)).toBeGreaterThan(100)
    expect(dataset.phoneCount(first, 2)).toBeGreaterThan(100)
  })

  it("shares other businesses' accounts, sometimes one of the business's own, each once, in (creation_time, id) order", () => {
    const dataset = Dataset.make({
      seed: "shares",
      businesses: [{ accounts: 40, clientAccounts: 60 }, { accounts: 30 }, { accounts: 20 }]
    })
    const [partner, b, c] = dataset.businesses as [Dataset.Business, Dataset.Business, Dataset.Business]
    const shares = dataset.shares(partner)
    expect(new Set(shares.map((s) => s.id)).size).toBe(shares.length)
    const owners = new Set(shares.map((s) => s.owner.id))
    expect(owners).toEqual(new Set([partner.id, b.id, c.id]))
    for (const share of shares) {
      expect(share.id).toBe(dataset.accountId(share.owner, share.index))
      expect(share.permittedTasks.length).toBeGreaterThan(0)
      expect(dataset.ownerOf(share.id)).toBe(share.owner)
      expect(dataset.owned(share.owner).indexOf(share.id)).toBe(share.index)
    }
    const keys = shares.map((s) => [s.creationTime, Number(s.id)] as const)
    expect(keys).toEqual([...keys].sort((x, y) => x[0] - y[0] || x[1] - y[1]))
    expect(dataset.shares(b)).toEqual([])
  })

  it("gives phone numbers increasing ids and onboarding times, and country-formatted display numbers", () => {
    const dataset = Dataset.make({ seed: "phones", businesses: [{ accounts: 300 }] })
    const business = dataset.businesses[0]!
    const counts = new Map<number, number>()
    const isPhone = Schema.is(Schema.encodedSchema(PhoneNumber.node.schema))
    for (let i = 0; i < business.accounts; i++) {
      const n = dataset.phoneCount(business, i)
      counts.set(n, (counts.get(n) ?? 0) + 1)
      for (let j = 0; j < n; j++) {
        const phone = dataset.phoneNumber(business, i, j)
        expect(isPhone(phone)).toBe(true)
        expect(dataset.phones(business, i).indexOf(phone.id)).toBe(j)
        expect(phone.display_phone_number).toMatch(new RegExp(`^\\+${phone.country_dial_code} [0-9 -]+$`))
        if (j > 0) {
          expect(BigInt(phone.id)).toBeGreaterThan(BigInt(dataset.phones(business, i).id(j - 1)))
          expect(dataset.phones(business, i).time(j)).toBeGreaterThanOrEqual(dataset.phones(business, i).time(j - 1))
        }
      }
    }
    // A realistic mix: some accounts have no number, most one or two, a few many.
    expect(counts.get(0)).toBeGreaterThan(10)
    expect((counts.get(1) ?? 0) + (counts.get(2) ?? 0)).toBeGreaterThan(150)
    expect([...counts.keys()].some((n) => n >= 5)).toBe(true)
  })

  it("refuses phone counts above the maximum", () => {
    expect(() => Dataset.make({ businesses: [{ accounts: 1, phoneNumbers: Dataset.maxPhoneNumbersPerAccount + 1 }] }))
      .toThrow(RangeError)
  })
})
