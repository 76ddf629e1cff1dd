/**
 * The read surface beyond the owned edge, through the public API on a scripted HttpClient: field
 * expansion on the wire, nested paging completed with the same auth, node reads, the client and
 * phone-number edges, local filters, nulls.
 */
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { ClientAccounts, Filter, OwnedAccounts, PhoneNumbers, WhatsAppBusinessAccount } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { createHmac } from "node:crypto"

const TOKEN = "EAAGexpansionTestToken0123456789"
const SECRET = "expansion-app-secret-0123456789"
const proof = createHmac("sha256", SECRET).update(TOKEN).digest("hex")
const business = "1234567890"

interface Seen {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
}

/** Answers by path (without the version prefix) and `after` cursor. */
const scripted = (routes: Record<string, (url: URL) => unknown>) => {
  const seen: Array<Seen> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      seen.push({ url: new URL(url.toString()), headers: { ...request.headers } })
      const path = url.pathname.replace(/^\/v\d+\.\d+/, "")
      const route = routes[path]
      const body = route === undefined
        ? { error: { message: `no route ${path}`, type: "OAuthException", code: 100 } }
        : route(url)
      return HttpClientResponse.fromWeb(
        request,
        new Response(JSON.stringify(body), {
          status: route === undefined ? 400 : 200,
          headers: { "content-type": "application/json" }
        })
      )
    })
  )
  const layer = GraphClient.layer.pipe(
    Layer.provide(GraphConfig.layer({ accessToken: TOKEN, appSecret: SECRET, retry: false })),
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
  )
  return { seen, layer }
}

const number = (id: string) => ({ id, display_phone_number: `+1 555 01${id.slice(-2)}`, quality_rating: "GREEN" })
const nestedNext = (waba: string, after: string) =>
  `https://graph.facebook.com/v27.0/${waba}/phone_numbers?fields=id,display_phone_number&limit=2&after=${after}`

/** Account 1001 has 5 numbers over three nested pages; account 1002 has one; account 1003 none. */
const ownedWithNumbers = () =>
  scripted({
    [`/${business}/owned_whatsapp_business_accounts`]: () => ({
      data: [
        {
          id: "1001",
          name: "Lucky Shrub",
          phone_numbers: {
            data: [number("2001"), number("2002")],
            paging: { cursors: { before: "B0", after: "P1" }, next: nestedNext("1001", "P1") }
          }
        },
        { id: "1002", name: "Blue Bakery", phone_numbers: { data: [number("2003")], paging: { cursors: {} } } },
        { id: "1003", name: "No Numbers" }
      ],
      paging: { cursors: { after: "A1" } }
    }),
    "/1001/phone_numbers": (url) =>
      url.searchParams.get("after") === "P1"
        ? {
          data: [number("2004"), number("2005")],
          paging: { cursors: { after: "P2" }, next: nestedNext("1001", "P2") }
        }
        : { data: [number("2006")], paging: { cursors: { after: "P3" } } }
  })

describe("field expansion", () => {
  it.effect("sends Graph's expansion syntax and completes nested paging with the same fields, limit and auth", () => {
    const server = ownedWithNumbers()
    return Effect.gen(function*() {
      const accounts = yield* OwnedAccounts.all(business, {
        fields: ["name"],
        expand: { phone_numbers: { fields: ["display_phone_number"], limit: 2 } }
      })
      expect(accounts.map((a) => [a.id, a.phone_numbers.map((p) => p.id)])).toEqual([
        ["1001", ["2001", "2002", "2004", "2005", "2006"]],
        ["1002", ["2003"]],
        ["1003", []]
      ])
      expect(accounts[0]!.phone_numbers[2]).toEqual({ id: "2004", display_phone_number: "+1 555 0104" })

      // One request for the page, one per extra nested page: no more.
      expect(server.seen).toHaveLength(3)
      const [first, ...nested] = server.seen
      expect(first!.url.searchParams.get("fields")).toBe("id,name,phone_numbers.limit(2){id,display_phone_number}")
      for (const request of nested) {
        expect(request.url.pathname).toMatch(/^\/v\d+\.\d+\/1001\/phone_numbers$/)
        expect(request.url.searchParams.get("fields")).toBe("id,display_phone_number")
        expect(request.url.searchParams.get("limit")).toBe("2")
      }
      expect(nested.map((request) => request.url.searchParams.get("after"))).toEqual(["P1", "P2"])
      for (const request of server.seen) {
        expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`)
        expect(request.url.searchParams.get("appsecret_proof")).toBe(proof)
        expect(request.url.searchParams.has("access_token")).toBe(false)
      }
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("pages: \"first\" keeps the first nested page and exposes its cursor, sending nothing more", () => {
    const server = ownedWithNumbers()
    return Effect.gen(function*() {
      const accounts = yield* OwnedAccounts.all(business, {
        fields: ["name"],
        expand: { phone_numbers: { fields: ["display_phone_number"], limit: 2, pages: "first" } }
      })
      expect(accounts[0]!.phone_numbers).toEqual({
        data: [{ id: "2001", display_phone_number: "+1 555 0101" }, {
          id: "2002",
          display_phone_number: "+1 555 0102"
        }],
        nextAfter: "P1"
      })
      expect(accounts[1]!.phone_numbers.nextAfter).toBeUndefined()
      expect(accounts[2]!.phone_numbers.data).toEqual([])
      expect(server.seen).toHaveLength(1)
      // The exposed cursor continues the nested edge.
      const rest = yield* PhoneNumbers.all("1001", {
        fields: ["display_phone_number"],
        limit: 2,
        after: accounts[0]!.phone_numbers.nextAfter
      })
      expect(rest.map((p) => p.id)).toEqual(["2004", "2005", "2006"])
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("expansion without fields asks for the phone number's default fields explicitly", () => {
    const server = ownedWithNumbers()
    return Effect.gen(function*() {
      yield* OwnedAccounts.stream(business, { expand: { phone_numbers: { pages: "first" } } }).pipe(Stream.runDrain)
      expect(server.seen[0]!.url.searchParams.get("fields")).toBe(
        "id,name,currency,timezone_id,message_template_namespace,phone_numbers{" +
          PhoneNumbers.edge.node.defaultFields.join(",") + "}"
      )
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("bad expansions are refused before any request", () => {
    const server = ownedWithNumbers()
    return Effect.gen(function*() {
      const refusals = [
        yield* Effect.flip(OwnedAccounts.all(business, { expand: { phone_numbers: { fields: ["nmae"] as any } } })),
        yield* Effect.flip(OwnedAccounts.all(business, { expand: { message_templates: {} } as any })),
        yield* Effect.flip(OwnedAccounts.all(business, { expand: { phone_numbers: { limit: 0 } } })),
        yield* Effect.flip(OwnedAccounts.all(business, { expand: { phone_numbers: { pages: "some" as any } } }))
      ]
      expect(refusals.map((e) => [e._tag, "parameter" in e ? e.parameter : undefined])).toEqual([
        ["InvalidRequestError", "expand"],
        ["InvalidRequestError", "expand"],
        ["InvalidRequestError", "expand"],
        ["InvalidRequestError", "expand"]
      ])
      expect(refusals[0]!.message).toContain("\"nmae\" is not a field of WhatsAppBusinessPhoneNumber")
      expect(refusals[1]!.message).toContain("\"message_templates\" cannot be expanded")
      expect(server.seen).toHaveLength(0)
    }).pipe(Effect.provide(server.layer))
  })
})

describe("the WABA node", () => {
  it.effect("WhatsAppBusinessAccount.get reads /{waba-id} with fields and completed phone numbers", () => {
    const server = scripted({
      "/1001": () => ({
        id: 1001,
        name: "Lucky Shrub",
        whatsapp_business_manager_messaging_limit: "TIER_2K",
        status: null,
        phone_numbers: { data: [number("2001")], paging: { cursors: { after: "P1" }, next: nestedNext("1001", "P1") } }
      }),
      "/1001/phone_numbers": () => ({ data: [number("2002")], paging: { cursors: { after: "P2" } } })
    })
    return Effect.gen(function*() {
      const account = yield* WhatsAppBusinessAccount.get("1001", {
        fields: ["name", "status", "whatsapp_business_manager_messaging_limit"],
        expand: { phone_numbers: { fields: ["quality_rating"] } }
      })
      expect(account).toEqual({
        id: "1001",
        name: "Lucky Shrub",
        whatsapp_business_manager_messaging_limit: "TIER_2K",
        phone_numbers: [{ id: "2001", quality_rating: "GREEN" }, { id: "2002", quality_rating: "GREEN" }]
      })
      expect(server.seen[0]!.url.searchParams.get("fields")).toBe(
        "id,name,status,whatsapp_business_manager_messaging_limit,phone_numbers{id,quality_rating}"
      )
      expect(server.seen[1]!.url.searchParams.get("after")).toBe("P1")
      const refused = yield* Effect.flip(WhatsAppBusinessAccount.get("../1001"))
      expect(refused).toMatchObject({ _tag: "InvalidRequestError", parameter: "wabaId" })
      expect(server.seen).toHaveLength(2)
    }).pipe(Effect.provide(server.layer))
  })
})

describe("the client and phone-number edges", () => {
  it.effect("ClientAccounts reads client_whatsapp_business_accounts with permitted_tasks and ownership_type IN", () => {
    const server = scripted({
      [`/${business}/client_whatsapp_business_accounts`]: () => ({
        data: [
          { id: "3001", name: "Shared A", ownership_type: "CLIENT_OWNED", permitted_tasks: ["MANAGE", "NEW_TASK"] },
          { id: "3002", name: "Shared B", ownership_type: "CLIENT_OWNED", permitted_tasks: null }
        ]
      })
    })
    return Effect.gen(function*() {
      const shared = yield* ClientAccounts.all(business, {
        fields: ["name", "permitted_tasks"],
        filtering: Filter.ownershipType.in("CLIENT_OWNED")
      })
      expect(shared).toEqual([
        { id: "3001", name: "Shared A", permitted_tasks: ["MANAGE", "NEW_TASK"] },
        { id: "3002", name: "Shared B" }
      ])
      const query = server.seen[0]!.url.searchParams
      expect(query.get("fields")).toBe("id,name,permitted_tasks")
      expect(JSON.parse(query.get("filtering")!)).toEqual([
        { field: "ownership_type", operator: "IN", value: ["CLIENT_OWNED"] }
      ])
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("PhoneNumbers: spec filters go out with EQUAL, quality_rating is evaluated on the numbers", () => {
    const server = scripted({
      "/1001/phone_numbers": () => ({
        data: [
          { id: "2001", quality_rating: "GREEN", account_mode: "LIVE" },
          { id: "2002", quality_rating: "RED", account_mode: "LIVE" },
          { id: "2003", quality_rating: "YELLOW", account_mode: "LIVE", username: null }
        ]
      })
    })
    return Effect.gen(function*() {
      const flagged = yield* PhoneNumbers.all("1001", {
        fields: ["display_phone_number"],
        filtering: [Filter.accountMode.equal("LIVE"), Filter.qualityRating.in("RED", "YELLOW")],
        sort: "last_onboarded_time.desc"
      })
      // quality_rating was requested for the local filter, and taken out again.
      expect(flagged).toEqual([{ id: "2002" }, { id: "2003" }])
      const query = server.seen[0]!.url.searchParams
      expect(query.get("fields")).toBe("id,display_phone_number,quality_rating")
      expect(query.get("sort")).toBe("last_onboarded_time.desc")
      expect(JSON.parse(query.get("filtering")!)).toEqual([{ field: "account_mode", operator: "EQUAL", value: "LIVE" }])
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("a local filter on the owned edge requests its field and removes it when it was not asked for", () => {
    const server = scripted({
      [`/${business}/owned_whatsapp_business_accounts`]: () => ({
        data: [
          { id: "1", name: "A", ownership_type: "SELF" },
          { id: "2", name: "B", ownership_type: "ON_BEHALF_OF" },
          { id: "3", name: "C", ownership_type: null }
        ]
      })
    })
    return Effect.gen(function*() {
      const self = yield* OwnedAccounts.all(business, {
        fields: ["name"],
        filtering: Filter.ownershipType.notEqual("ON_BEHALF_OF")
      })
      expect(self).toEqual([{ id: "1", name: "A" }])
      expect(server.seen[0]!.url.searchParams.get("fields")).toBe("id,name,ownership_type")
      expect(server.seen[0]!.url.searchParams.has("filtering")).toBe(false)
    }).pipe(Effect.provide(server.layer))
  })
})

describe("decoding what Graph really sends", () => {
  it.effect("null in any optional field reads as absent; unknown enum values and fields decode", () => {
    const server = scripted({
      [`/${business}/owned_whatsapp_business_accounts`]: () => ({
        data: [{
          id: 104996122399160,
          name: null,
          creation_time: "1569783261",
          health_status: { can_send_message: "SOMETHING_NEW", entities: [null, { entity_type: null, id: 5 }] },
          whatsapp_business_manager_messaging_limit: "TIER_5K",
          owner_business_info: null,
          analytics: { phone_numbers: [1, 2] }
        }],
        paging: null
      })
    })
    return Effect.gen(function*() {
      const [account] = yield* OwnedAccounts.all(business, {
        fields: [
          "name",
          "creation_time",
          "health_status",
          "whatsapp_business_manager_messaging_limit",
          "owner_business_info",
          "analytics"
        ]
      })
      expect(account).toEqual({
        id: "104996122399160",
        creation_time: new Date(1569783261 * 1000),
        health_status: { can_send_message: "SOMETHING_NEW", entities: [{ id: "5" }] },
        whatsapp_business_manager_messaging_limit: "TIER_5K",
        analytics: { phone_numbers: [1, 2] }
      })
    }).pipe(Effect.provide(server.layer))
  })
})
