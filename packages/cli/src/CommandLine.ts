/**
 * What each `waba` command takes: its arguments and options, typed so that `--help` says what each takes,
 * with the environment variables that stand in for some of them.
 *
 * @effect/cli's own words for a bad value do not name the option (`'lots' is not a integer`), so each typed
 * option keeps words that do; {@link explain} finds the option at fault in a command line @effect/cli
 * refused, by asking @effect/cli's parser about each typed option of that command alone.
 */
import { defaultApiVersion } from "@effect-waba/graph-core/GraphConfig"
import * as Args from "@effect/cli/Args"
import type * as CliApp from "@effect/cli/CliApp"
import * as CliConfig from "@effect/cli/CliConfig"
import type * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

interface Check {
  readonly name: string
  readonly parses: Options.Options<unknown>
  readonly explain: (raw: string) => string
}

const checks = new Map<unknown, Check>()

// A typed option, described and finished (`Options.optional`, a default), remembered with its words.
const typed =
  <A>(name: string, parses: Options.Options<A>, explain: (raw: string) => string) =>
  <B>(description: string, finish: (options: Options.Options<A>) => Options.Options<B>): Options.Options<B> => {
    const options = finish(Options.withDescription(parses, description))
    checks.set(options, { name, parses, explain })
    return options
  }

const integer = (name: string) =>
  typed(name, Options.integer(name), (raw) => `--${name} takes a whole number; got "${raw}".`)

const float = (name: string) =>
  typed(name, Options.float(name), (raw) => `--${name} takes a number such as 0.1; got "${raw}".`)

const choice = <const A extends string>(name: string, choices: ReadonlyArray<A>) =>
  typed(name, Options.choice(name, choices), (raw) => `--${name} takes one of ${choices.join(", ")}; got "${raw}".`)

const text = (name: string, pseudoName: string, description: string) =>
  Options.text(name).pipe(Options.withPseudoName(pseudoName), Options.withDescription(description))

/**
 * An environment variable, absent when it is empty or blank: an `export GRAPH_BASE_URL=` left in a shell
 * profile must not count as a setting.
 */
export const env = (variable: string): Config.Config<string> =>
  Config.string(variable).pipe(
    Config.mapOrFail((value) =>
      value.trim() === ""
        ? Either.left(ConfigError.MissingData([variable], `${variable} is empty`))
        : Either.right(value)
    )
  )

/** The output formats of a listing. */
export const formats = ["table", "jsonl", "json", "csv"] as const

export type OutputFormat = typeof formats[number]

const fields = (example: string) =>
  text("fields", "FIELD,...", `Comma-separated fields to read, e.g. ${example}. Default: Graph's.`).pipe(
    Options.optional
  )

const filter = (examples: string) =>
  text("filter", "CONDITION", `A condition, e.g. ${examples}. Repeat to combine. See docs/cli.md.`).pipe(
    Options.repeated
  )

const format = choice("format", formats)(
  "Output: table, jsonl, json or csv.",
  Options.withDefault<OutputFormat>("table")
)

const paging = (items: string) => ({
  limit: integer("limit")("Page size, 1 to 100.", Options.optional),
  max: integer("max")(`Stop after this many ${items}; no page beyond them is fetched.`, Options.optional),
  after: text("after", "CURSOR", "Start after this cursor (the one an interrupted or failed run printed).").pipe(
    Options.optional
  ),
  format,
  prefetch: integer("prefetch")(
    "Fetch up to this many pages ahead (1 to 16) while output is written.",
    Options.optional
  )
})

const secret = (name: string, pseudoName: string, description: string, variable: string) =>
  Options.redacted(name).pipe(
    Options.withPseudoName(pseudoName),
    Options.withDescription(description),
    Options.withFallbackConfig(Config.map(env(variable), Redacted.make)),
    Options.optional
  )

const setting = (name: string, pseudoName: string, description: string, variable: string) =>
  text(name, pseudoName, description).pipe(Options.withFallbackConfig(env(variable)), Options.optional)

/** Where to connect, how to authenticate, how hard to retry, which proxy, how much to say. */
export const connection = {
  token: secret(
    "token",
    "TOKEN",
    "Access token (default: GRAPH_ACCESS_TOKEN). Without any, and without a base URL, the demo runs. Prefer the " +
      "variable: other users of the machine can see command lines.",
    "GRAPH_ACCESS_TOKEN"
  ),
  appSecret: secret(
    "app-secret",
    "SECRET",
    "App secret, to sign every call with appsecret_proof (default: GRAPH_APP_SECRET).",
    "GRAPH_APP_SECRET"
  ),
  baseUrl: setting(
    "base-url",
    "URL",
    "Graph API origin (default: GRAPH_BASE_URL, else https://graph.facebook.com).",
    "GRAPH_BASE_URL"
  ),
  apiVersion: setting(
    "api-version",
    "vNN.N",
    `Graph API version (default: GRAPH_API_VERSION, else ${defaultApiVersion}).`,
    "GRAPH_API_VERSION"
  ),
  maxRetries: integer("max-retries")("Retries of a throttled or failed call, 0 to 100 (default 4).", Options.optional),
  proxy: text(
    "proxy",
    "URL",
    "HTTP proxy for every call, e.g. http://proxy.example:3128 (default: HTTPS_PROXY, HTTP_PROXY; the hosts in " +
      "NO_PROXY are reached directly)."
  ).pipe(Options.optional),
  verbose: Options.boolean("verbose").pipe(
    Options.withDescription("Say on stderr, one line each, when a call is retried or held for the rate budget.")
  )
}

export type ConnectionInput = Command.Command.ParseConfig<typeof connection>

const expand = (description: string) => choice("expand", ["phone_numbers"])(description, Options.optional)

export const accounts = {
  name: "accounts",
  description: "List the WhatsApp Business Accounts businesses own (--edge owned), those their clients share " +
    "with them (--edge client), or both (--edge all), optionally with their phone numbers. Several business ids " +
    "are read concurrently and merged by account. Without a token (GRAPH_ACCESS_TOKEN or --token), lists a demo " +
    "business from an embedded emulator.",
  options: {
    businessIds: Args.text({ name: "business-id" }).pipe(
      Args.withDescription(
        "The business whose accounts to list (numeric, from Business Settings > Business info); several are read " +
          "concurrently and merged. Optional in demo mode."
      ),
      Args.repeated
    ),
    edge: choice("edge", ["owned", "client", "all"])(
      "Which accounts: owned (the business's own), client (shared with it by clients) or all (both, merged).",
      Options.withDefault("owned")
    ),
    expand: expand(
      "Read each account's phone numbers too (every page of them): a count in the table, the numbers in JSON."
    ),
    fields: fields("name,creation_time,ownership_type"),
    filter: filter(
      "creation_time>2024-01-01, creation_time=2024-01-01..2024-06-30, ownership_type=SELF,CLIENT_OWNED"
    ),
    sort: choice("sort", ["asc", "desc", "creation_time_ascending", "creation_time_descending"])(
      "Order by creation time: asc or desc (or Graph's creation_time_ascending/descending).",
      Options.optional
    ),
    ...paging("accounts"),
    ...connection
  }
}

export type AccountsInput = Command.Command.ParseConfig<typeof accounts.options>

export const phoneNumbers = {
  name: "phone-numbers",
  description: "List the phone numbers of a WhatsApp Business Account (quality rating, messaging limit tier, " +
    "status, …). Without a token, lists a demo account's numbers from an embedded emulator.",
  options: {
    wabaId: Args.text({ name: "waba-id" }).pipe(
      Args.withDescription("The WhatsApp Business Account whose numbers to list (numeric). Optional in demo mode."),
      Args.optional
    ),
    fields: fields("display_phone_number,quality_rating,messaging_limit_tier"),
    filter: filter(
      "quality_rating=GREEN,YELLOW, status!=BANNED, account_mode=LIVE, is_official_business_account=true"
    ),
    ...paging("phone numbers"),
    ...connection
  }
}

export type PhoneNumbersInput = Command.Command.ParseConfig<typeof phoneNumbers.options>

export const account = {
  name: "account",
  description: "Read one WhatsApp Business Account, optionally with its phone numbers. Without a token, reads a " +
    "demo account from an embedded emulator.",
  options: {
    wabaId: Args.text({ name: "waba-id" }).pipe(
      Args.withDescription("The WhatsApp Business Account to read (numeric). Optional in demo mode."),
      Args.optional
    ),
    fields: fields("name,status,health_status"),
    expand: expand("Read the account's phone numbers too (every page of them)."),
    format,
    ...connection
  }
}

export type AccountInput = Command.Command.ParseConfig<typeof account.options>

export const emulator = {
  name: "emulator",
  description: "Run the Graph API emulator on loopback until interrupted. Prints one JSON line: url, token, " +
    "businessIds, ..., and the command that reproduces the same data.",
  options: {
    port: integer("port")("Port to listen on (loopback only); 0 picks a free one.", Options.withDefault(0)),
    seed: text(
      "seed",
      "SEED",
      "Seed of the generated data, a number or a word: the same seed (and sizes) give the same data."
    ).pipe(Options.optional),
    businesses: integer("businesses")(
      "How many businesses (default: 3 businesses owning 137, 12 and 0 accounts).",
      Options.optional
    ),
    accounts: integer("accounts")(
      "Accounts per business when --businesses or --accounts is given (default 25).",
      Options.optional
    ),
    faultRate: float("fault-rate")("Share of requests (0 to 1) that fail with --fault-kind.", Options.optional),
    faultKind: choice("fault-kind", ["graph-error", "http-error", "reset", "truncated", "non-json"])(
      "graph-error (code 2, transient), http-error (HTTP 503), reset (connection cut mid-body), " +
        "truncated (JSON cut short) or non-json (an HTML page).",
      Options.withDefault("graph-error")
    ),
    latency: integer("latency")("Milliseconds added to every response.", Options.optional),
    latencyJitter: integer("latency-jitter")(
      "Up to this many more milliseconds, varying per request.",
      Options.optional
    ),
    rateLimit: integer("rate-limit")(
      "Calls per hour per business before error 80008 (default 200); 0 turns limits off.",
      Options.optional
    ),
    requireAppsecretProof: Options.boolean("require-appsecret-proof").pipe(
      Options.withDescription("Refuse calls without appsecret_proof, like Graph's \"Require App Secret\" setting.")
    ),
    filterAfterPaging: Options.boolean("filter-after-paging").pipe(
      Options.withDescription("Filter after cutting pages, as Graph does: filtered pages may be short or empty.")
    )
  }
}

export type EmulatorInput = Command.Command.ParseConfig<typeof emulator.options>

/** Every command, in the order `waba --help` lists them. */
export const commands = [accounts, phoneNumbers, account, emulator] as const

const parse = <A>(options: Options.Options<A>, args: ReadonlyArray<string>) =>
  Options.processCommandLine(Options.optional(options), args, CliConfig.defaultConfig)

// The words for a typed option whose value @effect/cli refuses, with the value as typed.
const refused = (check: Check, args: ReadonlyArray<string>) =>
  parse(check.parses, args).pipe(
    Effect.as(Option.none<string>()),
    Effect.orElse(() =>
      parse(Options.text(check.name), args).pipe(
        Effect.map(([, , raw]) => Option.map(raw, check.explain)),
        Effect.orElseSucceed(() => Option.none<string>())
      )
    )
  )

/**
 * For a command line @effect/cli refused (the arguments after the command's name), the words for the first
 * typed option of the command whose value it refused, if one was.
 */
export const explain = (
  options: Record<string, unknown>,
  args: ReadonlyArray<string>
): Effect.Effect<Option.Option<string>, never, CliApp.CliApp.Environment> =>
  Effect.map(
    Effect.forEach(
      Object.values(options).flatMap((option) => checks.get(option) ?? []),
      (check) => refused(check, args)
    ),
    Option.firstSomeOf
  )
