/**
 * The option plumbing every command shares: typed options (`Options.integer`, `Options.float`,
 * `Options.choice`) so that `--help` says what each takes, fallbacks from environment variables, and
 * error messages that name the option.
 *
 * @effect/cli's own message for a bad value does not say which option it was (`'lots' is not a integer`).
 * Each typed option here comes with a {@link Check}; when a command line fails to parse, {@link explain}
 * runs @effect/cli's own parser once per checked option to find the one at fault, and words the error
 * for it: `--max takes a whole number; got "lots".`
 *
 * @since 0.2.0
 */
import type * as CliApp from "@effect/cli/CliApp"
import * as CliConfig from "@effect/cli/CliConfig"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * How to tell whether one option's value is at fault, and what to say if it is.
 *
 * @since 0.2.0
 * @category models
 */
export interface Check {
  readonly name: string
  /** The option as @effect/cli parses it, with nothing added. */
  readonly parses: Options.Options<unknown>
  /** The message for a value it refused, as typed. */
  readonly explain: (raw: string) => string
}

/**
 * An option and its check.
 *
 * @since 0.2.0
 * @category models
 */
export interface Typed<A> {
  readonly options: Options.Options<A>
  readonly check: Check
}

const typed = <A>(name: string, options: Options.Options<A>, explain: (raw: string) => string): Typed<A> => ({
  options,
  check: { name, parses: options, explain }
})

/**
 * A whole number.
 *
 * @since 0.2.0
 * @category constructors
 */
export const integer = (name: string): Typed<number> =>
  typed(name, Options.integer(name), (raw) => `--${name} takes a whole number; got "${raw}".`)

/**
 * A number, fractions allowed.
 *
 * @since 0.2.0
 * @category constructors
 */
export const float = (name: string): Typed<number> =>
  typed(name, Options.float(name), (raw) => `--${name} takes a number such as 0.1; got "${raw}".`)

/**
 * One of a few words.
 *
 * @since 0.2.0
 * @category constructors
 */
export const choice = <const A extends string>(name: string, choices: ReadonlyArray<A>): Typed<A> =>
  typed(
    name,
    Options.choice(name, choices),
    (raw) => `--${name} takes one of ${choices.join(", ")}; got "${raw}".`
  )

/**
 * An environment variable, read as absent when it is empty or blank (an `export GRAPH_BASE_URL=` left in a
 * shell profile must not count as a setting).
 *
 * @since 0.2.0
 * @category config
 */
export const env = (variable: string): Config.Config<string> =>
  Config.string(variable).pipe(
    Config.mapOrFail((value) =>
      value.trim() === ""
        ? Either.left(ConfigError.MissingData([variable], `${variable} is empty`))
        : Either.right(value)
    )
  )

/**
 * A secret environment variable, absent when empty.
 *
 * @since 0.2.0
 * @category config
 */
export const secretEnv = (variable: string): Config.Config<Redacted.Redacted<string>> =>
  Config.map(env(variable), Redacted.make)

/**
 * For a command line @effect/cli refused, the message for the first checked option whose value it
 * refused, if one was.
 *
 * @since 0.2.0
 * @category diagnosis
 */
export const explain = (
  checks: ReadonlyArray<Check>,
  args: ReadonlyArray<string>
): Effect.Effect<Option.Option<string>, never, CliApp.CliApp.Environment> =>
  Effect.reduce(checks, Option.none<string>(), (found, check) =>
    Option.isSome(found)
      ? Effect.succeed(found)
      : Options.processCommandLine(Options.optional(check.parses), args, CliConfig.defaultConfig).pipe(
        Effect.matchEffect({
          onSuccess: () => Effect.succeed(Option.none()),
          onFailure: () =>
            Options.processCommandLine(Options.optional(Options.text(check.name)), args, CliConfig.defaultConfig)
              .pipe(
                Effect.map(([, , raw]) => Option.map(raw, check.explain)),
                Effect.orElseSucceed(() => Option.none())
              )
        })
      ))
