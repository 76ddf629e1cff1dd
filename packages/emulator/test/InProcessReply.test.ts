import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Emulator, layer as emulatorLayer } from "../src/Emulator.js"
import * as EmulatorHttpClient from "../src/EmulatorHttpClient.js"

// The in-process client answers complete replies without a web Response (see EmulatorHttpClient): what a
// caller reads from it must be what a Response built from the same reply would give.
const Live = EmulatorHttpClient.layer.pipe(Layer.provideMerge(emulatorLayer({ seed: 7, businesses: [3] })))

const pageUrl = (businessId: string) =>
  `https://graph.facebook.com/v23.0/${businessId}/owned_whatsapp_business_accounts?limit=2`

describe("in-process replies", () => {
  it.effect("headers, text, bytes and stream are those of a web Response made from the same reply", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator
      const url = pageUrl(emulator.businessIds[0]!)
      const headers = { authorization: `Bearer ${emulator.token}` }
      const served = yield* emulator.handle({ method: "GET", url: new URL(url), headers, transport: "in-process" })
      // Header names in mixed case and a padded value, as a Headers object would normalise them.
      const reply = { ...served, headers: { ...served.headers, "X-Mixed-Case": "  padded value " } }
      const client = EmulatorHttpClient.make({ ...emulator, handle: () => Effect.succeed(reply) })
      const web = new Response(reply.body.slice(), { status: reply.status, headers: new Headers(reply.headers) })

      const response = yield* client.execute(HttpClientRequest.get(url, { headers }))
      expect(response.status).toBe(web.status)
      expect(Object.entries(response.headers)).toEqual([...web.headers.entries()])
      expect(response.headers["x-mixed-case"]).toBe("padded value")
      const text = yield* response.text
      expect(text).toBe(yield* Effect.promise(() => web.clone().text()))
      expect((yield* response.json) as { data: Array<unknown> }).toMatchObject({ data: [{}, {}] })

      const again = yield* client.execute(HttpClientRequest.get(url, { headers }))
      expect(new TextDecoder().decode(new Uint8Array(yield* again.arrayBuffer))).toBe(text)
      const streamed = yield* client.execute(HttpClientRequest.get(url, { headers })).pipe(
        Effect.flatMap((r) => Stream.runCollect(r.stream))
      )
      expect(new TextDecoder().decode(Buffer.concat(Chunk.toArray(streamed)))).toBe(text)
    }).pipe(Effect.provide(Live)))

  it.effect("a HEAD reply has no body: empty text, and a stream that fails as it does for a web Response", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator
      const client = yield* HttpClient.HttpClient
      const response = yield* client.execute(
        HttpClientRequest.head(pageUrl(emulator.businessIds[0]!), {
          headers: { authorization: `Bearer ${emulator.token}` }
        })
      )
      expect(yield* response.text).toBe("")
      const failure = yield* Effect.flip(Stream.runDrain(response.stream))
      expect(failure.reason).toBe("EmptyBody")
    }).pipe(Effect.provide(Live)))
})
