import { Emulator } from "@effect-waba/emulator"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { GraphEmulated } from "../src/Layers.js"
import { inMemoryWarehouse, syncToWarehouse } from "../src/StreamIntoPipeline.js"

describe("example: stream accounts into another pipeline", () => {
  it.effect("writes every account, reshaped, in batches of the requested size", () => {
    const warehouse = inMemoryWarehouse()
    return Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const [businessId] = emulator.businessIds as [string]
      const result = yield* syncToWarehouse(businessId, { batchSize: 50 })
      expect(result).toEqual({ accounts: 137, batches: 3 })
      expect(warehouse.batches().map((batch) => batch.length)).toEqual([50, 50, 37])

      const expected = (yield* emulator.accounts(businessId)).map((account) => ({
        id: account.id,
        name: account.name,
        country: account.country,
        ownership: account.ownership_type,
        createdAt: new Date(account.creation_time * 1000).toISOString()
      }))
      expect(warehouse.batches().flat()).toEqual(expected)
      // Two pages of 100: the stream asked for no more than it needed.
      expect(yield* emulator.requestCount).toBe(2)
    }).pipe(Effect.provide(warehouse.layer), Effect.provide(GraphEmulated({ seed: 1, businesses: [137] })))
  })
})
