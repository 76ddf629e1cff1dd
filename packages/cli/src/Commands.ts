/**
 * The `waba` command line: `waba accounts` lists a business's WhatsApp Business Accounts, `waba emulator`
 * runs the Graph emulator as a standalone server.
 *
 * {@link main} runs a command line and returns the process exit code; it never fails. Errors are
 * rendered on stderr by `ErrorReport`, data goes to stdout only.
 *
 * Each command is declared in its own module (`AccountsCommand`, `EmulatorCommand`: its options, and the
 * checks that word bad values) and does its work in `internal/<name>Run.ts`, imported only when the command
 * runs, so that `waba --help` loads neither the Graph client nor the emulator. Adding a command is a
 * declaration, a run module and one entry in {@link commands}.
 *
 * @since 0.1.0
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as AccountCommand from "./AccountCommand.js"
import * as AccountsCommand from "./AccountsCommand.js"
import * as CliConsole from "./CliConsole.js"
import * as CliOptions from "./CliOptions.js"
import * as CommandError from "./CommandError.js"
import * as EmulatorCommand from "./EmulatorCommand.js"
import { ExitCode } from "./ExitCode.js"
import { Output } from "./Output.js"
import * as PhoneNumbersCommand from "./PhoneNumbersCommand.js"
import type { Progress } from "./Progress.js"
import * as Resume from "./Resume.js"
import { UsageError } from "./UsageError.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const version = "0.1.0"

/**
 * `waba accounts [business-id]`.
 *
 * @since 0.1.0
 * @category commands
 */
export const accounts = Command.make(
  AccountsCommand.name,
  AccountsCommand.options,
  (input) => Effect.flatMap(Effect.promise(() => import("./internal/accountsRun.js")), (run) => run.run(input))
).pipe(Command.withDescription(AccountsCommand.description))

/**
 * `waba phone-numbers [waba-id]`.
 *
 * @since 0.3.0
 * @category commands
 */
export const phoneNumbers = Command.make(
  PhoneNumbersCommand.name,
  PhoneNumbersCommand.options,
  (input) => Effect.flatMap(Effect.promise(() => import("./internal/phoneNumbersRun.js")), (run) => run.run(input))
).pipe(Command.withDescription(PhoneNumbersCommand.description))

/**
 * `waba account [waba-id]`.
 *
 * @since 0.3.0
 * @category commands
 */
export const account = Command.make(
  AccountCommand.name,
  AccountCommand.options,
  (input) => Effect.flatMap(Effect.promise(() => import("./internal/accountRun.js")), (run) => run.run(input))
).pipe(Command.withDescription(AccountCommand.description))

/**
 * `waba emulator`.
 *
 * @since 0.1.0
 * @category commands
 */
export const emulator = Command.make(
  EmulatorCommand.name,
  EmulatorCommand.options,
  (input) => Effect.flatMap(Effect.promise(() => import("./internal/emulatorRun.js")), (run) => run.run(input))
).pipe(Command.withDescription(EmulatorCommand.description))

/**
 * Every subcommand, with the checks that word its bad option values.
 *
 * @since 0.2.0
 * @category commands
 */
export const commands: ReadonlyArray<{ readonly name: string; readonly checks: ReadonlyArray<CliOptions.Check> }> = [
  AccountsCommand,
  PhoneNumbersCommand,
  AccountCommand,
  EmulatorCommand
]

/**
 * The root command.
 *
 * @since 0.1.0
 * @category commands
 */
export const waba = Command.make("waba", {}, () =>
  Effect.fail(CommandError.make(
    new UsageError({
      message: "Name a command.",
      hint: "waba accounts [business-id] lists accounts, waba phone-numbers [waba-id] an account's numbers, " +
        "waba account [waba-id] one account; waba emulator runs the emulator; waba --help says more."
    })
  ))).pipe(
    Command.withDescription("Read a business's WhatsApp Business Accounts from Meta's Graph API."),
    Command.withSubcommands([accounts, phoneNumbers, account, emulator])
  )

/**
 * What the commands need from the platform.
 *
 * @since 0.1.0
 * @category models
 */
export type Environment = CliApp.CliApp.Environment | Output | Progress

const cli = Command.run(waba, { name: "waba", version })

const write = (text: string) => Effect.flatMap(Output, (output) => Effect.ignore(output.stderr.write(text)))

// Loaded when there is something to report: a command that succeeds never needs it.
const loadReport = Effect.promise(() => import("./ErrorReport.js"))

const reportFailure = (failure: CommandError.CommandError) =>
  Effect.gen(function*() {
    const output = yield* Output
    const ErrorReport = yield* loadReport
    const report = ErrorReport.make(failure.error, failure.context)
    const written = failure.written
    yield* write(ErrorReport.format(report, {
      color: output.stderr.colors,
      secrets: failure.secrets,
      resume: written?.point === undefined ? undefined : Resume.hint(written.point, written)
    }))
    return report.exitCode
  })

// @effect/cli refused the command line; its words (`said`) are the fallback when no check names the option.
const reportUsage = (args: ReadonlyArray<string>, said: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const output = yield* Output
    const ErrorReport = yield* loadReport
    const index = args.findIndex((arg) => commands.some((command) => command.name === arg))
    const command = index === -1 ? undefined : commands.find((candidate) => candidate.name === args[index])
    const explained = command === undefined
      ? Option.none<string>()
      : yield* CliOptions.explain(command.checks, args.slice(index + 1))
    const message = Option.getOrElse(explained, () => said.join("\n").trim() || "Invalid command line.")
    const help = command === undefined ? "waba --help" : `waba ${command.name} --help`
    yield* write(
      ErrorReport.format(ErrorReport.usage(message, `${help} lists the options.`), { color: output.stderr.colors })
    )
    return ExitCode.usage
  })

const reportDefect = (cause: Cause.Cause<unknown>) =>
  Effect.gen(function*() {
    const output = yield* Output
    const ErrorReport = yield* loadReport
    const report = ErrorReport.unexpected(Cause.squash(cause))
    yield* write(ErrorReport.format(report, { color: output.stderr.colors }))
    return report.exitCode
  })

/**
 * Runs a command line (`process.argv`: the runtime, the script, then the arguments) and returns the exit
 * code. Never fails: every error is reported on stderr. An interruption (Ctrl-C) interrupts it, after the
 * command has said how to resume.
 *
 * @since 0.1.0
 * @category running
 */
export const main = (argv: ReadonlyArray<string>): Effect.Effect<ExitCode, never, Environment> =>
  Effect.gen(function*() {
    const output = yield* Output
    const said: Array<string> = []
    const exit = yield* cli(argv).pipe(CliConsole.routed(output, (text) => said.push(text)), Effect.exit)
    if (Exit.isSuccess(exit)) return ExitCode.ok
    const cause = exit.cause
    if (Cause.isInterruptedOnly(cause)) return yield* Effect.interrupt
    const failure = Cause.failureOption(cause)
    if (Option.isNone(failure)) return yield* reportDefect(cause)
    const error = failure.value
    if (ValidationError.isValidationError(error)) return yield* reportUsage(argv.slice(2), said)
    return yield* reportFailure(error)
  })
