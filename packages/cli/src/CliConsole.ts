/**
 * The `Console` @effect/cli prints through (help, `--version`, its own parse errors), routed to the CLI's
 * channels.
 *
 * @effect/cli 0.77 renders help with @effect/printer-ansi and has no switch to render it plain, so the
 * colour decision is made here, where its text meets a channel: a channel that may not be coloured (not a
 * terminal, `NO_COLOR`, `TERM=dumb`) gets the text with its escape sequences removed (Node's
 * `stripVTControlCharacters`). What it prints as errors is handed to `onError` instead, so the command
 * line can word the error its own way.
 *
 * @since 0.2.0
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { stripVTControlCharacters } from "node:util"
import type * as Output from "./Output.js"

const joined = (args: ReadonlyArray<unknown>): string => args.map((arg) => String(arg)).join(" ")

/**
 * Runs an effect with @effect/cli's printing going to `output`'s stdout and `onError`.
 *
 * @since 0.2.0
 * @category combinators
 */
export const routed =
  (output: Output.Service, onError: (text: string) => void) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Console.consoleWith((current) => {
      const log = (...args: ReadonlyArray<unknown>) => {
        const text = joined(args)
        output.stdout.unsafeWrite(`${output.stdout.colors ? text : stripVTControlCharacters(text)}\n`)
      }
      const error = (...args: ReadonlyArray<unknown>) => onError(stripVTControlCharacters(joined(args)))
      const console: Console.Console = {
        ...current,
        log: (...args) => Effect.sync(() => log(...args)),
        info: (...args) => Effect.sync(() => log(...args)),
        error: (...args) => Effect.sync(() => error(...args)),
        warn: (...args) => Effect.sync(() => error(...args)),
        unsafe: { ...current.unsafe, log, info: log, error, warn: error }
      }
      return Effect.withConsole(effect, console)
    })
