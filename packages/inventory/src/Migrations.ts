/**
 * The inventory's tables, created and upgraded by `@effect/sql`'s migrator. The SQL is the subset SQLite
 * and PostgreSQL share: text, integers, no JSON or time types (values are JSON text, times ISO 8601 text,
 * which sorts as it reads). Only the changes' and runs' ever-growing ids differ between the two.
 *
 * - `inventory_businesses`: each business synced, the outcome of its last read.
 * - `inventory_accounts` and `inventory_phone_numbers`: the last state read, every field as JSON in
 *   `data` and the ones worth filtering on as columns; a removed row keeps its data and gets `removed_at`.
 * - `inventory_sightings`: where each account is seen — business, edge (`owned` or `client`), and for a
 *   shared account the tasks the business may perform.
 * - `inventory_sync_runs`, `inventory_sync_failures`: every sync, and every failed read in it.
 * - `inventory_changes`: what changed, field by field, by a sync or a webhook delivery.
 * - `inventory_webhook_deliveries`: the deliveries applied, so that a replay is applied once.
 *
 * @since 0.1.0
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * The table the migrator keeps its own records in.
 *
 * @since 0.1.0
 * @category constants
 */
export const table = "inventory_migrations"

const init = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  // The one column type the two dialects spell differently: an id the database counts up.
  const serial = sql.onDialectOrElse({
    pg: () => sql.unsafe("BIGSERIAL PRIMARY KEY"),
    orElse: () => sql.unsafe("INTEGER PRIMARY KEY AUTOINCREMENT")
  })
  yield* sql`CREATE TABLE inventory_sync_runs (
    id ${serial},
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    businesses INTEGER NOT NULL,
    businesses_done INTEGER NOT NULL DEFAULT 0,
    businesses_failed INTEGER NOT NULL DEFAULT 0,
    accounts_written INTEGER NOT NULL DEFAULT 0,
    phone_numbers_written INTEGER NOT NULL DEFAULT 0,
    changes INTEGER NOT NULL DEFAULT 0,
    changes_after INTEGER NOT NULL DEFAULT 0
  )`
  yield* sql`CREATE TABLE inventory_businesses (
    id TEXT PRIMARY KEY,
    last_run_id INTEGER NOT NULL,
    last_status TEXT NOT NULL,
    last_error TEXT,
    last_read_at TEXT NOT NULL,
    last_completed_at TEXT
  )`
  yield* sql`CREATE TABLE inventory_sync_failures (
    run_id INTEGER NOT NULL,
    business_id TEXT NOT NULL,
    edge TEXT NOT NULL,
    error_tag TEXT NOT NULL,
    message TEXT NOT NULL,
    at TEXT NOT NULL
  )`
  yield* sql`CREATE INDEX inventory_sync_failures_run ON inventory_sync_failures (run_id)`
  yield* sql`CREATE TABLE inventory_accounts (
    id TEXT PRIMARY KEY,
    name TEXT,
    status TEXT,
    account_review_status TEXT,
    data TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    written_run_id INTEGER,
    removed_at TEXT
  )`
  yield* sql`CREATE TABLE inventory_sightings (
    account_id TEXT NOT NULL,
    business_id TEXT NOT NULL,
    edge TEXT NOT NULL,
    permitted_tasks TEXT,
    first_seen_at TEXT NOT NULL,
    removed_at TEXT,
    PRIMARY KEY (business_id, edge, account_id)
  )`
  yield* sql`CREATE INDEX inventory_sightings_account ON inventory_sightings (account_id)`
  yield* sql`CREATE TABLE inventory_phone_numbers (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    display_phone_number TEXT,
    verified_name TEXT,
    quality_rating TEXT,
    messaging_limit_tier TEXT,
    status TEXT,
    data TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    written_run_id INTEGER,
    removed_at TEXT
  )`
  yield* sql`CREATE INDEX inventory_phone_numbers_account ON inventory_phone_numbers (account_id)`
  yield* sql`CREATE TABLE inventory_changes (
    id ${serial},
    run_id INTEGER,
    source TEXT NOT NULL,
    at TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    account_id TEXT,
    business_id TEXT,
    field TEXT,
    kind TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
  )`
  yield* sql`CREATE INDEX inventory_changes_run ON inventory_changes (run_id, id)`
  yield* sql`CREATE INDEX inventory_changes_at ON inventory_changes (at, id)`
  yield* sql`CREATE TABLE inventory_webhook_deliveries (
    key TEXT PRIMARY KEY,
    received_at TEXT NOT NULL
  )`
})

/**
 * Creates the tables, or brings them up to date; safe to run at every start.
 *
 * @since 0.1.0
 * @category migrations
 */
export const run: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  Migrator.MigrationError | SqlError,
  SqlClient.SqlClient
> = Migrator.make({})({ loader: Migrator.fromRecord({ "1_init": init }), table })

/**
 * {@link run} as a layer: add it to the layer of your `SqlClient` to use the inventory.
 *
 * @since 0.1.0
 * @category migrations
 */
export const layer: Layer.Layer<never, Migrator.MigrationError | SqlError, SqlClient.SqlClient> = Layer.effectDiscard(
  run
)
