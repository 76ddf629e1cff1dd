/**
 * The emulator a test file reads from (started before its tests, stopped after), and how its effects run:
 * through a `GraphClient` on `fetch` with the emulator's token.
 */
import { defaultToken } from "@effect-waba/emulator/Emulator"
import { type RunningEmulator, startEmulator, type StartOptions } from "@effect-waba/emulator/PromiseApi"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import { afterAll, beforeAll } from "vitest"

export const business = "1234567890"

export const useEmulator = (options: StartOptions = {}) => {
  let running: RunningEmulator | undefined
  beforeAll(async () => {
    running = await startEmulator({ host: "127.0.0.1", ...options })
  })
  afterAll(() => running?.stop())
  const emulator = () => running!
  const run = <A, E>(effect: Effect.Effect<A, E, GraphClient.GraphClient>) =>
    Effect.runPromiseExit(Effect.provide(
      effect,
      GraphClient.layer.pipe(
        Layer.provide(GraphConfig.layer({ accessToken: defaultToken, baseUrl: emulator().url })),
        Layer.provide(FetchHttpClient.layer)
      )
    ))
  return { emulator, run }
}

export const value = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
  return exit.value
}
