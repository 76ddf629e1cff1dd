/**
 * How a command fails: the error, with what the command knew when it happened, so that the report can be
 * concrete (which business, which base URL), scrubbed (which secrets were in play) and say where to
 * continue (how far the output got).
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import type * as ErrorReport from "./ErrorReport.js"

/**
 * How far a read's output got before it stopped. The CLI keeps this itself, from the pages it has written,
 * so the advice is exactly as far as the output got, whatever the error holds.
 */
export interface Written {
  /** The cursor to continue after (`--after`), if anywhere. */
  readonly after: string | undefined
  readonly items: number
  /** The `--max` the command had. */
  readonly max: number | undefined
}

export class CommandError extends Data.TaggedError("CommandError")<{
  readonly error: ErrorReport.CliError
  readonly context: ErrorReport.Context
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  readonly written?: Written | undefined
  /** The sentence that says how to continue, when the command knows one. */
  readonly resume?: string | undefined
}> {}

/** Wraps an error with what the command knew. */
export const make = (
  error: ErrorReport.CliError,
  context: ErrorReport.Context = {},
  secrets: ReadonlyArray<Redacted.Redacted<string>> = []
): CommandError => new CommandError({ error, context, secrets })

/** Fails with the error wrapped, nothing known: a check of what was typed. (An `Either` is an `Effect` too.) */
export const check = <A, E extends ErrorReport.CliError, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.mapError(effect, (error) => make(error))

/**
 * The sentence that says how to continue where a read stopped, if it can. What is left of `--max` after the
 * items written goes into the advice, so the resumed run stops where the whole one would have.
 */
export const resume = ({ after, items, max }: Written): string | undefined =>
  after === undefined
    ? undefined
    : `To continue where this stopped, run the same command with: --after ${after}${
      max !== undefined && max > items ? ` --max ${max - items}` : ""
    }`
