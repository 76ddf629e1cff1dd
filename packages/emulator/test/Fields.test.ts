import { WhatsAppBusinessAccount } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Emulator } from "../src/Emulator.js"
import { edgeUrl, get, inProcess } from "./helpers.js"

const fieldNames = WhatsAppBusinessAccount.node.fieldNames

describe("fields", () => {
  it.layer(inProcess({ seed: "fields", businesses: [30], rateLimit: false }))((it) => {
    it.effect("returns Graph's default fields when fields is absent", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const page = yield* get(edgeUrl(business), { query: { limit: "3" } })
        const accounts = yield* emulator.accounts(business)
        expect(page.body.data).toHaveLength(3)
        page.body.data.forEach((account: any, i: number) => {
          expect(Object.keys(account)).toEqual(["id", "name", "currency", "timezone_id", "message_template_namespace"])
          const full = accounts[i]!
          expect(account).toEqual({
            id: full.id,
            name: full.name,
            currency: full.currency,
            timezone_id: full.timezone_id,
            message_template_namespace: full.message_template_namespace
          })
        })
      }))

    it.effect("returns exactly the selected fields, plus id, and every documented field when asked", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const accounts = yield* emulator.accounts(business)
        const some = yield* get(edgeUrl(business), { query: { fields: "creation_time, ownership_type", limit: "5" } })
        some.body.data.forEach((account: any, i: number) => {
          // Graph adds the id, last, when it was not asked for.
          expect(Object.keys(account)).toEqual(["creation_time", "ownership_type", "id"])
          expect(account.creation_time).toBe(accounts[i]!.creation_time)
          expect(account.creation_time).toBeTypeOf("number")
        })
        const all = yield* get(edgeUrl(business), { query: { fields: fieldNames.join(","), limit: "30" } })
        expect(all.body.data).toEqual(accounts)
      }))

    it.effect("narrows object fields with Graph's sub-field syntax", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const page = yield* get(edgeUrl(business), {
          query: { fields: "health_status{can_send_message,entities{entity_type}},owner_business_info{id}", limit: "2" }
        })
        const account = page.body.data[0]
        expect(Object.keys(account.health_status)).toEqual(["can_send_message", "entities"])
        expect(account.health_status.entities.map((e: any) => Object.keys(e))).toEqual([["entity_type"], [
          "entity_type"
        ], ["entity_type"]])
        expect(account.owner_business_info).toEqual({ id: business })
      }))

    it.effect("refuses an unknown field with Graph's error 100 wording", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const bad = yield* get(edgeUrl(emulator.businessIds[0]!), { query: { fields: "id,name,phone_number_count" } })
        expect(bad.status).toBe(400)
        expect(bad.body.error).toMatchObject({
          code: 100,
          type: "OAuthException",
          message:
            "(#100) Tried accessing nonexisting field (phone_number_count) on node type (WhatsAppBusinessAccount)"
        })
        expect(bad.body.error.fbtrace_id).toBe(bad.headers["x-fb-trace-id"])
        const broken = yield* get(edgeUrl(emulator.businessIds[0]!), { query: { fields: "health_status{can_send" } })
        expect(broken.body.error.code).toBe(100)
        expect(broken.body.error.message).toBe(
          "(#100) Syntax error \"Expected }\" at character 22: health_status{can_send"
        )
      }))

    it.effect("can send creation_time as a numeric string (quirk)", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        yield* emulator.setQuirks({ creationTimeAsString: true })
        const page = yield* get(edgeUrl(emulator.businessIds[0]!), { query: { fields: "creation_time", limit: "1" } })
        yield* emulator.setQuirks({ creationTimeAsString: false })
        expect(page.body.data[0].creation_time).toMatch(/^[0-9]+$/)
      }))

    it.effect("can escape slashes in JSON as Graph's serializer does (quirk)", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const client = yield* HttpClient.HttpClient
        const raw = (url: string) =>
          client.execute(HttpClientRequest.bearerToken(HttpClientRequest.get(url), emulator.token)).pipe(
            Effect.flatMap((response) => response.text)
          )
        const url = `${edgeUrl(emulator.businessIds[0]!)}?limit=1`
        yield* emulator.setQuirks({ escapeSlashes: true })
        const escaped = yield* raw(url)
        yield* emulator.setQuirks({ escapeSlashes: false })
        const plain = yield* raw(url)
        expect(escaped).toContain("https:\\/\\/graph.facebook.com\\/v23.0\\/")
        expect(plain).toContain("https://graph.facebook.com/v23.0/")
        expect(JSON.parse(escaped)).toEqual(JSON.parse(plain))
      }))
  })
})
