/**
 * Writing a paged read to stdout, as every read command does: rows rendered in the chosen format as each
 * page arrives, `--max` honoured without fetching a page beyond it, progress and `--verbose` lines fed by
 * graph-core's events, and an honest ending whatever happens:
 *
 * - the read completes: the format's closing text (a table's count, a JSON array's `]`);
 * - the read fails: what arrived is still written, marked incomplete, and the error carries how far the
 *   output got, so the report can say where to continue;
 * - the read is interrupted (Ctrl-C, SIGTERM): the same, and a line on stderr saying how to continue;
 * - the reader of stdout goes away (`| head`): the read stops quietly.
 */
import type { GraphClient } from "@effect-waba/graph-core/GraphClient"
import * as GraphEvents from "@effect-waba/graph-core/GraphEvents"
import type * as ManagedAccounts from "@effect-waba/waba/ManagedAccounts"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as CommandError from "./CommandError.js"
import type { OutputFormat } from "./CommandLine.js"
import type * as ErrorReport from "./ErrorReport.js"
import * as Format from "./Format.js"
import * as Noun from "./Noun.js"
import { Output } from "./Output.js"
import * as Progress from "./Progress.js"

/**
 * What a listing needs of a page: its number (1 for the first; none for the chunks of a fan-out, whose
 * progress counts businesses and requests instead) and the cursor after it (none on the last).
 */
export interface Page {
  readonly number?: number | undefined
  readonly nextAfter?: string | undefined
}

/**
 * Where the pages come from: the layer the read needs (Graph's client, or the inventory's store), and what
 * the error report needs (the context, the secrets to scrub).
 */
export interface Source<S> {
  readonly client: Layer.Layer<S, ErrorReport.CliError>
  readonly context: ErrorReport.Context
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  /** Whether to print each retry and hold (`--verbose`). */
  readonly verbose: boolean
}

export interface Options<P extends Page, E extends ErrorReport.CliError, R, S = GraphClient> {
  readonly target: Source<S>
  readonly pages: Stream.Stream<P, E, R>
  readonly rows: (page: P) => ReadonlyArray<Format.Row>
  readonly format: OutputFormat
  /** The fields to show, in order. */
  readonly columns: ReadonlyArray<string>
  readonly noun: Noun.Noun
  /** Stop after this many rows. */
  readonly max?: number | undefined
  /** The `--after` the read started from. */
  readonly after?: string | undefined
  /** A fan-out's figures at the start: the progress line then counts businesses and requests, not pages. */
  readonly fanOut?: ManagedAccounts.Progress | undefined
  /** Runs once all of a page's rows are written (a fan-out records the businesses done). */
  readonly written?: ((page: P) => Effect.Effect<void, E, R>) | undefined
  /** How to continue after an interruption or a failure; default: `--after` the last page written. */
  readonly resume?: ((written: CommandError.Written) => Effect.Effect<string | undefined>) | undefined
}

export type Requires = Output | Progress.Progress

/** A read that gives all its rows at once, as a listing's only page. */
export const onePage = <E, R>(rows: Effect.Effect<ReadonlyArray<Format.Row>, E, R>) =>
  Stream.fromEffect(Effect.map(rows, (rows) => ({ number: 1, rows })))

/**
 * graph-core's events for a read, fed to the progress line as they come (and, with `verbose`, as lines of
 * their own) for the rest of the scope. Provide the service returned to the read.
 */
export const watch = (verbose: boolean) =>
  Effect.gen(function*() {
    const progress = yield* Progress.Progress
    const events = yield* GraphEvents.make()
    yield* Stream.runForEach(yield* events.subscribe, (event) =>
      Effect.zipRight(
        progress.event(event),
        verbose ? Effect.sync(() => progress.note(Progress.line(event))) : progress.pause(event)
      )).pipe(Effect.forkScoped)
    return events
  })

/** Runs a read and writes it. */
export const run = <P extends Page, E extends ErrorReport.CliError, R, S = GraphClient>(
  options: Options<P, E, R, S>
): Effect.Effect<void, CommandError.CommandError, Requires | Exclude<R, S>> =>
  Effect.gen(function*() {
    const output = yield* Output
    const progress = yield* Progress.Progress
    const { max, noun, target } = options
    const renderer = Format.renderer(options.format, {
      columns: options.columns,
      terminalWidth: output.stdout.columns(),
      noun
    })
    const write = (text: string) => progress.around(output.stdout.write(text))
    const resume = options.resume ?? ((written) => Effect.succeed(CommandError.resume(written)))
    let written: CommandError.Written = { after: options.after, items: 0, max }
    // What arrived before the read stopped is still written, marked incomplete; then how to continue.
    const stopped = Effect.suspend(() =>
      Effect.zipRight(written.items === 0 ? Effect.void : Effect.ignore(write(renderer.end(false))), resume(written))
    )

    const events = yield* watch(target.verbose)
    yield* progress.begin(noun, options.fanOut)
    yield* progress.ticking

    const writePage = (page: P) =>
      Effect.gen(function*() {
        if (page.number !== undefined) yield* progress.page(page.number)
        const rows = options.rows(page)
        const taken = max === undefined ? rows : rows.slice(0, Math.max(0, max - written.items))
        yield* write(renderer.push(taken))
        written = { ...written, items: written.items + taken.length, after: page.nextAfter }
        // A page cut short by --max was not written whole.
        if (options.written !== undefined && taken.length === rows.length) yield* options.written(page)
        yield* progress.delivered(written.items)
        return max === undefined || written.items < max
      })

    yield* Stream.runForEachWhile(options.pages, writePage).pipe(
      Effect.zipRight(Effect.suspend(() => write(renderer.end(true)))),
      Effect.provideService(GraphEvents.GraphEvents, events),
      Effect.provide(target.client),
      Effect.catchTag("BrokenPipe", () => Effect.void),
      Effect.catchAll((error) =>
        Effect.flatMap(stopped, (advice) =>
          Effect.fail(
            new CommandError.CommandError({
              error,
              context: target.context,
              secrets: target.secrets,
              written,
              resume: advice
            })
          ))
      ),
      Effect.onInterrupt(() =>
        Effect.flatMap(stopped, (advice) =>
          Effect.sync(() =>
            progress.note(`waba: interrupted after ${Noun.count(written.items, noun)}.${advice ? ` ${advice}` : ""}`)
          ))
      ),
      Effect.ensuring(progress.finish)
    )
  }).pipe(Effect.scoped)
