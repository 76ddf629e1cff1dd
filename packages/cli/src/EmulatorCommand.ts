/**
 * `waba emulator`: what it takes, and the command line that reproduces a run. What it does lives in
 * `internal/emulatorRun.ts`, loaded only when it runs.
 *
 * @since 0.2.0
 */
import type * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Option from "effect/Option"
import * as CliOptions from "./CliOptions.js"

/**
 * @since 0.2.0
 * @category constants
 */
export const name = "emulator"

/**
 * @since 0.2.0
 * @category constants
 */
export const description = "Run the Graph API emulator on loopback until interrupted. Prints one JSON line: url, " +
  "token, businessIds, ..., and the command that reproduces the same data."

/**
 * The kinds of fault `--fault-kind` can inject.
 *
 * @since 0.1.0
 * @category constants
 */
export const faultKinds = ["graph-error", "http-error", "reset", "truncated", "non-json"] as const

/**
 * @since 0.2.0
 * @category models
 */
export type FaultKind = typeof faultKinds[number]

const port = CliOptions.integer("port")
const businesses = CliOptions.integer("businesses")
const accounts = CliOptions.integer("accounts")
const faultRate = CliOptions.float("fault-rate")
const faultKind = CliOptions.choice("fault-kind", faultKinds)
const latency = CliOptions.integer("latency")
const latencyJitter = CliOptions.integer("latency-jitter")
const rateLimit = CliOptions.integer("rate-limit")

/**
 * @since 0.2.0
 * @category options
 */
export const options = {
  port: port.options.pipe(
    Options.withDescription("Port to listen on (loopback only); 0 picks a free one."),
    Options.withDefault(0)
  ),
  seed: Options.text("seed").pipe(
    Options.withPseudoName("SEED"),
    Options.withDescription(
      "Seed of the generated data, a number or a word: the same seed (and sizes) give the same data."
    ),
    Options.optional
  ),
  businesses: businesses.options.pipe(
    Options.withDescription("How many businesses (default: 3 businesses owning 137, 12 and 0 accounts)."),
    Options.optional
  ),
  accounts: accounts.options.pipe(
    Options.withDescription("Accounts per business when --businesses or --accounts is given (default 25)."),
    Options.optional
  ),
  faultRate: faultRate.options.pipe(
    Options.withDescription("Share of requests (0 to 1) that fail with --fault-kind."),
    Options.optional
  ),
  faultKind: faultKind.options.pipe(
    Options.withDescription(
      "graph-error (code 2, transient), http-error (HTTP 503), reset (connection cut mid-body), " +
        "truncated (JSON cut short) or non-json (an HTML page)."
    ),
    Options.withDefault<FaultKind>("graph-error")
  ),
  latency: latency.options.pipe(Options.withDescription("Milliseconds added to every response."), Options.optional),
  latencyJitter: latencyJitter.options.pipe(
    Options.withDescription("Up to this many more milliseconds, varying per request."),
    Options.optional
  ),
  rateLimit: rateLimit.options.pipe(
    Options.withDescription("Calls per hour per business before error 80008 (default 200); 0 turns limits off."),
    Options.optional
  ),
  requireAppsecretProof: Options.boolean("require-appsecret-proof").pipe(
    Options.withDescription("Refuse calls without appsecret_proof, like Graph's \"Require App Secret\" setting.")
  ),
  filterAfterPaging: Options.boolean("filter-after-paging").pipe(
    Options.withDescription("Filter after cutting pages, as Graph does: filtered pages may be short or empty.")
  )
}

/**
 * @since 0.2.0
 * @category options
 */
export const checks: ReadonlyArray<CliOptions.Check> = [
  port.check,
  businesses.check,
  accounts.check,
  faultRate.check,
  faultKind.check,
  latency.check,
  latencyJitter.check,
  rateLimit.check
]

/**
 * The parsed command line.
 *
 * @since 0.2.0
 * @category models
 */
export type Input = Command.Command.ParseConfig<typeof options>

/**
 * The seed as the emulator takes it: digits are a number, anything else a word.
 *
 * @since 0.2.0
 * @category seeds
 */
export const seedOf = (text: string): number | string => /^\d{1,15}$/.test(text) ? Number(text) : text

// Quoted for a POSIX shell when it holds anything but the characters that need no quoting.
const shellWord = (word: string): string =>
  /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`

/**
 * The `waba emulator` command line that serves the same data and behaves the same way (all but the port,
 * which a second run may not get).
 *
 * @example
 * ```ts
 * import * as EmulatorCommand from "@effect-waba/cli/EmulatorCommand"
 *
 * // for `waba emulator --seed 7 --businesses 2 --port 8080`:
 * // "waba emulator --seed 7 --businesses 2"
 * ```
 *
 * @since 0.2.0
 * @category seeds
 */
export const reproduce = (input: Input): string => {
  const words = ["waba", "emulator"]
  const flag = <A>(name: string, value: Option.Option<A>) => {
    if (Option.isSome(value)) words.push(`--${name}`, shellWord(String(value.value)))
  }
  flag("seed", input.seed)
  flag("businesses", input.businesses)
  flag("accounts", input.accounts)
  flag("fault-rate", input.faultRate)
  if (Option.isSome(input.faultRate)) flag("fault-kind", Option.some(input.faultKind))
  flag("latency", input.latency)
  flag("latency-jitter", input.latencyJitter)
  flag("rate-limit", input.rateLimit)
  if (input.requireAppsecretProof) words.push("--require-appsecret-proof")
  if (input.filterAfterPaging) words.push("--filter-after-paging")
  return words.join(" ")
}
