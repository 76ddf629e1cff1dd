/**
 * `waba accounts` over several businesses, or both edges: `ManagedAccounts` streamed to stdout, each account
 * written as it arrives (once, however many businesses and edges manage it, with `first_seen_on` saying where
 * it was first found), each failed business said on stderr as it fails while the others go on, and the
 * businesses read to the end recorded (`--done FILE`) so that an interrupted run resumes without reading them
 * again. With `--sources`, every account is held until all are read, to give each one all of its sources.
 */
import type { GraphClient } from "@effect-waba/graph-core/GraphClient"
import * as ManagedAccounts from "@effect-waba/waba/ManagedAccounts"
import type * as OwnedAccounts from "@effect-waba/waba/OwnedAccounts"
import type * as WhatsAppBusinessAccount from "@effect-waba/waba/WhatsAppBusinessAccount"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import * as CommandError from "./CommandError.js"
import type { OutputFormat } from "./CommandLine.js"
import * as ErrorReport from "./ErrorReport.js"
import type * as Format from "./Format.js"
import type * as GraphTarget from "./GraphTarget.js"
import * as Listing from "./Listing.js"
import * as Noun from "./Noun.js"
import { Progress } from "./Progress.js"
import { UsageError } from "./UsageError.js"

export interface Request {
  readonly businessIds: ReadonlyArray<string>
  readonly edges: ReadonlyArray<ManagedAccounts.EdgeName>
  readonly options: Pick<
    OwnedAccounts.Options<ReadonlyArray<WhatsAppBusinessAccount.Field>, never, OwnedAccounts.Expand>,
    "fields" | "expand" | "filtering" | "limit"
  >
  readonly concurrency: number | undefined
  /** `--batch`: the reads go in Graph batch requests of up to 50. */
  readonly batch: boolean
  /** `--done FILE`, and the ids it listed at the start ({@link readDone}). */
  readonly doneFile: string | undefined
  readonly done: ReadonlyArray<string>
  /** `--sources`: every source of each account, written at the end. */
  readonly sources: boolean
  readonly format: OutputFormat
  readonly columns: ReadonlyArray<string>
  readonly max: number | undefined
}

const sourceRow = (source: ManagedAccounts.Source) => ({
  business_id: source.businessId,
  edge: source.edge,
  ...(source.permittedTasks === undefined ? {} : { permitted_tasks: source.permittedTasks })
})

/**
 * The ids a done file lists, one a line (blank lines skipped); none when the file does not exist yet, as on
 * the first run of a command that will resume with it.
 */
export const readDone = (path: string): Effect.Effect<ReadonlyArray<string>, UsageError> =>
  Effect.tryPromise({
    try: () =>
      Fs.readFile(path, "utf8").catch((error: NodeJS.ErrnoException) =>
        error.code === "ENOENT" ? "" : Promise.reject(error)
      ),
    catch: (error) =>
      new UsageError({
        message: `--done ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}).`
      })
  }).pipe(Effect.flatMap((text) => {
    const ids = text.split("\n").map((line) => line.trim())
    const bad = ids.findIndex((id) => id !== "" && !/^\d{1,20}$/.test(id))
    return bad === -1
      ? Effect.succeed(ids.filter((id) => id !== ""))
      : Effect.fail(
        new UsageError({
          message: `--done ${path}, line ${bad + 1}: not a business id.`,
          hint: "The file lists the ids of the businesses done, one a line, as waba writes it."
        })
      )
  }))

const append = (path: string, ids: ReadonlyArray<string>) =>
  Effect.tryPromise({
    try: () => ids.length === 0 ? Promise.resolve() : Fs.appendFile(path, `${ids.join("\n")}\n`),
    catch: (error) =>
      new UsageError({
        message: `--done ${path} cannot be written (${(error as NodeJS.ErrnoException).code ?? "error"}).`,
        hint: "Name a file in a directory you may write to."
      })
  })

/** `waba accounts` over several businesses or edges. */
export const run = (request: Request, target: GraphTarget.Target) =>
  Effect.gen(function*() {
    const progress = yield* Progress
    const { businessIds, doneFile, edges } = request
    const ids = new Set(businessIds)
    const before = new Set(request.done)
    const failures: Array<ManagedAccounts.Failure> = []
    // The businesses done by this run, kept for the advice when no --done file records them.
    const doneNow: Array<string> = []
    const options = {
      ...request.options,
      edges,
      concurrency: request.concurrency,
      batch: request.batch,
      done: before,
      onProgress: progress.fanOut
    }

    const failed = (failure: ManagedAccounts.Failure) =>
      Effect.sync(() => {
        failures.push(failure)
        const report = ErrorReport.make(failure.error, { ...target.context, businessId: failure.businessId })
        progress.note(`waba: business ${failure.businessId} (${failure.edge} edge) was not read: ${report.title}`)
      })

    // What to do after an interruption or a failure: run again with the businesses done in a file.
    const resume = () =>
      Effect.gen(function*() {
        const done = new Set([...before, ...doneNow].filter((id) => ids.has(id)))
        if (done.size === 0) return undefined
        const counted = `${done.size} of ${Noun.count(businessIds.length, Noun.businesses)}`
        if (doneFile !== undefined) {
          return `${counted} are done and listed in ${doneFile}: run the same command again to read the others.`
        }
        const file = Path.join(Os.tmpdir(), `waba-done-${Date.now()}.txt`)
        const saved = yield* Effect.promise(() => Fs.writeFile(file, `${[...done].join("\n")}\n`)).pipe(
          Effect.as(true),
          Effect.catchAllDefect(() => Effect.succeed(false))
        )
        return saved
          ? `${counted} are done; to read only the others, run the same command with: --done ${file}`
          : undefined
      })

    type Chunked = Listing.Page & {
      readonly rows: ReadonlyArray<Format.Row>
      readonly done: ReadonlyArray<string>
      readonly failures: ReadonlyArray<ManagedAccounts.Failure>
    }
    const pages: Stream.Stream<Chunked, ErrorReport.CliError, GraphClient> = request.sources
      ? Stream.unwrap(Effect.map(ManagedAccounts.all(businessIds, options), (read) =>
        Stream.fromIterable(read.accounts).pipe(
          Stream.map(({ account, sources }): Format.Row => ({ ...account, sources: sources.map(sourceRow) })),
          Stream.grouped(100),
          Stream.map((rows): Chunked => ({ rows: Chunk.toReadonlyArray(rows), done: [], failures: [] })),
          Stream.concat(Stream.make({ rows: [], done: [], failures: read.failures }))
        )))
      : ManagedAccounts.stream(businessIds, options).pipe(
        // The elements that arrived together are written together, in the order they came.
        Stream.mapChunks((chunk) => {
          const elements = Chunk.toReadonlyArray(chunk)
          return Chunk.of({
            rows: elements.filter((e) =>
              e._tag === "Account"
            ).map((e) => ({ ...e.account, first_seen_on: sourceRow(e.firstSeenOn) })),
            done: elements.filter((e) =>
              e._tag === "BusinessDone"
            ).map((e) => e.businessId),
            failures: elements.filter((e) => e._tag === "Failure")
          })
        })
      )

    yield* Listing.run({
      target,
      pages,
      rows: (page) => page.rows,
      format: request.format,
      columns: request.columns,
      noun: Noun.accounts,
      max: request.max,
      fanOut: {
        businesses: businessIds.length,
        businessesDone: businessIds.filter((id) => before.has(id)).length,
        businessesFailed: 0,
        accounts: 0,
        pages: 0
      },
      // A business is recorded as done only once every account before its BusinessDone is written.
      written: (page) =>
        Effect.gen(function*() {
          yield* Effect.forEach(page.failures, failed, { discard: true })
          doneNow.push(...page.done)
          if (doneFile !== undefined) yield* append(doneFile, page.done)
        }),
      resume
    })

    if (failures.length > 0) {
      progress.note(
        `waba: ${
          Noun.count(new Set(failures.map((f) => f.businessId)).size, Noun.businesses)
        } of ${businessIds.length} ` +
          `could not be read (${Noun.count(failures.length, { one: "read", many: "reads" })} failed); the accounts ` +
          "of the others were listed."
      )
      const { businessId, error } = failures[0]!
      return yield* new CommandError.CommandError({
        error,
        context: { ...target.context, businessId },
        secrets: target.secrets,
        resume: yield* resume()
      })
    }
  })
