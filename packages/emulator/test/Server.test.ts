import { GraphConfig } from "@effect-waba/graph-core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Emulator from "../src/Emulator.js"
import * as EmulatorServer from "../src/EmulatorServer.js"
import { startEmulator } from "../src/PromiseApi.js"
import { lastEntry, once, send, sharedFaultChecks } from "./faultChecks.js"
import { allPages, edgeUrl, get, idsOf } from "./helpers.js"

// Over-the-wire tests run on real time (excludeTestServices): sockets, client timeouts and the server's
// injected delays all happen outside any TestClock. They live in their own file because @effect/vitest's
// `it.layer` registers its options on the shared `it` of the file, so later layers would inherit them.

const options: Emulator.Options = { seed: "faults", businesses: [60], rateLimit: false }

describe("faults over the real server", () => {
  const Live = Layer.mergeAll(EmulatorServer.layer(), FetchHttpClient.layer).pipe(
    Layer.provideMerge(Emulator.layer(options))
  )
  layer(Live, { excludeTestServices: true })((it) => {
    const origin = Effect.map(EmulatorServer.EmulatorServer, (server) => server.url)
    const checks = sharedFaultChecks(origin)

    it.effect("HTTP 500/502/503 with and without a Graph body", () => checks.httpErrors)
    it.effect("Graph transient errors: code 1, code 2, is_transient", () => checks.graphErrors)
    it.effect("connection reset mid-body: the client's body read fails", () => checks.reset)
    it.effect("truncated JSON: a complete message whose JSON does not parse", () => checks.truncated)
    it.effect("non-JSON: an HTML error page", () => checks.nonJson)

    it.effect("latency delays but does not change the answer", () =>
      Effect.gen(function*() {
        yield* once({ kind: "latency", ms: 20, jitterMs: 20 })
        const response = yield* send(yield* origin)
        expect(response.status).toBe(200)
        expect(((yield* response.json) as any).data).toHaveLength(25)
        const entry = yield* lastEntry
        expect(entry.faults).toEqual(["latency"])
        expect(entry.fault).toBeUndefined()
      }))

    it.effect("a response slower than the client's timeout: the timeout fires and the request is logged aborted", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        yield* once({ kind: "slow", ms: 60_000 })
        const result = yield* Effect.either(send(yield* origin).pipe(Effect.timeout("150 millis")))
        expect(Either.isLeft(result) && result.left._tag).toBe("TimeoutException")
        // The server learns of the abort when the socket closes; wait for it (bounded), not for a duration.
        const entry = yield* lastEntry.pipe(
          Effect.filterOrFail((e) => e.aborted),
          Effect.retry(Schedule.spaced("10 millis")),
          Effect.timeout("5 seconds")
        )
        expect(entry).toMatchObject({ aborted: true, status: 200, faults: ["slow"] })
        expect((yield* emulator.requests).filter((e) => e.aborted)).toHaveLength(1)
      }))

    it.effect("a client that retries sees exactly the injected faults, in the log", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        yield* emulator.resetRequests
        yield* emulator.setFaults([
          { kind: "httpError", status: 503, when: { next: 2 } },
          { kind: "graphError", code: 2, when: { next: 3 } }
        ])
        const at = yield* origin
        let attempts = 0
        const response = yield* send(at).pipe(
          Effect.tap(() => Effect.sync(() => attempts++)),
          Effect.filterOrFail((r) => r.status < 500, (r) => r),
          Effect.retry({ times: 5 })
        )
        expect(response.status).toBe(200)
        expect(attempts).toBe(4)
        const injected = yield* emulator.injectedFaults
        const log = yield* emulator.requests
        expect(injected.map((i) => i.kind)).toEqual(["httpError", "httpError", "graphError"])
        expect(injected.map((i) => i.request)).toEqual(log.slice(0, 3).map((e) => e.number))
        expect(log.map((e) => e.status)).toEqual([503, 503, 503, 200])
        yield* emulator.clearFaults
      }))
  })
})

describe("paging over the real server", () => {
  const Live = Layer.mergeAll(EmulatorServer.layer(), FetchHttpClient.layer).pipe(
    Layer.provideMerge(Emulator.layer({ seed: "server", businesses: [230, 3], rateLimit: false }))
  )
  layer(Live, { excludeTestServices: true })((it) => {
    it.effect("serves every account once, with absolute next links on the server's own address", () =>
      Effect.gen(function*() {
        const server = yield* EmulatorServer.EmulatorServer
        const emulator = yield* Emulator.Emulator
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[0-9]+$/)
        expect(server.port).toBeGreaterThan(0)
        const business = emulator.businessIds[0]!
        const pages = yield* allPages(edgeUrl(business, server.url), { query: { limit: "100" } })
        expect(pages).toHaveLength(3)
        for (const page of pages.slice(0, -1)) {
          expect(new URL(page.paging.next).origin).toBe(server.url)
          expect(page.paging.next.startsWith(`${server.url}/v23.0/${business}/owned_whatsapp_business_accounts?`)).toBe(
            true
          )
        }
        expect(idsOf(pages)).toEqual((yield* emulator.accounts(business)).map((a) => a.id))
        const log = yield* emulator.requests
        expect(log.slice(-3).map((e) => [e.transport, e.method, e.apiVersion, e.businessId, e.status])).toEqual([
          ["server", "GET", "v23.0", business, 200],
          ["server", "GET", "v23.0", business, 200],
          ["server", "GET", "v23.0", business, 200]
        ])
        expect(log.at(-1)!.headers["authorization"]).toBe(`Bearer ${emulator.token}`)
        expect(log.at(-1)!.query["limit"]).toBe("100")
      }))

    it.effect("answers unknown paths with a Graph error and Graph's headers", () =>
      Effect.gen(function*() {
        const server = yield* EmulatorServer.EmulatorServer
        const response = yield* get(`${server.url}/`)
        expect(response.status).toBe(400)
        expect(response.body.error.code).toBe(2500)
        expect(response.headers["x-fb-trace-id"]).toMatch(/^[A-Za-z0-9_-]{11}$/)
        expect(response.headers["x-fb-request-id"]).toMatch(/^[A-Za-z0-9_-]{11}$/)
        expect(response.headers["facebook-api-version"]).toBe(GraphConfig.defaultApiVersion)
      }))
  })
})

describe("the Promise API", () => {
  it("starts a server, reports url, token and businesses, and stops", async () => {
    const emu = await startEmulator({ businesses: [3, 4], port: 0 })
    const response = await fetch(`${emu.url}/v22.0/${emu.businessIds[1]}/owned_whatsapp_business_accounts`, {
      headers: { authorization: `Bearer ${emu.token}` }
    })
    expect(response.headers.get("facebook-api-version")).toBe("v22.0")
    expect((await response.json()).data.map((a: any) => a.id)).toEqual(
      emu.accounts(emu.businessIds[1]!).map((a) => a.id)
    )
    expect(emu.requests()).toHaveLength(1)
    expect(emu.requests()[0]).toMatchObject({ apiVersion: "v22.0", businessId: emu.businessIds[1], status: 200 })
    emu.resetRequests()
    expect(emu.requests()).toEqual([])
    await emu.stop()
    await expect(fetch(emu.url)).rejects.toThrow()
  })
})

describe("faults with plain fetch (Promise API)", () => {
  it("reset, truncation, non-JSON and timeouts look to fetch as they would from Graph", async () => {
    const emu = await startEmulator({
      ...options,
      faults: [{ kind: "reset", afterBytes: 10, when: { requests: [1] } }]
    })
    try {
      const url = edgeUrl(emu.businessIds[0]!, emu.url)
      const headers = { authorization: `Bearer ${emu.token}` }
      const reset = await fetch(url, { headers })
      expect(reset.status).toBe(200)
      await expect(reset.text()).rejects.toThrow()

      emu.setFaults([{ kind: "truncated", when: { next: 1 } }])
      const truncated = await fetch(url, { headers })
      await expect(truncated.json()).rejects.toThrow(SyntaxError)

      emu.setFaults([{ kind: "nonJson", status: 503, when: { next: 1 } }])
      const html = await fetch(url, { headers })
      expect(html.status).toBe(503)
      await expect(html.json()).rejects.toThrow(SyntaxError)

      emu.setFaults([{ kind: "slow", ms: 60_000, when: { next: 1 } }])
      await expect(fetch(url, { headers, signal: AbortSignal.timeout(100) })).rejects.toThrow(/abort|timeout/i)

      const controller = new AbortController()
      emu.setFaults([{ kind: "latency", ms: 60_000, when: { next: 1 } }])
      const pending = fetch(url, { headers, signal: controller.signal })
      // Abort only once the server has the request, so the abort happens mid-request.
      while (emu.requests().length < 5) await new Promise((resolve) => setTimeout(resolve, 5))
      controller.abort()
      await expect(pending).rejects.toThrow()
      while (!emu.requests()[4]!.aborted) await new Promise((resolve) => setTimeout(resolve, 5))

      const normal = await fetch(url, { headers })
      expect((await normal.json()).data).toHaveLength(25)
      expect(emu.requests().map((e) => [e.fault ?? e.faults[0], e.aborted])).toEqual([
        ["reset", false],
        ["truncated", false],
        ["nonJson", false],
        ["slow", true],
        ["latency", true],
        [undefined, false]
      ])
      expect(emu.injectedFaults().map((i) => i.request)).toEqual([1, 2, 3, 4, 5])
    } finally {
      await emu.stop()
    }
  })
})
