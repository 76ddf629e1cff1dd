/**
 * How a command fails: the error, with what the command knew when it happened, so that the report can be
 * concrete (which business, which base URL), scrubbed (which secrets were in play) and say where to
 * continue (how far the output got).
 */
import * as Data from "effect/Data"
import type * as Redacted from "effect/Redacted"
import type * as ErrorReport from "./ErrorReport.js"
import type * as Resume from "./Resume.js"

/** How far a read's output got before it stopped. */
export interface Written {
  /** Where to continue from, if anywhere. */
  readonly point: Resume.Point | undefined
  readonly items: number
  /** The `--max` the command had. */
  readonly max: number | undefined
}

export class CommandError extends Data.TaggedError("CommandError")<{
  readonly error: ErrorReport.CliError
  readonly context: ErrorReport.Context
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  readonly written?: Written | undefined
}> {}

/** Wraps an error with what the command knew. */
export const make = (
  error: ErrorReport.CliError,
  context: ErrorReport.Context = {},
  secrets: ReadonlyArray<Redacted.Redacted<string>> = []
): CommandError => new CommandError({ error, context, secrets })
