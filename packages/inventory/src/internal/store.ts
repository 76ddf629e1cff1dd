// What one business's read does to the store, inside one transaction: accounts and their phone numbers
// compared with what is stored and written only where they differ, the business's sightings brought up
// to date, and every difference recorded as a change.
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import type { FieldChange, Fields } from "./fields.js"
import { column, decode, diff, encode, equal, fieldsOf } from "./fields.js"

export type Entity = "account" | "phone_number" | "sighting" | "webhook"
export type Kind = "added" | "removed" | "changed" | "event" | "failed"

/** A change as it is stored: its values as JSON text, null where there is none. */
export interface ChangeRow {
  readonly entity: Entity
  readonly entityId: string
  readonly accountId: string | null
  readonly businessId: string | null
  readonly field: string | null
  readonly kind: Kind
  readonly oldValue: string | null
  readonly newValue: string | null
}

/** A record read: its fields, and the same as the JSON text the store keeps (encoded once). */
export interface ReadRecord {
  readonly id: string
  readonly fields: Fields
  readonly data: string
}

export interface ReadAccount extends ReadRecord {
  /** Every phone number of the account: its read completed, so a number missing from it is gone. */
  readonly phoneNumbers: ReadonlyArray<ReadRecord>
}

/** An account as a read decodes it: its fields, and its phone numbers when expanded. */
export type Item = Record<string, unknown> & { readonly id: string }

const recordOf = (id: string, fields: Fields): ReadRecord => ({ id, fields, data: encode(fields) })

/** An account read in full, as the store compares it: its fields, and every one of its numbers. */
export const readAccountOf = (account: Item): ReadAccount => {
  const numbers = (account.phone_numbers ?? []) as ReadonlyArray<Item>
  return {
    ...recordOf(account.id, fieldsOf(account, ["id", "phone_numbers"])),
    phoneNumbers: numbers.map((number) => recordOf(number.id, fieldsOf(number, ["id"])))
  }
}

export interface ReadSighting {
  readonly accountId: string
  readonly edge: "owned" | "client"
  readonly permittedTasks: ReadonlyArray<string> | undefined
}

export interface ReadFailure {
  readonly edge: string
  readonly errorTag: string
  readonly message: string
}

export interface BusinessRead {
  readonly businessId: string
  /** True when every read of the business completed: only then may anything of it be marked removed. */
  readonly complete: boolean
  readonly accounts: ReadonlyArray<ReadAccount>
  readonly sightings: ReadonlyArray<ReadSighting>
  readonly failures: ReadonlyArray<ReadFailure>
}

export interface Written {
  readonly accountsWritten: number
  readonly phoneNumbersWritten: number
  readonly changes: number
}

interface StoredRecord {
  readonly id: string
  readonly data: string
  readonly removed_at: string | null
}

interface StoredNumber extends StoredRecord {
  readonly account_id: string
}

interface StoredSighting {
  readonly account_id: string
  readonly edge: string
  readonly permitted_tasks: string | null
  readonly removed_at: string | null
}

// Rows per statement: at a dozen columns, well under both databases' limits on bound parameters.
const chunkSize = 200

const chunks = <A>(items: ReadonlyArray<A>): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += chunkSize) out.push(items.slice(i, i + chunkSize))
  return out
}

const selectIn = <Row extends object>(
  values: ReadonlyArray<string>,
  query: (chunk: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<Row>, SqlError>
) => Effect.map(Effect.forEach(chunks(values), query), (pages) => pages.flat())

const byId = <Row extends { readonly id: string }>(rows: ReadonlyArray<Row>) =>
  new Map(rows.map((row) => [row.id, row]))

type Row = Record<string, string | number | null>

// Rows go in with a statement per chunk, not one each: a business's first sync adds a hundred or so, and
// every statement costs a round trip through the client (and to a PostgreSQL server). With a `key`, a row
// whose key is stored updates it instead, all but its key and `first_seen_at`.
const insertRows = (table: string, rows: ReadonlyArray<Row>, key?: string) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.forEach(chunks(rows), (chunk) => {
      if (key === undefined) return sql`INSERT INTO ${sql(table)} ${sql.insert(chunk)}`
      const keyColumns = key.split(", ")
      const set = Object.keys(chunk[0]!)
        .filter((name) => name !== "first_seen_at" && !keyColumns.includes(name))
        .map((name) => `${name} = excluded.${name}`)
      return sql`INSERT INTO ${sql(table)} ${sql.insert(chunk)} ON CONFLICT (${sql.literal(key)}) DO UPDATE SET ${
        sql.literal(set.join(", "))
      }`
    }, { discard: true }))

// The key of the PostgreSQL advisory lock under which change ids are taken (see `insertChanges`).
const changesLock = 0x696e765f6368

/**
 * Inserts change rows, in chunks: the last write of its transaction. A reader of `changes` pages by id,
 * so ids must be committed in the order they were taken, or a reader could move past an id whose
 * transaction commits later and never see it. SQLite has one writer at a time; on PostgreSQL the ids are
 * taken under a transaction-level lock held until the commit, so that concurrent writers (webhook
 * deliveries, a sync) commit their changes one after another, in id order.
 */
export const insertChanges = (
  context: { readonly runId: number | null; readonly source: "sync" | "webhook"; readonly at: string },
  rows: ReadonlyArray<ChangeRow>
) =>
  rows.length === 0 ? Effect.void : Effect.zipRight(
    Effect.flatMap(SqlClient.SqlClient, (sql) =>
      sql.onDialectOrElse({
        pg: () => sql`SELECT pg_advisory_xact_lock(${changesLock})`,
        orElse: () => Effect.void
      })),
    insertRows(
      "inventory_changes",
      rows.map((row) => ({
        run_id: context.runId,
        source: context.source,
        at: context.at,
        entity: row.entity,
        entity_id: row.entityId,
        account_id: row.accountId,
        business_id: row.businessId,
        field: row.field,
        kind: row.kind,
        old_value: row.oldValue,
        new_value: row.newValue
      }))
    )
  )

/** A field's change, its values as JSON text. */
export const fieldChange = (
  entity: Entity,
  entityId: string,
  accountId: string,
  businessId: string | null,
  change: FieldChange
): ChangeRow => ({
  entity,
  entityId,
  accountId,
  businessId,
  field: change.field,
  kind: change.kind,
  oldValue: change.oldValue === undefined ? null : encode(change.oldValue),
  newValue: change.newValue === undefined ? null : encode(change.newValue)
})

// A row's whole value appearing or going: one change with no field.
const whole = (
  kind: "added" | "removed",
  entity: Entity,
  entityId: string,
  accountId: string,
  businessId: string | null,
  data: string
): ChangeRow => ({
  entity,
  entityId,
  accountId,
  businessId,
  field: null,
  kind,
  oldValue: kind === "removed" ? data : null,
  newValue: kind === "added" ? data : null
})

// What a read does to a stored record: `added` when it is new or comes back after a removal, else its
// changes field by field. Stored text is canonical (sorted keys), so equal text is equal data and needs
// no decoding.
const compare = (stored: StoredRecord | undefined, read: ReadRecord): "added" | ReadonlyArray<FieldChange> =>
  stored === undefined || stored.removed_at !== null
    ? "added"
    : stored.data === read.data
    ? []
    : diff(decode(stored.data) as Fields, read.fields)

/** What writing accounts did: the rows written and the changes to record. */
export interface AccountsWritten {
  readonly accountsWritten: number
  readonly phoneNumbersWritten: number
  readonly changes: Array<ChangeRow>
}

/**
 * Writes accounts read in full — each with all of its numbers, so a stored number missing from the read is
 * gone — where they differ from the store, and returns the changes that makes, for the caller to record
 * in its own transaction. `runId` is null for a webhook's re-read; `businessOf` names the business whose
 * read an account came from (none for a webhook's re-read).
 */
export const writeAccounts = (
  context: {
    readonly runId: number | null
    readonly at: string
    readonly businessOf: ReadonlyMap<string, string>
  },
  accounts: ReadonlyArray<ReadAccount>
): Effect.Effect<AccountsWritten, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { at, businessOf, runId } = context
    const changes: Array<ChangeRow> = []
    let accountsWritten = 0
    let phoneNumbersWritten = 0
    const record = (
      entity: Entity,
      id: string,
      accountId: string,
      data: string,
      difference: ReturnType<typeof compare>
    ) => {
      const businessId = businessOf.get(accountId) ?? null
      if (difference === "added") changes.push(whole("added", entity, id, accountId, businessId, data))
      else for (const change of difference) changes.push(fieldChange(entity, id, accountId, businessId, change))
    }

    for (const batch of chunks(accounts)) {
      const ids = batch.map((account) => account.id)
      const numberIds = batch.flatMap((account) => account.phoneNumbers.map((number) => number.id))
      const storedAccounts = byId(
        yield* sql<StoredRecord>`SELECT id, data, removed_at FROM inventory_accounts WHERE ${sql.in("id", ids)}`
      )
      // A number may have moved here from an account outside this batch.
      const storedNumbers = byId(
        yield* sql<StoredNumber>`SELECT id, account_id, data, removed_at FROM inventory_phone_numbers
          WHERE ${sql.in("account_id", ids)} OR ${sql.in("id", numberIds)}`
      )
      const accountRows = new Map<string, Row>()
      const numberRows = new Map<string, Row>()
      // A number listed twice is taken once.
      const read = new Set<string>()
      for (const account of batch) {
        const difference = compare(storedAccounts.get(account.id), account)
        if (difference === "added" || difference.length > 0) {
          accountRows.set(account.id, {
            id: account.id,
            first_seen_at: at,
            name: column(account.fields, "name"),
            status: column(account.fields, "status"),
            account_review_status: column(account.fields, "account_review_status"),
            data: account.data,
            updated_at: at,
            written_run_id: runId,
            removed_at: null
          })
          record("account", account.id, account.id, account.data, difference)
        }
        for (const number of account.phoneNumbers) {
          if (read.has(number.id)) continue
          read.add(number.id)
          const stored = storedNumbers.get(number.id)
          const difference = compare(stored, number)
          const moved = stored !== undefined && stored.removed_at === null && stored.account_id !== account.id
          if (difference !== "added" && difference.length === 0 && !moved) continue
          numberRows.set(number.id, {
            id: number.id,
            first_seen_at: at,
            account_id: account.id,
            display_phone_number: column(number.fields, "display_phone_number"),
            verified_name: column(number.fields, "verified_name"),
            quality_rating: column(number.fields, "quality_rating"),
            messaging_limit_tier: column(number.fields, "messaging_limit_tier"),
            status: column(number.fields, "status"),
            data: number.data,
            updated_at: at,
            written_run_id: runId,
            removed_at: null
          })
          if (moved) {
            changes.push({
              entity: "phone_number",
              entityId: number.id,
              accountId: account.id,
              businessId: businessOf.get(account.id) ?? null,
              field: "account_id",
              kind: "changed",
              oldValue: encode(stored.account_id),
              newValue: encode(account.id)
            })
          }
          record("phone_number", number.id, account.id, number.data, difference)
        }
      }
      // A stored number of these accounts that none of them has any more is gone (one that moved between
      // two of them is not).
      const batchIds = new Set(ids)
      const gone = [...storedNumbers.values()].filter((stored) =>
        stored.removed_at === null && batchIds.has(stored.account_id) && !read.has(stored.id)
      )
      for (const stored of gone) {
        const businessId = businessOf.get(stored.account_id) ?? null
        changes.push(whole("removed", "phone_number", stored.id, stored.account_id, businessId, stored.data))
      }
      // Before the next batch looks up its numbers: one may have moved there from this one.
      yield* insertRows("inventory_accounts", [...accountRows.values()], "id")
      yield* insertRows("inventory_phone_numbers", [...numberRows.values()], "id")
      yield* Effect.forEach(chunks(gone.map((stored) => stored.id)), (chunk) =>
        sql`UPDATE inventory_phone_numbers SET removed_at = ${at}, updated_at = ${at}, written_run_id = ${runId}
          WHERE ${sql.in("id", chunk)}`, { discard: true })
      accountsWritten += accountRows.size
      phoneNumbersWritten += numberRows.size + gone.length
    }

    return { accountsWritten, phoneNumbersWritten, changes }
  })

// Of these accounts, the stored ones that no business sees any more.
const orphansOf = (accountIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const seen = yield* selectIn(accountIds, (chunk) =>
      sql<{ readonly account_id: string }>`SELECT DISTINCT account_id
      FROM inventory_sightings WHERE ${sql.in("account_id", chunk)} AND removed_at IS NULL`)
    const stillSeen = new Set(seen.map((row) => row.account_id))
    return yield* selectIn(accountIds.filter((id) => !stillSeen.has(id)), (chunk) =>
      sql<StoredRecord>`SELECT id, data,
      removed_at FROM inventory_accounts WHERE ${sql.in("id", chunk)} AND removed_at IS NULL`)
  })

const sightingValue = (edge: string, tasks: string | null): string =>
  encode(tasks === null ? { edge } : { edge, permitted_tasks: decode(tasks) })

/**
 * Applies a group of businesses' reads in one transaction: a sync killed midway leaves every business
 * either applied whole or not at all. Each account is in the read of one business only (the first applied
 * that sees it). A group costs the statements of one business: a sync applies the businesses whose reads
 * completed while the previous group was being written, so that writing keeps up with reading.
 */
export const writeBusinesses = (
  run: { readonly runId: number; readonly at: string },
  reads: ReadonlyArray<BusinessRead>
): Effect.Effect<Written, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { at, runId } = run
    const businessOf = new Map<string, string>()
    for (const read of reads) for (const account of read.accounts) businessOf.set(account.id, read.businessId)
    const { changes, ...written } = yield* writeAccounts(
      { runId, at, businessOf },
      reads.flatMap((read) => read.accounts)
    )
    let accountsWritten = written.accountsWritten

    // Where the businesses see their accounts.
    const stored = new Map(
      (yield* selectIn(
        reads.map((read) => read.businessId),
        (chunk) =>
          sql<StoredSighting & { readonly business_id: string }>`SELECT business_id, account_id, edge,
          permitted_tasks, removed_at FROM inventory_sightings WHERE ${sql.in("business_id", chunk)}`
      )).map((row) => [`${row.business_id}/${row.edge}/${row.account_id}`, row])
    )
    const rows: Array<Row> = []
    const gone: Array<StoredSighting & { readonly business_id: string }> = []
    for (const read of reads) {
      const { businessId } = read
      const sightingRow = (accountId: string, edge: string, tasks: string | null, removedAt: string | null) => ({
        account_id: accountId,
        business_id: businessId,
        edge,
        permitted_tasks: tasks,
        first_seen_at: at,
        removed_at: removedAt
      })
      const seen = new Set<string>()
      for (const sighting of read.sightings) {
        const { accountId, edge } = sighting
        const key = `${businessId}/${edge}/${accountId}`
        if (seen.has(key)) continue
        seen.add(key)
        const tasks = sighting.permittedTasks === undefined ? null : encode([...sighting.permittedTasks].sort())
        const existing = stored.get(key)
        if (existing === undefined || existing.removed_at !== null) {
          rows.push(sightingRow(accountId, edge, tasks, null))
          changes.push(whole("added", "sighting", accountId, accountId, businessId, sightingValue(edge, tasks)))
        } else if (existing.permitted_tasks !== tasks && !equal(decode(existing.permitted_tasks), decode(tasks))) {
          rows.push(sightingRow(accountId, edge, tasks, null))
          changes.push({
            entity: "sighting",
            entityId: accountId,
            accountId,
            businessId,
            field: "permitted_tasks",
            kind: "changed",
            oldValue: existing.permitted_tasks,
            newValue: tasks
          })
        }
      }
      // Only a business read to the end shows what it no longer sees.
      if (!read.complete) continue
      for (const [key, row] of stored) {
        if (row.business_id !== businessId || row.removed_at !== null || seen.has(key)) continue
        gone.push(row)
        rows.push(sightingRow(row.account_id, row.edge, row.permitted_tasks, at))
        const value = sightingValue(row.edge, row.permitted_tasks)
        changes.push(whole("removed", "sighting", row.account_id, row.account_id, businessId, value))
      }
    }
    yield* insertRows("inventory_sightings", rows, "business_id, edge, account_id")

    // An account is gone once no business sees it any more: checked after the whole group's sightings are
    // written, so that an account one business of the group stopped seeing and another started to is kept.
    const droppedBy = new Map(gone.map((row) => [row.account_id, row.business_id]))
    const orphans = yield* orphansOf([...droppedBy.keys()])
    yield* Effect.forEach(chunks(orphans.map((account) => account.id)), (chunk) =>
      sql`UPDATE inventory_accounts SET removed_at = ${at}, updated_at = ${at}, written_run_id = ${runId}
        WHERE ${sql.in("id", chunk)}`, { discard: true })
    for (const account of orphans) {
      changes.push(whole("removed", "account", account.id, account.id, droppedBy.get(account.id)!, account.data))
    }
    accountsWritten += orphans.length

    // The businesses' own records: the outcome of this read, and its failures.
    yield* Effect.forEach(chunks(reads), (chunk) =>
      sql`INSERT INTO inventory_businesses ${
        sql.insert(chunk.map((read) => {
          const failure = read.failures[0]
          return {
            id: read.businessId,
            last_run_id: runId,
            last_status: read.complete ? "done" : "failed",
            last_error: failure === undefined
              ? null
              : encode({ edge: failure.edge, tag: failure.errorTag, message: failure.message }),
            last_read_at: at,
            last_completed_at: read.complete ? at : null
          }
        }))
      } ON CONFLICT (id) DO UPDATE SET last_run_id = excluded.last_run_id, last_status = excluded.last_status,
      last_error = excluded.last_error, last_read_at = excluded.last_read_at,
      last_completed_at = COALESCE(excluded.last_completed_at, inventory_businesses.last_completed_at)`, {
      discard: true
    })
    yield* insertRows(
      "inventory_sync_failures",
      reads.flatMap((read) =>
        read.failures.map((failure) => ({
          run_id: runId,
          business_id: read.businessId,
          edge: failure.edge,
          error_tag: failure.errorTag,
          message: failure.message,
          at
        }))
      )
    )
    yield* insertChanges({ runId, source: "sync", at }, changes)
    return { accountsWritten, phoneNumbersWritten: written.phoneNumbersWritten, changes: changes.length }
  }).pipe((apply) =>
    Effect.flatMap(SqlClient.SqlClient, (sql) =>
      sql.withTransaction(apply))
  )
