/**
 * The emulator as a layer for an Effect 4 user's tests: reads through it, its controls in the same test,
 * and a server that lives exactly as long as the layer's scope.
 */
import { OwnedAccounts } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { Testing } from "../src/index.js"

describe("Testing.layer (Effect 4)", () => {
  it("reads the demo business through the layer, and the test sees each request in the log", async () => {
    const program = Effect.gen(function*() {
      const emulator = yield* Testing.Emulator
      const accounts = yield* Stream.runCollect(OwnedAccounts.stream(emulator.businessIds[0]!, { limit: 100 }))
      return { accounts: accounts.length, requests: emulator.requests().length }
    })
    const result = await Effect.runPromise(Effect.provide(program, Testing.layer()))
    expect(result).toEqual({ accounts: 137, requests: 2 })
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

  it("the server stops when the layer's scope closes", async () => {
    const read = Effect.gen(function*() {
      const emulator = yield* Testing.Emulator
      return emulator.url
    })
    const url = await Effect.runPromise(Effect.provide(read, Testing.layerEmulator()))
    const exit = await Effect.runPromiseExit(Effect.tryPromise(() => fetch(`${url}/v27.0/me`)))
    expect(Exit.isFailure(exit)).toBe(true)
  })
})
