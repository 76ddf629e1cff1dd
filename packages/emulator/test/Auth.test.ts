import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { createHmac } from "node:crypto"
import * as Emulator from "../src/Emulator.js"
import { edgeUrl, get, inProcess } from "./helpers.js"

const proofOf = (secret: string, message: string) => createHmac("sha256", secret).update(message).digest("hex")

describe("auth", () => {
  it.layer(inProcess({ seed: "auth", businesses: [10, 10] }))((it) => {
    it.effect("accepts the token as a Bearer header or as access_token in the query", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const url = edgeUrl(emulator.businessIds[0]!)
        expect((yield* get(url)).status).toBe(200)
        expect((yield* get(url, { token: null, query: { access_token: emulator.token } })).status).toBe(200)
      }))

    it.effect("without any token: code 104, as Graph answers", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const missing = yield* get(edgeUrl(emulator.businessIds[0]!), { token: null })
        expect(missing.status).toBe(400)
        expect(missing.body.error).toMatchObject({
          code: 104,
          type: "OAuthException",
          message: "An access token is required to request this resource."
        })
      }))

    it.effect("an unknown token: code 190 with WWW-Authenticate, HTTP 401 as in Meta's spec (400 with legacyStatuses)", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const unknown = yield* get(edgeUrl(emulator.businessIds[0]!), { token: "EAAnot-a-token" })
        expect(unknown.status).toBe(401)
        yield* emulator.setQuirks({ legacyStatuses: true })
        const legacy = yield* get(edgeUrl(emulator.businessIds[0]!), { token: "EAAnot-a-token" })
        yield* emulator.setQuirks({ legacyStatuses: false })
        expect(legacy.status).toBe(400)
        expect(legacy.body.error.code).toBe(190)
        expect(unknown.body.error).toMatchObject({ code: 190, type: "OAuthException" })
        expect(unknown.body.error.error_subcode).toBeUndefined()
        expect(unknown.headers["www-authenticate"]).toContain("invalid_token")
      }))

    it.effect("an expired token: code 190, subcode 463", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const expired = yield* get(edgeUrl(emulator.businessIds[0]!), { token: Emulator.expiredToken })
        expect(expired.status).toBe(401)
        expect(expired.body.error).toMatchObject({ code: 190, error_subcode: 463, type: "OAuthException" })
        expect(expired.body.error.message).toMatch(/^Error validating access token: Session has expired on /)
      }))

    it.effect("a token without access to the business: code 200", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const [first, second] = emulator.businessIds as [string, string]
        expect((yield* get(edgeUrl(first), { token: Emulator.limitedToken })).status).toBe(200)
        const denied = yield* get(edgeUrl(second), { token: Emulator.limitedToken })
        expect(denied.status).toBe(403)
        expect(denied.body.error).toMatchObject({ code: 200, type: "OAuthException" })
      }))

    it.effect("an unknown business: code 100, subcode 33, GraphMethodException; 803 with HTTP 404 as an option", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        yield* emulator.setQuirks({ unknownObject: "803" })
        const spec = yield* get(edgeUrl("987654321"))
        yield* emulator.setQuirks({ unknownObject: "100/33" })
        expect(spec.status).toBe(404)
        expect(spec.body.error).toMatchObject({ code: 803, type: "GraphMethodException" })
        const unknown = yield* get(edgeUrl("987654321"))
        expect(unknown.status).toBe(400)
        expect(unknown.body.error).toMatchObject({ code: 100, error_subcode: 33, type: "GraphMethodException" })
        expect(unknown.body.error.message).toMatch(
          /^Unsupported get request\. Object with ID '987654321' does not exist, cannot be loaded due to missing permissions, or does not support this operation\./
        )
      }))

    it.effect("unknown paths, aliases and edges answer like Graph", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const alias = yield* get("https://graph.facebook.com/v23.0/nobody/owned_whatsapp_business_accounts")
        expect(alias.body.error.code).toBe(803)
        const edge = yield* get(`https://graph.facebook.com/v23.0/${emulator.businessIds[0]}/client_pages`)
        expect(edge.body.error.message).toBe(
          "(#100) Tried accessing nonexisting field (client_pages) on node type (Business)"
        )
        const path = yield* get("https://graph.facebook.com/v23.0/a/b/c/d")
        expect(path.body.error).toMatchObject({ code: 2500, message: "Unknown path components: /v23.0/a/b/c/d" })
        const client = yield* HttpClient.HttpClient
        const post = yield* client.execute(
          HttpClientRequest.post(edgeUrl(emulator.businessIds[0]!)).pipe(HttpClientRequest.bearerToken(emulator.token))
        )
        const postBody: any = yield* post.json
        expect(postBody.error).toMatchObject({ code: 100, error_subcode: 33 })
        expect(postBody.error.message).toMatch(/^Unsupported post request\./)
        const node = yield* get(`https://graph.facebook.com/v23.0/${emulator.businessIds[0]}`)
        expect(node.body).toEqual({ id: emulator.businessIds[0], name: emulator.dataset.businesses[0]!.name })
      }))

    it.effect("a wrong appsecret_proof is refused even when proofs are not required", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const wrong = yield* get(edgeUrl(emulator.businessIds[0]!), {
          query: { appsecret_proof: proofOf("another secret", emulator.token) }
        })
        expect(wrong.body.error).toMatchObject({
          code: 100,
          message: "Invalid appsecret_proof provided in the API argument"
        })
      }))
  })

  it.layer(inProcess({ seed: "proof", businesses: [5], appSecret: "s3cret", requireAppSecretProof: true }))((it) => {
    it.effect("requires a proof: missing gives 100, wrong gives 100, right (plain or timed) passes", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const url = edgeUrl(emulator.businessIds[0]!)
        const missing = yield* get(url)
        expect(missing.status).toBe(400)
        expect(missing.body.error).toMatchObject({
          code: 100,
          message: "API calls from the server require an appsecret_proof argument"
        })
        const wrong = yield* get(url, { query: { appsecret_proof: proofOf("not the secret", emulator.token) } })
        expect(wrong.body.error).toMatchObject({
          code: 100,
          message: "Invalid appsecret_proof provided in the API argument"
        })
        const upper = yield* get(url, { query: { appsecret_proof: proofOf("s3cret", emulator.token).toUpperCase() } })
        expect(upper.body.error.code).toBe(100)

        const plain = yield* get(url, { query: { appsecret_proof: proofOf("s3cret", emulator.token) } })
        expect(plain.status).toBe(200)
        expect(plain.body.data).toHaveLength(5)

        const time = String(Math.floor(emulator.clock.now() / 1000))
        const timed = yield* get(url, {
          query: { appsecret_proof: proofOf("s3cret", `${emulator.token}|${time}`), appsecret_time: time }
        })
        expect(timed.status).toBe(200)
        // The timed proof must be over token|time, not the token alone.
        const mixed = yield* get(url, {
          query: { appsecret_proof: proofOf("s3cret", emulator.token), appsecret_time: time }
        })
        expect(mixed.body.error.code).toBe(100)
      }))

    it.effect("a timed proof older than five minutes is refused", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const time = String(Math.floor(emulator.clock.now() / 1000))
        const query = { appsecret_proof: proofOf("s3cret", `${emulator.token}|${time}`), appsecret_time: time }
        expect((yield* get(edgeUrl(emulator.businessIds[0]!), { query })).status).toBe(200)
        yield* emulator.advanceClock("6 minutes")
        const stale = yield* get(edgeUrl(emulator.businessIds[0]!), { query })
        expect(stale.body.error).toMatchObject({
          code: 100,
          message: "Invalid appsecret_proof provided in the API argument"
        })
      }))
  })

  it.layer(inProcess({
    seed: "tokens",
    businesses: [{ id: "111", accounts: 1 }, { id: "222", accounts: 1 }],
    clock: { start: new Date("2025-03-01T12:00:00Z"), frozen: true },
    tokens: [{ token: "soon-expired", expiresAt: new Date("2025-03-01T13:00:00Z"), businesses: ["222"] }]
  }))((it) => {
    it.effect("custom tokens: business scope and expiry on the emulator clock", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        expect((yield* get(edgeUrl("222"), { token: "soon-expired" })).status).toBe(200)
        expect((yield* get(edgeUrl("111"), { token: "soon-expired" })).body.error.code).toBe(200)
        // The default extra tokens are replaced when tokens are given.
        expect((yield* get(edgeUrl("111"), { token: Emulator.expiredToken })).body.error.code).toBe(190)
        expect((yield* get(edgeUrl("111"), { token: Emulator.expiredToken })).body.error.error_subcode).toBeUndefined()
        yield* emulator.advanceClock("1 hour")
        const expired = yield* get(edgeUrl("222"), { token: "soon-expired" })
        expect(expired.body.error).toMatchObject({ code: 190, error_subcode: 463 })
        expect(expired.body.error.message).toBe(
          "Error validating access token: Session has expired on Saturday, 01-Mar-25 05:00:00 PST. " +
            "The current time is Saturday, 01-Mar-25 05:00:00 PST."
        )
      }))
  })
})
