import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { createHmac } from "node:crypto"
import { Emulator } from "../src/Emulator.js"
import { allPages, edgeUrl, get, idsOf, inProcess } from "./helpers.js"

describe("paging", () => {
  it.layer(inProcess({ seed: "paging", businesses: [137, 12, 0], rateLimit: false }))((it) => {
    it.effect("returns every account exactly once, ascending by default", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const pages = yield* allPages(edgeUrl(business))
        const expected = (yield* emulator.accounts(business)).map((account) => account.id)
        expect(pages).toHaveLength(6)
        expect(pages.slice(0, -1).every((page) => page.data.length === 25)).toBe(true)
        expect(idsOf(pages)).toEqual(expected)
        expect(new Set(idsOf(pages)).size).toBe(137)
      }))

    it.effect("returns every account exactly once, descending", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const pages = yield* allPages(edgeUrl(business), { query: { sort: "creation_time_descending", limit: "7" } })
        const expected = (yield* emulator.accounts(business, { descending: true })).map((account) => account.id)
        expect(idsOf(pages)).toEqual(expected)
        expect(pages).toHaveLength(Math.ceil(137 / 7))
        const times = pages.flatMap((page) => page.data.map((a: any) => a.id))
        expect(times[0]).toBe(expected[0])
      }))

    it.effect("accepts sort as a JSON array and refuses unknown sorts", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const array = yield* get(edgeUrl(business), { query: { sort: "[\"creation_time_descending\"]", limit: "1" } })
        const plain = yield* get(edgeUrl(business), { query: { sort: "creation_time_descending", limit: "1" } })
        expect(array.body.data).toEqual(plain.body.data)
        const bad = yield* get(edgeUrl(business), { query: { sort: "name_ascending" } })
        expect(bad.status).toBe(400)
        expect(bad.body.error.code).toBe(100)
        expect(bad.body.error.message).toContain("sort")
      }))

    it.effect("the last page has cursors.after and no next; only later pages have previous", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const pages = yield* allPages(edgeUrl(emulator.businessIds[0]!), { query: { limit: "50" } })
        const [first, middle, last] = pages
        expect(first.paging.previous).toBeUndefined()
        expect(first.paging.next).toBeTypeOf("string")
        expect(middle.paging.previous).toBeTypeOf("string")
        expect(last.data).toHaveLength(37)
        expect(last.paging.cursors.after).toBeTypeOf("string")
        expect(last.paging.cursors.before).toBeTypeOf("string")
        expect(last.paging.next).toBeUndefined()
        expect(last.paging.previous).toBeTypeOf("string")
      }))

    it.effect("previous goes back to the page before", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const pages = yield* allPages(edgeUrl(emulator.businessIds[0]!), { query: { limit: "20" } })
        const back = yield* get(pages[3].paging.previous)
        expect(back.body.data).toEqual(pages[2].data)
        const backToStart = yield* get(pages[1].paging.previous)
        expect(backToStart.body.data).toEqual(pages[0].data)
        expect(backToStart.body.paging.previous).toBeUndefined()
        expect(backToStart.body.paging.next).toBeTypeOf("string")
      }))

    it.effect("next is absolute, on the caller's origin, and carries the original query", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const filtering = JSON.stringify([{ field: "creation_time", operator: "GREATER_THAN", value: 0 }])
        const time = String(Math.floor(emulator.clock.now() / 1000))
        const proof = createHmac("sha256", emulator.appSecret!).update(`${emulator.token}|${time}`).digest("hex")
        const ok = yield* get(edgeUrl(business, "https://graph.facebook.com", "v21.0"), {
          token: null,
          query: {
            access_token: emulator.token,
            fields: "id,name,creation_time",
            filtering,
            sort: "creation_time_descending",
            limit: "10",
            appsecret_proof: proof,
            appsecret_time: time
          }
        })
        expect(ok.status).toBe(200)
        const next = new URL(ok.body.paging.next)
        expect(next.origin).toBe("https://graph.facebook.com")
        expect(next.pathname).toBe(`/v21.0/${business}/owned_whatsapp_business_accounts`)
        expect(next.searchParams.get("access_token")).toBe(emulator.token)
        expect(next.searchParams.get("fields")).toBe("id,name,creation_time")
        expect(next.searchParams.get("filtering")).toBe(filtering)
        expect(next.searchParams.get("sort")).toBe("creation_time_descending")
        expect(next.searchParams.get("limit")).toBe("10")
        expect(next.searchParams.get("after")).toBe(ok.body.paging.cursors.after)
        expect(next.searchParams.has("appsecret_proof")).toBe(false)
        expect(next.searchParams.has("appsecret_time")).toBe(false)
        expect(ok.headers["facebook-api-version"]).toBe("v21.0")
      }))

    it.effect("next never carries a header token into the URL", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const page = yield* get(edgeUrl(emulator.businessIds[0]!))
        const next = new URL(page.body.paging.next)
        expect(next.searchParams.has("access_token")).toBe(false)
        expect(next.searchParams.get("limit")).toBe("25")
      }))

    it.effect("caps limit at 100 and refuses a limit that is not a positive integer", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const big = yield* get(edgeUrl(business), { query: { limit: "500" } })
        expect(big.body.data).toHaveLength(100)
        expect(new URL(big.body.paging.next).searchParams.get("limit")).toBe("100")
        for (const limit of ["0", "-3", "ten", "2.5"]) {
          const bad = yield* get(edgeUrl(business), { query: { limit } })
          expect(bad.status).toBe(400)
          expect(bad.body.error.code).toBe(100)
        }
      }))

    it.effect("answers an empty business with data [] and no paging", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const empty = yield* get(edgeUrl(emulator.businessIds[2]!))
        expect(empty.status).toBe(200)
        expect(empty.body).toEqual({ data: [] })
      }))

    it.effect("refuses garbage, foreign and mismatched cursors with 2642, and both cursors with 100", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const [a, b] = emulator.businessIds as [string, string]
        const pageA = yield* get(edgeUrl(a), { query: { limit: "5" } })
        const cursor = pageA.body.paging.cursors.after as string
        // Points at another element (the hint moved by one) while keeping the old check: refused.
        const tampered = Buffer.from(
          Buffer.from(cursor, "base64url").toString().replace(/:4:0:/, ":5:0:")
        ).toString("base64url")
        expect(tampered).not.toBe(cursor)
        for (const after of ["garbage", "QVFIUjBrRUs5QVJuUDhDSmZA", tampered, "!!"]) {
          const bad = yield* get(edgeUrl(a), { query: { after } })
          expect(bad.status).toBe(400)
          expect(bad.body.error).toMatchObject({
            code: 2642,
            message: "Invalid cursors values",
            type: "OAuthException"
          })
        }
        const foreign = yield* get(edgeUrl(b), { query: { after: cursor } })
        expect(foreign.body.error.code).toBe(2642)
        const otherSort = yield* get(edgeUrl(a), { query: { after: cursor, sort: "creation_time_descending" } })
        expect(otherSort.body.error.code).toBe(2642)
        const both = yield* get(edgeUrl(a), { query: { after: cursor, before: cursor } })
        expect(both.body.error.code).toBe(100)
      }))
  })

  it.layer(inProcess({ seed: "mutations", businesses: [40, 30], rateLimit: false }))((it) => {
    it.effect("a cursor survives additions, and the rest of the walk sees the added accounts", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const first = yield* get(edgeUrl(business), { query: { limit: "10" } })
        const added = yield* emulator.addAccounts(business, 3)
        const rest = [first.body]
        let page = yield* get(first.body.paging.next)
        expect(page.status).toBe(200)
        rest.push(page.body)
        while (page.body.paging?.next !== undefined) {
          page = yield* get(page.body.paging.next)
          rest.push(page.body)
        }
        const ids = idsOf(rest)
        expect(ids).toHaveLength(43)
        // Added "now", after every generated account: they come last in ascending order.
        expect(ids.slice(-3)).toEqual(added.map((account) => account.id))
        expect(ids).toEqual((yield* emulator.accounts(business)).map((account) => account.id))
      }))

    it.effect("a cursor goes stale (2642) only when the account it points at is deleted", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const first = yield* get(edgeUrl(business), { query: { limit: "5" } })
        const ids = idsOf([first.body])
        // Deleting an account the cursor does not point at leaves it valid.
        yield* emulator.deleteAccounts(business, [ids[1]!])
        const still = yield* get(first.body.paging.next)
        expect(still.status).toBe(200)
        yield* emulator.deleteAccounts(business, [ids[4]!])
        const stale = yield* get(first.body.paging.next)
        expect(stale.status).toBe(400)
        expect(stale.body.error).toMatchObject({ code: 2642, message: "Invalid cursors values" })
      }))

    it.effect("with staleCursors: any-change, any addition or deletion invalidates outstanding cursors", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[1]!
        yield* emulator.setQuirks({ staleCursors: "any-change" })
        const first = yield* get(edgeUrl(business), { query: { limit: "5" } })
        yield* emulator.addAccounts(business, 1)
        const stale = yield* get(first.body.paging.next)
        yield* emulator.setQuirks({ staleCursors: "deleted-item" })
        expect(stale.body.error).toMatchObject({ code: 2642 })
      }))

    it.effect("a cursor whose account was deleted past the end of the list gives 100 'exceeds the max limit'", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[1]!
        const pages = yield* allPages(edgeUrl(business), { query: { limit: "10" } })
        const lastAfter = pages.at(-1).paging.cursors.after
        const all = yield* emulator.accounts(business)
        yield* emulator.deleteAccounts(business, [all.at(-1)!.id])
        const beyond = yield* get(edgeUrl(business), { query: { after: lastAfter } })
        expect(beyond.status).toBe(400)
        expect(beyond.body.error.code).toBe(100)
        expect(beyond.body.error.message).toContain("The After Cursor specified exceeds the max limit")

        const fresh = idsOf(yield* allPages(edgeUrl(business), { query: { limit: "10" } }))
        expect(fresh).toEqual(all.slice(0, -1).map((account) => account.id))
      }))

    it.effect("accounts added in the past interleave in creation_time order", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[1]!
        const before = yield* emulator.accounts(business)
        const middle = before[10]!.creation_time
        const [added] = yield* emulator.addAccounts(business, 1, { creationTime: middle })
        const ids = idsOf(yield* allPages(edgeUrl(business), { query: { limit: "4" } }))
        const position = ids.indexOf(added!.id)
        expect(ids).toHaveLength(before.length + 1)
        // After every account of the same second (generated ids are lower), before every later one.
        expect(before.slice(0, position).every((a) => a.creation_time <= middle)).toBe(true)
        expect(before.slice(position).every((a) => a.creation_time > middle)).toBe(true)
        const desc = idsOf(
          yield* allPages(edgeUrl(business), { query: { limit: "6", sort: "creation_time_descending" } })
        )
        expect(desc).toEqual([...ids].reverse())
      }))
  })

  it.layer(inProcess({ seed: "churn", businesses: [300], rateLimit: false }))((it) => {
    it.effect("after rounds of additions and deletions, paging matches an independently sorted list", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.dataset.businesses[0]!
        // The oracle: the generated accounts minus the deleted, plus the added, sorted by (creation_time, id).
        const deleted = new Set<string>()
        const added: Array<{ id: string; creation_time: number }> = []
        let seed = 12345
        const random = (n: number) => {
          seed = (seed * 1103515245 + 12345) % 2147483648
          return seed % n
        }
        for (let round = 0; round < 6; round++) {
          const live = Array.from({ length: business.accounts }, (_, i) => emulator.dataset.accountId(business, i))
            .filter((id) => !deleted.has(id))
          const victims = [live[random(live.length)]!, live[random(live.length)]!, added.pop()?.id].filter(
            (id): id is string => id !== undefined && !deleted.has(id)
          )
          yield* emulator.deleteAccounts(business.id, [...new Set(victims)])
          victims.forEach((id) => deleted.add(id))
          const at = emulator.dataset.owned(business).time(random(business.accounts))
          const fresh = yield* emulator.addAccounts(business.id, 1 + random(3), { creationTime: at })
          added.push(...fresh.map((a) => ({ id: a.id, creation_time: a.creation_time })))
        }
        const expected = [
          ...Array.from({ length: business.accounts }, (_, i) => ({
            id: emulator.dataset.accountId(business, i),
            creation_time: emulator.dataset.owned(business).time(i)
          })).filter((a) => !deleted.has(a.id)),
          ...added.filter((a) => !deleted.has(a.id))
        ].sort((a, b) => a.creation_time - b.creation_time || (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
        const ids = expected.map((a) => a.id)
        expect(idsOf(yield* allPages(edgeUrl(business.id), { query: { limit: "17" } }))).toEqual(ids)
        expect(
          idsOf(yield* allPages(edgeUrl(business.id), { query: { limit: "23", sort: "creation_time_descending" } }))
        )
          .toEqual([...ids].reverse())
        const lo = expected[40]!.creation_time
        const hi = expected[200]!.creation_time
        const filtering = JSON.stringify([{ field: "creation_time", operator: "IN_RANGE", value: [lo, hi] }])
        expect(idsOf(yield* allPages(edgeUrl(business.id), { query: { limit: "9", filtering } }))).toEqual(
          expected.filter((a) => a.creation_time >= lo && a.creation_time <= hi).map((a) => a.id)
        )
        // Walking backwards from the end with `previous` visits the same list in reverse page order.
        const forward = yield* allPages(edgeUrl(business.id), { query: { limit: "50" } })
        const backward: Array<string> = []
        let page = forward.at(-1)
        while (page.paging?.previous !== undefined) {
          page = (yield* get(page.paging.previous)).body
          backward.unshift(...page.data.map((a: { id: string }) => a.id))
        }
        expect([...backward, ...forward.at(-1).data.map((a: { id: string }) => a.id)]).toEqual(ids)
      }))
  })

  it.layer(inProcess({ seed: "quirk", businesses: [137], rateLimit: false }))((it) => {
    it.effect("filters after paging by default: pages may be empty while next is present, and paging goes on past them", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const accounts = yield* emulator.accounts(business)
        const lo = accounts[60]!.creation_time
        const hi = accounts[64]!.creation_time
        const expected = accounts.filter((a) => a.creation_time >= lo && a.creation_time <= hi).map((a) => a.id)
        const query = {
          limit: "10",
          filtering: JSON.stringify([{ field: "creation_time", operator: "IN_RANGE", value: [String(lo), String(hi)] }])
        }

        yield* emulator.setQuirks({ filterAfterPaging: false })
        const ideal = yield* allPages(edgeUrl(business), { query })
        yield* emulator.setQuirks({ filterAfterPaging: true })
        expect(ideal).toHaveLength(1)
        expect(idsOf(ideal)).toEqual(expected)

        const quirky = yield* allPages(edgeUrl(business), { query })
        expect(quirky).toHaveLength(14)
        expect(quirky[0].data).toEqual([])
        expect(quirky[0].paging.next).toBeTypeOf("string")
        expect(quirky.some((page) => page.data.length > 0 && page.data.length < 10)).toBe(true)
        expect(idsOf(quirky)).toEqual(expected)
        expect(quirky.at(-1).paging.next).toBeUndefined()
      }))
  })
})
