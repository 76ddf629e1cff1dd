import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Emulator } from "../src/Emulator.js"
import type { WhatsAppBusinessAccount } from "../src/WhatsAppBusinessAccount.js"
import { allPages, edgeUrl, get, idsOf, inProcess } from "./helpers.js"

type Account = WhatsAppBusinessAccount

// Brute-force oracles, written from the operator names rather than from the emulator's code.
const timeOracles: Record<string, (t: number, value: any) => boolean> = {
  EQUAL: (t, v) => t === Number(v),
  NOT_EQUAL: (t, v) => t !== Number(v),
  GREATER_THAN: (t, v) => t > Number(v),
  GREATER_THAN_OR_EQUAL: (t, v) => t >= Number(v),
  LESS_THAN: (t, v) => t < Number(v),
  LESS_THAN_OR_EQUAL: (t, v) => t <= Number(v),
  IN_RANGE: (t, [lo, hi]) => t >= Number(lo) && t <= Number(hi),
  NOT_IN_RANGE: (t, [lo, hi]) => t < Number(lo) || t > Number(hi)
}

const filtered = (clauses: ReadonlyArray<{ field: string; operator: string; value: unknown }>) =>
  JSON.stringify(clauses)

describe("filtering", () => {
  it.layer(inProcess({ seed: "filtering", businesses: [400], rateLimit: false }))((it) => {
    const walk = (query: Record<string, string>) =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        return idsOf(yield* allPages(edgeUrl(emulator.businessIds[0]!), { query }))
      })

    it.effect("every creation_time operator matches a brute-force filter, both sorts, with and without the quirk", () =>
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
          EQUAL: t,
          NOT_EQUAL: String(t),
          GREATER_THAN: t,
          GREATER_THAN_OR_EQUAL: String(t),
          LESS_THAN: String(t),
          LESS_THAN_OR_EQUAL: t,
          IN_RANGE: [String(lo), String(hi)],
          NOT_IN_RANGE: [lo, hi]
        }
        for (const [operator, value] of Object.entries(values)) {
          const expected = accounts.filter((a) => timeOracles[operator]!(a.creation_time, value)).map((a) => a.id)
          expect(expected.length).toBeGreaterThan(0)
          const filtering = filtered([{ field: "creation_time", operator, value }])
          expect(yield* walk({ filtering, limit: "37" })).toEqual(expected)
          expect(yield* walk({ filtering, limit: "37", sort: "creation_time_descending" })).toEqual(
            [...expected].reverse()
          )
          yield* emulator.setQuirks({ filterAfterPaging: true })
          const quirky = yield* walk({ filtering, limit: "37" })
          yield* emulator.setQuirks({ filterAfterPaging: false })
          expect(quirky).toEqual(expected)
        }
      }))

    it.effect("ownership_type IN, NOT_IN, EQUAL and NOT_EQUAL match a brute-force filter", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const accounts = yield* emulator.accounts(emulator.businessIds[0]!)
        const cases: ReadonlyArray<[string, unknown, (a: Account) => boolean]> = [
          ["IN", ["CLIENT_OWNED", "ON_BEHALF_OF"], (a) => a.ownership_type !== "SELF"],
          ["NOT_IN", ["SELF"], (a) => a.ownership_type !== "SELF"],
          ["EQUAL", "ON_BEHALF_OF", (a) => a.ownership_type === "ON_BEHALF_OF"],
          ["NOT_EQUAL", "CLIENT_OWNED", (a) => a.ownership_type !== "CLIENT_OWNED"],
          ["IN", ["SOMETHING_NEW"], () => false]
        ]
        for (const [operator, value, keep] of cases) {
          const expected = accounts.filter(keep).map((a) => a.id)
          const filtering = filtered([{ field: "ownership_type", operator, value }])
          expect(yield* walk({ filtering, limit: "25", fields: "id,ownership_type" })).toEqual(expected)
        }
      }))

    it.effect("clauses combine with AND", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const accounts = yield* emulator.accounts(emulator.businessIds[0]!)
        const lo = accounts[50]!.creation_time
        const hi = accounts[300]!.creation_time
        const mid = accounts[200]!.creation_time
        const expected = accounts.filter((a) =>
          a.creation_time > lo && a.creation_time <= hi && a.creation_time !== mid && a.ownership_type === "SELF"
        ).map((a) => a.id)
        const filtering = filtered([
          { field: "creation_time", operator: "GREATER_THAN", value: lo },
          { field: "creation_time", operator: "LESS_THAN_OR_EQUAL", value: String(hi) },
          { field: "creation_time", operator: "NOT_EQUAL", value: mid },
          { field: "ownership_type", operator: "IN", value: ["SELF"] }
        ])
        expect(yield* walk({ filtering, limit: "10" })).toEqual(expected)
        expect(yield* walk({ filtering, limit: "10", sort: "creation_time_descending" })).toEqual(
          [...expected].reverse()
        )
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
          [filtered([{ field: "ownership_type", operator: "IN_RANGE", value: [1, 2] }]), "Operator IN_RANGE"],
          [filtered([{ field: "creation_time", operator: "SOONER", value: 1 }]), "must be one of the following"],
          [filtered([{ field: "creation_time", operator: "IN_RANGE", value: [1] }]), "Invalid value"],
          [filtered([{ field: "creation_time", operator: "IN_RANGE", value: [5, 1] }]), "Invalid value"],
          [filtered([{ field: "creation_time", operator: "LESS_THAN", value: "yesterday" }]), "Invalid value"],
          [filtered([{ field: "ownership_type", operator: "IN", value: "SELF" }]), "Invalid value"]
        ]
        for (const [filtering, message] of cases) {
          const bad = yield* get(url, { query: { filtering } })
          expect(bad.status, filtering).toBe(400)
          expect(bad.body.error.code, filtering).toBe(100)
          expect(bad.body.error.message, filtering).toContain(message)
        }
      }))
  })

  it.layer(inProcess({ seed: "million", businesses: [1_000_000], rateLimit: false }))((it) => {
    it.effect("filters a million accounts by creation_time without scanning them", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.dataset.businesses[0]!
        const time = (i: number) => emulator.dataset.creationTime(business, i)
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

        const outside = filtered([{
          field: "creation_time",
          operator: "NOT_IN_RANGE",
          value: [time(10), time(999_990)]
        }])
        const edges = yield* allPages(edgeUrl(business.id), { query: { filtering: outside, limit: "100" } })
        const ids = idsOf(edges)
        expect(ids.length).toBeLessThan(40)
        expect(ids.every((id) => {
          const index = emulator.dataset.indexOfAccount(business, id)!
          return time(index) < time(10) || time(index) > time(999_990)
        })).toBe(true)
        expect(ids[0]).toBe(emulator.dataset.accountId(business, 0))
        expect(ids.at(-1)).toBe(emulator.dataset.accountId(business, 999_999))
      }))
  })
})
