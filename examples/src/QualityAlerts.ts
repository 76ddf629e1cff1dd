/**
 * Alerts on quality drops: sync the inventory, then turn the changes of that run into one alert per phone
 * number whose quality rating fell (GREEN to YELLOW, YELLOW to RED…). The same filter works on any
 * `Inventory.changes` stream: from a run, or after the last change a consumer handled.
 */
import { Inventory } from "@effect-waba/inventory"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** A number whose rating fell, with the account it belongs to. */
export interface QualityAlert {
  readonly phoneNumberId: string
  readonly accountId: string | null
  readonly from: string
  readonly to: string
  readonly changeId: number
}

// Higher is better; a rating Meta adds later ranks as unknown and raises no alert.
const ranks: Record<string, number> = { GREEN: 3, YELLOW: 2, RED: 1 }

/** Whether a recorded change is a quality rating that fell. */
export const isDrop = (change: Inventory.Change): boolean => {
  if (change.entity !== "phone_number" || change.field !== "quality_rating" || change.kind !== "changed") return false
  const from = ranks[String(change.oldValue)]
  const to = ranks[String(change.newValue)]
  return from !== undefined && to !== undefined && to < from
}

/** The quality drops among changes. */
export const qualityDrops = <E, R>(changes: Stream.Stream<Inventory.Change, E, R>): Stream.Stream<QualityAlert, E, R> =>
  changes.pipe(
    Stream.filter(isDrop),
    Stream.map((change) => ({
      phoneNumberId: change.entityId,
      accountId: change.accountId,
      from: String(change.oldValue),
      to: String(change.newValue),
      changeId: change.id
    }))
  )

/** Syncs the businesses and returns the run with the quality drops it found. */
export const syncAndAlert = (businessIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const run = yield* Inventory.sync(businessIds)
    const alerts = yield* Stream.runCollect(qualityDrops(Inventory.changes({ run: run.id })))
    return { run, alerts: [...alerts] }
  })
