// The databases every store test runs on: SQLite in memory, and a real PostgreSQL (PG_URL; `.ci/run`
// always sets it, a local run without it skips those cases). Each test gets an empty, migrated store.
import { Migrations } from "@effect-waba/inventory"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"

export const pgUrl = process.env.PG_URL

export interface Store {
  readonly name: "sqlite" | "postgres"
  /** True when this database is not available here (PostgreSQL without PG_URL). */
  readonly skip: boolean
  /** A fresh, empty store with the tables created. */
  readonly layer: () => Layer.Layer<SqlClient.SqlClient, unknown>
}

let databases = 0

const sqlite: Store = {
  name: "sqlite",
  skip: false,
  layer: () => Migrations.layer.pipe(Layer.provideMerge(SqliteClient.layer({ filename: ":memory:" })))
}

// A database of its own per test, dropped afterwards: test files run in parallel against one server.
const postgres = (url: string | undefined): Store => ({
  name: "postgres",
  skip: url === undefined,
  layer: () =>
    Layer.unwrapScoped(Effect.gen(function*() {
      const name = `inventory_test_${process.pid}_${++databases}_${Math.random().toString(36).slice(2, 8)}`
      const admin = yield* Effect.map(
        Layer.build(PgClient.layer({ url: Redacted.make(url!), maxConnections: 1 })),
        Context.get(SqlClient.SqlClient)
      )
      yield* admin.unsafe(`CREATE DATABASE ${name}`)
      yield* Effect.addFinalizer(() => Effect.ignore(admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)))
      const target = new URL(url!)
      target.pathname = `/${name}`
      return Migrations.layer.pipe(
        Layer.provideMerge(PgClient.layer({ url: Redacted.make(target.toString()), maxConnections: 4 }))
      )
    }))
})

export const stores: ReadonlyArray<Store> = [sqlite, postgres(pgUrl)]

/** Counts the rows of a table. */
export const count = (table: string, where = "") =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql.unsafe<{ readonly n: number | string }>(
        `SELECT COUNT(*) AS n FROM ${table}${where === "" ? "" : ` WHERE ${where}`}`
      ),
      ([row]) => Number(row?.n ?? 0)
    ))
