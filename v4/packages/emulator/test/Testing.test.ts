/**
 * The emulator as a layer for an Effect 4 user's tests: reads through it, its controls in the same test,
 * in the process by default (no socket), or on a loopback server that lives exactly as long as the layer's
 * scope.
 */
import { GraphConfig } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { Testing } from "../src/index.js"

describe("Testing.layer (Effect 4)", () => {
  it("reads the demo business in the process, at Graph's own origin, and the test sees each request", async () => {
    const program = Effect.gen(function*() {
      const emulator = yield* Testing.Emulator
      const accounts = yield* Stream.runCollect(OwnedAccounts.stream(emulator.businessIds[0]!, { limit: 100 }))
      return {
        accounts: accounts.length,
        baseUrl: (yield* GraphConfig.GraphConfig).baseUrl,
        log: emulator.requests().map((entry) => [entry.transport, entry.status])
      }
    })
    const result = await Effect.runPromise(Effect.provide(program, Testing.layer()))
    expect(result).toEqual({
      accounts: 137,
      baseUrl: "https://graph.facebook.com",
      log: [["in-process", 200], ["in-process", 200]]
    })
  })

  it("fault rules set in the test reach the client: a transient error is retried", async () => {
    const program = Effect.gen(function*() {
      const emulator = yield* Testing.Emulator
      emulator.setFaults([{ kind: "graphError", code: 2, when: { next: 1 } }])
      const first = yield* Stream.runHead(OwnedAccounts.stream(emulator.businessIds[0]!))
      return { found: first._tag === "Some", statuses: emulator.requests().map((entry) => entry.status) }
    })
    const result = await Effect.runPromise(Effect.provide(program, Testing.layer()))
    expect(result.found).toBe(true)
    expect(result.statuses).toHaveLength(2)
    expect(result.statuses[1]).toBe(200)
  })

  it("a request the client's timeout gives up on is aborted in the emulator, and the error is typed", async () => {
    const program = Effect.gen(function*() {
      const emulator = yield* Testing.Emulator
      emulator.setFaults([{ kind: "slow", ms: 60_000, when: { next: 1 } }])
      const error = yield* Effect.flip(Stream.runHead(OwnedAccounts.stream(emulator.businessIds[0]!)))
      // The emulator hears of the abort as the client lets go, in real time: wait for it to log it.
      while (!emulator.requests()[0]?.aborted) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 5)))
      return { error: error._tag, log: emulator.requests().map((entry) => [entry.faults, entry.aborted]) }
    })
    const result = await Effect.runPromise(
      Effect.provide(program, Testing.layer({}, { timeout: "100 millis", retry: false }))
    )
    expect(result).toEqual({ error: "GraphTransportError", log: [[["slow"], true]] })
  })

  it("the bare HttpClient is answered in the process whatever the origin, and paging links keep it", async () => {
    const program = Effect.gen(function*() {
      const emulator = yield* Testing.Emulator
      const client = yield* HttpClient.HttpClient
      const response = yield* client.get(
        `https://graph.example.test/v27.0/${emulator.businessIds[0]}/owned_whatsapp_business_accounts?limit=2`,
        { headers: { authorization: `Bearer ${emulator.token}` } }
      )
      const body = (yield* response.json) as { data: Array<{ id: string }>; paging: { next: string } }
      return {
        status: response.status,
        sameIds: body.data.map((a) => a.id).join() === emulator.accounts(emulator.businessIds[0]!).slice(0, 2)
          .map((a) => a.id).join(),
        next: new URL(body.paging.next).origin
      }
    })
    const result = await Effect.runPromise(Effect.provide(program, Testing.layerHttpClient()))
    expect(result).toEqual({ status: 200, sameIds: true, next: "https://graph.example.test" })
  })

  it("over the wire: the client reads from the loopback server, and the emulator logs it as such", async () => {
    const program = Effect.gen(function*() {
      const emulator = yield* Testing.Emulator
      const server = yield* Testing.EmulatorServer
      const first = yield* Stream.runHead(OwnedAccounts.stream(emulator.businessIds[0]!))
      return {
        found: first._tag === "Some",
        baseUrl: (yield* GraphConfig.GraphConfig).baseUrl === server.url,
        loopback: server.url.startsWith("http://127.0.0.1:"),
        transports: emulator.requests().map((entry) => entry.transport)
      }
    })
    const result = await Effect.runPromise(Effect.provide(program, Testing.layerOverTheWire()))
    expect(result).toEqual({ found: true, baseUrl: true, loopback: true, transports: ["server"] })
  })

  it("the server stops when the layer's scope closes", async () => {
    const read = Effect.map(Effect.service(Testing.EmulatorServer), (server) => server.url)
    const url = await Effect.runPromise(Effect.provide(read, Testing.layerServer()))
    const exit = await Effect.runPromiseExit(Effect.tryPromise(() => fetch(`${url}/v27.0/me`)))
    expect(Exit.isFailure(exit)).toBe(true)
  })
})
