// What one business's read does to the store, inside one transaction: accounts and their phone numbers
// compared with what is stored and written only where they differ, the business's sightings brought up
// to date, and every difference recorded as a change.
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import type { Fields, Json } from "./fields.js"
import { column, decode, diff, encode, equal, fieldsOf } from "./fields.js"

export type Entity = "account" | "phone_number" | "sighting" | "webhook"
export type Kind = "added" | "removed" | "changed" | "event" | "failed"

export interface ChangeRow {
  readonly entity: Entity
  readonly entityId: string
  readonly accountId: string | null
  readonly businessId: string | null
  readonly field: string | null
  readonly kind: Kind
  readonly oldValue: Json | undefined
  readonly newValue: Json | undefined
}

export interface ReadNumber {
  readonly id: string
  readonly fields: Fields
}

export interface ReadAccount {
  readonly id: string
  readonly fields: Fields
  /** Every phone number of the account: its read completed, so a number missing from it is gone. */
  readonly phoneNumbers: ReadonlyArray<ReadNumber>
}

/** An account as a read decodes it: its fields, and its phone numbers when expanded. */
export type Item = Record<string, unknown> & { readonly id: string }

/** An account read in full, as the store compares it: its fields, and every one of its numbers. */
export const readAccountOf = (account: Item): ReadAccount => {
  const numbers = (account.phone_numbers ?? []) as ReadonlyArray<Item>
  return {
    id: account.id,
    fields: fieldsOf(account, ["id", "phone_numbers"]),
    phoneNumbers: numbers.map((number) => ({ id: number.id, fields: fieldsOf(number, ["id"]) }))
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

interface AccountRow {
  readonly id: string
  readonly data: string
  readonly removed_at: string | null
}

interface NumberRow {
  readonly id: string
  readonly account_id: string
  readonly data: string
  readonly removed_at: string | null
}

interface SightingRow {
  readonly account_id: string
  readonly edge: string
  readonly permitted_tasks: string | null
  readonly removed_at: string | null
}

// Rows per statement: at a dozen columns, well under both databases' limits on bound parameters.
const chunkSize = 200

export const chunks = <A>(items: ReadonlyArray<A>, size: number = chunkSize): Array<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

const selectIn = <Row extends object>(
  values: ReadonlyArray<string>,
  query: (chunk: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<Row>, SqlError>
) => Effect.map(Effect.forEach(chunks(values), query), (pages) => pages.flat())

const jsonText = (value: Json | undefined): string | null => value === undefined ? null : encode(value)

type Row = Record<string, string | number | null>

// New rows go in with a few statements, not one each: a business's first sync adds a hundred or so, and
// every statement costs a round trip through the client (and to a PostgreSQL server).
const insertRows = (table: string, rows: ReadonlyArray<Row>) =>
  Effect.flatMap(
    SqlClient.SqlClient,
    (sql) =>
      Effect.forEach(chunks(rows), (chunk) => sql`INSERT INTO ${sql(table)} ${sql.insert(chunk)}`, { discard: true })
  )

/** Inserts change rows, in chunks. */
export const insertChanges = (
  context: { readonly runId: number | null; readonly source: "sync" | "webhook"; readonly at: string },
  rows: ReadonlyArray<ChangeRow>
) =>
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
      old_value: jsonText(row.oldValue),
      new_value: jsonText(row.newValue)
    }))
  )

const sightingValue = (edge: string, tasks: Json | null): Json =>
  tasks === null ? { edge } : { edge, permitted_tasks: tasks }

/** What writing accounts did: the rows written and the changes to record. */
export interface AccountsWritten {
  readonly accountsWritten: number
  readonly phoneNumbersWritten: number
  readonly changes: ReadonlyArray<ChangeRow>
}

/**
 * Writes accounts read in full — each with all of its numbers, so a stored number missing from the read is
 * gone — where they differ from the store, and returns the changes that makes, for the caller to record
 * in its own transaction. `runId` is null for a webhook's re-read, and so is `businessId` when no business
 * is to be named.
 */
export const writeAccounts = (
  context: { readonly runId: number | null; readonly at: string; readonly businessId: string | null },
  accounts: ReadonlyArray<ReadAccount>
): Effect.Effect<AccountsWritten, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { at, businessId, runId } = context
    const changes: Array<ChangeRow> = []
    let accountsWritten = 0
    let phoneNumbersWritten = 0

    // Rows not stored yet, inserted together after the comparisons that need none of them.
    const newAccounts: Array<Row> = []
    const newNumbers: Array<Row> = []

    for (const batch of chunks(accounts)) {
      const ids = batch.map((account) => account.id)
      const stored = new Map(
        (yield* selectIn(ids, (chunk) =>
          sql<AccountRow>`SELECT id, data, removed_at FROM inventory_accounts WHERE ${sql.in("id", chunk)}`))
          .map((row) => [row.id, row])
      )
      const numberIds = batch.flatMap((account) =>
        account.phoneNumbers.map((number) => number.id)
      )
      const storedNumbers = new Map<string, NumberRow>()
      for (
        const row of [
          ...yield* selectIn(ids, (chunk) =>
            sql<NumberRow>`SELECT id, account_id, data, removed_at FROM inventory_phone_numbers
              WHERE ${sql.in("account_id", chunk)}`),
          // A number may have moved here from an account outside this batch.
          ...yield* selectIn(numberIds, (chunk) =>
            sql<NumberRow>`SELECT id, account_id, data, removed_at FROM inventory_phone_numbers
              WHERE ${sql.in("id", chunk)}`)
        ]
      ) {
        storedNumbers.set(row.id, row)
      }

      for (const account of batch) {
        const row = stored.get(account.id)
        const columns = {
          name: column(account.fields, "name"),
          status: column(account.fields, "status"),
          account_review_status: column(account.fields, "account_review_status"),
          data: encode(account.fields),
          updated_at: at,
          written_run_id: runId,
          removed_at: null
        }
        if (row === undefined) {
          newAccounts.push({ id: account.id, first_seen_at: at, ...columns })
          changes.push(added("account", account.id, account.id, businessId, account.fields))
          accountsWritten++
        } else {
          const before = decode(row.data) as Fields
          const fieldChanges = row.removed_at === null ? diff(before, account.fields) : []
          if (row.removed_at !== null || fieldChanges.length > 0) {
            yield* sql`UPDATE inventory_accounts SET ${sql.update(columns)} WHERE id = ${account.id}`
            accountsWritten++
            if (row.removed_at !== null) {
              changes.push(added("account", account.id, account.id, businessId, account.fields))
            }
            for (const change of fieldChanges) {
              changes.push({ entity: "account", entityId: account.id, accountId: account.id, businessId, ...change })
            }
          }
        }

        const readIds = new Set<string>()
        for (const number of account.phoneNumbers) {
          readIds.add(number.id)
          const existing = storedNumbers.get(number.id)
          const columns = {
            account_id: account.id,
            display_phone_number: column(number.fields, "display_phone_number"),
            verified_name: column(number.fields, "verified_name"),
            quality_rating: column(number.fields, "quality_rating"),
            messaging_limit_tier: column(number.fields, "messaging_limit_tier"),
            status: column(number.fields, "status"),
            data: encode(number.fields),
            updated_at: at,
            written_run_id: runId,
            removed_at: null
          }
          if (existing === undefined) {
            newNumbers.push({ id: number.id, first_seen_at: at, ...columns })
            changes.push(added("phone_number", number.id, account.id, businessId, number.fields))
            phoneNumbersWritten++
            continue
          }
          const revived = existing.removed_at !== null
          const fieldChanges = revived ? [] : diff(decode(existing.data) as Fields, number.fields)
          const moved = !revived && existing.account_id !== account.id
          if (!revived && !moved && fieldChanges.length === 0) {
            continue
          }
          yield* sql`UPDATE inventory_phone_numbers SET ${sql.update(columns)} WHERE id = ${number.id}`
          phoneNumbersWritten++
          if (revived) {
            changes.push(added("phone_number", number.id, account.id, businessId, number.fields))
          }
          if (moved) {
            changes.push({
              entity: "phone_number",
              entityId: number.id,
              accountId: account.id,
              businessId,
              field: "account_id",
              kind: "changed",
              oldValue: existing.account_id,
              newValue: account.id
            })
          }
          for (const change of fieldChanges) {
            changes.push({ entity: "phone_number", entityId: number.id, accountId: account.id, businessId, ...change })
          }
        }
        for (const existing of storedNumbers.values()) {
          if (existing.account_id !== account.id || existing.removed_at !== null || readIds.has(existing.id)) {
            continue
          }
          yield* sql`UPDATE inventory_phone_numbers SET removed_at = ${at}, updated_at = ${at}, written_run_id = ${runId}
            WHERE id = ${existing.id}`
          phoneNumbersWritten++
          changes.push(removed("phone_number", existing.id, account.id, businessId, decode(existing.data)))
        }
      }
      // Before the next batch looks up its numbers: one may have moved there from this one.
      yield* insertRows("inventory_accounts", newAccounts.splice(0))
      yield* insertRows("inventory_phone_numbers", newNumbers.splice(0))
    }

    return { accountsWritten, phoneNumbersWritten, changes }
  })

/**
 * Applies one business's read. Runs in a transaction of its own: a sync killed midway leaves every business
 * either applied whole or not at all.
 */
export const writeBusiness = (
  run: { readonly runId: number; readonly at: string },
  read: BusinessRead
): Effect.Effect<Written, SqlError, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const { at, runId } = run
    const businessId = read.businessId
    const written = yield* writeAccounts({ runId, at, businessId }, read.accounts)
    const changes: Array<ChangeRow> = [...written.changes]
    let accountsWritten = written.accountsWritten
    const phoneNumbersWritten = written.phoneNumbersWritten

    // Where the business sees its accounts.
    const storedSightings = new Map(
      (yield* sql<SightingRow>`SELECT account_id, edge, permitted_tasks, removed_at FROM inventory_sightings
        WHERE business_id = ${businessId}`).map((row) => [`${row.edge}/${row.account_id}`, row])
    )
    const seen = new Set<string>()
    const newSightings: Array<Row> = []
    for (const sighting of read.sightings) {
      const key = `${sighting.edge}/${sighting.accountId}`
      if (seen.has(key)) {
        continue
      }
      seen.add(key)
      const tasks = sighting.permittedTasks === undefined ? null : [...sighting.permittedTasks].sort()
      const existing = storedSightings.get(key)
      const value = sightingValue(sighting.edge, tasks)
      if (existing === undefined) {
        newSightings.push({
          account_id: sighting.accountId,
          business_id: businessId,
          edge: sighting.edge,
          permitted_tasks: tasks === null ? null : encode(tasks),
          first_seen_at: at,
          removed_at: null
        })
        changes.push(added("sighting", sighting.accountId, sighting.accountId, businessId, value))
      } else if (existing.removed_at !== null) {
        yield* sql`UPDATE inventory_sightings SET removed_at = NULL, permitted_tasks = ${
          tasks === null ? null : encode(tasks)
        }
          WHERE business_id = ${businessId} AND edge = ${sighting.edge} AND account_id = ${sighting.accountId}`
        changes.push(added("sighting", sighting.accountId, sighting.accountId, businessId, value))
      } else if (!equal(decode(existing.permitted_tasks), tasks)) {
        yield* sql`UPDATE inventory_sightings SET permitted_tasks = ${tasks === null ? null : encode(tasks)}
          WHERE business_id = ${businessId} AND edge = ${sighting.edge} AND account_id = ${sighting.accountId}`
        changes.push({
          entity: "sighting",
          entityId: sighting.accountId,
          accountId: sighting.accountId,
          businessId,
          field: "permitted_tasks",
          kind: "changed",
          oldValue: decode(existing.permitted_tasks),
          newValue: tasks
        })
      }
    }

    // Before an account's remaining sightings are counted below.
    yield* insertRows("inventory_sightings", newSightings)

    // Only a business read to the end shows what it no longer sees.
    if (read.complete) {
      const gone = [...storedSightings.entries()].filter(([key, row]) => row.removed_at === null && !seen.has(key))
      for (const [, row] of gone) {
        yield* sql`UPDATE inventory_sightings SET removed_at = ${at}
          WHERE business_id = ${businessId} AND edge = ${row.edge} AND account_id = ${row.account_id}`
        changes.push(
          removed(
            "sighting",
            row.account_id,
            row.account_id,
            businessId,
            sightingValue(row.edge, decode(row.permitted_tasks))
          )
        )
      }
      // An account is gone once no business sees it any more.
      for (
        const accountId of new Set(gone.map(([, row]) => row.account_id))
      ) {
        const [left] = yield* sql<{ readonly n: number | string }>`SELECT COUNT(*) AS n FROM inventory_sightings
          WHERE account_id = ${accountId} AND removed_at IS NULL`
        if (Number(left?.n ?? 0) > 0) {
          continue
        }
        const [account] = yield* sql<AccountRow>`SELECT id, data, removed_at FROM inventory_accounts
          WHERE id = ${accountId}`
        if (account === undefined || account.removed_at !== null) {
          continue
        }
        yield* sql`UPDATE inventory_accounts SET removed_at = ${at}, updated_at = ${at}, written_run_id = ${runId}
          WHERE id = ${accountId}`
        accountsWritten++
        changes.push(removed("account", accountId, accountId, businessId, decode(account.data)))
      }
    }

    // The business's own record: the outcome of this read, and its failures.
    const failure = read.failures[0]
    const business = {
      last_run_id: runId,
      last_status: read.complete ? "done" : "failed",
      last_error: failure === undefined
        ? null
        : encode({ edge: failure.edge, tag: failure.errorTag, message: failure.message }),
      last_read_at: at
    }
    const [known] = yield* sql<{ readonly id: string }>`SELECT id FROM inventory_businesses WHERE id = ${businessId}`
    if (known === undefined) {
      yield* sql`INSERT INTO inventory_businesses ${
        sql.insert({ id: businessId, ...business, last_completed_at: read.complete ? at : null })
      }`
    } else {
      yield* sql`UPDATE inventory_businesses SET ${
        sql.update(read.complete ? { ...business, last_completed_at: at } : business)
      } WHERE id = ${businessId}`
    }
    for (const failure of read.failures) {
      yield* sql`INSERT INTO inventory_sync_failures ${
        sql.insert({
          run_id: runId,
          business_id: businessId,
          edge: failure.edge,
          error_tag: failure.errorTag,
          message: failure.message,
          at
        })
      }`
    }
    yield* insertChanges({ runId, source: "sync", at }, changes)
    return { accountsWritten, phoneNumbersWritten, changes: changes.length }
  }).pipe((apply) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.withTransaction(apply)))

// A row's whole value appearing or going: one change with no field.
const whole = (kind: "added" | "removed") =>
(
  entity: Entity,
  entityId: string,
  accountId: string,
  businessId: string | null,
  value: Json
): ChangeRow => ({
  entity,
  entityId,
  accountId,
  businessId,
  field: null,
  kind,
  oldValue: kind === "removed" ? value ?? undefined : undefined,
  newValue: kind === "added" ? value : undefined
})

const added = whole("added")

const removed = whole("removed")
