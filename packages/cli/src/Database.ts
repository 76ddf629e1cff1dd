/**
 * Where the inventory is kept (`--db`): a SQLite file (`sqlite:PATH`, or a bare path) or a PostgreSQL
 * database (`postgres://…`), opened with its tables created or brought up to date before a command reads
 * or sends anything.
 *
 * PostgreSQL's driver is JavaScript and travels in the bundle. SQLite's, better-sqlite3, is a native module
 * built for one Node.js, which no single-file bundle can carry: the bundled CLI loads it from where waba is
 * installed (`npm install -g better-sqlite3@12` sits beside a global waba), and {@link SqliteDriverMissing}
 * says so, with that line, when it is not there.
 */
import * as Migrations from "@effect-waba/inventory/Migrations"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs"
import { UsageError } from "./UsageError.js"

/** better-sqlite3 could not be loaded: not installed beside waba, or built for another Node.js. */
export class SqliteDriverMissing extends Schema.TaggedError<SqliteDriverMissing>(
  "@effect-waba/cli/SqliteDriverMissing"
)("SqliteDriverMissing", { reason: Schema.String }) {}

export type Location =
  | { readonly _tag: "Sqlite"; readonly filename: string }
  | {
    readonly _tag: "Postgres"
    readonly url: Redacted.Redacted<string>
    /** The URL without its password, for messages. */
    readonly shown: string
    readonly password: Redacted.Redacted<string> | undefined
  }

const hint = "Give sqlite:PATH (a file, created by waba sync) or postgres://user@host:5432/database; the password " +
  "is best left to PGPASSWORD."

/**
 * `--db` read: `sqlite:PATH`, a bare path (SQLite too), or `postgres://` (`postgresql://`). Messages never
 * quote a PostgreSQL URL, which may hold a password.
 */
export const parse = (text: string): Either.Either<Location, UsageError> => {
  const value = text.trim()
  const refuse = (message: string) => Either.left(new UsageError({ message, hint }))
  if (value === "") return refuse("--db is empty.")
  const sqlite = /^sqlite:(.*)$/i.exec(value)
  if (sqlite !== null) {
    const filename = sqlite[1]!
    if (filename === "") return refuse("--db sqlite: names no file.")
    // `sqlite://waba.db` would be the file /waba.db at the root.
    if (filename.startsWith("//")) return refuse(`--db ${value}: write sqlite:PATH, without "//".`)
    return Either.right({ _tag: "Sqlite", filename })
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]
  // A drive letter (C:\waba.db) is a path.
  if (scheme === undefined || (scheme.length === 1 && /^[a-z]:[\\/]/i.test(value))) {
    return Either.right({ _tag: "Sqlite", filename: value })
  }
  if (!/^postgres(ql)?$/i.test(scheme)) {
    return refuse(`--db ${scheme.toLowerCase()}: is not a database waba can keep the inventory in.`)
  }
  const url = URL.canParse(value) ? new URL(value) : undefined
  if (url === undefined || !value.slice(scheme.length + 1).startsWith("//")) {
    return refuse("--db is not a PostgreSQL URL waba can read.")
  }
  const password = url.password === "" ? undefined : Redacted.make(decodeURIComponent(url.password))
  const user = url.username === "" ? "" : `${url.username}${password === undefined ? "" : ":<redacted>"}@`
  const shown = `${url.protocol}//${user}${url.host}${url.pathname}${url.search}`
  return Either.right({ _tag: "Postgres", url: Redacted.make(value), shown, password })
}

/** The location as messages show it: a PostgreSQL URL without its password. */
export const describe = (location: Location): string =>
  location._tag === "Sqlite" ? `sqlite:${location.filename}` : location.shown

/** The secrets a location holds, to scrub from anything printed. */
export const secrets = (location: Location): ReadonlyArray<Redacted.Redacted<string>> =>
  location._tag === "Sqlite"
    ? []
    : location.password === undefined
    ? [location.url]
    : [location.url, location.password]

// Importing the client loads better-sqlite3; opening the first connection loads its native part.
const sqliteClient = (filename: string) =>
  Effect.tryPromise({
    try: () => import("@effect/sql-sqlite-node/SqliteClient"),
    catch: (error) => new SqliteDriverMissing({ reason: error instanceof Error ? error.message : String(error) })
  }).pipe(Effect.map((SqliteClient) => SqliteClient.layer({ filename })))

// better-sqlite3 throws as it opens: SQLite's own errors (SQLITE_CANTOPEN, SQLITE_NOTADB, a missing
// directory) are about the file; anything else is about the driver.
const sqliteOpenError = (location: Location, defect: unknown) => {
  const message = defect instanceof Error ? defect.message : String(defect)
  const code = (defect as { readonly code?: unknown } | undefined)?.code
  return (typeof code === "string" && code.startsWith("SQLITE_")) || /directory does not exist/i.test(message)
    ? new UsageError({
      message: `--db ${describe(location)} cannot be opened: ${message}`,
      hint: "Name a SQLite file in a directory that exists and that you may write to."
    })
    : new SqliteDriverMissing({ reason: message })
}

const pgClient = (url: Redacted.Redacted<string>) =>
  Effect.map(Effect.promise(() => import("@effect/sql-pg/PgClient")), (PgClient) => PgClient.layer({ url }))

/**
 * Opens the store for the rest of the scope, its tables created or brought up to date. A SQLite file must
 * exist unless `create` (a typo must not leave an empty store behind for a read).
 */
export const open = (location: Location, options: { readonly create: boolean }) =>
  Effect.gen(function*() {
    if (location._tag === "Postgres") {
      return yield* Layer.build(Migrations.layer.pipe(Layer.provideMerge(yield* pgClient(location.url))))
    }
    if (!options.create && !Fs.existsSync(location.filename)) {
      return yield* new UsageError({
        message: `--db ${describe(location)}: there is no such file.`,
        hint: "waba sync --db sqlite:PATH creates the store; read it with the same --db."
      })
    }
    const client = yield* sqliteClient(location.filename)
    return yield* Layer.build(Migrations.layer.pipe(Layer.provideMerge(client))).pipe(
      Effect.catchAllDefect((defect) => Effect.fail(sqliteOpenError(location, defect)))
    )
  }).pipe(
    // The clients read no configuration when given their options.
    Effect.catchIf(ConfigError.isConfigError, Effect.die)
  )
