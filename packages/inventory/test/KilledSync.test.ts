import { Testing } from "@effect-waba/emulator"
import { Emulator } from "@effect-waba/emulator"
import { Inventory, Migrations } from "@effect-waba/inventory"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { killedSyncEmulator } from "./fixtures/killedSync.js"
import { count, pgUrl } from "./utils/stores.js"

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const workerScript = path.join(packageDir, "test", "fixtures", "sync-worker.ts")
const businesses = killedSyncEmulator.businesses.length

// Starts the worker on `target`, waits until some businesses (not all) are applied, then SIGKILLs it.
const killMidway = (target: string, store: Layer.Layer<SqlClient.SqlClient, unknown>) =>
  Effect.gen(function*() {
    const child = spawn(process.execPath, ["--conditions=@effect-waba/source", "--import", "tsx", workerScript], {
      cwd: packageDir,
      env: { ...process.env, INVENTORY_DB: target },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk) => (output += String(chunk)))
    child.stderr.on("data", (chunk) => (output += String(chunk)))
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.on("exit", (code, signal) => resolve(signal ?? code))
    )
    yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))
    const applied = count("inventory_businesses").pipe(
      Effect.catchAll(() => Effect.succeed(0)),
      Effect.provide(store)
    )
    yield* applied.pipe(
      Effect.filterOrFail((n) => n >= 3, () => new Error(`worker not far enough yet: ${output}`)),
      Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo("60 seconds")))
    )
    child.kill("SIGKILL")
    const ended = yield* Effect.promise(() => exited)
    expect(ended).toBe("SIGKILL")
    return yield* applied
  }).pipe(Effect.scoped)

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toArray)

const cases: ReadonlyArray<{
  readonly name: string
  readonly skip: boolean
  readonly target: () => {
    readonly url: string
    readonly layer: Layer.Layer<SqlClient.SqlClient, unknown>
    readonly cleanup?: () => void
  }
}> = [
  {
    name: "sqlite",
    skip: false,
    target: () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "inventory-killed-"))
      const file = path.join(dir, "waba.db")
      return {
        url: file,
        layer: SqliteClient.layer({ filename: file }),
        cleanup: () => fs.rmSync(dir, { recursive: true, force: true })
      }
    }
  },
  {
    name: "postgres",
    skip: pgUrl === undefined,
    target: () => ({ url: pgUrl!, layer: PgClient.layer({ url: Redacted.make(pgUrl!) }) })
  }
]

for (const store of cases) {
  describe.skipIf(store.skip)(`a sync killed with SIGKILL on ${store.name}`, () => {
    it.live(
      "leaves every business applied whole or not at all; the next sync completes it, no change twice",
      () =>
        Effect.gen(function*() {
          const { cleanup, layer, url } = store.target()
          if (cleanup !== undefined) yield* Effect.addFinalizer(() => Effect.sync(cleanup))
          const migrated = Migrations.layer.pipe(Layer.provideMerge(layer))
          // PostgreSQL: the worker and this test share the server's default database, emptied first.
          yield* Effect.gen(function*() {
            const sql = yield* SqlClient.SqlClient
            for (
              const table of [
                "inventory_migrations",
                "inventory_sync_runs",
                "inventory_businesses",
                "inventory_sync_failures",
                "inventory_accounts",
                "inventory_sightings",
                "inventory_phone_numbers",
                "inventory_changes",
                "inventory_webhook_deliveries"
              ]
            ) yield* sql.unsafe(`DROP TABLE IF EXISTS ${table}`)
          }).pipe(Effect.provide(layer))

          const appliedBeforeKill = yield* killMidway(url, layer)
          expect(appliedBeforeKill).toBeGreaterThanOrEqual(3)
          expect(appliedBeforeKill).toBeLessThan(businesses)

          yield* Effect.gen(function*() {
            const emulator = yield* Emulator.Emulator
            // Each applied business is whole: every sighting it has in Graph is stored, with its account.
            const sql = yield* SqlClient.SqlClient
            const done = (yield* sql<{ id: string }>`SELECT id FROM inventory_businesses`).map((row) => row.id)
            for (const businessId of done) {
              const want = [
                ...(yield* emulator.accounts(businessId)).map((a) => `owned/${a.id}`),
                ...(yield* emulator.clientAccounts(businessId)).map((a) => `client/${a.id}`)
              ].sort()
              const got = (yield* sql<{ edge: string; account_id: string }>`SELECT edge, account_id
              FROM inventory_sightings WHERE business_id = ${businessId}`).map((r) => `${r.edge}/${r.account_id}`)
              expect(got.sort()).toEqual(want)
            }
            expect(
              yield* count(
                "inventory_sightings s",
                "NOT EXISTS (SELECT 1 FROM inventory_accounts a WHERE a.id = s.account_id)"
              )
            )
              .toBe(0)

            const resumed = yield* Inventory.sync([...emulator.businessIds])
            expect(resumed.status).toBe("completed")
            const runs = yield* Inventory.runs()
            expect(runs.map((run) => run.status)).toEqual(["completed", "interrupted"])

            // Both runs together recorded each thing once, as added: nothing was removed or changed by the kill.
            const changes = yield* collect(Inventory.changes())
            expect(changes.every((change) => change.kind === "added")).toBe(true)
            // A sighting is a business, an edge and an account (an account may be owned by and shared with one business).
            const keys = changes.map((c) =>
              `${c.entity}/${c.businessId ?? ""}/${(c.newValue as { edge?: string } | null)?.edge ?? ""}/${c.entityId}`
            )
            const accounts = new Set<string>()
            let numbers = 0
            let sightings = 0
            for (const businessId of emulator.businessIds) {
              const managed = [
                ...(yield* emulator.accounts(businessId)),
                ...(yield* emulator.clientAccounts(businessId))
              ]
              sightings += managed.length
              for (const account of managed) {
                if (accounts.has(account.id)) continue
                accounts.add(account.id)
                numbers += (yield* emulator.phoneNumbers(account.id)).length
              }
            }
            expect(changes.filter((c) => c.entity === "account")).toHaveLength(accounts.size)
            expect(changes.filter((c) => c.entity === "phone_number")).toHaveLength(numbers)
            expect(changes.filter((c) => c.entity === "sighting")).toHaveLength(sightings)
            expect(new Set(keys.filter((k) => !k.startsWith("account/") && !k.startsWith("phone_number/"))).size)
              .toBe(sightings)
            expect((yield* Inventory.accounts()).map((a) => a.id).sort()).toEqual([...accounts].sort())

            // And a further sync finds nothing to do.
            const again = yield* Inventory.sync([...emulator.businessIds])
            expect(again).toMatchObject({ accountsWritten: 0, phoneNumbersWritten: 0, changes: 0 })
          }).pipe(Effect.provide(Layer.merge(migrated, Testing.inProcess(killedSyncEmulator))))
        }).pipe(Effect.scoped),
      { timeout: 120_000 }
    )
  })
}
