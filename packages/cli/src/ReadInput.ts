/**
 * What every read command checks the same way before anything starts or is sent (`--fields` against the
 * node's fields, `--max`, an argument that looks like an option), and what `--verbose` says about filters.
 */
import * as Filter from "@effect-waba/waba/Filter"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as CommandError from "./CommandError.js"
import type * as ErrorReport from "./ErrorReport.js"
import type * as Noun from "./Noun.js"
import { Progress } from "./Progress.js"
import { UsageError } from "./UsageError.js"

/** `--fields`: a comma-separated list of the node's field names, repeats dropped; `undefined` without it. */
export const fields = <F extends string>(
  text: string | undefined,
  known: ReadonlyArray<F>
): Either.Either<ReadonlyArray<F> | undefined, UsageError> => {
  if (text === undefined) return Either.right(undefined)
  const names = text.split(",").map((name) => name.trim())
  const fail = (message: string) => Either.left(new UsageError({ message, hint: `Choose from ${known.join(", ")}.` }))
  if (names.every((name) => name === "")) return fail("--fields is empty.")
  if (names.some((name) => name === "")) return fail(`--fields "${text}" has an empty item.`)
  const unknown = names.filter((name) => !(known as ReadonlyArray<string>).includes(name))
  return unknown.length > 0
    ? fail(`--fields names ${unknown.length === 1 ? "an unknown field" : "unknown fields"}: ${unknown.join(", ")}.`)
    : Either.right([...new Set(names as ReadonlyArray<string> as ReadonlyArray<F>)])
}

/** The columns to print: Graph's default fields, or the fields asked for with `id` first. */
export const columns = (
  fields: ReadonlyArray<string> | undefined,
  defaults: ReadonlyArray<string>
): ReadonlyArray<string> => fields === undefined ? defaults : ["id", ...fields.filter((field) => field !== "id")]

/** `--max`, 1 or more. */
export const max = (max: number | undefined, noun: Noun.Noun): Either.Either<number | undefined, UsageError> =>
  max === undefined || (Number.isInteger(max) && max >= 1)
    ? Either.right(max)
    : Either.left(new UsageError({ message: `--max must be a whole number of ${noun.many}, 1 or more; got ${max}.` }))

/**
 * The checked input of `waba <command>`, or its error; then the first of its ids that is an option @effect/cli
 * did not know and took for an id.
 */
export const checked = <A>(
  input: Either.Either<A, ErrorReport.CliError>,
  ids: ReadonlyArray<string>,
  command: string
): Effect.Effect<A, CommandError.CommandError> => {
  const option = ids.find((id) => id.startsWith("-"))
  return Either.isLeft(input)
    ? Effect.fail(CommandError.make(input.left))
    : option === undefined
    ? Effect.succeed(input.right)
    : Effect.fail(
      CommandError.make(
        new UsageError({ message: `Unknown option ${option}.`, hint: `waba ${command} --help lists the options.` })
      )
    )
}

/**
 * `--verbose`: which clauses a read of `edge` sends Graph and which the client checks on each item, on a line
 * starting with `label`.
 */
export const explainFilters = (
  label: string,
  edge: Parameters<typeof Filter.toWire>[0],
  filtering: Parameters<typeof Filter.toWire>[1] | undefined,
  noun: Noun.Noun
): Effect.Effect<void, never, Progress> =>
  Effect.flatMap(Progress, (progress) =>
    Effect.sync(() => {
      const planned = filtering === undefined ? undefined : Either.getRight(Filter.toWire(edge, filtering))
      if (planned === undefined || Option.isNone(planned)) return
      const { filtering: sent, local } = planned.value
      progress.note(
        `waba: ${label}filtering sent to Graph: ${sent ?? "none"}; checked here on each ${noun.one}: ${
          local.length === 0 ? "none" : local.join("; ")
        }`
      )
    }))
