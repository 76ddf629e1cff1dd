import { Testing } from "@effect-waba/emulator"
import { Emulator } from "@effect-waba/emulator"
import { Inventory, Webhooks } from "@effect-waba/inventory"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { count, stores } from "./utils/stores.js"

const appSecret = Redacted.make("webhook-test-app-secret")
const verifyToken = Redacted.make("verify-me-please")
const app = Webhooks.app({ verifyToken, appSecret })

const call = (
  init: {
    readonly method: string
    readonly path?: string
    readonly body?: string
    readonly headers?: Record<string, string>
  }
) =>
  Effect.gen(function*() {
    const request = HttpServerRequest.fromWeb(
      new Request(`http://localhost${init.path ?? "/"}`, {
        method: init.method,
        ...(init.body !== undefined ? { body: init.body } : {}),
        headers: init.headers ?? {}
      })
    )
    const response = yield* Effect.provideService(app, HttpServerRequest.HttpServerRequest, request)
    const web = HttpServerResponse.toWeb(response)
    return { status: web.status, body: yield* Effect.promise(() => web.text()) }
  })

const post = (body: string, signature?: string | null) =>
  Effect.flatMap(
    signature === undefined ? Webhooks.signature(body, appSecret) : Effect.succeed(signature),
    (header) =>
      call({
        method: "POST",
        body,
        headers: { "content-type": "application/json", ...(header === null ? {} : { "x-hub-signature-256": header }) }
      })
  )

const envelope = (wabaId: string, changes: ReadonlyArray<{ field: string; value: unknown }>) =>
  JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: wabaId, time: 1767225600, changes }] })

const changes = Effect.map(Stream.runCollect(Inventory.changes()), Chunk.toArray)

const webhookChanges = Effect.map(changes, (all) => all.filter((c) => c.source === "webhook"))

for (const store of stores) {
  describe.skipIf(store.skip)(`Webhooks.app on ${store.name}`, () => {
    // A store filled by one sync, so that deliveries have accounts and numbers to apply to. The deliveries
    // are applied with no GraphClient in context: nothing is re-read (see WebhookReread.test.ts for that).
    const provide = <A, E, R>(self: Effect.Effect<A, E, R>) =>
      Effect.provide(
        Effect.zipRight(
          Effect.provide(
            Effect.flatMap(Emulator.Emulator, (emu) => Inventory.sync([emu.businessIds[0]!])),
            Testing.inProcess({ businesses: [{ accounts: 2, phoneNumbers: 2 }], rateLimit: false })
          ),
          self
        ),
        store.layer()
      )

    it.live("answers the handshake with the challenge only for the right verify token", () =>
      provide(Effect.gen(function*() {
        const ok = yield* call({
          method: "GET",
          path: "/?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me-please"
        })
        expect(ok).toEqual({ status: 200, body: "1158201444" })
        for (
          const path of [
            "/?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me-pleasE",
            "/?hub.mode=subscribe&hub.challenge=1158201444",
            "/?hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=verify-me-please",
            "/?hub.mode=subscribe&hub.verify_token=verify-me-please"
          ]
        ) {
          expect((yield* call({ method: "GET", path })).status).toBe(403)
        }
        expect((yield* call({ method: "PUT", body: "{}" })).status).toBe(405)
      })))

    it.live("a missing or bad signature is a 401 and nothing is applied", () =>
      provide(Effect.gen(function*() {
        const [account] = yield* Inventory.accounts()
        const body = envelope(account!.id, [{ field: "account_review_update", value: { decision: "REJECTED" } }])
        const before = yield* changes
        const otherSecret = yield* Webhooks.signature(body, Redacted.make("not-the-app-secret"))
        // The same JSON, re-serialised: the signature is over the bytes received.
        const reserialised = yield* Webhooks.signature(JSON.stringify(JSON.parse(body), null, 1), appSecret)
        const good = yield* Webhooks.signature(body, appSecret)
        for (
          const signature of [
            null,
            "",
            "sha256=",
            good.replace("sha256=", "sha1="),
            good.slice(0, -2),
            `${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}`,
            otherSecret,
            reserialised
          ]
        ) {
          const response = yield* post(body, signature)
          expect(response.status).toBe(401)
          expect(response.body).not.toContain(Redacted.value(appSecret))
        }
        expect(yield* changes).toEqual(before)
        expect(yield* count("inventory_webhook_deliveries")).toBe(0)
        expect((yield* Inventory.accounts()).find((a) => a.id === account!.id)).toEqual(account)
      })))

    it.live("a malformed body is a 400 and nothing is applied", () =>
      provide(Effect.gen(function*() {
        for (const body of ["not json", "{\"object\":", "[]", "{\"entry\":[]}", "{\"object\":\"x\",\"entry\":[{}]}"]) {
          expect((yield* post(body)).status).toBe(400)
        }
        expect(yield* webhookChanges).toEqual([])
        expect(yield* count("inventory_webhook_deliveries")).toBe(0)
      })))

    it.live("with no GraphClient, applies the fields events carry and keeps every event as sent, unknown ones too", () =>
      provide(Effect.gen(function*() {
        const [account] = yield* Inventory.accounts()
        const [number] = yield* Inventory.phoneNumbers({ accountId: account!.id })
        const display = number!.fields.display_phone_number as string
        const tier = number!.fields.messaging_limit_tier
        const newTier = tier === "TIER_100K" ? "TIER_UNLIMITED" : "TIER_100K"
        const reviewBefore = account!.fields.account_review_status ?? null
        const review = reviewBefore === "REJECTED" ? "APPROVED" : "REJECTED"
        const body = envelope(account!.id, [
          { field: "account_review_update", value: { decision: review } },
          {
            field: "phone_number_quality_update",
            // Keyed by the display number, written as Meta writes it: digits only.
            value: { display_phone_number: display.replace(/[^0-9]/g, ""), event: "UPGRADE", current_limit: newTier }
          },
          {
            field: "phone_number_name_update",
            value: { display_phone_number: display, decision: "APPROVED", requested_verified_name: "Renamed Shop" }
          },
          { field: "account_update", value: { event: "SOMETHING_NEW", extra: { nested: [1, 2] } } },
          { field: "a_field_from_the_future", value: { anything: true } }
        ])
        const response = yield* post(body)
        expect(response.status).toBe(200)
        const recorded = yield* webhookChanges
        expect(recorded.filter((c) => c.kind === "event").map((c) => [c.field, c.newValue])).toEqual([
          ["account_review_update", { decision: review }],
          ["phone_number_quality_update", {
            current_limit: newTier,
            display_phone_number: display.replace(/[^0-9]/g, ""),
            event: "UPGRADE"
          }],
          ["phone_number_name_update", {
            decision: "APPROVED",
            display_phone_number: display,
            requested_verified_name: "Renamed Shop"
          }],
          ["account_update", { event: "SOMETHING_NEW", extra: { nested: [1, 2] } }],
          ["a_field_from_the_future", { anything: true }]
        ])
        const applied = recorded.filter((c) => c.kind !== "event").map((c) => [
          c.entity,
          c.entityId,
          c.field,
          c.oldValue,
          c.newValue
        ])
        expect(applied).toEqual([
          ["account", account!.id, "account_review_status", reviewBefore, review],
          ["phone_number", number!.id, "messaging_limit_tier", tier ?? null, newTier],
          ["phone_number", number!.id, "verified_name", number!.fields.verified_name ?? null, "Renamed Shop"]
        ])
        const [after] = yield* Inventory.phoneNumbers({ accountId: account!.id })
        expect(after!.fields).toMatchObject({ messaging_limit_tier: newTier, verified_name: "Renamed Shop" })
        expect(recorded.every((c) => c.source === "webhook" && c.runId === null)).toBe(true)
      })))

    it.live("a delivery sent again is applied once", () =>
      provide(Effect.gen(function*() {
        const [account] = yield* Inventory.accounts()
        const body = envelope(account!.id, [{ field: "account_update", value: { event: "ACCOUNT_VIOLATION" } }])
        expect((yield* post(body)).status).toBe(200)
        const once = yield* webhookChanges
        expect(once).toHaveLength(1)
        for (let i = 0; i < 3; i++) expect((yield* post(body)).status).toBe(200)
        expect(yield* webhookChanges).toEqual(once)
        expect(yield* count("inventory_webhook_deliveries")).toBe(1)
        // Another delivery with the same content but other bytes is another delivery.
        expect((yield* post(body.replace("1767225600", "1767225601"))).status).toBe(200)
        expect(yield* webhookChanges).toHaveLength(2)
      })))

    it.live("deliveries arriving together are each applied once, one after another, copies sent at once too", () =>
      provide(Effect.gen(function*() {
        const [account] = yield* Inventory.accounts()
        const review = (decision: string, time: number) =>
          JSON.stringify({
            object: "whatsapp_business_account",
            entry: [{ id: account!.id, time, changes: [{ field: "account_review_update", value: { decision } }] }]
          })
        const bodies = [
          review("REJECTED", 1),
          review("APPROVED", 2),
          review("APPROVED", 2),
          review("PENDING", 3),
          review("REJECTED", 1)
        ]
        const answers = yield* Effect.all(bodies.map((body) => post(body)), { concurrency: "unbounded" })
        expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
        expect(answers.filter((answer) => answer.body === "OK")).toHaveLength(3)
        expect(yield* count("inventory_webhook_deliveries")).toBe(3)
        const recorded = yield* webhookChanges
        expect(recorded.filter((c) => c.kind === "event")).toHaveLength(3)
        // Each applied on the state the one before left (in whichever order they came): every move of the
        // review status starts where the one before ended, and the store holds where the last one ended.
        const moves = recorded.filter((c) => c.entity === "account" && c.field === "account_review_status")
        expect(moves.length).toBeGreaterThanOrEqual(2)
        for (let i = 1; i < moves.length; i++) expect(moves[i]!.oldValue).toBe(moves[i - 1]!.newValue)
        const [stored] = yield* Inventory.accounts()
        expect(stored!.fields.account_review_status).toBe(moves.at(-1)!.newValue)
      })))
  })
}
