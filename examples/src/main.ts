/**
 * Runs one example: `node dist/main.js pipeline|checkpoint|summary|agency|tokens|quality|telemetry [business-id[,business-id...]]`.
 *
 * With GRAPH_ACCESS_TOKEN set it reads from Meta (the business id is then required; `tokens` reads each
 * business's token from GRAPH_ACCESS_TOKEN_<business id>); without it, from the emulator in-process with
 * demo data.
 */
import { Emulator } from "@effect-waba/emulator"
import { type GraphClient, GraphCredentials } from "@effect-waba/graph-core"
import { Migrations } from "@effect-waba/inventory"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { summarize } from "./AccountSummary.js"
import * as Agency from "./Agency.js"
import * as AgencyTokens from "./AgencyTokens.js"
import { inMemoryCheckpoints, readResuming, syncWithCheckpoints } from "./CheckpointResume.js"
import { GraphEmulated, GraphLive } from "./Layers.js"
import { exportersFromEnvironment, readAccounts, TelemetryLive } from "./Observability.js"
import { syncAndAlert } from "./QualityAlerts.js"
import { inMemoryWarehouse, syncToWarehouse } from "./StreamIntoPipeline.js"

const [example = "pipeline", businessArg] = process.argv.slice(2)

const businessId = Effect.gen(function*() {
  if (businessArg !== undefined) return businessArg
  const emulator = yield* Effect.serviceOption(Emulator.Emulator)
  if (Option.isNone(emulator)) return yield* Effect.dieMessage("Name a business id: node dist/main.js <example> <id>")
  return emulator.value.businessIds[0]!
})

const examples: Record<string, Effect.Effect<void, unknown, GraphClient.GraphClient>> = {
  pipeline: Effect.gen(function*() {
    const warehouse = inMemoryWarehouse()
    const id = yield* businessId
    const result = yield* syncToWarehouse(id, { batchSize: 40 }).pipe(Effect.provide(warehouse.layer))
    yield* Console.log(`Wrote ${result.accounts} accounts of business ${id} in ${result.batches} batches.`)
    yield* Console.log("First row:", JSON.stringify(warehouse.batches()[0]?.[0]))
  }),
  checkpoint: Effect.gen(function*() {
    const id = yield* businessId
    const handled = yield* syncWithCheckpoints(id, (accounts) => Console.log(`handled ${accounts.length} accounts`))
      .pipe(Effect.provide(inMemoryCheckpoints()))
    yield* Console.log(`Synced ${handled} accounts with a checkpoint after every page.`)
    const resumed = yield* Stream.runCount(readResuming(id, { maxResumes: 3, pause: "1 second" }))
    yield* Console.log(`Read ${resumed} accounts, resuming after failures if there were any.`)
  }),
  agency: Effect.gen(function*() {
    const emulator = yield* Effect.serviceOption(Emulator.Emulator)
    const ids = businessArg !== undefined
      ? businessArg.split(",")
      : Option.match(emulator, { onNone: () => [], onSome: (e) => e.businessIds })
    const { alerts, failures, rows } = yield* Agency.run(ids)
    yield* Console.log(
      `${rows.length} accounts across ${ids.length} businesses; ${alerts.length} numbers need attention.`
    )
    for (const alert of alerts.slice(0, 10)) {
      yield* Console.log(`  ${alert.display ?? alert.phoneNumberId}: ${alert.reason}`)
    }
    for (const failure of failures) {
      yield* Console.log(`  business ${failure.businessId} (${failure.edge}): ${failure.error}`)
    }
  }),
  tokens: Effect.gen(function*() {
    const emulator = yield* Effect.serviceOption(Emulator.Emulator)
    const ids = businessArg !== undefined
      ? businessArg.split(",")
      : Option.match(emulator, { onNone: () => [], onSome: (e) => e.businessIds })
    // The demo gives each business the emulator's token, and the last one its expired token.
    const credentials = Option.match(emulator, {
      onNone: () => AgencyTokens.CredentialsFromEnvironment,
      onSome: (e) =>
        GraphCredentials.layer(
          Object.fromEntries(ids.map((id, i) => [id, i === ids.length - 1 ? Emulator.expiredToken : e.token]))
        )
    })
    const outcome = yield* AgencyTokens.run(ids).pipe(Effect.provide(credentials))
    yield* Console.log(`${outcome.accounts} accounts read, each business with its own token.`)
    for (const report of outcome.skipped) yield* Console.log(`  business ${report.businessId}: token ${report.status}`)
    if (outcome.reauthorize.length > 0) {
      yield* Console.log(`  ask these businesses to authorise the app again: ${outcome.reauthorize.join(", ")}`)
    }
  }),
  summary: Effect.gen(function*() {
    const id = yield* businessId
    yield* Console.log(JSON.stringify(yield* summarize(id), null, 2))
  }),
  // Syncs into WABA_DB (a SQLite file; default in memory) and prints the numbers whose quality rating fell.
  quality: Effect.gen(function*() {
    const emulator = yield* Effect.serviceOption(Emulator.Emulator)
    const ids = businessArg !== undefined
      ? businessArg.split(",")
      : Option.match(emulator, { onNone: () => [], onSome: (e) => e.businessIds })
    const { alerts, run } = yield* syncAndAlert(ids).pipe(
      Effect.provide(
        Migrations.layer.pipe(Layer.provideMerge(SqliteClient.layer({ filename: process.env.WABA_DB ?? ":memory:" })))
      )
    )
    yield* Console.log(`Sync run ${run.id}: ${run.status}, ${run.changes} changes.`)
    for (const alert of alerts) {
      yield* Console.log(`  number ${alert.phoneNumberId} (account ${alert.accountId}): ${alert.from} -> ${alert.to}`)
    }
  }),
  // Spans and metrics to the console, or to OTEL_EXPORTER_OTLP_ENDPOINT; exported when the program ends.
  telemetry: Effect.gen(function*() {
    const id = yield* businessId
    const { accounts, phoneNumbers } = yield* readAccounts(id)
    yield* Console.log(`Read ${accounts} accounts with ${phoneNumbers} phone numbers of business ${id}.`)
  }).pipe(Effect.provide(TelemetryLive(exportersFromEnvironment())))
}

const program = examples[example]
if (program === undefined) {
  process.stderr.write(`Unknown example "${example}"; choose one of ${Object.keys(examples).join(", ")}.\n`)
  process.exitCode = 2
} else {
  const layer: Layer.Layer<GraphClient.GraphClient, unknown> = process.env.GRAPH_ACCESS_TOKEN === undefined
    ? GraphEmulated()
    : GraphLive
  NodeRuntime.runMain(Effect.provide(program, layer))
}
