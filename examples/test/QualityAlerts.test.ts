import { Emulator, Testing } from "@effect-waba/emulator"
import { Inventory, Migrations } from "@effect-waba/inventory"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { syncAndAlert } from "../src/QualityAlerts.js"

const Store = Migrations.layer.pipe(Layer.provideMerge(SqliteClient.layer({ filename: ":memory:" })))

describe("QualityAlerts", () => {
  it.live("alerts once for each number whose rating fell since the last sync, not for others", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const ids = [...emulator.businessIds]
      const first = yield* syncAndAlert(ids)
      // A first sync finds every number new: nothing fell.
      expect(first.alerts).toEqual([])
      // The store remembers GREEN for the numbers Graph now rates lower, and RED for a GREEN one (a rise).
      const sql = yield* SqlClient.SqlClient
      const numbers = yield* Inventory.phoneNumbers()
      const lower = numbers.filter((n) => n.fields.quality_rating === "YELLOW" || n.fields.quality_rating === "RED")
      const green = numbers.find((n) => n.fields.quality_rating === "GREEN")
      expect(lower.length).toBeGreaterThan(0)
      for (const [number, rating] of [...lower.map((n) => [n, "GREEN"] as const), [green!, "RED"] as const]) {
        yield* sql`UPDATE inventory_phone_numbers SET data = ${
          JSON.stringify({ ...number.fields, quality_rating: rating })
        } WHERE id = ${number.id}`
      }
      const second = yield* syncAndAlert(ids)
      expect(second.alerts.map((a) => [a.phoneNumberId, a.from, a.to]).sort()).toEqual(
        lower.map((n) => [n.id, "GREEN", n.fields.quality_rating]).sort()
      )
      expect((yield* syncAndAlert(ids)).alerts).toEqual([])
    }).pipe(
      Effect.provide(Layer.merge(Store, Testing.inProcess({ businesses: [{ accounts: 12 }], rateLimit: false })))
    ))
})
