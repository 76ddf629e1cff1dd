/**
 * The agency job: for each client business, every WhatsApp Business Account it owns AND every one shared
 * with it, with their phone numbers, merged by id — then a report of the numbers that need attention
 * (a quality rating of RED or YELLOW, or a status other than CONNECTED).
 *
 * `inventory` collects it all, for a few businesses; `sync` streams it into a store as it is read and
 * resumes where an interrupted run stopped, for thousands; `attention` is what an alert would send.
 */
import type { GraphClient } from "@effect-waba/graph-core"
import { ManagedAccounts, type OwnedAccounts } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** One WABA with its numbers and where it came from. */
export interface InventoryRow {
  readonly id: string
  readonly name: string | undefined
  readonly status: string | undefined
  /** Every business and edge the account was seen on, e.g. `1234567890/owned`. */
  readonly seenOn: ReadonlyArray<string>
  readonly phoneNumbers: ReadonlyArray<{
    readonly id: string
    readonly display: string | undefined
    readonly quality: string | undefined
    readonly tier: string | undefined
    readonly status: string | undefined
  }>
}

/** A phone number that needs a look, and why. */
export interface Attention {
  readonly wabaId: string
  readonly phoneNumberId: string
  readonly display: string | undefined
  readonly reason: string
}

const options = {
  fields: ["name", "status"],
  expand: {
    phone_numbers: { fields: ["display_phone_number", "quality_rating", "messaging_limit_tier", "status"], limit: 100 }
  }
} as const

type Account = OwnedAccounts.Account<(typeof options.fields)[number], never, typeof options.expand>

const read = (businessIds: ReadonlyArray<string>, done?: ReadonlySet<string>) =>
  ManagedAccounts.sightings(businessIds, { ...options, done, concurrency: 16 })

const seenOn = (source: ManagedAccounts.Source) => `${source.businessId}/${source.edge}`

const rowOf = (account: Account, sources: ReadonlyArray<ManagedAccounts.Source>): InventoryRow => ({
  id: account.id,
  name: account.name,
  status: account.status,
  seenOn: sources.map(seenOn),
  phoneNumbers: account.phone_numbers.map((number) => ({
    id: number.id,
    display: number.display_phone_number,
    quality: number.quality_rating,
    tier: number.messaging_limit_tier,
    status: number.status
  }))
})

const failureOf = (failure: ManagedAccounts.Failure) => ({
  businessId: failure.businessId,
  edge: failure.edge,
  error: failure.error._tag
})

/**
 * Every account the businesses manage, with its phone numbers; reads that failed (a business that did
 * not grant access, say) are returned beside them rather than stopping the others.
 */
export const inventory = (businessIds: ReadonlyArray<string>) =>
  ManagedAccounts.all(businessIds, { ...options, concurrency: 4 }).pipe(
    Effect.map(({ accounts, failures }) => ({
      rows: accounts.map(({ account, sources }) => rowOf(account, sources)),
      failures: failures.map(failureOf)
    }))
  )

/** Where `sync` keeps what it has read: a database table and a list of businesses done, in a real job. */
export interface Store {
  /** The businesses an earlier run finished. */
  readonly done: Effect.Effect<ReadonlySet<string>>
  /** Writes an account; a row already there keeps the places it was seen on and gains these. */
  readonly upsert: (row: InventoryRow) => Effect.Effect<void>
  /** One more place an account already written is managed from. */
  readonly seenAgain: (accountId: string, seenOn: string) => Effect.Effect<void>
  /** Called once every account of the business was written. */
  readonly businessDone: (businessId: string) => Effect.Effect<void>
}

/**
 * The inventory written into `store` as it is read, each account as soon as it is complete. Interrupted,
 * it resumes without reading the businesses already done again; the failures are returned.
 */
export const sync = (businessIds: ReadonlyArray<string>, store: Store) =>
  Effect.gen(function*() {
    const failures: Array<ReturnType<typeof failureOf>> = []
    yield* Stream.runForEach(read(businessIds, yield* store.done), (result) => {
      switch (result._tag) {
        case "Account":
          return store.upsert(rowOf(result.account, [result.firstSeenOn]))
        case "SeenAgain":
          return store.seenAgain(result.accountId, seenOn(result.seenOn))
        case "BusinessDone":
          return store.businessDone(result.businessId)
        case "Failure":
          return Effect.sync(() => failures.push(failureOf(result)))
      }
    })
    return failures
  })

/** A `Store` in memory, for the example and its test. */
export const memoryStore = () => {
  const rows = new Map<string, InventoryRow>()
  const done = new Set<string>()
  const store: Store = {
    done: Effect.sync(() => new Set(done)),
    upsert: (row) =>
      Effect.sync(() => {
        const seen = new Set([...(rows.get(row.id)?.seenOn ?? []), ...row.seenOn])
        rows.set(row.id, { ...row, seenOn: [...seen] })
      }),
    seenAgain: (accountId, place) =>
      Effect.sync(() => {
        const row = rows.get(accountId)!
        if (!row.seenOn.includes(place)) rows.set(accountId, { ...row, seenOn: [...row.seenOn, place] })
      }),
    businessDone: (businessId) => Effect.sync(() => void done.add(businessId))
  }
  return { store, rows, done }
}

/** The numbers of an inventory that need attention. */
export const attention = (rows: ReadonlyArray<InventoryRow>): ReadonlyArray<Attention> =>
  rows.flatMap((row) =>
    row.phoneNumbers.flatMap((number): ReadonlyArray<Attention> => {
      const reasons = [
        ...(number.quality === "RED" || number.quality === "YELLOW" ? [`quality ${number.quality}`] : []),
        ...(number.status !== undefined && number.status !== "CONNECTED" ? [`status ${number.status}`] : [])
      ]
      return reasons.length === 0
        ? []
        : [{ wabaId: row.id, phoneNumberId: number.id, display: number.display, reason: reasons.join(", ") }]
    })
  )

/** The whole job: the inventory and its alerts. */
export const run = (
  businessIds: ReadonlyArray<string>
): Effect.Effect<
  {
    readonly rows: ReadonlyArray<InventoryRow>
    readonly alerts: ReadonlyArray<Attention>
    readonly failures: ReadonlyArray<{ readonly businessId: string; readonly edge: string; readonly error: string }>
  },
  ManagedAccounts.Failure["error"],
  GraphClient.GraphClient
> => Effect.map(inventory(businessIds), ({ failures, rows }) => ({ rows, alerts: attention(rows), failures }))
