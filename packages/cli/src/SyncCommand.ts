/**
 * `waba sync`: the businesses named (or a tokens file's, or the demo's) read into the inventory by
 * `Inventory.sync`, with the fan-out's progress line on stderr while it reads and the run's figures on stdout
 * at the end. The store is opened first, so that a missing driver or an unreachable database fails before
 * any request. A run in which some business could not be read ends with `SyncIncomplete`.
 */
import * as GraphEvents from "@effect-waba/graph-core/GraphEvents"
import * as Inventory from "@effect-waba/inventory/Inventory"
import * as OwnedAccounts from "@effect-waba/waba/OwnedAccounts"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as CommandError from "./CommandError.js"
import { defaultDb, type SyncInput } from "./CommandLine.js"
import * as Database from "./Database.js"
import * as Format from "./Format.js"
import * as GraphTarget from "./GraphTarget.js"
import * as Listing from "./Listing.js"
import * as Noun from "./Noun.js"
import { Output } from "./Output.js"
import { Progress } from "./Progress.js"
import { SyncIncomplete } from "./SyncIncomplete.js"
import * as TokensFile from "./TokensFile.js"
import { UsageError } from "./UsageError.js"

const runs: Noun.Noun = { one: "sync run", many: "sync runs" }

// A person reads the outcome; a program gets every figure.
const columns = {
  table: ["run_id", "status", "businesses", "businesses_done", "businesses_failed", "changes"],
  data: [
    "run_id",
    "status",
    "started_at",
    "finished_at",
    "businesses",
    "businesses_done",
    "businesses_failed",
    "accounts_written",
    "phone_numbers_written",
    "changes"
  ]
}

// Without a token: every demo business, each read with the emulator's token, unless ids were given.
const demo = (named: boolean): GraphTarget.Request["demo"] => (emulator, id) => {
  const businesses = emulator.dataset.businesses
  return {
    id: Option.getOrElse(id, () => businesses[0]!.id),
    notice: "waba: no access token (GRAPH_ACCESS_TOKEN or --token), so this is a demo: syncing " +
      (named ? "the businesses named" : `the ${businesses.length} demo businesses`) + " from an embedded emulator.",
    tokens: named ? undefined : businesses.map((business, i) => ({
      businessId: business.id,
      token: Redacted.make(emulator.token),
      appSecret: undefined,
      line: i + 1
    }))
  }
}

/** `waba sync [business-id...]`. */
export const run = (input: SyncInput) =>
  Effect.gen(function*() {
    const location = yield* CommandError.check(Database.parse(input.db ?? defaultDb))
    const { businessIds, named, tokens } = yield* CommandError.check(TokensFile.businesses(input))
    const concurrency = input.concurrency
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64)) {
      return yield* CommandError.make(
        new UsageError({ message: `--concurrency must be a whole number from 1 to 64; got ${concurrency}.` })
      )
    }
    const missingId = new UsageError({
      message: "Name the businesses to sync: waba sync <business-id>..., or give a tokens file: --tokens FILE.",
      hint: "Business ids are numeric; find them in Business Settings > Business info."
    })
    // Checked before the store is opened, which would create it.
    const badId = Option.firstSomeOf(businessIds.map((id) => OwnedAccounts.validate(id)))
    if (Option.isSome(badId)) return yield* CommandError.make(badId.value)
    if (businessIds.length === 0 && input.token !== undefined) return yield* CommandError.make(missingId)
    const store = Database.describe(location)
    const secrets = [
      ...Database.secrets(location),
      ...[input.token, input.appSecret].filter((secret) => secret !== undefined),
      ...(tokens === undefined ? [] : TokensFile.secrets(tokens))
    ]
    const opened = yield* Effect.mapError(
      Database.open(location, { create: true }),
      (error) => CommandError.make(error, { store }, secrets)
    )
    const target = yield* GraphTarget.resolve(input, {
      id: Option.fromNullable(businessIds[0]),
      missingId,
      check: (first) => OwnedAccounts.validate(first),
      demo: demo(named.length > 0),
      tokens
    })
    const ids = businessIds.length > 0 ? businessIds : (target.tokens ?? []).map((entry) => entry.businessId)
    const context = { ...target.context, store, businessId: undefined }
    const fail = (error: CommandError.CommandError["error"]) =>
      new CommandError.CommandError({ error, context, secrets: [...secrets, ...target.secrets] })

    const progress = yield* Progress
    const events = yield* Listing.watch(target.verbose)
    yield* progress.begin(Noun.accounts, {
      businesses: ids.length,
      businessesDone: 0,
      businessesFailed: 0,
      accounts: 0,
      pages: 0
    })
    yield* progress.ticking
    const result = yield* Inventory.sync(ids, {
      concurrency,
      batch: input.batch,
      onProgress: (figures) => Effect.zipRight(progress.fanOut(figures), progress.delivered(figures.accounts))
    }).pipe(
      Effect.provideService(GraphEvents.GraphEvents, events),
      Effect.provide(target.client),
      Effect.provide(opened),
      Effect.onInterrupt(() =>
        Effect.sync(() =>
          progress.note(
            "waba: sync interrupted; every business applied so far is kept. Run the same command again to finish: " +
              "only what differs is recorded."
          )
        )
      ),
      Effect.ensuring(progress.finish),
      Effect.mapError(fail)
    )

    const output = yield* Output
    const format = input.format
    const renderer = Format.renderer(format, {
      columns: format === "table" ? columns.table : columns.data,
      terminalWidth: output.stdout.columns(),
      noun: runs
    })
    yield* output.stdout.write(renderer.push([{ run_id: result.id, ...Format.snakeCase(result) }]) + renderer.end(true))
      .pipe(
        Effect.catchTag("BrokenPipe", () => Effect.void)
      )
    if (result.status !== "completed") {
      return yield* fail(
        new SyncIncomplete({
          runId: result.id,
          status: result.status,
          businesses: result.businesses,
          failures: result.failures.map(({ businessId, edge, errorTag, message }) => ({
            businessId,
            edge,
            errorTag,
            message
          }))
        })
      )
    }
  }).pipe(Effect.scoped)
