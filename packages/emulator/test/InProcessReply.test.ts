import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Emulator, layer as emulatorLayer } from "../src/Emulator.js"
import * as EmulatorHttpClient from "../src/EmulatorHttpClient.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { type InProcessEmulator, makeEmulator } from "../src/PromiseApi.js"

// The in-process client serves the emulator's app without web Request or Response objects (see
// EmulatorHttpClient): what a caller reads from it must be what fetch reads from the same app on a socket.
const Live = Layer.mergeAll(EmulatorHttpClient.layer, EmulatorServer.layer()).pipe(
  Layer.provideMerge(emulatorLayer({ seed: 7, businesses: [3] }))
)

const pagePath = (businessId: string) => `/v23.0/${businessId}/owned_whatsapp_business_accounts?limit=2`

describe("in-process replies", () => {
  it.live("status, headers, text, bytes and stream are those fetch reads from the server", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator
      const client = yield* HttpClient.HttpClient
      // Both on the server's origin, so that the paging links (and the lengths) are the same.
      const url = `${(yield* EmulatorServer.EmulatorServer).url}${pagePath(emulator.businessIds[0]!)}`
      const headers = { authorization: `Bearer ${emulator.token}` }
      const web = yield* Effect.promise(() => fetch(url, { headers }))
      const webText = yield* Effect.promise(() => web.text())

      const response = yield* client.execute(HttpClientRequest.get(url, { headers }))
      expect(response.status).toBe(web.status)
      for (const name of ["content-type", "content-length", "facebook-api-version", "cache-control", "expires"]) {
        expect(response.headers[name], name).toBe(web.headers.get(name))
      }
      const text = yield* response.text
      expect(text).toBe(webText)
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
        HttpClientRequest.head(`https://graph.facebook.com${pagePath(emulator.businessIds[0]!)}`, {
          headers: { authorization: `Bearer ${emulator.token}` }
        })
      )
      expect(yield* response.text).toBe("")
      const failure = yield* Effect.flip(Stream.runDrain(response.stream))
      expect(failure.reason).toBe("EmptyBody")
    }).pipe(
      Effect.provide(EmulatorHttpClient.layer.pipe(Layer.provideMerge(emulatorLayer({ seed: 7, businesses: [3] }))))
    ))
})

describe("the Promise API's in-process emulator (makeEmulator)", () => {
  const url = (emu: InProcessEmulator) => `https://graph.facebook.com${pagePath(emu.businessIds[0]!)}`
  const headers = (emu: InProcessEmulator) => ({ authorization: `Bearer ${emu.token}` })

  it("answers a web Request with what the server sends for it, logged as in-process", async () => {
    const emu = makeEmulator({ seed: 7, businesses: [3] })
    const response = await emu.handler(new Request(url(emu), { headers: headers(emu) }))
    expect(response.status).toBe(200)
    expect(response.headers.get("facebook-api-version")).toBe("v23.0")
    const body = await response.json() as { data: Array<{ id: string }>; paging: { next: string } }
    expect(body.data.map((account) => account.id)).toEqual(
      emu.accounts(emu.businessIds[0]!).slice(0, 2).map((a) => a.id)
    )
    expect(body.paging.next.startsWith("https://graph.facebook.com/v23.0/")).toBe(true)
    expect(emu.requests()).toMatchObject([{ transport: "in-process", status: 200, businessId: emu.businessIds[0] }])
  })

  it("a reset fault is a body that fails part-way; an aborted request is logged as aborted", async () => {
    const emu = makeEmulator({
      seed: 7,
      businesses: [3],
      faults: [{ kind: "reset", afterBytes: 10, when: { requests: [1] } }]
    })
    const reset = await emu.handler(new Request(url(emu), { headers: headers(emu) }))
    expect(reset.status).toBe(200)
    await expect(reset.text()).rejects.toThrow()

    emu.setFaults([{ kind: "slow", ms: 60_000, when: { next: 1 } }])
    const controller = new AbortController()
    void emu.handler(new Request(url(emu), { headers: headers(emu), signal: controller.signal }))
    // Abort only once the emulator has the request, so the abort happens mid-request.
    while (emu.requests().length < 2) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    while (!emu.requests()[1]!.aborted) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(emu.requests().map((entry) => entry.faults)).toEqual([["reset"], ["slow"]])
  })
})
