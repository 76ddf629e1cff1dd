import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import { allPages, get, idsOf, inProcess } from "./helpers.js"

const root = "https://graph.facebook.com/v23.0"
const owned = (business: string) => `${root}/${business}/owned_whatsapp_business_accounts`
const client = (business: string) => `${root}/${business}/client_whatsapp_business_accounts`
const phones = (account: string) => `${root}/${account}/phone_numbers`

describe("the read surface", () => {
  it.layer(inProcess({ seed: "surface", rateLimit: false }))((it) => {
    it.effect("the first default business (1234567890) has owned and client accounts, one account on both edges", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const business = emulator.businessIds[0]!
        expect(business).toBe("1234567890")
        const ownedIds = idsOf(yield* allPages(owned(business), { query: { limit: "100" } }))
        const clientPages = yield* allPages(client(business), { query: { limit: "7", fields: "id,permitted_tasks" } })
        const clientIds = idsOf(clientPages)
        expect(ownedIds).toHaveLength(137)
        expect(clientIds).toEqual((yield* emulator.clientAccounts(business)).map((a) => a.id))
        expect(clientIds.length).toBeGreaterThan(5)
        expect(new Set(clientIds).size).toBe(clientIds.length)
        expect(clientPages.flatMap((page) => page.data).every((a: any) => a.permitted_tasks.length > 0)).toBe(true)
        // A partner sees accounts of the second business on its client edge, and one of its own on both.
        const second = new Set(idsOf(yield* allPages(owned(emulator.businessIds[1]!), { query: { limit: "100" } })))
        expect(clientIds.some((id) => second.has(id))).toBe(true)
        expect(clientIds.some((id) => ownedIds.includes(id))).toBe(true)
        // The same account reads the same on every edge it appears on.
        const shared = clientIds.find((id) => second.has(id))!
        const fromClient = (yield* allPages(client(business), { query: { limit: "100", fields: "id,name,country" } }))
          .flatMap((page) => page.data).find((a: any) => a.id === shared)
        const fromNode = (yield* get(`${root}/${shared}`, { query: { fields: "id,name,country" } })).body
        expect(fromClient).toEqual(fromNode)
      }))

    it.effect("expands phone_numbers.limit(N){...} with nested paging that continues on /{waba-id}/phone_numbers", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const business = emulator.businessIds[0]!
        const [big] = yield* emulator.accounts(business)
        const expected = yield* emulator.phoneNumbers(big!.id)
        expect(expected.length).toBeGreaterThan(100)
        const page = yield* get(owned(business), {
          token: null,
          query: {
            access_token: emulator.token,
            limit: "3",
            fields: "id,name,phone_numbers.limit(50){id,display_phone_number,verified_name,quality_rating}"
          }
        })
        const account = page.body.data[0]
        expect(account.id).toBe(big!.id)
        const nested = account.phone_numbers
        expect(nested.data).toHaveLength(50)
        expect(Object.keys(nested.data[0])).toEqual(["id", "display_phone_number", "verified_name", "quality_rating"])
        const next = new URL(nested.paging.next)
        expect(next.pathname).toBe(`/v23.0/${big!.id}/phone_numbers`)
        expect(next.searchParams.get("fields")).toBe("id,display_phone_number,verified_name,quality_rating")
        expect(next.searchParams.get("limit")).toBe("50")
        expect(next.searchParams.get("after")).toBe(nested.paging.cursors.after)
        // A token sent in the query is carried, as Graph does; one sent as a header never is.
        expect(next.searchParams.get("access_token")).toBe(emulator.token)
        const rest = yield* allPages(nested.paging.next)
        const ids = [...nested.data.map((p: any) => p.id), ...idsOf(rest)]
        expect(ids).toEqual(expected.map((p) => p.id))
        expect(rest.flatMap((p) => p.data)[0]).toEqual({
          id: expected[50]!.id,
          display_phone_number: expected[50]!.display_phone_number,
          verified_name: expected[50]!.verified_name,
          quality_rating: expected[50]!.quality_rating
        })
        // Accounts with one page of numbers get paging without next; accounts without numbers leave the field out.
        for (const item of page.body.data.slice(1)) {
          const count = (yield* emulator.phoneNumbers(item.id)).length
          if (count === 0) expect(item.phone_numbers).toBeUndefined()
          else if (count <= 50) expect(item.phone_numbers.paging.next).toBeUndefined()
        }
      }))

    it.effect("without braces an expansion returns the phone number's default fields; nested names are checked", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const [big] = yield* emulator.accounts(emulator.businessIds[0]!)
        const node = yield* get(`${root}/${big!.id}`, { query: { fields: "phone_numbers" } })
        expect(Object.keys(node.body)).toEqual(["phone_numbers", "id"])
        expect(node.body.phone_numbers.data).toHaveLength(25)
        expect(Object.keys(node.body.phone_numbers.data[0]).sort()).toEqual(
          [
            "id",
            "verified_name",
            "code_verification_status",
            "display_phone_number",
            "quality_rating",
            "platform_type",
            "throughput",
            "last_onboarded_time",
            "webhook_configuration"
          ].sort()
        )
        expect(new URL(node.body.phone_numbers.paging.next).searchParams.has("fields")).toBe(false)
        const nested = yield* get(`${root}/${big!.id}`, { query: { fields: "id,phone_numbers{id,bogus}" } })
        expect(nested.body.error).toMatchObject({
          code: 100,
          message: "(#100) Tried accessing nonexisting field (bogus) on node type (WhatsAppBusinessPhoneNumber)"
        })
        const limitOnField = yield* get(`${root}/${big!.id}`, { query: { fields: "name.limit(3)" } })
        expect(limitOnField.body.error.code).toBe(100)
      }))

    it.effect("GET /{waba-id} serves the node: default fields, selected fields, unknown fields and edges refused", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const [first] = yield* emulator.accounts(emulator.businessIds[0]!)
        const plain = yield* get(`${root}/${first!.id}`)
        expect(plain.body).toEqual({
          id: first!.id,
          name: first!.name,
          currency: first!.currency,
          timezone_id: first!.timezone_id,
          message_template_namespace: first!.message_template_namespace
        })
        const some = yield* get(`${root}/${first!.id}`, {
          query: { fields: "whatsapp_business_manager_messaging_limit,owner_business_info" }
        })
        expect(some.body).toEqual({
          whatsapp_business_manager_messaging_limit: first!.whatsapp_business_manager_messaging_limit,
          owner_business_info: first!.owner_business_info,
          id: first!.id
        })
        const unknown = yield* get(`${root}/${first!.id}`, { query: { fields: "id,phone_number_count" } })
        expect(unknown.status).toBe(400)
        expect(unknown.body.error.message).toBe(
          "(#100) Tried accessing nonexisting field (phone_number_count) on node type (WhatsAppBusinessAccount)"
        )
        const edge = yield* get(`${root}/${first!.id}/message_templatez`)
        expect(edge.body.error.message).toBe(
          "(#100) Tried accessing nonexisting field (message_templatez) on node type (WhatsAppBusinessAccount)"
        )
        const missing = yield* get(`${root}/282999999999999`)
        expect(missing.body.error).toMatchObject({ code: 100, error_subcode: 33 })
      }))

    it.effect("pages /{waba-id}/phone_numbers in both sort formats, ascending and descending", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const [big] = yield* emulator.accounts(emulator.businessIds[0]!)
        const expected = (yield* emulator.phoneNumbers(big!.id)).map((p) => p.id)
        expect(idsOf(yield* allPages(phones(big!.id), { query: { limit: "40" } }))).toEqual(expected)
        for (const sort of ["creation_time.desc", "creation_time_descending", "last_onboarded_time.desc"]) {
          expect(idsOf(yield* allPages(phones(big!.id), { query: { limit: "33", sort } }))).toEqual(
            [...expected].reverse()
          )
        }
        const bad = yield* get(phones(big!.id), { query: { sort: "quality_rating.asc" } })
        expect(bad.body.error.message).toContain("param sort must be one of")
        // The owned edge documents one format only.
        const dotted = yield* get(owned(emulator.businessIds[0]!), { query: { sort: "creation_time.desc" } })
        expect(dotted.body.error.code).toBe(100)
      }))

    it.effect("a token limited to one business may read the accounts shared with it, and no others", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const [partner, other] = emulator.businessIds as [string, string]
        const shared = (yield* emulator.clientAccounts(partner))[0]!
        const sharedIds = new Set((yield* emulator.clientAccounts(partner)).map((a) => a.id))
        const ownedByOther = (yield* emulator.accounts(other)).find((a) => !sharedIds.has(a.id))!
        expect(ownedByOther).toBeDefined()
        const seen = yield* get(`${root}/${shared.id}/phone_numbers`, { token: Emulator.limitedToken })
        expect(seen.status).toBe(200)
        const denied = yield* get(`${root}/${ownedByOther.id}`, { token: Emulator.limitedToken })
        expect(denied.status).toBe(403)
        expect(denied.body.error).toMatchObject({ code: 200, error_subcode: 1349174 })
      }))
  })

  it.layer(inProcess({ seed: "quirks", rateLimit: false }))((it) => {
    it.effect("the null quirk sends null for absent optional fields", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const accounts = yield* emulator.accounts(emulator.businessIds[0]!)
        const index = accounts.findIndex((a) => a.purchase_order_number === undefined)
        yield* emulator.setQuirks({ nullForAbsent: true })
        const page = yield* get(owned(emulator.businessIds[0]!), {
          query: { fields: "id,purchase_order_number", limit: "100" }
        })
        yield* emulator.setQuirks({ nullForAbsent: false })
        expect(page.body.data[index]).toEqual({ id: accounts[index]!.id, purchase_order_number: null })
        const plain = yield* get(owned(emulator.businessIds[0]!), {
          query: { fields: "id,purchase_order_number", limit: "100" }
        })
        expect(plain.body.data[index]).toEqual({ id: accounts[index]!.id })
      }))

    it.effect("emptyExpansions: empty sends { data: [] } for an account without phone numbers", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const accounts = yield* emulator.accounts(emulator.businessIds[0]!)
        let bare: string | undefined
        for (const account of accounts) {
          if ((yield* emulator.phoneNumbers(account.id)).length === 0) {
            bare = account.id
            break
          }
        }
        expect(bare).toBeDefined()
        yield* emulator.setQuirks({ emptyExpansions: "empty" })
        const node = yield* get(`${root}/${bare}`, { query: { fields: "id,phone_numbers" } })
        yield* emulator.setQuirks({ emptyExpansions: "omit" })
        expect(node.body).toEqual({ id: bare, phone_numbers: { data: [] } })
      }))
  })

  it.layer(inProcess({ seed: "mutations", rateLimit: false }))((it) => {
    it.effect("phone numbers added and deleted in the middle of a read: cursors hold unless their number is deleted", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const [big] = yield* emulator.accounts(emulator.businessIds[0]!)
        const id = big!.id
        const first = yield* get(phones(id), { query: { limit: "20" } })
        const before = (yield* emulator.phoneNumbers(id)).map((p) => p.id)
        const added = yield* emulator.addPhoneNumbers(id, 2)
        yield* emulator.deletePhoneNumbers(id, [before[30]!])
        const rest = yield* allPages(first.body.paging.next)
        const ids = [...idsOf([first.body]), ...idsOf(rest)]
        expect(ids).toEqual([...before.filter((p) => p !== before[30]), ...added.map((p) => p.id)])
        // The number the first page's cursor points at is deleted: that cursor is stale now.
        yield* emulator.deletePhoneNumbers(id, [before[19]!])
        const stale = yield* get(first.body.paging.next)
        expect(stale.body.error).toMatchObject({ code: 2642 })
      }))

    it.effect("a deleted account leaves its owner's edge, every client edge and its own paths", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const [partner, other] = emulator.businessIds as [string, string]
        const shared = (yield* emulator.clientAccounts(partner)).find((a) => a.owner_business_info?.id === other)!
        yield* emulator.deleteAccounts(other, [shared.id])
        expect((yield* emulator.clientAccounts(partner)).map((a) => a.id)).not.toContain(shared.id)
        expect(idsOf(yield* allPages(client(partner), { query: { limit: "100" } }))).not.toContain(shared.id)
        expect((yield* get(`${root}/${shared.id}`)).body.error).toMatchObject({ code: 100, error_subcode: 33 })
        expect((yield* get(phones(shared.id))).body.error).toMatchObject({ code: 100, error_subcode: 33 })
      }))
  })
})
