/**
 * The `waba` command line: {@link main} runs one and returns the process exit code; it never fails. Errors
 * are reported on stderr by `ErrorReport`, data goes to stdout only.
 *
 * Each command's options are declared in `CommandLine`; what it does is in its own module, imported only when
 * it runs, so that `waba --help` loads neither the Graph client nor the emulator. Help is `Help`'s, written
 * before @effect/cli sees the command line.
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { stripVTControlCharacters } from "node:util"
import * as CommandError from "./CommandError.js"
import * as CommandLine from "./CommandLine.js"
import * as Help from "./Help.js"
import * as Output from "./Output.js"
import type { Progress } from "./Progress.js"
import { UsageError } from "./UsageError.js"

const make = <Name extends string, O extends Command.Command.Config, R>(
  declaration: { readonly name: Name; readonly summary: string; readonly options: O },
  load: () => Promise<(input: Command.Command.ParseConfig<O>) => Effect.Effect<void, CommandError.CommandError, R>>
) =>
  Command.make(
    declaration.name,
    declaration.options,
    (input) => Effect.flatMap(Effect.promise(load), (run) => run(input as Command.Command.ParseConfig<O>))
  ).pipe(Command.withDescription(declaration.summary))

const reads = () => import("./ReadCommands.js")

const inventory = () => import("./InventoryCommands.js")

// A word that only groups commands (`waba tokens`): its help is `Help`'s.
const group = <
  const Subcommands extends readonly [
    Command.Command<any, any, any, any>,
    ...Array<Command.Command<any, any, any, any>>
  ]
>(declared: CommandLine.Group, commands: Subcommands) =>
  Command.make(declared.name).pipe(Command.withDescription(declared.summary), Command.withSubcommands(commands))

const waba = Command.make("waba", {}, () =>
  Effect.fail(CommandError.make(
    new UsageError({
      message: "Name a command.",
      hint: "waba accounts [business-id] lists accounts, waba phone-numbers [waba-id] an account's numbers, " +
        "waba account [waba-id] one account; waba tokens check --tokens FILE checks tokens; waba sync keeps an " +
        "inventory; waba emulator runs the emulator; waba --help says more."
    })
  ))).pipe(
    Command.withDescription(CommandLine.program.description),
    Command.withSubcommands([
      make(CommandLine.accounts, () => reads().then((commands) => commands.accounts)),
      make(CommandLine.phoneNumbers, () => reads().then((commands) => commands.phoneNumbers)),
      make(CommandLine.account, () => reads().then((commands) => commands.account)),
      make(CommandLine.emulator, () => import("./EmulatorCommand.js").then((command) => command.run)),
      group(CommandLine.tokensGroup, [
        make(CommandLine.tokensCheck, () => import("./TokensCheck.js").then((command) => command.run))
      ]),
      make(CommandLine.sync, () => import("./SyncCommand.js").then((command) => command.run)),
      group(CommandLine.inventoryGroup, [
        make(CommandLine.inventoryAccounts, () => inventory().then((commands) => commands.accounts)),
        make(CommandLine.inventoryPhoneNumbers, () => inventory().then((commands) => commands.phoneNumbers))
      ]),
      make(CommandLine.changes, () => inventory().then((commands) => commands.changes)),
      group(CommandLine.webhooksGroup, [
        make(CommandLine.webhooksServe, () => import("./WebhooksCommand.js").then((command) => command.run))
      ])
    ])
  )

const cli = Command.run(waba, { name: CommandLine.program.name, version: CommandLine.program.version })

// @effect/cli prints help and `--version` through the Console, and its own words for a command line it
// refuses: the first go to stdout, plain unless colour is allowed; the second are kept for the error report.
const routed = (output: Output.Service, said: Array<string>) => {
  const joined = (args: ReadonlyArray<unknown>) => args.map(String).join(" ")
  return <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Console.consoleWith((current) =>
      Effect.withConsole(effect, {
        ...current,
        log: (...args) =>
          Effect.sync(() => {
            const text = joined(args)
            output.stdout.unsafeWrite(`${output.stdout.colors ? text : stripVTControlCharacters(text)}\n`)
          }),
        error: (...args) => Effect.sync(() => void said.push(stripVTControlCharacters(joined(args))))
      })
    )
}

/**
 * Runs a command line (`process.argv`: the runtime, the script, then the arguments) and returns the exit
 * code. Never fails: every error is reported on stderr. An interruption (Ctrl-C) interrupts it, after the
 * command has said how to resume.
 */
export const main = (
  argv: ReadonlyArray<string>
): Effect.Effect<number, never, CliApp.CliApp.Environment | Output.Output | Progress> =>
  Effect.gen(function*() {
    const output = yield* Output.Output
    const help = Help.of(argv.slice(2))
    if (help !== undefined) {
      const width = Math.min(output.stdout.columns() ?? 80, 100)
      yield* Effect.ignore(output.stdout.write(help({ width, colors: output.stdout.colors })))
      return 0
    }
    const said: Array<string> = []
    const exit = yield* cli(argv).pipe(routed(output, said), Effect.exit)
    if (Exit.isSuccess(exit)) return 0
    if (Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
    const failure = Option.getOrUndefined(Cause.failureOption(exit.cause))
    const error = ValidationError.isValidationError(failure)
      ? CommandError.make(CommandLine.refused(argv.slice(2), said))
      : failure
    // Loaded when there is something to report: a command that succeeds never needs it.
    const ErrorReport = yield* Effect.promise(() => import("./ErrorReport.js"))
    const report = error === undefined
      ? ErrorReport.unexpected(Cause.squash(exit.cause))
      : ErrorReport.make(error.error, error.context)
    yield* Effect.ignore(output.stderr.write(ErrorReport.format(report, {
      color: output.stderr.colors,
      secrets: error?.secrets,
      resume: error?.resume ?? (error?.written === undefined ? undefined : CommandError.resume(error.written))
    })))
    return report.exitCode
  })
