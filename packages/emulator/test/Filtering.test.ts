import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Emulator } from "../src/Emulator.js"
import { allPages, edgeUrl, get, idsOf, inProcess } from "./helpers.js"

// Brute-force oracles, written from the operator names rather than from the emulator's code.
const timeOracles: Record<string, (t: number, value: any) => boolean> = {
  GREATER_THAN: (t, v) => t > Number(v),
  LESS_THAN: (t, v) => t < Number(v),
  IN_RANGE: (t, [lo, hi]) => t >= Number(lo) && t <= Number(hi)
}

const filtered = (clauses: ReadonlyArray<{ field: string; operator: string; value: unknown }>) =>
  JSON.stringify(clauses)

const root = "https://graph.facebook.com/v23.0"

describe("filtering", () => {
  it.layer(inProcess({ seed: "filtering", businesses: [400], rateLimit: false }))((it) => {
    const walk = (query: Record<string, string>, url?: string) =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        return idsOf(yield* allPages(url ?? edgeUrl(emulator.businessIds[0]!), { query }))
      })

    it.effect("each documented creation_time operator matches a brute-force filter, both sorts, both paging modes", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const accounts = yield* emulator.accounts(emulator.businessIds[0]!)
        // A time shared by two neighbours tests the boundary of each operator.
        const tie = accounts.findIndex((a, i) => i > 100 && a.creation_time === accounts[i - 1]!.creation_time)
        expect(tie).toBeGreaterThan(0)
        const t = accounts[tie]!.creation_time
        const lo = accounts[120]!.creation_time
        const hi = accounts[260]!.creation_time
        const values: Record<string, unknown> = {
          GREATER_THAN: t,
          LESS_THAN: String(t),
          IN_RANGE: [String(lo), String(hi)]
        }
        for (const [operator, value] of Object.entries(values)) {
          const expected = accounts.filter((a) => timeOracles[operator]!(a.creation_time, value)).map((a) => a.id)
          expect(expected.length).toBeGreaterThan(0)
          const filtering = filtered([{ field: "creation_time", operator, value }])
          expect(yield* walk({ filtering, limit: "37" })).toEqual(expected)
          expect(yield* walk({ filtering, limit: "37", sort: "creation_time_descending" })).toEqual(
            [...expected].reverse()
          )
          yield* emulator.setQuirks({ filterAfterPaging: false })
          const full = yield* walk({ filtering, limit: "37" })
          yield* emulator.setQuirks({ filterAfterPaging: true })
          expect(full).toEqual(expected)
        }
      }))

    it.effect("clauses combine with AND", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const accounts = yield* emulator.accounts(emulator.businessIds[0]!)
        const lo = accounts[50]!.creation_time
        const hi = accounts[300]!.creation_time
        const mid = accounts[200]!.creation_time
        const expected = accounts.filter((a) => a.creation_time > lo && a.creation_time < hi && a.creation_time >= mid)
          .map((a) => a.id)
        const filtering = filtered([
          { field: "creation_time", operator: "GREATER_THAN", value: lo },
          { field: "creation_time", operator: "LESS_THAN", value: String(hi) },
          { field: "creation_time", operator: "IN_RANGE", value: [mid, hi] }
        ])
        expect(yield* walk({ filtering, limit: "10" })).toEqual(expected)
        expect(yield* walk({ filtering, limit: "10", sort: "creation_time_descending" })).toEqual(
          [...expected].reverse()
        )
      }))

    it.effect("strict by default: an undocumented operator or field gets code 100 as Graph words it", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const url = edgeUrl(emulator.businessIds[0]!)
        for (const operator of ["EQUAL", "NOT_EQUAL", "GREATER_THAN_OR_EQUAL", "LESS_THAN_OR_EQUAL", "NOT_IN_RANGE"]) {
          const value = operator.includes("RANGE") ? [1, 2] : 1
          const bad = yield* get(url, { query: { filtering: filtered([{ field: "creation_time", operator, value }]) } })
          expect(bad.status, operator).toBe(400)
          expect(bad.body.error).toMatchObject({
            code: 100,
            type: "OAuthException",
            message: `(#100) Operator ${operator} is not supported for filtering field creation_time. ` +
              "Supported operators: LESS_THAN, GREATER_THAN, IN_RANGE."
          })
        }
        const ownership = yield* get(url, {
          query: { filtering: filtered([{ field: "ownership_type", operator: "IN", value: ["SELF"] }]) }
        })
        expect(ownership.body.error.message).toBe(
          "(#100) Filtering field ownership_type is invalid. Valid fields are: creation_time."
        )
      }))

    it.effect("with ignoreUndocumentedFilters, an undocumented clause is ignored and the rest still applies", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const accounts = yield* emulator.accounts(emulator.businessIds[0]!)
        const t = accounts[300]!.creation_time
        yield* emulator.setQuirks({ ignoreUndocumentedFilters: true })
        const everything = yield* walk({
          filtering: filtered([{ field: "ownership_type", operator: "IN", value: ["SELF"] }]),
          limit: "100"
        })
        const partly = yield* walk({
          filtering: filtered([
            { field: "creation_time", operator: "NOT_EQUAL", value: t },
            { field: "creation_time", operator: "GREATER_THAN", value: t }
          ]),
          limit: "100"
        })
        const sorted = yield* get(edgeUrl(emulator.businessIds[0]!), { query: { sort: "name_ascending", limit: "3" } })
        yield* emulator.setQuirks({ ignoreUndocumentedFilters: false })
        expect(everything).toEqual(accounts.map((a) => a.id))
        expect(partly).toEqual(accounts.filter((a) => a.creation_time > t).map((a) => a.id))
        expect(sorted.status).toBe(200)
      }))

    it.effect("refuses malformed filtering with error 100", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const url = edgeUrl(emulator.businessIds[0]!)
        const cases: ReadonlyArray<[string, string]> = [
          ["[{'field':'creation_time','operator':'LESS_THAN','value':'1604542049'}]", "must be an array"],
          ["{\"field\":\"creation_time\"}", "must be an array"],
          ["not json", "must be an array"],
          [filtered([{ field: "creation_time", operator: "LESS_THAN" } as any]), "field, operator and value"],
          [filtered([{ field: "name", operator: "EQUAL", value: "x" }]), "Filtering field name is invalid"],
          [filtered([{ field: "creation_time", operator: "CONTAIN", value: 1 }]), "Operator CONTAIN is not supported"],
          [filtered([{ field: "creation_time", operator: "SOONER", value: 1 }]), "must be one of the following"],
          [filtered([{ field: "creation_time", operator: "IN_RANGE", value: [1] }]), "Invalid value"],
          [filtered([{ field: "creation_time", operator: "IN_RANGE", value: [5, 1] }]), "Invalid value"],
          [filtered([{ field: "creation_time", operator: "LESS_THAN", value: "yesterday" }]), "Invalid value"]
        ]
        for (const [filtering, message] of cases) {
          const bad = yield* get(url, { query: { filtering } })
          expect(bad.status, filtering).toBe(400)
          expect(bad.body.error.code, filtering).toBe(100)
          expect(bad.body.error.message, filtering).toContain(message)
        }
      }))
  })

  it.layer(inProcess({ seed: "client-filter", rateLimit: false }))((it) => {
    it.effect("the client edge takes ownership_type IN (its documented filter) and refuses creation_time", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const url = `${root}/${business}/client_whatsapp_business_accounts`
        const accounts = yield* emulator.clientAccounts(business)
        for (const value of [["CLIENT_OWNED", "ON_BEHALF_OF"], ["SELF"], ["SOMETHING_NEW"]]) {
          const filtering = filtered([{ field: "ownership_type", operator: "IN", value }])
          const ids = idsOf(yield* allPages(url, { query: { filtering, limit: "4" } }))
          expect(ids).toEqual(accounts.filter((a) => value.includes(a.ownership_type as string)).map((a) => a.id))
        }
        const refused = yield* get(url, {
          query: { filtering: filtered([{ field: "creation_time", operator: "GREATER_THAN", value: 1 }]) }
        })
        expect(refused.body.error.message).toBe(
          "(#100) Filtering field creation_time is invalid. Valid fields are: ownership_type."
        )
        const equal = yield* get(url, {
          query: { filtering: filtered([{ field: "ownership_type", operator: "EQUAL", value: "SELF" }]) }
        })
        expect(equal.body.error.message).toContain("Operator EQUAL is not supported for filtering field ownership_type")
      }))

    it.effect("phone numbers take the spec's EQUAL filters and refuse the others", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const [owned] = yield* emulator.accounts(emulator.businessIds[0]!)
        const url = `${root}/${owned!.id}/phone_numbers`
        const phones = yield* emulator.phoneNumbers(owned!.id)
        expect(phones.length).toBeGreaterThan(100)
        const cases: ReadonlyArray<[string, unknown]> = [
          ["account_mode", "LIVE"],
          ["messaging_limit_tier", "TIER_2K"],
          ["is_official_business_account", false]
        ]
        for (const [field, value] of cases) {
          const filtering = filtered([{ field, operator: "EQUAL", value }])
          const ids = idsOf(yield* allPages(url, { query: { filtering, limit: "40" } }))
          const expected = phones.filter((p) => (p as Record<string, unknown>)[field] === value).map((p) => p.id)
          expect(expected.length).toBeGreaterThan(0)
          expect(ids).toEqual(expected)
        }
        const quality = yield* get(url, {
          query: { filtering: filtered([{ field: "quality_rating", operator: "EQUAL", value: "GREEN" }]) }
        })
        expect(quality.body.error.message).toContain("Filtering field quality_rating is invalid")
      }))
  })

  it.layer(
    inProcess({ seed: "million", businesses: [1_000_000], rateLimit: false, quirks: { filterAfterPaging: false } })
  )((it) => {
    it.effect("filters a million accounts by creation_time without scanning them", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.dataset.businesses[0]!
        const time = (i: number) => emulator.dataset.owned(business).time(i)
        const lo = time(654_321)
        const hi = time(654_400)
        // The oracle: creation_time never decreases with the index, so matches are one contiguous run.
        let first = 654_321
        while (first > 0 && time(first - 1) >= lo) first--
        let last = 654_400
        while (last + 1 < business.accounts && time(last + 1) <= hi) last++
        const expected = Array.from({ length: last - first + 1 }, (_, k) =>
          emulator.dataset.accountId(business, first + k))
        const filtering = filtered([{ field: "creation_time", operator: "IN_RANGE", value: [lo, hi] }])
        const pages = yield* allPages(edgeUrl(business.id), { query: { filtering, limit: "100" } })
        expect(idsOf(pages)).toEqual(expected)

        const late = filtered([{ field: "creation_time", operator: "GREATER_THAN", value: time(999_990) }])
        const ids = idsOf(yield* allPages(edgeUrl(business.id), { query: { filtering: late, limit: "100" } }))
        expect(ids.length).toBeLessThan(20)
        expect(ids.every((id) =>
          time(emulator.dataset.owned(business).indexOf(id)!) > time(999_990)
        )).toBe(true)
        expect(ids.at(-1)).toBe(emulator.dataset.accountId(business, 999_999))
      }))
  })
})
