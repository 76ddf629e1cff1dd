/**
 * The commands that read the inventory and nothing else: `waba inventory accounts`, `waba inventory
 * phone-numbers` and `waba changes`. Every value is checked before the store is opened, and the store is
 * opened before anything is written; the rows go out through `Listing`, in the formats of the Graph reads.
 *
 * `--filter` takes the syntax of `waba accounts` and `waba phone-numbers`, evaluated here on the stored rows
 * with the operator semantics the client uses on Graph's items.
 */
import type * as GraphEdge from "@effect-waba/graph-core/GraphEdge"
import * as GraphFilter from "@effect-waba/graph-core/GraphFilter"
import * as Inventory from "@effect-waba/inventory/Inventory"
import type * as SqlClient from "@effect/sql/SqlClient"
import type * as SqlError from "@effect/sql/SqlError"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as CommandError from "./CommandError.js"
import {
  type ChangesInput,
  defaultDb,
  type InventoryAccountsInput,
  type InventoryPhoneNumbersInput
} from "./CommandLine.js"
import * as Database from "./Database.js"
import * as FilterSyntax from "./FilterSyntax.js"
import * as Format from "./Format.js"
import * as Listing from "./Listing.js"
import * as Noun from "./Noun.js"
import { UsageError } from "./UsageError.js"

const idOf = (option: string, value: string | undefined, what: string) =>
  value === undefined || /^\d{1,32}$/.test(value.trim())
    ? Either.right(value?.trim())
    : Either.left(new UsageError({ message: `--${option} takes ${what} (digits); got "${value}".` }))

/**
 * A test of every `--filter` clause, on a stored row: every field is checked here (none is "sent"), and the
 * times the store keeps as ISO text are compared as the times they are.
 */
const matcher = <E extends GraphEdge.Any>(subject: FilterSyntax.Subject<E>, filters: ReadonlyArray<string>) =>
  Effect.map(CommandError.check(FilterSyntax.parse(subject, filters)), (clauses) => {
    const declarations: Record<string, GraphFilter.FieldDeclaration> = {}
    for (const [field, declaration] of Object.entries(subject.edge.filters as GraphFilter.Declarations)) {
      declarations[field] = { ...declaration, pushdown: [] }
    }
    const { local } = GraphFilter.plan(declarations, clauses)
    const times = Object.keys(declarations).filter((field) => declarations[field]!.kind === "time")
    return (row: Format.Row) => {
      const item: Record<string, unknown> = { ...row }
      for (const field of times) if (typeof item[field] === "string") item[field] = new Date(item[field] as string)
      return local.every((predicate) => predicate.test(item))
    }
  })

/** Opens the store the command names (it must exist), for the rest of the scope, as a `Listing` source. */
const source = (db: string | undefined) =>
  Effect.gen(function*() {
    const location = yield* CommandError.check(Database.parse(db ?? defaultDb))
    const store = Database.describe(location)
    const secrets = Database.secrets(location)
    const opened = yield* Effect.mapError(
      Database.open(location, { create: false }),
      (error) => CommandError.make(error, { store }, secrets)
    )
    return { client: Layer.succeedContext(opened), context: { store }, secrets, verbose: false }
  })

// What the store keeps of each row besides its fields.
const stamps = ["first_seen_at", "updated_at", "removed_at"]

const stamped = (row: Inventory.StoredAccount | Inventory.StoredPhoneNumber) =>
  Format.snakeCase({ firstSeenAt: row.firstSeenAt, updatedAt: row.updatedAt, removedAt: row.removedAt })

// A listing of the store's rows, matched by `--filter`; a table shows `table` (and when each was removed).
const listing = (
  input: InventoryAccountsInput | InventoryPhoneNumbersInput,
  noun: Noun.Noun,
  columns: { readonly table: ReadonlyArray<string>; readonly data: ReadonlyArray<string> },
  matches: (row: Format.Row) => boolean,
  rows: Effect.Effect<ReadonlyArray<Format.Row>, SqlError.SqlError, SqlClient.SqlClient>
) =>
  Effect.flatMap(source(input.db), (target) =>
    Listing.run({
      target,
      pages: Listing.onePage(Effect.map(rows, (rows) => rows.filter(matches))),
      rows: (page) => page.rows,
      format: input.format,
      columns: input.format === "table"
        ? [...columns.table, ...(input.includeRemoved ? ["removed_at"] : [])]
        : columns.data,
      noun
    }))

/** `waba inventory accounts`. */
export const accounts = (input: InventoryAccountsInput) =>
  Effect.gen(function*() {
    const business = yield* CommandError.check(idOf("business", input.business, "a business id"))
    const matches = yield* matcher(FilterSyntax.accounts, input.filter)
    const rows = Effect.map(
      Inventory.accounts({ includeRemoved: input.includeRemoved, businessId: business }),
      (accounts) =>
        accounts.map((account): Format.Row => ({
          id: account.id,
          ...account.fields,
          sources: account.sightings.map((sighting) => ({
            business_id: sighting.businessId,
            edge: sighting.edge,
            ...(sighting.permittedTasks === null ? {} : { permitted_tasks: sighting.permittedTasks })
          })),
          ...stamped(account)
        }))
    )
    yield* listing(
      input,
      Noun.accounts,
      {
        table: ["id", "name", "status", "account_review_status", "sources"],
        data: ["id", ...Inventory.defaultAccountFields, "sources", ...stamps]
      },
      matches,
      rows
    )
  }).pipe(Effect.scoped)

/** `waba inventory phone-numbers`. */
export const phoneNumbers = (input: InventoryPhoneNumbersInput) =>
  Effect.gen(function*() {
    const business = yield* CommandError.check(idOf("business", input.business, "a business id"))
    const account = yield* CommandError.check(idOf("account", input.account, "a WhatsApp Business Account id"))
    const matches = yield* matcher(FilterSyntax.phoneNumbers, input.filter)
    const rows = Effect.gen(function*() {
      const numbers = yield* Inventory.phoneNumbers({ includeRemoved: input.includeRemoved, accountId: account })
      const seen = business === undefined
        ? undefined
        : new Set((yield* Inventory.accounts({ includeRemoved: true, businessId: business })).map((a) => a.id))
      return numbers
        .filter((number) => seen === undefined || seen.has(number.accountId))
        .map((number): Format.Row => ({
          id: number.id,
          account_id: number.accountId,
          ...number.fields,
          ...stamped(number)
        }))
    })
    yield* listing(
      input,
      Noun.phoneNumbers,
      {
        table: [
          "id",
          "account_id",
          "display_phone_number",
          "verified_name",
          "quality_rating",
          "messaging_limit_tier",
          "status"
        ],
        data: ["id", "account_id", ...Inventory.defaultPhoneNumberFields, ...stamps]
      },
      matches,
      rows
    )
  }).pipe(Effect.scoped)

// `--since` and `--after` as `Inventory.changes` takes them.
const sinceOf = (input: ChangesInput): Either.Either<Inventory.Since | undefined, UsageError> => {
  const { after, since } = input
  if (after !== undefined && since !== undefined) {
    return Either.left(
      new UsageError({
        message: "--since and --after both say where to start; give one.",
        hint: "--after CHANGE_ID resumes after a change; --since RUN|TIME starts at a sync run or a time."
      })
    )
  }
  if (after !== undefined) {
    return /^\d{1,15}$/.test(after.trim())
      ? Either.right({ after: Number(after.trim()) })
      : Either.left(new UsageError({ message: `--after takes a change id (digits); got "${after}".` }))
  }
  if (since === undefined) return Either.right(undefined)
  if (/^\d{1,15}$/.test(since.trim())) return Either.right({ run: Number(since.trim()) })
  return Either.mapBoth(FilterSyntax.parseTime(since.trim()), {
    onLeft: (problem) =>
      new UsageError({
        message: `--since takes a sync run id or a time: ${problem}.`,
        hint: "waba sync prints each run's id (run_id); a day such as 2024-06-01 starts at its first second, UTC."
      }),
    onRight: (span) => ({ time: span.start })
  })
}

const changeColumns = {
  table: ["id", "at", "entity", "entity_id", "field", "kind", "old_value", "new_value"],
  data: [
    "id",
    "run_id",
    "source",
    "at",
    "entity",
    "entity_id",
    "account_id",
    "business_id",
    "field",
    "kind",
    "old_value",
    "new_value"
  ]
}

/** How often `--follow` looks for new changes. */
export const followEvery = "2 seconds"

/** `waba changes`. */
export const changes = (input: ChangesInput) =>
  Effect.gen(function*() {
    const since = yield* CommandError.check(sinceOf(input))
    if (input.follow && input.format === "table") {
      return yield* CommandError.make(
        new UsageError({
          message: "--follow writes each change as it is recorded; a table holds its first 100 rows back to size " +
            "its columns.",
          hint: "Use --format jsonl (or csv, or json) with --follow."
        })
      )
    }
    const target = yield* source(input.db)
    // The changes after the last one written: from `since` until one is, then after it.
    let last: number | undefined
    const read = Stream.suspend(() => Inventory.changes(last === undefined ? since : { after: last })).pipe(
      Stream.tap((change) => Effect.sync(() => void (last = change.id)))
    )
    const pages = (input.follow ? Stream.repeat(read, Schedule.spaced(followEvery)) : read).pipe(
      Stream.chunks,
      Stream.filter(Chunk.isNonEmpty),
      Stream.map((chunk) => {
        const rows = Chunk.toReadonlyArray(chunk).map(Format.snakeCase)
        return { nextAfter: String(rows.at(-1)!.id), rows }
      })
    )
    yield* Listing.run({
      target,
      pages,
      rows: (page) => page.rows,
      format: input.format,
      columns: input.format === "table" ? changeColumns.table : changeColumns.data,
      noun: { one: "change", many: "changes" },
      resume: (written) =>
        Effect.succeed(
          written.after === undefined
            ? undefined
            : `To continue where this stopped, run the same command with: --after ${written.after}${
              since === undefined || "after" in since ? "" : " (in place of --since)"
            }`
        )
    })
  }).pipe(Effect.scoped)
