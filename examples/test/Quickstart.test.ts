import { Emulator } from "@effect-waba/emulator"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import { GraphEmulated } from "../src/Layers.js"
import { newestSince2024 } from "../src/Quickstart.js"

describe("example: the README's quick start", () => {
  it.effect("logs the ten newest accounts created since 2024, reading one page", () => {
    const logged: Array<string> = []
    const capture = Logger.replace(Logger.defaultLogger, Logger.make(({ message }) => logged.push(String(message))))
    return Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const [businessId] = emulator.businessIds as [string]
      yield* newestSince2024(businessId)
      const since = Date.UTC(2024, 0, 1) / 1000
      const expected = (yield* emulator.accounts(businessId, { descending: true }))
        .filter((account) => account.creation_time >= since)
        .slice(0, 10)
        .map((account) => `${account.name} ${new Date(account.creation_time * 1000).toISOString()}`)
      expect(expected).toHaveLength(10)
      expect(logged).toEqual(expected)
      expect(yield* emulator.requestCount).toBe(1)
    }).pipe(Effect.provide(capture), Effect.provide(GraphEmulated({ seed: 4, businesses: [300] })))
  })
})
