/**
 * The inventory (issue 26): `Inventory.sync` of the agency data set into SQLite and PostgreSQL against the
 * fan-out alone, a second sync with nothing changed, peak RSS at two sizes, and webhook deliveries applied
 * per second against the same HTTP server applying nothing. The emulator runs in this process on loopback;
 * every client run and every webhook server is a fresh child process.
 *
 * Knobs: `BENCH_INVENTORY_BUSINESSES` (default 2000; quick 200), `BENCH_INVENTORY_MEMORY` (the two sizes of
 * the memory comparison, default `2000,20000`; quick `200,2000`), `BENCH_INVENTORY_LATENCY_MS` (default
 * 100), `BENCH_INVENTORY_CONCURRENCY` (default 32), `BENCH_INVENTORY_DELIVERIES` (default 5000; quick 1000),
 * `BENCH_INVENTORY_ROUNDS` (default 3; quick 1).
 * The PostgreSQL runs need `PG_URL` (a server on which databases may be created; each run's is dropped).
 */
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import { Webhooks } from "@effect-waba/inventory"
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as SqlClient from "@effect/sql/SqlClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { execFile, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { performance } from "node:perf_hooks"
import * as readline from "node:readline"
import { fileURLToPath } from "node:url"
import { businessId, integer, owned, partnerToken, phones, shared, tokenOf } from "../AgencyData.js"
import { processCpuMs } from "../Harness.js"
import type { InventoryJob, InventoryResult } from "../InventoryChild.js"
import { count, ms, range, ratio, type Section, type Target } from "../Report.js"
import { pairedRatios, summarize } from "../Stats.js"
import type { WebhookServerExit, WebhookServerInfo, WebhookServerJob } from "../WebhookServerChild.js"
import type { ScenarioContext } from "./Context.js"

const childScript = fileURLToPath(new URL("../InventoryChild.js", import.meta.url))
const serverScript = fileURLToPath(new URL("../WebhookServerChild.js", import.meta.url))

// The issue's figures to reach.
const maxSqliteRatio = 1.2
const maxPostgresRatio = 1.3
const maxRssGrowth = 1.3
const minDeliveriesPerSecond = 1000

// Deliveries in flight at once, as Meta's senders and a load balancer in front would have them.
const deliveryConcurrency = 16
// Deliveries sent to a fresh server before the timed ones, so that its code is compiled.
const warmupDeliveries = 200
const appSecret = "bench-app-secret"

const runChild = (job: InventoryJob): Promise<InventoryResult> =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, [childScript, JSON.stringify(job)], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`inventory child failed: ${stderr}`, { cause: error }))
      // The client logs its retries on stdout too: the result is the last line.
      resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as InventoryResult)
    })
  })

const mib = (kib: number) => (kib / 1024).toFixed(1)

const postgresAdmin = (url: string, statement: string) =>
  Effect.runPromise(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(statement)).pipe(
      Effect.provide(PgClient.layer({ url: Redacted.make(url), maxConnections: 1 }))
    )
  )

// -----------------------------------------------------------------------------
// webhooks
// -----------------------------------------------------------------------------

interface Delivery {
  readonly body: string
  readonly signature: string
}

interface Targets {
  readonly accounts: ReadonlyArray<string>
  readonly numbers: ReadonlyArray<{ readonly accountId: string; readonly display: string }>
}

const readSqlite = <A>(file: string, query: Effect.Effect<A, unknown, SqlClient.SqlClient>): Promise<A> =>
  Effect.runPromise(Effect.provide(query, SqliteClient.layer({ filename: file, readonly: true })))

// Accounts and numbers of a synced store for the deliveries to be about.
const targetsOf = (file: string): Promise<Targets> =>
  readSqlite(
    file,
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const numbers = yield* sql<{ account_id: string; display_phone_number: string }>`SELECT account_id,
        display_phone_number FROM inventory_phone_numbers
        WHERE removed_at IS NULL AND display_phone_number IS NOT NULL ORDER BY id LIMIT 5000`
      const accounts = yield* sql<{ id: string }>`SELECT id FROM inventory_accounts WHERE removed_at IS NULL
        ORDER BY id LIMIT 5000`
      return {
        accounts: accounts.map((row) => row.id),
        numbers: numbers.map((row) => ({ accountId: row.account_id, display: row.display_phone_number }))
      }
    })
  )

// A mix of the five fields the inventory knows, each delivery distinct (Meta's `time` differs), so that
// none is a replay: three of them update a stored account or number, two are recorded as events.
const deliveriesOf = async (targets: Targets, n: number, round: string): Promise<ReadonlyArray<Delivery>> => {
  const secret = Redacted.make(appSecret)
  const out: Array<Delivery> = []
  for (let i = 0; i < n; i++) {
    const number = targets.numbers[i % targets.numbers.length]!
    const account = targets.accounts[i % targets.accounts.length]!
    const kind = i % 5
    const [wabaId, field, value] = kind === 0
      ? [account, "account_review_update", { decision: i % 2 === 0 ? "APPROVED" : "REJECTED" }]
      : kind === 1
      ? [number.accountId, "phone_number_quality_update", {
        display_phone_number: number.display,
        event: i % 2 === 0 ? "UPGRADE" : "DOWNGRADE",
        current_limit: i % 2 === 0 ? "TIER_10K" : "TIER_1K"
      }]
      : kind === 2
      ? [number.accountId, "phone_number_name_update", {
        display_phone_number: number.display,
        decision: "APPROVED",
        requested_verified_name: `Bench ${round} ${i}`
      }]
      : kind === 3
      ? [account, "account_update", { event: "VERIFIED_ACCOUNT" }]
      : [account, "business_capability_update", { max_daily_conversations_per_business: 1000 + i }]
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [{ id: wabaId, time: 1_765_000_000 + i, changes: [{ field, value: { ...value, bench_round: round } }] }]
    })
    out.push({ body, signature: await Effect.runPromise(Webhooks.signature(body, secret)) })
  }
  return out
}

const startWebhookServer = (job: WebhookServerJob) =>
  new Promise<{ info: WebhookServerInfo; stop: () => Promise<WebhookServerExit> }>((resolve, reject) => {
    const child = spawn(process.execPath, [serverScript, JSON.stringify(job)], { stdio: ["pipe", "pipe", "inherit"] })
    const lines = readline.createInterface({ input: child.stdout })
    const waiting: Array<(line: string) => void> = []
    lines.on("line", (line) => waiting.shift()?.(line))
    const next = () => new Promise<string>((r) => waiting.push(r))
    child.on("error", reject)
    child.on("exit", (code) => code !== 0 && reject(new Error(`webhook server exited with ${code}`)))
    void next().then((line) => {
      resolve({
        info: JSON.parse(line) as WebhookServerInfo,
        stop: () => {
          const exit = next()
          child.stdin.end()
          return exit.then((l) => JSON.parse(l) as WebhookServerExit)
        }
      })
    })
  })

// POSTs the deliveries, `deliveryConcurrency` at a time; every one must be answered 200 and applied.
const post = async (url: string, deliveries: ReadonlyArray<Delivery>, expectBody: string | undefined) => {
  let next = 0
  const worker = async () => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++]!
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-hub-signature-256": delivery.signature },
        body: delivery.body
      })
      const text = await response.text()
      if (response.status !== 200 || (expectBody !== undefined && text !== expectBody)) {
        throw new Error(`webhook delivery answered ${response.status} ${text}`)
      }
    }
  }
  await Promise.all(Array.from({ length: deliveryConcurrency }, worker))
}

interface WebhookRun {
  readonly variant: WebhookVariant
  readonly deliveries: number
  readonly ms: number
  readonly perSecond: number
  /** The server's CPU time during the timed deliveries. */
  readonly serverCpuMs: number
  readonly serverMaxRssKiB: number
  /** Deliveries recorded in the store (file variant), counted after the run. */
  readonly recorded: number | undefined
}

type WebhookVariant = "baseline" | "sqlite-file" | "sqlite-memory"

const variantLabel: Record<WebhookVariant, string> = {
  baseline: "same HTTP server, 200 without applying (baseline)",
  "sqlite-file": "`Webhooks.app` into a SQLite file",
  "sqlite-memory": "`Webhooks.app` into SQLite in memory"
}

const runWebhooks = async (
  variant: WebhookVariant,
  seed: string,
  directory: string,
  targets: Targets,
  n: number,
  round: number
): Promise<WebhookRun> => {
  let database = ":memory:"
  if (variant === "sqlite-file") {
    database = path.join(directory, `webhooks-${round}.db`)
    fs.copyFileSync(seed, database)
  }
  // The in-memory store is empty: its updates find no row and are recorded as events only.
  const server = await startWebhookServer({
    app: variant === "baseline" ? "baseline" : "inventory",
    database,
    appSecret
  })
  try {
    const warmup = await deliveriesOf(targets, warmupDeliveries, `warm-up ${variant} ${round}`)
    const timed = await deliveriesOf(targets, n, `${variant} ${round}`)
    const expectBody = "OK"
    await post(server.info.url, warmup, expectBody)
    const cpuBefore = processCpuMs(server.info.pid)
    const start = performance.now()
    await post(server.info.url, timed, expectBody)
    const elapsed = performance.now() - start
    const cpuAfter = processCpuMs(server.info.pid)
    const exit = await server.stop()
    let recorded: number | undefined
    if (variant === "sqlite-file") {
      recorded = await readSqlite(
        database,
        Effect.flatMap(SqlClient.SqlClient, (sql) =>
          Effect.map(
            sql<{ n: number }>`SELECT COUNT(*) AS n FROM inventory_webhook_deliveries`,
            ([row]) => Number(row?.n ?? 0) - warmupDeliveries
          ))
      )
      fs.rmSync(database, { force: true })
    }
    return {
      variant,
      deliveries: n,
      ms: elapsed,
      perSecond: (n * 1000) / elapsed,
      serverCpuMs: cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : cpuAfter - cpuBefore,
      serverMaxRssKiB: exit.maxRssKiB,
      recorded
    }
  } catch (error) {
    await server.stop().catch(() => undefined)
    throw error
  }
}

// -----------------------------------------------------------------------------
// the scenario
// -----------------------------------------------------------------------------

type SyncVariant = "fanout" | "sqlite" | "postgres"

export const run = async (context: ScenarioContext): Promise<Section> => {
  const quick = context.settings.quick
  const businesses = integer("BENCH_INVENTORY_BUSINESSES", quick ? 200 : 2000)
  const memorySizes = (process.env.BENCH_INVENTORY_MEMORY ?? (quick ? "200,2000" : "2000,20000"))
    .split(",").map(Number)
  if (memorySizes.length !== 2 || memorySizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error("BENCH_INVENTORY_MEMORY must be two sizes, e.g. 2000,20000")
  }
  const [small, large] = memorySizes as [number, number]
  const latencyMs = integer("BENCH_INVENTORY_LATENCY_MS", 100)
  const concurrency = integer("BENCH_INVENTORY_CONCURRENCY", 32)
  const deliveries = integer("BENCH_INVENTORY_DELIVERIES", quick ? 1000 : 5000)
  const rounds = integer("BENCH_INVENTORY_ROUNDS", quick ? 1 : 3)
  const pgUrl = process.env.PG_URL !== undefined && process.env.PG_URL !== "" ? process.env.PG_URL : undefined
  const size = Math.max(businesses, large)
  const ids = Array.from({ length: size }, (_, i) => businessId(i))
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "effect-waba-inventory-"))
  let databases = 0

  const emulator = await startEmulator({
    host: "127.0.0.1",
    seed: "effect-waba-bench-inventory",
    businesses: ids.map((id) => ({ id, accounts: owned, clientAccounts: shared, phoneNumbers: phones })),
    tokens: [{ token: partnerToken }, ...ids.map((id) => ({ token: tokenOf(id), businesses: [id] }))],
    rateLimit: false,
    requestLogLimit: 16,
    faults: [{ kind: "latency", ms: latencyMs, when: { rate: 1 } }]
  })

  const sync = async (store: "sqlite" | "postgres", n: number, once: boolean, keep?: string) => {
    if (store === "sqlite") {
      const file = keep ?? path.join(directory, `sync-${++databases}.db`)
      try {
        return await runChild({
          kind: "sync",
          store,
          database: file,
          url: emulator.url,
          businesses: n,
          concurrency,
          once
        })
      } finally {
        if (keep === undefined) { for (const suffix of ["", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true }) }
      }
    }
    const name = `inventory_bench_${process.pid}_${++databases}`
    await postgresAdmin(pgUrl!, `CREATE DATABASE ${name}`)
    try {
      const url = new URL(pgUrl!)
      url.pathname = `/${name}`
      return await runChild({
        kind: "sync",
        store,
        database: url.toString(),
        url: emulator.url,
        businesses: n,
        concurrency,
        once
      })
    } finally {
      await postgresAdmin(pgUrl!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    }
  }

  try {
    context.log(
      `inventory: ${businesses} businesses × (${owned} owned + ${shared} shared accounts, ${phones} phone numbers each), ${latencyMs} ms, concurrency ${concurrency}`
    )
    context.log(
      pgUrl === undefined
        ? "  PostgreSQL: skipped (PG_URL is not set)"
        : `  PostgreSQL: on ${new URL(pgUrl).host}, a database per run, dropped after it`
    )
    const variants: ReadonlyArray<SyncVariant> = pgUrl === undefined
      ? ["fanout", "sqlite"]
      : ["fanout", "sqlite", "postgres"]
    const runs: Record<SyncVariant, Array<InventoryResult>> = { fanout: [], sqlite: [], postgres: [] }
    const seed = path.join(directory, "seed.db")
    for (let round = 0; round < rounds; round++) {
      // Interleaved, each variant first in turn.
      for (let k = 0; k < variants.length; k++) {
        const variant = variants[(k + round) % variants.length]!
        const result = variant === "fanout"
          ? await runChild({ kind: "fanout", url: emulator.url, businesses, concurrency })
          : await sync(variant, businesses, false, variant === "sqlite" && round === rounds - 1 ? seed : undefined)
        if (variant !== "fanout" && (result.first?.status !== "completed" || result.second?.status !== "completed")) {
          throw new Error(`the ${variant} syncs ended ${result.first?.status} and ${result.second?.status}`)
        }
        runs[variant].push(result)
        // Every sighting the fan-out gives is stored (the emulator's data set is the same for every run).
        const sightings = runs.fanout[0]?.elements
        if (sightings !== undefined && result.stored !== undefined && result.stored.sightings !== sightings) {
          throw new Error(
            `the ${variant} store holds ${result.stored.sightings} sightings, the fan-out gave ${sightings}`
          )
        }
        const second = result.second
        context.log(
          `  ${variant}: ${ms(result.ms)} ms${
            result.first === undefined ?
              ` (${count(result.elements)} sightings)` :
              ` first sync (${count(result.stored!.accounts)} accounts, ${
                count(result.stored!.phoneNumbers)
              } numbers stored), second ${ms(second!.ms)} ms writing ${
                count(second!.rowWrites.inventory_accounts)
              } account and ${count(second!.rowWrites.inventory_phone_numbers)} number rows; ${
                (result.first.statements / businesses).toFixed(1)
              } and ${(second!.statements / businesses).toFixed(1)} statements per business`
          }, CPU ${ms(result.cpuMs)} ms, peak RSS ${mib(result.maxRssKiB)} MiB`
        )
      }
    }

    const memory = {
      small: await sync("sqlite", small, true),
      large: await sync("sqlite", large, true)
    }
    for (const [n, result] of [[small, memory.small], [large, memory.large]] as const) {
      context.log(
        `  memory: first sync of ${count(n)} businesses into SQLite: ${ms(result.ms)} ms, peak RSS ${
          mib(result.maxRssKiB)
        } MiB`
      )
    }

    const targets = await targetsOf(seed)
    const webhookVariants: ReadonlyArray<WebhookVariant> = ["baseline", "sqlite-file", "sqlite-memory"]
    const webhookRuns: Record<WebhookVariant, Array<WebhookRun>> = {
      baseline: [],
      "sqlite-file": [],
      "sqlite-memory": []
    }
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < webhookVariants.length; k++) {
        const variant = webhookVariants[(k + round) % webhookVariants.length]!
        const result = await runWebhooks(variant, seed, directory, targets, deliveries, round)
        if (result.recorded !== undefined && result.recorded !== deliveries) {
          throw new Error(`the store recorded ${result.recorded} deliveries, expected ${deliveries}`)
        }
        webhookRuns[variant].push(result)
        context.log(
          `  webhooks, ${variant}: ${count(deliveries)} deliveries in ${ms(result.ms)} ms, ${
            count(result.perSecond)
          }/s, server CPU ${ms(result.serverCpuMs)} ms, peak RSS ${mib(result.serverMaxRssKiB)} MiB`
        )
      }
    }

    const median = (values: ReadonlyArray<number>) => summarize(values).median
    const wall = (variant: SyncVariant) => median(runs[variant].map((r) => r.ms))
    const perRound = (variant: SyncVariant) =>
      range(summarize(pairedRatios(runs[variant].map((r) => r.ms), runs.fanout.map((r) => r.ms))), ratio)
    const perBusiness = (cpu: ReadonlyArray<number>) => (median(cpu) / businesses).toFixed(2)
    const rssGrowth = memory.large.maxRssKiB / memory.small.maxRssKiB
    const rate = (variant: WebhookVariant) => median(webhookRuns[variant].map((r) => r.perSecond))
    const writesOf = (variant: "sqlite" | "postgres") => {
      const all = runs[variant].map((r) => r.second!.rowWrites)
      return {
        accounts: Math.max(...all.map((w) => w.inventory_accounts)),
        numbers: Math.max(...all.map((w) => w.inventory_phone_numbers)),
        other: Math.max(
          ...all.map((w) => w.inventory_sightings + w.inventory_changes)
        ),
        businesses: Math.max(...all.map((w) => w.inventory_businesses)),
        reported: Math.max(...runs[variant].map((r) => r.second!.accountsWritten + r.second!.phoneNumbersWritten))
      }
    }

    const syncTargets: Array<Target> = []
    const stores: ReadonlyArray<readonly ["sqlite" | "postgres", string, number]> = pgUrl === undefined
      ? [["sqlite", "SQLite", maxSqliteRatio]]
      : [["sqlite", "SQLite", maxSqliteRatio], ["postgres", "PostgreSQL", maxPostgresRatio]]
    for (const [variant, label, limit] of stores) {
      syncTargets.push({
        description: `first sync into ${label} ≤ ${limit}× the fan-out alone`,
        met: wall(variant) <= limit * wall("fanout"),
        detail: `${ms(wall(variant))} ms against ${ms(wall("fanout"))} ms (${
          ratio(wall(variant) / wall("fanout"))
        }; per round ${perRound(variant)})`
      })
    }
    for (const [variant, label] of stores) {
      const writes = writesOf(variant)
      syncTargets.push({
        description: `second sync with nothing changed, ${label}: 0 account or number rows written`,
        met: writes.accounts === 0 && writes.numbers === 0,
        detail: `${count(writes.accounts)} account rows, ${count(writes.numbers)} number rows, ${
          count(writes.other)
        } sighting and change rows inserted or updated (counted by triggers; the sync itself reported ${
          count(writes.reported)
        }); its ${count(writes.businesses)} business rows record the read's outcome`
      })
    }

    const syncRow = (label: string, variant: SyncVariant) => {
      const list = runs[variant]
      const summary = summarize(list.map((r) => r.ms))
      return [
        label,
        ms(summary.median),
        range(summary, ms),
        variant === "fanout" ? "1.00×" : ratio(summary.median / wall("fanout")),
        variant === "fanout" ? "" : perRound(variant),
        variant === "fanout" ? "" : ms(median(list.map((r) => r.second!.ms))),
        variant === "fanout" ?
          "" :
          `${(median(list.map((r) => r.first!.statements)) / businesses).toFixed(1)}, ${
            (median(list.map((r) => r.second!.statements)) / businesses).toFixed(1)
          }`,
        ms(median(list.map((r) => r.cpuMs))),
        mib(median(list.map((r) => r.maxRssKiB)))
      ]
    }
    const webhookRow = (variant: WebhookVariant) => {
      const list = webhookRuns[variant]
      const summary = summarize(list.map((r) => r.perSecond))
      return [
        variantLabel[variant],
        count(summary.median),
        range(summary, count),
        variant === "baseline" ? "1.00×" : ratio(summary.median / rate("baseline")),
        ms(median(list.map((r) => (r.serverCpuMs * 1000) / r.deliveries))),
        mib(median(list.map((r) => r.serverMaxRssKiB)))
      ]
    }

    return {
      id: "inventory",
      title: "The inventory: sync and webhooks into SQLite and PostgreSQL",
      setup: `${
        count(businesses)
      } businesses, each owning ${owned} accounts with ${shared} more shared with it, ${phones} phone numbers per account and its own token (the agency data set), the emulator in the bench's process delaying every answer by ${latencyMs} ms. Each run is a fresh Node process. The baseline is the fan-out alone: \`ManagedAccounts.sightings\` with the fields, phone-number expansion and concurrency (${concurrency}) \`Inventory.sync\` uses, each element counted and dropped. A sync is \`Inventory.sync(ids, { concurrency: ${concurrency} })\` into a fresh store (\`Migrations.layer\` over \`SqliteClient.layer\` on a file on disk, or \`PgClient.layer\` on a database created for the run${
        pgUrl === undefined ? "; not run here: PG_URL was not set" : ` on ${new URL(pgUrl).host}`
      }); the same process then runs a second sync with nothing changed, after adding triggers that count every row any INSERT or UPDATE touches in the inventory's tables (a no-op UPDATE counts too): that count, not the sync's own figures, decides the target. ${rounds} round(s), interleaved; medians, and the per-round ratio to the fan-out of the same round. Peak RSS (\`process.resourceUsage().maxRSS\`) is that of a first sync into SQLite of ${
        count(small)
      } and of ${count(large)} businesses. Webhooks: ${
        count(deliveries)
      } signed deliveries (one change each, the five fields in turn; three of them update a stored account or number) POSTed ${deliveryConcurrency} at a time with \`fetch\` to a server in a process of its own, after ${warmupDeliveries} untimed ones; \`Webhooks.app\` over a copy of the synced SQLite file, against the same server (\`NodeHttpServer\` through \`@effect/platform\`) answering 200 once the body is read, applying nothing; every delivery must be answered 200 and, on the file, recorded once. Sizes: \`BENCH_INVENTORY_BUSINESSES\`, \`BENCH_INVENTORY_MEMORY\`, \`BENCH_INVENTORY_LATENCY_MS\`, \`BENCH_INVENTORY_CONCURRENCY\`, \`BENCH_INVENTORY_DELIVERIES\`, \`BENCH_INVENTORY_ROUNDS\`.`,
      tables: [
        {
          headers: [
            "run",
            "median ms",
            "range",
            "to the fan-out",
            "per round",
            "second sync ms",
            "statements per business (first, second)",
            "client CPU ms (of the first sync)",
            "peak RSS MiB"
          ],
          rows: [
            syncRow("fan-out alone (baseline)", "fanout"),
            syncRow("first sync into SQLite", "sqlite"),
            ...(pgUrl === undefined ? [] : [syncRow("first sync into PostgreSQL", "postgres")])
          ]
        },
        {
          headers: ["memory: first sync into SQLite", "businesses", "ms", "peak RSS MiB"],
          rows: [
            ["smaller", count(small), ms(memory.small.ms), mib(memory.small.maxRssKiB)],
            ["larger", count(large), ms(memory.large.ms), mib(memory.large.maxRssKiB)]
          ]
        },
        {
          headers: [
            "webhook server",
            "deliveries/s",
            "range",
            "to the baseline",
            "server CPU µs per delivery",
            "peak RSS MiB"
          ],
          rows: webhookVariants.map(webhookRow)
        }
      ],
      targets: [
        ...syncTargets,
        {
          description: `peak RSS of a first sync of ${count(large)} businesses ≤ ${maxRssGrowth}× that of ${
            count(small)
          }`,
          met: rssGrowth <= maxRssGrowth,
          detail: `${mib(memory.large.maxRssKiB)} MiB against ${mib(memory.small.maxRssKiB)} MiB (${ratio(rssGrowth)})`
        },
        {
          description: `webhooks applied into a SQLite file at ≥ ${count(minDeliveriesPerSecond)} deliveries/s`,
          met: rate("sqlite-file") >= minDeliveriesPerSecond,
          detail: `${count(rate("sqlite-file"))}/s against ${
            count(rate("baseline"))
          }/s for the same server applying nothing (${ratio(rate("sqlite-file") / rate("baseline"))}); in memory ${
            count(rate("sqlite-memory"))
          }/s`
        }
      ],
      notes: [
        `CPU per business (this client process only; the emulator's is not counted): the fan-out alone ${
          perBusiness(runs.fanout.map((r) => r.cpuMs))
        } ms, ${
          stores.map(([variant, label]) =>
            `a first sync into ${label} ${perBusiness(runs[variant].map((r) => r.first!.cpuMs))} ms, a second ${
              perBusiness(runs[variant].map((r) => r.second!.cpuMs))
            } ms`
          ).join("; ")
        }. The ${os.cpus().length} cores are shared by this client, the emulator and the database: when the fan-out alone keeps them busy, every millisecond of CPU a sync adds per business adds to the wall.`,
        ...(pgUrl === undefined ? ["PostgreSQL was not measured: `PG_URL` was not set."] : [])
      ],
      raw: { runs, memory, webhookRuns }
    }
  } finally {
    await emulator.stop()
    fs.rmSync(directory, { recursive: true, force: true })
  }
}
