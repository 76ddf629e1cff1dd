import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import * as Emulator from "../src/Emulator.js"
import * as Testing from "../src/Testing.js"
import { inProcess } from "./helpers.js"

interface Entry {
  readonly code: number
  readonly headers?: ReadonlyArray<{ readonly name: string; readonly value: string }>
  readonly body: string
}

/** POSTs a batch of GETs (relative URLs) with the form fields given; the emulator's token unless told. */
const batch = (
  relativeUrls: ReadonlyArray<string>,
  fields: Readonly<Record<string, string>> = {},
  path = "/"
) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const client = yield* HttpClient.HttpClient
    const request = HttpClientRequest.post(`https://graph.facebook.com${path}`).pipe(
      HttpClientRequest.bodyUrlParams({
        access_token: emulator.token,
        batch: JSON.stringify(relativeUrls.map((relative_url) => ({ method: "GET", relative_url }))),
        ...fields
      })
    )
    const response = yield* client.execute(request)
    return { status: response.status, body: (yield* response.json) as any }
  })

const owned = (businessId: string, query = "fields=id,name&limit=2") =>
  `v23.0/${businessId}/owned_whatsapp_business_accounts?${query}`

describe("batch requests", () => {
  it.layer(inProcess({ seed: "batch", businesses: [5, 5, 5], rateLimit: false, quirks: { unknownObject: "803" } }))(
    (it) => {
      it.effect("POST / answers each call in order as it would alone: code, headers, the body as a JSON string", () =>
        Effect.gen(function*() {
          const emulator = yield* Emulator.Emulator
          const [first, second] = emulator.businessIds as [string, string]
          yield* emulator.resetRequests
          const { body, status } = yield* batch([owned(first), owned(second), "v23.0/not-an-id"])
          expect(status).toBe(200)
          const entries = body as ReadonlyArray<Entry>
          expect(entries.map((entry) => entry.code)).toEqual([200, 200, 404])
          expect(JSON.parse(entries[2]!.body).error.code).toBe(803)
          const [one, two] = entries.map((entry) => JSON.parse(entry.body))
          expect(one.data.map((account: { id: string }) => account.id)).toEqual(
            (yield* emulator.accounts(first)).slice(0, 2).map((account) => account.id)
          )
          expect(two.data).toHaveLength(2)
          expect(entries[0]!.headers).toContainEqual({ name: "facebook-api-version", value: "v23.0" })
          // The batch is one round trip; each call is logged as a request of its own, in order.
          const log = yield* emulator.requests
          expect(log.map((entry) => `${entry.transport} ${entry.method} ${entry.path}`)).toEqual([
            "in-process POST /",
            `batch GET /v23.0/${first}/owned_whatsapp_business_accounts`,
            `batch GET /v23.0/${second}/owned_whatsapp_business_accounts`,
            "batch GET /v23.0/not-an-id"
          ])
        }))

      it.effect("POST /vNN.0/ too; include_headers=false leaves the headers out", () =>
        Effect.gen(function*() {
          const emulator = yield* Emulator.Emulator
          const { body } = yield* batch([owned(emulator.businessIds[0]!)], { include_headers: "false" }, "/v23.0/")
          expect(body).toHaveLength(1)
          expect(body[0].code).toBe(200)
          expect(body[0].headers).toBeUndefined()
        }))

      it.effect("a call's own token is used for it alone; the batch needs one of its own", () =>
        Effect.gen(function*() {
          const emulator = yield* Emulator.Emulator
          const id = emulator.businessIds[0]!
          const { body } = yield* batch([owned(id), owned(id, "access_token=EAAnot-a-token")])
          expect(body.map((entry: Entry) => entry.code)).toEqual([200, 401])
          expect(JSON.parse(body[1].body).error.code).toBe(190)
          const refused = yield* batch([owned(id)], { access_token: "EAAnot-a-token" })
          expect(refused.status).toBe(401)
          expect(refused.body.error.code).toBe(190)
        }))

      it.effect("more than 50 calls: code 100, nothing is answered", () =>
        Effect.gen(function*() {
          const emulator = yield* Emulator.Emulator
          yield* emulator.resetRequests
          const { body, status } = yield* batch(Array.from({ length: 51 }, () => owned(emulator.businessIds[0]!)))
          expect(status).toBe(400)
          expect(body.error).toMatchObject({ code: 100, message: expect.stringContaining("Maximum batch size is 50") })
          expect(yield* emulator.requestCount).toBe(1)
        }))

      it.effect("a call not done in time is null, the others are answered", () =>
        Effect.gen(function*() {
          const emulator = yield* Emulator.Emulator
          const [first, second] = emulator.businessIds as [string, string]
          yield* emulator.setFaults([{ kind: "slow", ms: 60_000, when: { next: 2 } }])
          // The batch is the first of the two requests hit; its first call the second.
          const fiber = yield* Effect.fork(batch([owned(first), owned(second)]))
          yield* Testing.eventually(Effect.map(emulator.requestCount, (n) => n >= 3), "the batch")
          yield* TestClock.adjust("2 minutes")
          const { body } = yield* Fiber.join(fiber)
          yield* emulator.clearFaults
          expect(body[0]).toBeNull()
          expect(body[1].code).toBe(200)
        }))
    }
  )

  it.effect("every call counts against its own budget", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const [first, second] = emulator.businessIds as [string, string]
      const { body } = yield* batch([owned(first), owned(first), owned(second)])
      expect(body.map((entry: Entry) => entry.code)).toEqual([200, 400, 200])
      expect(JSON.parse(body[1].body).error.code).toBe(80008)
      const usage = body[0].headers.find((header: { name: string }) => header.name === "x-business-use-case-usage")
      expect(JSON.parse(usage.value)[first]).toBeDefined()
    }).pipe(Effect.provide(inProcess({ businesses: [1, 1], rateLimit: { businessCalls: 1, usageHeadersFrom: 1 } }))))
})
