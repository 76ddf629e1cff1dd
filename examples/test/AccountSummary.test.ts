/**
 * Testing application code by swapping in the emulator: `summarize` needs a `GraphClient`, and the test
 * provides one answered by the emulator in-process instead of Meta. Nothing else changes.
 */
import { Emulator, EmulatorHttpClient } from "@effect-waba/emulator"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { summarize } from "../src/AccountSummary.js"

// The layer a test swaps in where production uses `GraphLive` (see src/Layers.ts).
const TestGraph = GraphClient.layer.pipe(
  Layer.provide(GraphConfig.layer({ accessToken: Emulator.defaultToken })),
  Layer.provide(EmulatorHttpClient.layer),
  Layer.provideMerge(Emulator.layer({ seed: 3, businesses: [400, 0] }))
)

describe("example: a test that swaps in the emulator layer", () => {
  it.layer(Layer.orDie(TestGraph))((it) => {
    it.effect("summarises every account of a business, as the emulator holds them", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        const [businessId] = emulator.businessIds as [string]
        const accounts = yield* emulator.accounts(businessId)
        const byOwnership: Record<string, number> = {}
        for (const account of accounts) {
          byOwnership[account.ownership_type] = (byOwnership[account.ownership_type] ?? 0) + 1
        }
        expect(yield* summarize(businessId)).toEqual({
          total: 400,
          byOwnership,
          blocked: accounts.filter((account) => account.health_status.can_send_message === "BLOCKED").map((a) => a.id)
        })
      }))

    it.effect("a business without accounts", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator.Emulator
        expect(yield* summarize(emulator.businessIds[1]!)).toEqual({ total: 0, byOwnership: {}, blocked: [] })
      }))

    it.effect("the errors are Graph's: an unknown business fails as it would against Meta", () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(summarize("123"))
        expect(error._tag).toBe("GraphNotFoundError")
      }))
  })
})
