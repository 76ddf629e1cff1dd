// The drift test: the emulator and the client share one wire contract. Every value the emulator
// generates must decode with the client's schemas and use only the enum values the client knows, and every
// field the client declares must be served, with some variety, by the emulator.
import { GraphError, GraphSchema, GraphUsage } from "@effect-waba/graph-core"
import { ClientAccounts, PhoneNumber, WhatsAppBusinessAccount } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as Dataset from "../src/Dataset.js"
import { Emulator } from "../src/Emulator.js"
import { allPages, get, inProcess } from "./helpers.js"

interface Known {
  readonly known: ReadonlyArray<string>
}

// The open enums among a node's fields, found from the declaration itself (optional fields wrap theirs).
const enumsOf = (fields: Record<string, unknown>): Record<string, ReadonlyArray<string>> => {
  const out: Record<string, ReadonlyArray<string>> = {}
  for (const [name, field] of Object.entries(fields)) {
    const schema = (field as { readonly from?: unknown }).from ?? field
    const known = (schema as Partial<Known>).known
    if (Array.isArray(known)) out[name] = known
  }
  return out
}

// Enums nested inside object fields, by path.
const nested: ReadonlyArray<readonly [string, (value: any) => ReadonlyArray<unknown>, Known]> = [
  ["health_status.can_send_message", (v) => [v?.can_send_message], WhatsAppBusinessAccount.CanSendMessage],
  [
    "health_status.entities[].can_send_message",
    (v) => (v?.entities ?? []).map((e: any) => e.can_send_message),
    WhatsAppBusinessAccount.CanSendMessage
  ]
]

const accountEnums = enumsOf(WhatsAppBusinessAccount.node.fields)
const phoneEnums = enumsOf(PhoneNumber.node.fields)
const decodeAccount = Schema.decodeUnknownEither(WhatsAppBusinessAccount.node.schema)
const decodeClient = Schema.decodeUnknownEither(ClientAccounts.edge.itemSchema)
const decodePhone = Schema.decodeUnknownEither(PhoneNumber.node.schema)

const checkRecord = (
  record: Record<string, unknown>,
  enums: Record<string, ReadonlyArray<string>>,
  seen: Map<string, Set<unknown>>
) => {
  for (const [field, value] of Object.entries(record)) {
    if (!seen.has(field)) seen.set(field, new Set())
    seen.get(field)!.add(typeof value === "object" ? JSON.stringify(value) : value)
    const known = enums[field]
    if (known !== undefined) expect(known, `${field}: ${String(value)}`).toContain(value)
  }
}

describe("the wire contract with the client", () => {
  it("the enums are found in the declarations (so this test checks something)", () => {
    expect(Object.keys(accountEnums)).toEqual(
      expect.arrayContaining(["whatsapp_business_manager_messaging_limit", "ownership_type", "status"])
    )
    expect(Object.keys(phoneEnums)).toEqual(expect.arrayContaining(["quality_rating", "messaging_limit_tier"]))
    expect(accountEnums.whatsapp_business_manager_messaging_limit).not.toContain("TIER_1K")
  })

  it("every generated account and phone number decodes with the client's schemas, using known enum values only", () => {
    const dataset = Dataset.make({ seed: "contract", businesses: [{ accounts: 600, clientAccounts: 0 }] })
    const business = dataset.businesses[0]!
    const seenAccount = new Map<string, Set<unknown>>()
    const seenPhone = new Map<string, Set<unknown>>()
    for (let i = 0; i < business.accounts; i++) {
      const account = dataset.account(business, i)
      expect(Either.isRight(decodeAccount(account)), JSON.stringify(account)).toBe(true)
      checkRecord(account, accountEnums, seenAccount)
      for (const [path, pick, schema] of nested) {
        for (const value of pick((account as any).health_status)) expect(schema.known, path).toContain(value)
      }
      for (let j = 0; j < dataset.phoneCount(business, i); j++) {
        const phone = dataset.phoneNumber(business, i, j)
        expect(Either.isRight(decodePhone(phone)), JSON.stringify(phone)).toBe(true)
        checkRecord(phone, phoneEnums, seenPhone)
        expect(PhoneNumber.ThroughputLevel.known).toContain((phone as any).throughput.level)
      }
    }
    // Every field the client declares is served for some items, and enums and booleans vary.
    for (const field of WhatsAppBusinessAccount.node.fieldNames) {
      expect(seenAccount.get(field)?.size ?? 0, field).toBeGreaterThan(field in accountEnums ? 1 : 0)
    }
    for (const field of PhoneNumber.node.fieldNames) {
      expect(seenPhone.get(field)?.size ?? 0, field).toBeGreaterThan(field in phoneEnums ? 1 : 0)
    }
    for (const field of ["is_enabled_for_insights", "disable_marketing_messages_on_cloud_api"]) {
      expect(seenAccount.get(field)?.size, field).toBe(2)
    }
    expect(seenAccount.get("whatsapp_business_manager_messaging_limit")).toContain("TIER_2K")
    expect(seenPhone.get("quality_rating")?.size).toBeGreaterThanOrEqual(3)
  })

  it.layer(inProcess({ seed: "contract-wire", rateLimit: { usageHeadersFrom: 1, appCalls: 5000 } }))((it) => {
    it.effect("pages, nodes, client items, usage headers and error bodies decode with the client's schemas", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const root = "https://graph.facebook.com/v23.0"
        const all = WhatsAppBusinessAccount.node.fieldNames.join(",")
        const OwnedPage = GraphSchema.Connection(WhatsAppBusinessAccount.node.schema)
        const ClientPage = GraphSchema.Connection(ClientAccounts.edge.itemSchema)
        const PhonePage = GraphSchema.Connection(PhoneNumber.node.schema)

        const owned = yield* allPages(`${root}/${business}/owned_whatsapp_business_accounts`, {
          query: { fields: `${all},phone_numbers.limit(100){${PhoneNumber.node.fieldNames.join(",")}}`, limit: "50" }
        })
        for (const page of owned) {
          expect(Either.isRight(Schema.decodeUnknownEither(OwnedPage)(page))).toBe(true)
          for (const item of page.data) {
            expect(Either.isRight(Schema.decodeUnknownEither(PhonePage)(item.phone_numbers ?? { data: [] }))).toBe(true)
          }
        }
        const clients = yield* allPages(`${root}/${business}/client_whatsapp_business_accounts`, {
          query: { fields: `${all},permitted_tasks`, limit: "10" }
        })
        for (const page of clients) {
          expect(Either.isRight(Schema.decodeUnknownEither(ClientPage)(page))).toBe(true)
          for (const item of page.data) {
            expect(Either.isRight(decodeClient(item))).toBe(true)
            for (const task of item.permitted_tasks) expect(ClientAccounts.PermittedTask.known).toContain(task)
          }
        }
        const account = owned[0].data[0].id
        const node = yield* get(`${root}/${account}`, { query: { fields: all } })
        expect(Either.isRight(decodeAccount(node.body))).toBe(true)

        // Usage headers, read by the client's own parser: keyed by the business, or by the account for its paths.
        const usage = GraphUsage.fromHeaders(node.headers)
        expect(usage.businessUseCase?.map((entry) => [entry.businessId, entry.type])).toEqual([
          [account, "whatsapp_business_management"],
          [account, "whatsapp"]
        ])
        expect(usage.app?.callCount).toBeTypeOf("number")
        const edgeUsage = GraphUsage.fromHeaders(
          (yield* get(`${root}/${business}/owned_whatsapp_business_accounts`)).headers
        )
        expect(edgeUsage.businessUseCase?.[0]).toMatchObject({
          businessId: business,
          type: "whatsapp_business_management",
          estimatedTimeToRegainAccess: 0
        })

        // Error bodies, read by the client's envelope schema and classified as the client classifies them.
        const refused = yield* get(`${root}/${business}/owned_whatsapp_business_accounts`, {
          query: { fields: "id,nope" }
        })
        const envelope = Schema.decodeUnknownSync(GraphError.ErrorEnvelope)(refused.body)
        expect(envelope.error).toMatchObject({ code: 100, type: "OAuthException" })
        const expired = yield* get(`${root}/${business}/owned_whatsapp_business_accounts`, {
          token: "EAA-emulator-expired-token"
        })
        expect(Schema.decodeUnknownSync(GraphError.ErrorEnvelope)(expired.body).error).toMatchObject({
          code: 190,
          error_subcode: 463
        })
      }))
  })
})
