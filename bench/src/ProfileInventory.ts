/**
 * One inventory run under the profiler: the emulator (the agency data set, with latency) in this process,
 * the run in a child started with `--cpu-prof`, its profile written to `bench/.results/profiles/`.
 *
 *   node dist/ProfileInventory.js <fanout|sqlite|postgres> [businesses=500] [latencyMs=100] [concurrency=32]
 *
 * `postgres` needs `PG_URL`; the database it creates is dropped afterwards. Prints the run's result.
 */
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { businessId, partnerToken, tokenOf } from "./AgencyData.js"
import type { InventoryJob } from "./InventoryChild.js"

const [kind = "sqlite", businessesArg = "500", latencyArg = "100", concurrencyArg = "32"] = process.argv.slice(2)
if (kind !== "fanout" && kind !== "sqlite" && kind !== "postgres") throw new Error(`unknown run ${kind}`)
const businesses = Number(businessesArg)
const concurrency = Number(concurrencyArg)
const ids = Array.from({ length: businesses }, (_, i) => businessId(i))
const profiles = fileURLToPath(new URL("../.results/profiles", import.meta.url))
const childScript = fileURLToPath(new URL("InventoryChild.js", import.meta.url))

const admin = (url: string, statement: string) =>
  Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 }))
    )
  )

const emulator = await startEmulator({
  host: "127.0.0.1",
  seed: "effect-waba-bench-inventory",
  businesses: ids.map((id) => ({ id, accounts: 20, clientAccounts: 5, phoneNumbers: 3 })),
  tokens: [{ token: partnerToken }, ...ids.map((id) => ({ token: tokenOf(id), businesses: [id] }))],
  rateLimit: false,
  requestLogLimit: 16,
  faults: [{ kind: "latency", ms: Number(latencyArg), when: { rate: 1 } }]
})
const directory = fs.mkdtempSync(path.join(os.tmpdir(), "effect-waba-inventory-profile-"))
const pgName = `inventory_profile_${process.pid}`
const pgUrl = process.env.PG_URL
try {
  let database = path.join(directory, "inventory.db")
  if (kind === "postgres") {
    if (pgUrl === undefined) throw new Error("postgres needs PG_URL")
    await admin(pgUrl, `CREATE DATABASE ${pgName}`)
    const url = new URL(pgUrl)
    url.pathname = `/${pgName}`
    database = url.toString()
  }
  const job: InventoryJob = kind === "fanout"
    ? { kind, url: emulator.url, businesses, concurrency }
    : { kind: "sync", store: kind, database, url: emulator.url, businesses, concurrency, once: false }
  fs.mkdirSync(profiles, { recursive: true })
  // Not execFileSync: the emulator answers from this process's event loop.
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ["--cpu-prof", `--cpu-prof-dir=${profiles}`, childScript, JSON.stringify(job)],
      { encoding: "utf8", maxBuffer: 1 << 20 },
      (error, stdout) => error === null ? resolve(stdout) : reject(error)
    )
  )
  console.log(output.trim())
  console.log(`profile written to ${profiles}`)
} finally {
  if (kind === "postgres" && pgUrl !== undefined) await admin(pgUrl, `DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`)
  fs.rmSync(directory, { recursive: true, force: true })
  await emulator.stop()
}
