/**
 * One run of the inventory scenario in a fresh process, over the agency data set (`AgencyData.ts`), each
 * business read with its own token:
 *
 * - `fanout`: `ManagedAccounts.sightings` with the fields, expansion and concurrency `Inventory.sync` uses,
 *   each element counted and dropped: the read alone, the baseline of a sync.
 * - `sync`: `Inventory.sync` into a fresh store (a SQLite file, or a PostgreSQL database the scenario
 *   created), then, unless `once`, a second sync with nothing changed. Before the second, triggers are
 *   added that count every row inserted or updated in the inventory's tables, whatever statement did it:
 *   the store's own count of what the second sync wrote, independent of the figures the sync reports.
 *   The SQL statements of each sync are counted too.
 *
 *   node dist/InventoryChild.js '{"kind":"sync","store":"sqlite","database":"/tmp/…/inventory.db","url":"…","businesses":2000,"concurrency":32,"once":false}'
 *
 * Prints one line of JSON (`InventoryResult`).
 */
import { GraphClient, GraphConfig, GraphCredentials } from "@effect-waba/graph-core"
import { Inventory, Migrations } from "@effect-waba/inventory"
import { ManagedAccounts } from "@effect-waba/waba"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { performance } from "node:perf_hooks"
import { businessId, partnerToken, tokenOf } from "./AgencyData.js"
import { apiVersion } from "./Clients.js"

export type InventoryJob =
  | {
    readonly kind: "fanout"
    readonly url: string
    readonly businesses: number
    readonly concurrency: number
  }
  | {
    readonly kind: "sync"
    readonly store: "sqlite" | "postgres"
    /** A SQLite file, or a PostgreSQL URL. */
    readonly database: string
    readonly url: string
    readonly businesses: number
    readonly concurrency: number
    /** The first sync only (the memory runs). */
    readonly once: boolean
  }

/** Rows inserted or updated in each table, as the triggers counted them. */
export type RowWrites = Readonly<Record<(typeof countedTables)[number], number>>

export interface SyncFigures {
  readonly ms: number
  /** This process's CPU time (user + system) during the sync. */
  readonly cpuMs: number
  readonly status: string
  readonly businessesDone: number
  readonly businessesFailed: number
  /** As the sync reports them (`Run`). */
  readonly accountsWritten: number
  readonly phoneNumbersWritten: number
  readonly changes: number
  /** SQL statements the sync ran (`@effect/sql` spans each one as `sql.execute`). */
  readonly statements: number
}

export interface InventoryResult {
  /** The fan-out's, or the first sync's, wall time. */
  readonly ms: number
  /** Elements of the fan-out (accounts and further sightings); 0 for a sync. */
  readonly elements: number
  readonly first?: SyncFigures | undefined
  readonly second?: (SyncFigures & { readonly rowWrites: RowWrites }) | undefined
  /** Current accounts, phone numbers and sightings in the store after the runs. */
  readonly stored?: { readonly accounts: number; readonly phoneNumbers: number; readonly sightings: number } | undefined
  /** This process's CPU time during the fan-out, or the first sync. */
  readonly cpuMs: number
  readonly maxRssKiB: number
}

const countedTables = [
  "inventory_accounts",
  "inventory_phone_numbers",
  "inventory_sightings",
  "inventory_businesses",
  "inventory_changes"
] as const

const job = JSON.parse(process.argv[2] ?? "{}") as InventoryJob
const ids = Array.from({ length: job.businesses }, (_, i) => businessId(i))

const GraphLive = GraphClient.layer.pipe(
  Layer.provideMerge(GraphCredentials.layer(Object.fromEntries(ids.map((id) => [id, tokenOf(id)])))),
  Layer.provide(GraphConfig.layer({ accessToken: partnerToken, baseUrl: job.url, apiVersion })),
  Layer.provide(FetchHttpClient.layer)
)

const storeLayer = (store: "sqlite" | "postgres", database: string): Layer.Layer<SqlClient.SqlClient, unknown> => {
  const client: Layer.Layer<SqlClient.SqlClient, unknown> = store === "sqlite"
    ? SqliteClient.layer({ filename: database })
    : PgClient.layer({ url: Redacted.make(database), maxConnections: 4 })
  return Migrations.layer.pipe(Layer.provideMerge(client))
}

// Every row an INSERT or UPDATE touches, counted by the database: a no-op UPDATE counts too.
const addCounters = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  yield* sql`CREATE TABLE bench_row_writes (tbl TEXT PRIMARY KEY, n INTEGER NOT NULL)`
  for (const table of countedTables) {
    yield* sql`INSERT INTO bench_row_writes ${sql.insert({ tbl: table, n: 0 })}`
  }
  yield* sql.onDialectOrElse({
    pg: () =>
      sql.unsafe(`CREATE FUNCTION bench_count_write() RETURNS trigger AS $$
        BEGIN UPDATE bench_row_writes SET n = n + 1 WHERE tbl = TG_TABLE_NAME; RETURN NULL; END
        $$ LANGUAGE plpgsql`),
    orElse: () => Effect.void
  })
  for (const table of countedTables) {
    for (const event of ["INSERT", "UPDATE"]) {
      const name = `bench_${table}_${event.toLowerCase()}`
      yield* sql.onDialectOrElse({
        pg: () =>
          sql.unsafe(
            `CREATE TRIGGER ${name} AFTER ${event} ON ${table} FOR EACH ROW EXECUTE FUNCTION bench_count_write()`
          ),
        orElse: () =>
          sql.unsafe(`CREATE TRIGGER ${name} AFTER ${event} ON ${table} FOR EACH ROW
            BEGIN UPDATE bench_row_writes SET n = n + 1 WHERE tbl = '${table}'; END`)
      })
    }
  }
})

const rowWrites = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(
    sql<{ readonly tbl: string; readonly n: number | string }>`SELECT tbl, n FROM bench_row_writes`,
    (rows) => Object.fromEntries(rows.map((row) => [row.tbl, Number(row.n)])) as RowWrites
  ))

const stored = Effect.flatMap(SqlClient.SqlClient, (sql) =>
  Effect.map(
    Effect.all([
      sql<{ readonly n: number | string }>`SELECT COUNT(*) AS n FROM inventory_accounts WHERE removed_at IS NULL`,
      sql<{ readonly n: number | string }>`SELECT COUNT(*) AS n FROM inventory_phone_numbers WHERE removed_at IS NULL`,
      sql<{ readonly n: number | string }>`SELECT COUNT(*) AS n FROM inventory_sightings WHERE removed_at IS NULL`
    ]),
    ([[accounts], [numbers], [sightings]]) => ({
      accounts: Number(accounts?.n ?? 0),
      phoneNumbers: Number(numbers?.n ?? 0),
      sightings: Number(sightings?.n ?? 0)
    })
  ))

// Counts the statements an effect runs, by the span `@effect/sql` opens for each.
const countingStatements = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.tracer, (native) => {
    let statements = 0
    const tracer = Tracer.make({
      span: (name, ...rest) => {
        if (name === "sql.execute") statements++
        return native.span(name, ...rest)
      },
      context: native.context
    })
    return Effect.map(Effect.withTracer(effect, tracer), (value) => [value, statements] as const)
  })

const cpuSince = (start: NodeJS.CpuUsage) => {
  const { system, user } = process.cpuUsage(start)
  return (user + system) / 1000
}

const timedSync = Effect.gen(function*() {
  const cpu = process.cpuUsage()
  const start = performance.now()
  const [run, statements] = yield* countingStatements(Inventory.sync(ids, { concurrency: job.concurrency }))
  const figures: SyncFigures = {
    ms: performance.now() - start,
    cpuMs: cpuSince(cpu),
    status: run.status,
    businessesDone: run.businessesDone,
    businessesFailed: run.businessesFailed,
    accountsWritten: run.accountsWritten,
    phoneNumbersWritten: run.phoneNumbersWritten,
    changes: run.changes,
    statements
  }
  return figures
})

const fanout = async (): Promise<Omit<InventoryResult, "maxRssKiB">> => {
  const runtime = ManagedRuntime.make(GraphLive)
  // Built before the clock starts, as a service would have it built before a job.
  await runtime.runtime()
  let elements = 0
  const cpu = process.cpuUsage()
  const start = performance.now()
  await runtime.runPromise(
    ManagedAccounts.sightings(ids, {
      fields: [...Inventory.defaultAccountFields],
      expand: { phone_numbers: { fields: [...Inventory.defaultPhoneNumberFields] } },
      concurrency: job.concurrency
    }).pipe(Stream.runForEach((element) =>
      Effect.sync(() => {
        if (element._tag === "Account" || element._tag === "SeenAgain") elements++
        else if (element._tag === "Failure") throw new Error(`fan-out failure: ${element.error.message}`)
      })
    ))
  )
  return { ms: performance.now() - start, cpuMs: cpuSince(cpu), elements }
}

const sync = async (
  store: "sqlite" | "postgres",
  database: string,
  once: boolean
): Promise<Omit<InventoryResult, "maxRssKiB">> => {
  const runtime = ManagedRuntime.make(Layer.merge(GraphLive, storeLayer(store, database)))
  await runtime.runtime()
  const result = await runtime.runPromise(Effect.gen(function*() {
    const first = yield* timedSync
    if (once) return { ms: first.ms, cpuMs: first.cpuMs, elements: 0, first }
    yield* addCounters
    const secondSync = yield* timedSync
    const second = { ...secondSync, rowWrites: yield* rowWrites }
    return { ms: first.ms, cpuMs: first.cpuMs, elements: 0, first, second, stored: yield* stored }
  }))
  await runtime.dispose()
  return result
}

const measured = await (job.kind === "fanout" ? fanout() : sync(job.store, job.database, job.once))
const result: InventoryResult = { ...measured, maxRssKiB: process.resourceUsage().maxRSS }
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
