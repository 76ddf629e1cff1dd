// The stores the inventory commands are tested on: a SQLite file in a new temporary folder, and a database
// of its own on the PostgreSQL server of PG_URL (`.ci/run` sets it; without it those cases are skipped),
// dropped at the end of the scope.
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"

export const pgUrl = process.env.PG_URL

/** A new folder, removed at the end of the scope. */
export const temporaryFolder = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "waba-inventory-"))),
  (folder) => Effect.sync(() => Fs.rmSync(folder, { recursive: true, force: true }))
)

/** `--db` for a SQLite file that does not exist yet. */
export const sqliteDb = Effect.map(temporaryFolder, (folder) => `sqlite:${Path.join(folder, "waba.db")}`)

let created = 0

/** `--db` for a new, empty PostgreSQL database on PG_URL's server. */
export const postgresDb = Effect.gen(function*() {
  const name = `waba_cli_test_${process.pid}_${++created}_${Math.random().toString(36).slice(2, 8)}`
  const admin = yield* Effect.map(
    Layer.build(PgClient.layer({ url: Redacted.make(pgUrl!), maxConnections: 1 })),
    Context.get(SqlClient.SqlClient)
  )
  yield* admin.unsafe(`CREATE DATABASE ${name}`)
  yield* Effect.addFinalizer(() => Effect.ignore(admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)))
  const url = new URL(pgUrl!)
  url.pathname = `/${name}`
  return url.toString()
})
