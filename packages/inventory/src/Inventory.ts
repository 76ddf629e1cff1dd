/**
 * The inventory: every WhatsApp Business Account a set of businesses manages, where each is seen, and its
 * phone numbers, kept in a SQL database (`@effect/sql`: SQLite embedded, PostgreSQL in production), with a
 * record of every change.
 *
 * - {@link sync} reads the businesses (the `ManagedAccounts` fan-out, with each business's own credentials
 *   when a `GraphCredentials` is provided) and applies each business whole, in one transaction with the
 *   others whose reads completed meanwhile. Rows are written only where the data differs; an account, a number or a sighting is marked removed only after
 *   its business was read to the end, so a business whose token expired keeps what it had.
 * - {@link changes} streams what changed, field by field, since a sync run, a change or a time.
 * - {@link accounts} and {@link phoneNumbers} read the store, offline.
 *
 * The tables must exist first: provide `Migrations.layer` with your `SqlClient`.
 *
 * @example
 * ```ts
 * import { Inventory, Migrations } from "@effect-waba/inventory"
 * import { SqliteClient } from "@effect/sql-sqlite-node"
 * import { Effect, Layer, Stream } from "effect"
 *
 * const Store = Migrations.layer.pipe(Layer.provideMerge(SqliteClient.layer({ filename: "waba.db" })))
 *
 * const program = Effect.gen(function*() {
 *   const run = yield* Inventory.sync(["1234567890", "2345678901"])
 *   yield* Inventory.changes({ run: run.id }).pipe(
 *     Stream.filter((change) => change.field === "quality_rating"),
 *     Stream.runForEach((change) => Effect.log(`${change.entityId}: ${change.oldValue} -> ${change.newValue}`))
 *   )
 * })
 * ```
 *
 * @since 0.1.0
 */
import type { GraphClient } from "@effect-waba/graph-core"
import { InvalidRequestError } from "@effect-waba/graph-core"
import type { GraphRead } from "@effect-waba/graph-core"
import { ManagedAccounts, PhoneNumber, WhatsAppBusinessAccount } from "@effect-waba/waba"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Sink from "effect/Sink"
import * as Stream from "effect/Stream"
import type { Json } from "./internal/fields.js"
import { decode } from "./internal/fields.js"
import type { BusinessRead, Item, ReadAccount, ReadSighting } from "./internal/store.js"
import { readAccountOf, writeBusinesses } from "./internal/store.js"

/**
 * The account fields a sync reads by default: the identity, review and verification states, the messaging
 * limit and the owner — what an inventory alerts on.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultAccountFields: ReadonlyArray<WhatsAppBusinessAccount.Field> = [
  "name",
  "currency",
  "timezone_id",
  "message_template_namespace",
  "account_review_status",
  "business_verification_status",
  "country",
  "creation_time",
  "ownership_type",
  "status",
  "owner_business_info",
  "on_behalf_of_business_info",
  "whatsapp_business_manager_messaging_limit"
]

/**
 * The phone-number fields a sync reads by default: the number, its name and their review, its quality and
 * messaging tier.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPhoneNumberFields: ReadonlyArray<PhoneNumber.Field> = [
  "display_phone_number",
  "verified_name",
  "status",
  "quality_rating",
  "messaging_limit_tier",
  "name_status",
  "code_verification_status",
  "account_mode",
  "platform_type",
  "throughput",
  "is_official_business_account"
]

/**
 * @since 0.1.0
 * @category models
 */
export interface SyncOptions {
  /** How many businesses are read at once (1 to 64, default 8). */
  readonly concurrency?: number | undefined
  /** Send the reads in batch requests (see `ManagedAccounts`). Default false. */
  readonly batch?: boolean | undefined
  /** The account fields to keep; default {@link defaultAccountFields}. */
  readonly accountFields?: ReadonlyArray<WhatsAppBusinessAccount.Field> | undefined
  /** The phone-number fields to keep; default {@link defaultPhoneNumberFields}. */
  readonly phoneNumberFields?: ReadonlyArray<PhoneNumber.Field> | undefined
  /** Called as the fan-out progresses (see `ManagedAccounts.Progress`). */
  readonly onProgress?: ((progress: ManagedAccounts.Progress) => Effect.Effect<void>) | undefined
}

/**
 * How a sync run ended: `completed` (every business read to the end), `partial` (some failed and kept
 * what they had), `failed` (the run stopped on an error), `interrupted` (interrupted, or killed: a run
 * still `running` when the next sync starts is marked so), `running`.
 *
 * @since 0.1.0
 * @category models
 */
export type RunStatus = "running" | "completed" | "partial" | "failed" | "interrupted"

/**
 * A failed read of one business's edge in a run.
 *
 * @since 0.1.0
 * @category models
 */
export interface RunFailure {
  readonly businessId: string
  readonly edge: string
  /** The error's tag, e.g. `GraphAuthError`. */
  readonly errorTag: string
  readonly message: string
}

/**
 * A sync run, as {@link sync} returns it and {@link runs} lists it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Run {
  readonly id: number
  readonly status: RunStatus
  readonly startedAt: string
  readonly finishedAt: string | null
  readonly businesses: number
  readonly businessesDone: number
  readonly businessesFailed: number
  /** Account rows inserted or updated; 0 when nothing changed. */
  readonly accountsWritten: number
  /** Phone-number rows inserted or updated; 0 when nothing changed. */
  readonly phoneNumbersWritten: number
  /** Change rows recorded. */
  readonly changes: number
  readonly failures: ReadonlyArray<RunFailure>
}

const isBusinessId = (id: unknown): id is string => typeof id === "string" && /^[0-9]{1,32}$/.test(id)

const validate = (businessIds: unknown, options: SyncOptions): Option.Option<InvalidRequestError> => {
  const invalid = (parameter: string, message: string) => Option.some(new InvalidRequestError({ parameter, message }))
  if (!Array.isArray(businessIds) || businessIds.length === 0) {
    return invalid("businessIds", "businessIds must be a non-empty list of business ids.")
  }
  if (businessIds.length > ManagedAccounts.maxBusinesses) {
    return invalid("businessIds", `businessIds may hold at most ${ManagedAccounts.maxBusinesses} ids.`)
  }
  const bad = businessIds.find((id) => !isBusinessId(id))
  if (bad !== undefined) {
    return invalid("businessIds", `businessIds holds ${JSON.stringify(bad)}: a business id is a string of digits.`)
  }
  const { accountFields, concurrency, phoneNumberFields } = options
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
    return invalid("concurrency", `concurrency must be a whole number from 1 to 64, got ${concurrency}.`)
  }
  if (accountFields !== undefined) {
    const unknown = Array.isArray(accountFields) ? accountFields.find((f) => !WhatsAppBusinessAccount.isField(f)) : 0
    if (unknown !== undefined) {
      return invalid("accountFields", `accountFields holds ${JSON.stringify(unknown)}, not an account field.`)
    }
  }
  if (phoneNumberFields !== undefined) {
    const known = new Set<string>(PhoneNumber.fields)
    const unknown = Array.isArray(phoneNumberFields) ? phoneNumberFields.find((f) => !known.has(f)) : 0
    if (unknown !== undefined) {
      return invalid(
        "phoneNumberFields",
        `phoneNumberFields holds ${JSON.stringify(unknown)}, not a phone-number field.`
      )
    }
  }
  return Option.none()
}

// Businesses per transaction at most: a group holds its rows in memory and its locks until it commits.
const maxGroup = 16

const now = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis).toISOString())

interface Buffer {
  readonly accounts: Set<string>
  readonly sightings: Array<ReadSighting>
  readonly failures: Array<{ readonly edge: string; readonly errorTag: string; readonly message: string }>
}

/**
 * Reads the businesses' accounts with their phone numbers and brings the store up to date, recording every
 * change (see {@link changes}).
 *
 * - A business's accounts, numbers and sightings are applied when its read completes (its `BusinessDone`),
 *   whole, in one transaction with the businesses whose reads completed while the one before was written
 *   (up to 16; reads go on meanwhile): one commit for many businesses, and the writes keep up with the
 *   reads. One whose read failed is applied at the end, without removals: accounts read in full are updated,
 *   nothing it had is marked removed, and its failures are recorded on the run and the business.
 * - Rows are compared before they are written: a sync with nothing changed writes no account or number row.
 * - A sync killed midway leaves each business applied whole or not at all; the next sync marks the killed
 *   run `interrupted`, reads everything again and records only what differs from the store.
 *
 * Run one sync at a time per store. Bad input fails before anything is read or written.
 *
 * @since 0.1.0
 * @category sync
 */
export const sync = (
  businessIds: ReadonlyArray<string>,
  options: SyncOptions = {}
): Effect.Effect<
  Run,
  InvalidRequestError | GraphRead.ReadError | SqlError,
  SqlClient.SqlClient | GraphClient.GraphClient
> =>
  Effect.suspend(() => {
    const problem = validate(businessIds, options ?? {})
    if (Option.isSome(problem)) return Effect.fail(problem.value)
    const ids = [...new Set(businessIds)]
    return Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const startedAt = yield* now
      // A run left `running` was killed: nothing of it is pending any more.
      yield* sql`UPDATE inventory_sync_runs SET status = 'interrupted' WHERE status = 'running'`
      // The run's changes are the ones after this id (see `changes`).
      const [last] = yield* sql<{ readonly max: number | string | null }>`SELECT MAX(id) AS max FROM inventory_changes`
      const [created] = yield* sql<{ readonly id: number | string }>`INSERT INTO inventory_sync_runs ${
        sql.insert({
          started_at: startedAt,
          status: "running",
          businesses: ids.length,
          changes_after: Number(last?.max ?? 0)
        })
      } RETURNING id`
      const runId = Number(created!.id)
      const totals = { businessesDone: 0, businessesFailed: 0, accountsWritten: 0, phoneNumbersWritten: 0, changes: 0 }
      const failures: Array<RunFailure> = []

      const finish = (status: RunStatus) =>
        Effect.flatMap(now, (finishedAt) =>
          sql`UPDATE inventory_sync_runs SET ${
            sql.update({
              status,
              finished_at: finishedAt,
              businesses_done: totals.businessesDone,
              businesses_failed: totals.businessesFailed,
              accounts_written: totals.accountsWritten,
              phone_numbers_written: totals.phoneNumbersWritten,
              changes: totals.changes
            })
          } WHERE id = ${runId}`)

      // Accounts read but not yet written, by id: the first business applied that sees one writes it.
      const pending = new Map<string, ReadAccount>()
      const buffers = new Map<string, Buffer>()
      const bufferOf = (businessId: string) => {
        let buffer = buffers.get(businessId)
        if (buffer === undefined) {
          buffer = { accounts: new Set(), sightings: [], failures: [] }
          buffers.set(businessId, buffer)
        }
        return buffer
      }
      // A business's read, taken out of the buffers as it is handed to the writer: its accounts are those
      // it sees that no business handed over before it has written.
      const take = (businessId: string, complete: boolean): BusinessRead => {
        const buffer = bufferOf(businessId)
        buffers.delete(businessId)
        const accounts = new Map<string, ReadAccount>()
        for (const { accountId } of buffer.sightings) {
          const account = pending.get(accountId)
          if (account === undefined) continue
          accounts.set(accountId, account)
          pending.delete(accountId)
        }
        return {
          businessId,
          complete,
          accounts: [...accounts.values()],
          sightings: buffer.sightings,
          failures: buffer.failures
        }
      }
      const write = (group: Chunk.Chunk<BusinessRead>) =>
        Effect.gen(function*() {
          const reads = Chunk.toReadonlyArray(group)
          const written = yield* writeBusinesses({ runId, at: yield* now }, reads)
          totals.accountsWritten += written.accountsWritten
          totals.phoneNumbersWritten += written.phoneNumbersWritten
          totals.changes += written.changes
          for (const read of reads) {
            if (read.complete) totals.businessesDone++
            else {
              totals.businessesFailed++
              for (const failure of read.failures) failures.push({ businessId: read.businessId, ...failure })
            }
          }
          // A synchronous driver (SQLite's) holds the thread while it writes: a pause lets the answers that
          // came meanwhile be read, so that the next group holds the businesses they complete.
          yield* Effect.sleep(0)
        })

      const fields = options.accountFields ?? defaultAccountFields
      const reads = ManagedAccounts.sightings(ids, {
        fields: [...fields],
        expand: { phone_numbers: { fields: [...(options.phoneNumberFields ?? defaultPhoneNumberFields)] } },
        concurrency: options.concurrency,
        batch: options.batch,
        onProgress: options.onProgress
      }) as unknown as Stream.Stream<
        ManagedAccounts.Result<Item> | ManagedAccounts.SeenAgain,
        InvalidRequestError | GraphRead.ReadError,
        GraphClient.GraphClient
      >

      const completed = Stream.filterMap(reads, (element): Option.Option<BusinessRead> => {
        switch (element._tag) {
          case "Account": {
            const { businessId, edge, permittedTasks } = element.firstSeenOn
            const account = readAccountOf(element.account)
            pending.set(account.id, account)
            bufferOf(businessId).sightings.push({ accountId: account.id, edge, permittedTasks })
            return Option.none()
          }
          case "SeenAgain": {
            const { businessId, edge, permittedTasks } = element.seenOn
            bufferOf(businessId).sightings.push({ accountId: element.accountId, edge, permittedTasks })
            return Option.none()
          }
          case "Failure": {
            const { error } = element
            bufferOf(element.businessId).failures.push({
              edge: element.edge,
              errorTag: error._tag,
              message: error.message
            })
            return Option.none()
          }
          case "BusinessDone":
            return Option.some(take(element.businessId, true))
        }
      })
      // What is left belongs to businesses with a failure: applied without removals.
      const failed = Stream.suspend(() => Stream.fromIterable([...buffers.keys()].map((id) => take(id, false))))
      const body = Stream.concat(completed, failed).pipe(
        // Reads go on while a group is written; the businesses completed meanwhile make the next group.
        Stream.aggregate(Sink.collectAllN<BusinessRead>(maxGroup)),
        Stream.runForEach(write),
        Effect.zipRight(Effect.suspend(() => finish(totals.businessesFailed > 0 ? "partial" : "completed")))
      )
      yield* body.pipe(
        Effect.onExit((exit) =>
          Exit.isSuccess(exit)
            ? Effect.void
            : Effect.ignore(finish(Exit.isInterrupted(exit) ? "interrupted" : "failed"))
        )
      )
      return yield* Effect.map(runRow(runId), (run) => ({ ...run!, failures }))
    })
  }).pipe(Effect.withSpan("Inventory.sync"))

interface RunRow {
  readonly id: number | string
  readonly status: RunStatus
  readonly started_at: string
  readonly finished_at: string | null
  readonly businesses: number | string
  readonly businesses_done: number | string
  readonly businesses_failed: number | string
  readonly accounts_written: number | string
  readonly phone_numbers_written: number | string
  readonly changes: number | string
}

const runOf = (row: RunRow): Omit<Run, "failures"> => ({
  id: Number(row.id),
  status: row.status,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  businesses: Number(row.businesses),
  businessesDone: Number(row.businesses_done),
  businessesFailed: Number(row.businesses_failed),
  accountsWritten: Number(row.accounts_written),
  phoneNumbersWritten: Number(row.phone_numbers_written),
  changes: Number(row.changes)
})

const runRow = (id: number) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<RunRow>`SELECT * FROM inventory_sync_runs WHERE id = ${id}`,
      ([row]) => row === undefined ? undefined : runOf(row)
    ))

/**
 * The sync runs, newest first, each with its failures.
 *
 * @since 0.1.0
 * @category queries
 */
export const runs = (options: { readonly limit?: number | undefined } = {}): Effect.Effect<
  ReadonlyArray<Run>,
  SqlError,
  SqlClient.SqlClient
> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<RunRow>`SELECT * FROM inventory_sync_runs ORDER BY id DESC LIMIT ${options.limit ?? 100}`
    return yield* Effect.forEach(rows, (row) =>
      Effect.map(
        sql<{ business_id: string; edge: string; error_tag: string; message: string }>`SELECT business_id, edge,
          error_tag, message FROM inventory_sync_failures WHERE run_id = ${Number(row.id)}`,
        (failures) => ({
          ...runOf(row),
          failures: failures.map((f) => ({
            businessId: f.business_id,
            edge: f.edge,
            errorTag: f.error_tag,
            message: f.message
          }))
        })
      ))
  })

// -----------------------------------------------------------------------------
// changes
// -----------------------------------------------------------------------------

/**
 * One recorded change. `entity` says what changed: an `account`, a `phone_number`, a `sighting` (an account
 * seen, or no longer seen, by `businessId`; `entityId` is the account's id and the value holds the edge and
 * permitted tasks), or a `webhook` event as delivered (`kind` `event`, `field` the webhook field, the value
 * as sent). `field` is null for a whole record added (`newValue` all of it) or removed (`oldValue` all of it).
 * A webhook's re-read of an account that failed (see `Webhooks`) is a `webhook` change of `kind` `failed`,
 * `field` `reread`, `entityId` the account, with `{ error, message, fields }` as `newValue`: the error's tag
 * and message, and the webhook fields that asked for the re-read.
 *
 * @since 0.1.0
 * @category models
 */
export interface Change {
  readonly id: number
  /** The sync run that found it; null for a webhook delivery. */
  readonly runId: number | null
  readonly source: "sync" | "webhook"
  /** When it was recorded, ISO 8601. */
  readonly at: string
  readonly entity: "account" | "phone_number" | "sighting" | "webhook"
  readonly entityId: string
  readonly accountId: string | null
  readonly businessId: string | null
  readonly field: string | null
  readonly kind: "added" | "removed" | "changed" | "event" | "failed"
  readonly oldValue: Json | null
  readonly newValue: Json | null
}

/**
 * Where {@link changes} starts: after a sync run started (`run`, its id: that run's changes and everything
 * after), after a change (`after`, a change id: to resume where a consumer stopped), or from a time
 * (`time`). Nothing given: from the first change.
 *
 * @since 0.1.0
 * @category models
 */
export type Since =
  | { readonly run: number }
  | { readonly after: number }
  | { readonly time: Date | string }

interface ChangeRowRead {
  readonly id: number | string
  readonly run_id: number | string | null
  readonly source: "sync" | "webhook"
  readonly at: string
  readonly entity: Change["entity"]
  readonly entity_id: string
  readonly account_id: string | null
  readonly business_id: string | null
  readonly field: string | null
  readonly kind: Change["kind"]
  readonly old_value: string | null
  readonly new_value: string | null
}

const changeOf = (row: ChangeRowRead): Change => ({
  id: Number(row.id),
  runId: row.run_id === null ? null : Number(row.run_id),
  source: row.source,
  at: row.at,
  entity: row.entity,
  entityId: row.entity_id,
  accountId: row.account_id,
  businessId: row.business_id,
  field: row.field,
  kind: row.kind,
  oldValue: decode(row.old_value),
  newValue: decode(row.new_value)
})

const invalidSince = (message: string) => new InvalidRequestError({ parameter: "since", message })

/**
 * The recorded changes in the order they were recorded, from `since` to the last one recorded when the
 * stream reaches the end, read in pages of `pageSize` (default 500) by id, so that the stream holds one
 * page at a time and a consumer can resume after the last id it handled.
 *
 * @since 0.1.0
 * @category changes
 */
export const changes = (
  since?: Since | undefined,
  options: { readonly pageSize?: number | undefined } = {}
): Stream.Stream<Change, InvalidRequestError | SqlError, SqlClient.SqlClient> =>
  Stream.unwrap(Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const pageSize = options.pageSize ?? 500
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000) {
      return yield* new InvalidRequestError({
        parameter: "pageSize",
        message: `pageSize must be a whole number from 1 to 10000, got ${pageSize}.`
      })
    }
    let start = 0
    let from: string | undefined
    if (since !== undefined && "run" in since) {
      if (!Number.isInteger(since.run)) return yield* invalidSince("since.run must be a run id.")
      const [run] = yield* sql<{ readonly changes_after: number | string }>`SELECT changes_after
        FROM inventory_sync_runs WHERE id = ${since.run}`
      if (run === undefined) return yield* invalidSince(`There is no sync run ${since.run} in this store.`)
      start = Number(run.changes_after)
    } else if (since !== undefined && "after" in since) {
      if (!Number.isInteger(since.after) || since.after < 0) {
        return yield* invalidSince("since.after must be a change id.")
      }
      start = since.after
    } else if (since !== undefined && "time" in since) {
      const time = new Date(since.time)
      if (Number.isNaN(time.getTime())) return yield* invalidSince("since.time must be a date or an ISO 8601 time.")
      from = time.toISOString()
    }
    const page = (after: number) =>
      sql<ChangeRowRead>`SELECT * FROM inventory_changes WHERE id > ${after}${
        from === undefined ? sql`` : sql` AND at >= ${from}`
      } ORDER BY id LIMIT ${pageSize}`
    return Stream.paginateChunkEffect(start, (after) =>
      Effect.map(page(after), (rows) => {
        const changes = rows.map(changeOf)
        const last = changes[changes.length - 1]
        return [
          Chunk.unsafeFromArray(changes),
          rows.length < pageSize || last === undefined ? Option.none() : Option.some(last.id)
        ] as const
      }))
  }))

// -----------------------------------------------------------------------------
// queries
// -----------------------------------------------------------------------------

/**
 * An account as the store holds it.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredAccount {
  readonly id: string
  /** Every field kept, as JSON. */
  readonly fields: { readonly [field: string]: Json }
  /** Where it is seen (sightings no longer current are left out). */
  readonly sightings: ReadonlyArray<{
    readonly businessId: string
    readonly edge: "owned" | "client"
    readonly permittedTasks: ReadonlyArray<string> | null
  }>
  readonly firstSeenAt: string
  readonly updatedAt: string
  /** When a completed sync last found no business seeing it; null while it is current. */
  readonly removedAt: string | null
}

/**
 * A phone number as the store holds it.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredPhoneNumber {
  readonly id: string
  readonly accountId: string
  readonly fields: { readonly [field: string]: Json }
  readonly firstSeenAt: string
  readonly updatedAt: string
  readonly removedAt: string | null
}

/**
 * The accounts in the store, by id; removed ones only with `includeRemoved`.
 *
 * @since 0.1.0
 * @category queries
 */
export const accounts = (
  options: { readonly includeRemoved?: boolean | undefined; readonly businessId?: string | undefined } = {}
): Effect.Effect<ReadonlyArray<StoredAccount>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<{
      id: string
      data: string
      first_seen_at: string
      updated_at: string
      removed_at: string | null
    }>`SELECT id, data, first_seen_at, updated_at, removed_at FROM inventory_accounts${
      options.includeRemoved === true ? sql`` : sql` WHERE removed_at IS NULL`
    } ORDER BY id`
    const sightings = yield* sql<{
      account_id: string
      business_id: string
      edge: "owned" | "client"
      permitted_tasks: string | null
    }>`SELECT account_id, business_id, edge, permitted_tasks FROM inventory_sightings WHERE removed_at IS NULL
      ORDER BY business_id, edge`
    const byAccount = new Map<string, Array<StoredAccount["sightings"][number]>>()
    for (const row of sightings) {
      const list = byAccount.get(row.account_id) ?? []
      list.push({
        businessId: row.business_id,
        edge: row.edge,
        permittedTasks: decode(row.permitted_tasks) as ReadonlyArray<string> | null
      })
      byAccount.set(row.account_id, list)
    }
    return rows
      .map((row) => ({
        id: row.id,
        fields: decode(row.data) as StoredAccount["fields"],
        sightings: byAccount.get(row.id) ?? [],
        firstSeenAt: row.first_seen_at,
        updatedAt: row.updated_at,
        removedAt: row.removed_at
      }))
      .filter((account) =>
        options.businessId === undefined || account.sightings.some((s) => s.businessId === options.businessId)
      )
  })

/**
 * The phone numbers in the store, by id; removed ones only with `includeRemoved`.
 *
 * @since 0.1.0
 * @category queries
 */
export const phoneNumbers = (
  options: {
    readonly includeRemoved?: boolean | undefined
    readonly accountId?: string | undefined
    readonly qualityRating?: string | undefined
  } = {}
): Effect.Effect<ReadonlyArray<StoredPhoneNumber>, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const where = [
      ...(options.includeRemoved === true ? [] : [sql`removed_at IS NULL`]),
      ...(options.accountId === undefined ? [] : [sql`account_id = ${options.accountId}`]),
      ...(options.qualityRating === undefined ? [] : [sql`quality_rating = ${options.qualityRating}`])
    ]
    const rows = yield* sql<{
      id: string
      account_id: string
      data: string
      first_seen_at: string
      updated_at: string
      removed_at: string | null
    }>`SELECT id, account_id, data, first_seen_at, updated_at, removed_at FROM inventory_phone_numbers${
      where.length === 0 ? sql`` : sql` WHERE ${sql.and(where)}`
    } ORDER BY id`
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      fields: decode(row.data) as StoredPhoneNumber["fields"],
      firstSeenAt: row.first_seen_at,
      updatedAt: row.updated_at,
      removedAt: row.removed_at
    }))
  })
