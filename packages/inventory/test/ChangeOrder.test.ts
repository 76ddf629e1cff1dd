// A reader of `Inventory.changes` pages by id and resumes after the last id it saw: a change whose id is
// below that but commits later would never reach it. On PostgreSQL writers run concurrently (webhook
// deliveries, a sync), so change ids must be committed in the order they are taken.
import { Inventory, Webhooks } from "@effect-waba/inventory"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import { stores } from "./utils/stores.js"

const delivery = (wabaId: string): Webhooks.Envelope => ({
  object: "whatsapp_business_account",
  entry: [{ id: wabaId, changes: [{ field: "account_update", value: { event: "VERIFIED_ACCOUNT" } }] }]
})

const read = (since?: Inventory.Since) => Effect.map(Stream.runCollect(Inventory.changes(since)), Chunk.toArray)

// SQLite has one connection and one writer: a second writer, and the reader, wait for the first to commit.
for (const store of stores.filter((store) => store.name === "postgres")) {
  describe.skipIf(store.skip)(`change ids on ${store.name}`, () => {
    it.live(
      "a reader resuming after the last id it saw misses no change committed by concurrent writers",
      () =>
        Effect.gen(function*() {
          const sql = yield* SqlClient.SqlClient
          const recorded = yield* Deferred.make<void>()
          const release = yield* Deferred.make<void>()
          // The first writer records its change, then keeps its transaction open.
          const first = yield* Effect.fork(sql.withTransaction(Effect.gen(function*() {
            yield* Webhooks.apply(delivery("1001"), "first", { reread: false })
            yield* Deferred.succeed(recorded, undefined)
            yield* Deferred.await(release)
          })))
          yield* Deferred.await(recorded)
          // A second writer meanwhile, on another connection: were its change's id taken now, after the
          // first's, and committed before it, the reader below would see it and resume past the first's.
          const second = yield* Effect.fork(Webhooks.apply(delivery("1002"), "second", { reread: false }))
          yield* Effect.raceFirst(Effect.asVoid(Fiber.await(second)), Effect.sleep("500 millis"))
          const before = yield* read()
          const cursor = before.at(-1)?.id ?? 0
          yield* Deferred.succeed(release, undefined)
          yield* Fiber.join(first)
          yield* Fiber.join(second)
          const after = yield* read({ after: cursor })
          const seen = [...before, ...after]
          expect(seen.map((change) => change.entityId).sort()).toEqual(["1001", "1002"])
          // In commit order, each once.
          expect(seen.map((change) => change.id)).toEqual((yield* read()).map((change) => change.id))
        }).pipe(Effect.provide(store.layer())),
      { timeout: 30_000 }
    )
  })
}
