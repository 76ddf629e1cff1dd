/**
 * Stream a business's accounts into another pipeline: reshape each account, group them into batches,
 * and hand each batch to a sink (here a `Warehouse`: think of a database table, a queue or a search
 * index). Pages are fetched only as fast as the sink takes batches, so memory stays flat however many
 * accounts the business owns.
 */
import type { GraphClient } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

/** The shape the warehouse stores. */
export interface WarehouseRow {
  readonly id: string
  readonly name: string
  readonly country: string | null
  readonly ownership: string | null
  /** ISO-8601, UTC. */
  readonly createdAt: string | null
}

/** Wherever the batches go. */
export class Warehouse extends Context.Tag("@effect-waba/examples/Warehouse")<Warehouse, {
  readonly writeBatch: (rows: ReadonlyArray<WarehouseRow>) => Effect.Effect<void>
}>() {}

const fields = ["name", "country", "creation_time", "ownership_type"] as const

type Account = OwnedAccounts.Account<typeof fields[number]>

export const toRow = (account: Account): WarehouseRow => ({
  id: account.id,
  name: account.name ?? "(unnamed)",
  country: account.country ?? null,
  ownership: account.ownership_type ?? null,
  createdAt: account.creation_time?.toISOString() ?? null
})

/** Copies every account of a business into the warehouse, `batchSize` rows at a time. */
export const syncToWarehouse = (
  businessId: string,
  options: { readonly batchSize?: number | undefined } = {}
): Effect.Effect<
  { readonly accounts: number; readonly batches: number },
  OwnedAccounts.OwnedAccountsError,
  GraphClient.GraphClient | Warehouse
> =>
  Effect.gen(function*() {
    const warehouse = yield* Warehouse
    return yield* OwnedAccounts.stream(businessId, { fields, limit: 100 }).pipe(
      Stream.map(toRow),
      Stream.grouped(options.batchSize ?? 50),
      Stream.mapEffect((batch) => Effect.as(warehouse.writeBatch(Chunk.toReadonlyArray(batch)), batch.length)),
      Stream.runFold({ accounts: 0, batches: 0 }, (total, size) => ({
        accounts: total.accounts + size,
        batches: total.batches + 1
      }))
    )
  })

/** A warehouse that keeps the batches in memory, to run the example and to test it. */
export const inMemoryWarehouse = (): {
  readonly layer: Layer.Layer<Warehouse>
  readonly batches: () => ReadonlyArray<ReadonlyArray<WarehouseRow>>
} => {
  const batches: Array<ReadonlyArray<WarehouseRow>> = []
  return {
    layer: Layer.succeed(Warehouse, {
      writeBatch: (rows) => Effect.sync(() => void batches.push(rows))
    }),
    batches: () => batches
  }
}
