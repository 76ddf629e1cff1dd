// End to end: a store filled by a sync, the emulator's data changing, the emulator delivering Meta's signed
// webhook to Webhooks.app on a loopback socket, and the store and the changes stream following.
import { Emulator, Testing } from "@effect-waba/emulator"
import { Inventory, Webhooks } from "@effect-waba/inventory"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpServer from "@effect/platform/HttpServer"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { createHmac } from "node:crypto"
import * as Http from "node:http"
import { count, stores } from "./utils/stores.js"

const appSecret = "the-inventory-apps-secret"

// Two businesses, each owning accounts with two numbers.
const emulator = {
  businesses: [{ accounts: 2, phoneNumbers: 2 }, { accounts: 1, phoneNumbers: 2 }],
  rateLimit: false as const
}

// Webhooks.app on a loopback socket; its requests see the test's context (the store, the GraphClient).
const serveWebhooks = (options: Partial<Webhooks.Options> = {}) =>
  Effect.gen(function*() {
    const server = yield* NodeHttpServer.make(() => Http.createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(
      Webhooks.app({ verifyToken: Redacted.make("verify"), appSecret: Redacted.make(appSecret), ...options })
    )
    return `http://127.0.0.1:${(server.address as HttpServer.TcpAddress).port}/whatsapp`
  })

// The emulator delivers to the app over fetch.
const deliverTo = (url: string) =>
  Effect.flatMap(
    Emulator.Emulator,
    (emu) => Effect.provide(emu.setWebhookTarget({ url, appSecret }), FetchHttpClient.layer)
  )

const change = (c: Emulator.EmulatorService["change"] extends (c: infer C) => unknown ? C : never) =>
  Effect.flatMap(Emulator.Emulator, (emu) => emu.change(c))

const lastChangeId = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(
    sql<{ readonly max: number | string | null }>`SELECT MAX(id) AS max FROM inventory_changes`,
    ([row]) => Number(row?.max ?? 0)
  ))

const changesAfter = (after: number) => Effect.map(Stream.runCollect(Inventory.changes({ after })), Chunk.toArray)

const summary = (changes: ReadonlyArray<Inventory.Change>) =>
  changes.map((c) => [c.source, c.entity, c.entityId, c.field, c.kind, c.oldValue, c.newValue])

// The first business's first account and its first number, as the store has them after a sync.
const firstNumber = Effect.gen(function*() {
  const emu = yield* Emulator.Emulator
  const [account] = yield* emu.accounts(emu.businessIds[0]!)
  const [number] = yield* emu.phoneNumbers(account!.id)
  return { account: account!, number: number! }
})

const post = (url: string, body: string, signature: string) =>
  Effect.flatMap(HttpClient.HttpClient, (client) =>
    client.execute(
      HttpClientRequest.post(url).pipe(
        HttpClientRequest.setHeader("x-hub-signature-256", signature),
        HttpClientRequest.bodyText(body, "application/json")
      )
    )).pipe(Effect.map((response) => response.status), Effect.provide(FetchHttpClient.layer))

for (const store of stores) {
  describe.skipIf(store.skip)(`webhooks from the emulator into the inventory on ${store.name}`, () => {
    const provide = <A, E, R>(self: Effect.Effect<A, E, R>) =>
      self.pipe(Effect.scoped, Effect.provide(Layer.merge(store.layer(), Testing.inProcess(emulator))))

    const syncAll = Effect.flatMap(Emulator.Emulator, (emu) => Inventory.sync([...emu.businessIds]))

    it.live("a quality rating falls to RED: the signed webhook brings it into the store and the changes stream", () =>
      provide(Effect.gen(function*() {
        const { account, number } = yield* firstNumber
        yield* change({ kind: "qualityRating", phoneNumberId: number.id, rating: "GREEN" })
        yield* syncAll
        yield* deliverTo(yield* serveWebhooks())
        const before = yield* lastChangeId

        const applied = yield* change({ kind: "qualityRating", phoneNumberId: number.id, rating: "RED" })
        expect(applied.delivery).toEqual(Either.right(200))
        // Graph's event says the number was flagged, not its rating: the rating comes from the re-read.
        expect(JSON.parse(applied.webhook!.body).entry[0].changes[0].value).not.toHaveProperty("quality_rating")
        const [stored] = (yield* Inventory.phoneNumbers({ accountId: account.id })).filter((n) => n.id === number.id)
        expect(stored!.fields.quality_rating).toBe("RED")
        expect((yield* Inventory.phoneNumbers({ qualityRating: "RED" })).map((n) => n.id)).toContain(number.id)
        expect(summary(yield* changesAfter(before))).toEqual([
          ["webhook", "webhook", account.id, "phone_number_quality_update", "event", null, {
            current_limit: number.messaging_limit_tier,
            display_phone_number: number.display_phone_number!.replace(/[^0-9]/g, ""),
            event: "FLAGGED"
          }],
          ["webhook", "phone_number", number.id, "quality_rating", "changed", "GREEN", "RED"]
        ])

        // The next sync finds the store as Graph is: nothing written, nothing recorded.
        const again = yield* syncAll
        expect(again).toMatchObject({ status: "completed", accountsWritten: 0, phoneNumbersWritten: 0, changes: 0 })
      })))

    it.live("a tampered or wrongly signed delivery is refused with nothing applied; the true one is applied", () =>
      provide(Effect.gen(function*() {
        const { account } = yield* firstNumber
        yield* change({ kind: "reviewStatus", accountId: account.id, status: "APPROVED" })
        yield* syncAll
        const url = yield* serveWebhooks()
        // No target: the emulator answers with the signed webhook and sends nothing.
        yield* Effect.flatMap(Emulator.Emulator, (emu) => emu.clearWebhookTarget)
        const { webhook } = yield* change({ kind: "reviewStatus", accountId: account.id, status: "REJECTED" })
        const body = webhook!.body
        const good = `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`
        const before = yield* lastChangeId
        // The decision changed after signing: the signature is over other bytes.
        expect(yield* post(url, body.replace("REJECTED", "APPROVED"), good)).toBe(401)
        // As the emulator signed it, with its own app secret, not the app's.
        expect(webhook!.headers["x-hub-signature-256"]).not.toBe(good)
        expect(yield* post(url, body, webhook!.headers["x-hub-signature-256"])).toBe(401)
        expect(yield* changesAfter(before)).toEqual([])
        expect(yield* count("inventory_webhook_deliveries")).toBe(0)
        expect((yield* Inventory.accounts()).find((a) => a.id === account.id)?.fields.account_review_status).toBe(
          "APPROVED"
        )
        // The same body signed with the app's secret is applied, from the event alone (it carries the decision).
        const requests = yield* Effect.flatMap(Emulator.Emulator, (emu) => emu.requestCount)
        expect(yield* post(url, body, good)).toBe(200)
        expect(yield* Effect.flatMap(Emulator.Emulator, (emu) => emu.requestCount)).toBe(requests)
        expect(summary((yield* changesAfter(before)).filter((c) => c.kind !== "event"))).toEqual([
          ["webhook", "account", account.id, "account_review_status", "changed", "APPROVED", "REJECTED"]
        ])
      })))

    it.live("events without the new state re-read the account: a ban, a limit, an approved name", () =>
      provide(Effect.gen(function*() {
        const { account, number } = yield* firstNumber
        yield* change({ kind: "accountStatus", accountId: account.id, status: "ACTIVE" })
        yield* change({ kind: "messagingLimit", accountId: account.id, limit: "TIER_2K" })
        yield* syncAll
        yield* deliverTo(yield* serveWebhooks())
        const before = yield* lastChangeId

        for (
          const applied of [
            yield* change({ kind: "accountStatus", accountId: account.id, status: "DISABLED" }),
            yield* change({ kind: "messagingLimit", accountId: account.id, limit: "TIER_10K" }),
            yield* change({
              kind: "phoneNumberName",
              phoneNumberId: number.id,
              name: "Renamed Shop",
              decision: "APPROVED"
            })
          ]
        ) expect(applied.delivery).toEqual(Either.right(200))
        const applied = (yield* changesAfter(before)).filter((c) => c.kind !== "event")
        expect(summary(applied)).toEqual([
          ["webhook", "account", account.id, "status", "changed", "ACTIVE", "DISABLED"],
          [
            "webhook",
            "account",
            account.id,
            "whatsapp_business_manager_messaging_limit",
            "changed",
            "TIER_2K",
            "TIER_10K"
          ],
          ...(number.name_status === "APPROVED"
            ? []
            : [[
              "webhook",
              "phone_number",
              number.id,
              "name_status",
              "changed",
              number.name_status ?? null,
              "APPROVED"
            ]]),
          ["webhook", "phone_number", number.id, "verified_name", "changed", number.verified_name, "Renamed Shop"]
        ])
        const again = yield* syncAll
        expect(again).toMatchObject({ accountsWritten: 0, phoneNumbersWritten: 0, changes: 0 })
      })))

    it.live("a re-read that fails is recorded, the event kept, and the delivery still answered 200", () =>
      provide(Effect.gen(function*() {
        const { account, number } = yield* firstNumber
        yield* change({ kind: "qualityRating", phoneNumberId: number.id, rating: "GREEN" })
        yield* syncAll
        yield* deliverTo(yield* serveWebhooks())
        const before = yield* lastChangeId
        // The token the inventory reads with is revoked: the re-read gets 190/467.
        const emu = yield* Emulator.Emulator
        yield* change({ kind: "tokenRevoked", token: emu.token })

        const applied = yield* change({ kind: "qualityRating", phoneNumberId: number.id, rating: "RED" })
        expect(applied.delivery).toEqual(Either.right(200))
        const recorded = yield* changesAfter(before)
        expect(recorded.map((c) => [c.entity, c.field, c.kind])).toEqual([
          ["webhook", "phone_number_quality_update", "event"],
          ["webhook", "reread", "failed"]
        ])
        expect(recorded[1]).toMatchObject({
          entityId: account.id,
          businessId: emu.businessIds[0],
          newValue: { error: "GraphAuthError", fields: ["phone_number_quality_update"] }
        })
        expect(JSON.stringify(recorded)).not.toContain(emu.token)
        // What the store had stays until a read can tell otherwise.
        const [stored] = (yield* Inventory.phoneNumbers({ accountId: account.id })).filter((n) => n.id === number.id)
        expect(stored!.fields.quality_rating).toBe("GREEN")
        expect(yield* count("inventory_webhook_deliveries")).toBe(1)
      })))
  })
}
