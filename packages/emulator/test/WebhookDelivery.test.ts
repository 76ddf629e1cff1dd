import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { createHmac } from "node:crypto"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import * as Changes from "../src/Changes.js"
import * as Emulator from "../src/Emulator.js"
import { startEmulator } from "../src/PromiseApi.js"
import * as WebhookDelivery from "../src/WebhookDelivery.js"

interface Received {
  readonly method: string | undefined
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
}

// A webhook receiver on loopback that records what reaches it, answering each request as told.
const receiver = (answer: (index: number) => number | "hang") =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly received: Array<Received>; readonly server: Http.Server }>(
      (resume) => {
        const received: Array<Received> = []
        const server = Http.createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            received.push({
              method: request.method,
              headers: request.headers,
              body: Buffer.concat(chunks).toString("utf8")
            })
            const status = answer(received.length - 1)
            if (status !== "hang") response.writeHead(status).end("answered")
          })
        })
        server.listen(0, "127.0.0.1", () =>
          resume(Effect.succeed({
            url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks?source=test`,
            received,
            server
          })))
      }
    ),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const hmac = (secret: string, body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`

const Live = Layer.merge(
  Emulator.layer({ businesses: [{ accounts: 2, phoneNumbers: 2 }], rateLimit: false }),
  FetchHttpClient.layer
)

const firstNumber = Effect.gen(function*() {
  const emulator = yield* Emulator.Emulator
  const [account] = yield* emulator.accounts(emulator.businessIds[0]!)
  const [number] = yield* emulator.phoneNumbers(account!.id)
  return { emulator, account: account!, number: number! }
})

describe("webhook delivery", () => {
  it.live("POSTs each change's webhook to the target, signed over the bytes it sends", () =>
    Effect.gen(function*() {
      const { account, emulator, number } = yield* firstNumber
      const target = yield* receiver(() => 200)
      yield* emulator.setWebhookTarget({ url: target.url, appSecret: "the-apps-own-secret" })
      yield* emulator.change({ kind: "qualityRating", phoneNumberId: number.id, rating: "GREEN" })
      const applied = yield* emulator.change({ kind: "qualityRating", phoneNumberId: number.id, rating: "RED" })
      expect(applied.delivery).toEqual(Either.right(200))
      // The first change sent UNFLAGGED only if the number was RED: the last delivery is the fall to RED.
      const [delivered] = target.received.slice(-1)
      expect(delivered!.method).toBe("POST")
      expect(delivered!.body).toBe(applied.webhook!.body)
      expect(delivered!.headers["content-type"]).toBe("application/json")
      expect(delivered!.headers["x-hub-signature-256"]).toBe(hmac("the-apps-own-secret", delivered!.body))
      expect(JSON.parse(delivered!.body)).toMatchObject({
        object: "whatsapp_business_account",
        entry: [{ id: account.id, changes: [{ field: "phone_number_quality_update", value: { event: "FLAGGED" } }] }]
      })
      // A change Graph has no webhook for sends nothing.
      const count = target.received.length
      const added = yield* emulator.change({ kind: "accountAdded", businessId: emulator.businessIds[0]! })
      expect(added.delivery).toBeUndefined()
      expect(target.received).toHaveLength(count)
      // Without a secret of its own, the target gets the emulator's.
      yield* emulator.setWebhookTarget({ url: target.url })
      yield* emulator.change({ kind: "reviewStatus", accountId: account.id, status: "APPROVED" })
      const reviewed = yield* emulator.change({ kind: "reviewStatus", accountId: account.id, status: "DEFERRED" })
      expect(reviewed.delivery).toEqual(Either.right(200))
      expect(target.received.at(-1)!.headers["x-hub-signature-256"]).toBe(
        hmac(Emulator.defaultAppSecret, target.received.at(-1)!.body)
      )
      // Cleared: the change still answers with its webhook, and nothing is sent.
      const sentSoFar = target.received.length
      yield* emulator.clearWebhookTarget
      const quiet = yield* emulator.change({ kind: "reviewStatus", accountId: account.id, status: "PENDING" })
      expect(quiet.webhook).toBeDefined()
      expect(quiet.delivery).toBeUndefined()
      expect(target.received).toHaveLength(sentSoFar)
    }).pipe(Effect.scoped, Effect.provide(Live)))

  it.live("a failed delivery is reported as a typed error and the change stands", () =>
    Effect.gen(function*() {
      const { account, emulator, number } = yield* firstNumber
      const refusing = yield* receiver(() => 503)
      yield* emulator.setWebhookTarget({ url: refusing.url })
      yield* emulator.change({ kind: "phoneNumberTier", phoneNumberId: number.id, tier: "TIER_50" })
      const refused = yield* emulator.change({ kind: "phoneNumberTier", phoneNumberId: number.id, tier: "TIER_2K" })
      expect(refused.delivery).toEqual(Either.left(
        new WebhookDelivery.DeliveryError({
          url: refusing.url.replace("?source=test", ""),
          reason: "Status",
          status: 503,
          message: "The target answered 503."
        })
      ))
      expect((yield* emulator.phoneNumbers(account.id)).find((n) => n.id === number.id)?.messaging_limit_tier).toBe(
        "TIER_2K"
      )

      const hanging = yield* receiver(() => "hang")
      yield* emulator.setWebhookTarget({ url: hanging.url, timeout: "200 millis" })
      const late = yield* emulator.change({ kind: "phoneNumberTier", phoneNumberId: number.id, tier: "TIER_10K" })
      expect(Either.isLeft(late.delivery!) && late.delivery.left.reason).toBe("Timeout")
      expect(hanging.received).toHaveLength(1)

      // Nobody listening: a closed port.
      const closed = yield* Effect.scoped(Effect.map(receiver(() => 200), ({ url }) => url))
      yield* emulator.setWebhookTarget({ url: closed })
      const lost = yield* emulator.change({ kind: "phoneNumberTier", phoneNumberId: number.id, tier: "TIER_100K" })
      expect(Either.isLeft(lost.delivery!) && lost.delivery.left.reason).toBe("Transport")
      expect((yield* emulator.phoneNumbers(account.id)).find((n) => n.id === number.id)?.messaging_limit_tier).toBe(
        "TIER_100K"
      )

      for (const url of ["not a url", "ftp://127.0.0.1/hook", "/relative"]) {
        const invalid = yield* Effect.flip(emulator.setWebhookTarget({ url }))
        expect(invalid).toMatchObject({ _tag: "WebhookDeliveryError", reason: "InvalidUrl" })
      }
    }).pipe(Effect.scoped, Effect.provide(Live)))

  it.live("the Promise API: change returns a promise of what it did, and rejects with the ChangeError", () =>
    Effect.gen(function*() {
      const target = yield* receiver(() => 200)
      const emu = yield* Effect.acquireRelease(
        Effect.promise(() => startEmulator({ businesses: [{ accounts: 1, phoneNumbers: 1 }], rateLimit: false })),
        (emu) => Effect.promise(() => emu.stop())
      )
      emu.setWebhookTarget({ url: target.url, appSecret: "promise-secret" })
      const [account] = emu.accounts(emu.businessIds[0]!)
      yield* Effect.promise(() => emu.change({ kind: "reviewStatus", accountId: account!.id, status: "PENDING" }))
      const applied = yield* Effect.promise(() =>
        emu.change({ kind: "reviewStatus", accountId: account!.id, status: "APPROVED" })
      )
      expect(applied.delivery).toEqual(Either.right(200))
      expect(target.received.at(-1)!.headers["x-hub-signature-256"]).toBe(
        hmac("promise-secret", target.received.at(-1)!.body)
      )
      expect(emu.accounts(emu.businessIds[0]!)[0]!.account_review_status).toBe("APPROVED")
      const rejected = yield* Effect.promise(() =>
        emu.change({ kind: "accountRemoved", accountId: "404" }).then(() => undefined, (error: unknown) => error)
      )
      expect(rejected).toBeInstanceOf(Changes.ChangeError)
      expect(rejected).toMatchObject({ reason: "UnknownAccount", id: "404" })
      expect(() => emu.setWebhookTarget({ url: "nowhere" })).toThrow(WebhookDelivery.DeliveryError)
    }).pipe(Effect.scoped))
})
