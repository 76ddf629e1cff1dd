/**
 * What each `waba` command takes: its arguments and options, typed so that `--help` says what each takes,
 * with the environment variables that stand in for some of them.
 *
 * @effect/cli's own words for a bad value do not name the option (`'lots' is not a integer`), so each typed
 * option keeps words that do; {@link refused} finds the option at fault in a command line @effect/cli
 * refused, by asking @effect/cli's parser about each typed option of that command alone.
 */
import { defaultApiVersion } from "@effect-waba/graph-core/GraphConfig"
import * as Args from "@effect/cli/Args"
import type * as CliApp from "@effect/cli/CliApp"
import * as CliConfig from "@effect/cli/CliConfig"
import type * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { UsageError } from "./UsageError.js"

interface Check {
  readonly name: string
  readonly parses: Options.Options<unknown>
  readonly explain: (raw: string) => string
}

// Every typed option, by its name as @effect/cli writes it (`--limit`).
const checks = new Map<string, Check>()

const typed = <A>(name: string, parses: Options.Options<A>, description: string, takes: string) => {
  checks.set(`--${name}`, { name, parses, explain: (raw) => `--${name} takes ${takes}; got "${raw}".` })
  return Options.withDescription(parses, description)
}

const integer = (name: string, description: string) => typed(name, Options.integer(name), description, "a whole number")

const float = (name: string, description: string) =>
  typed(name, Options.float(name), description, "a number such as 0.1")

const choice = <const A extends string>(name: string, choices: ReadonlyArray<A>, description: string) =>
  typed(name, Options.choice(name, choices), description, `one of ${choices.join(", ")}`)

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

// An option that may be left out: `undefined` then.
const optional = <A>(options: Options.Options<A>) => Options.map(Options.optional(options), Option.getOrUndefined)

/** The output formats of a listing. */
export const formats = ["table", "jsonl", "json", "csv"] as const

export type OutputFormat = typeof formats[number]

const fields = (example: string) =>
  optional(text("fields", "FIELD,...", `Comma-separated fields to read, e.g. ${example}. Default: Graph's.`))

const filter = (examples: string) =>
  Options.repeated(text("filter", "CONDITION", `A condition, e.g. ${examples}. Repeat to combine. See docs/cli.md.`))

const format = Options.withDefault(choice("format", formats, "Output: table, jsonl, json or csv."), "table")

const paging = (items: string) => ({
  limit: optional(integer("limit", "Page size, 1 to 100.")),
  max: optional(integer("max", `Stop after this many ${items}; no page beyond them is fetched.`)),
  after: optional(
    text("after", "CURSOR", "Start after this cursor (the one an interrupted or failed run printed).")
  ),
  format,
  prefetch: optional(
    integer("prefetch", "Fetch up to this many pages ahead (1 to 16) while output is written.")
  )
})

// A setting that an environment variable gives when the option does not.
const setting = <A>(options: Options.Options<A>, variable: string, value: (text: string) => A) =>
  optional(Options.withFallbackConfig(options, Config.map(env(variable), value)))

/** Where to connect, how to authenticate, how hard to retry, which proxy, how much to say. */
export const connection = {
  token: setting(
    Options.redacted("token").pipe(
      Options.withPseudoName("TOKEN"),
      Options.withDescription(
        "Access token (default: GRAPH_ACCESS_TOKEN). Without any, and without a base URL, the demo runs. Prefer " +
          "the variable: other users of the machine can see command lines."
      )
    ),
    "GRAPH_ACCESS_TOKEN",
    Redacted.make
  ),
  appSecret: setting(
    Options.redacted("app-secret").pipe(
      Options.withPseudoName("SECRET"),
      Options.withDescription("App secret, to sign every call with appsecret_proof (default: GRAPH_APP_SECRET).")
    ),
    "GRAPH_APP_SECRET",
    Redacted.make
  ),
  baseUrl: setting(
    text("base-url", "URL", "Graph API origin (default: GRAPH_BASE_URL, else https://graph.facebook.com)."),
    "GRAPH_BASE_URL",
    String
  ),
  apiVersion: setting(
    text("api-version", "vNN.N", `Graph API version (default: GRAPH_API_VERSION, else ${defaultApiVersion}).`),
    "GRAPH_API_VERSION",
    String
  ),
  maxRetries: optional(integer("max-retries", "Retries of a throttled or failed call, 0 to 100 (default 4).")),
  proxy: optional(text(
    "proxy",
    "URL",
    "HTTP proxy for every call, e.g. http://proxy.example:3128 (default: HTTPS_PROXY, HTTP_PROXY; the hosts in " +
      "NO_PROXY are reached directly)."
  )),
  verbose: Options.withDescription(
    Options.boolean("verbose"),
    "Say on stderr, one line each, when a call is retried or held for the rate budget."
  )
}

export type ConnectionInput = Command.Command.ParseConfig<typeof connection>

// An id; @effect/cli would take an option it does not know for one.
const id = (name: string, description: string) =>
  Args.text({ name }).pipe(
    Args.withDescription(description),
    Args.mapEffect((id) => id.startsWith("-") ? Effect.fail(HelpDoc.p(`Unknown option ${id}.`)) : Effect.succeed(id))
  )

const expand = (description: string) => optional(choice("expand", ["phone_numbers"], description))

const tokens = (description: string) => optional(text("tokens", "FILE", description))

export const accounts = {
  name: "accounts",
  description: "List the WhatsApp Business Accounts businesses own (--edge owned), those their clients share " +
    "with them (--edge client), or both (--edge all), optionally with their phone numbers. Several business ids " +
    "(or a --tokens file, a token per business) are read concurrently, each account written once as it arrives. " +
    "Without a token (GRAPH_ACCESS_TOKEN or --token), lists a demo business from an embedded emulator.",
  options: {
    businessIds: Args.repeated(id(
      "business-id",
      "The business whose accounts to list (numeric, from Business Settings > Business info); several are read " +
        "concurrently, each account written once. Optional in demo mode and with --tokens."
    )),
    edge: Options.withDefault(
      choice(
        "edge",
        ["owned", "client", "all"],
        "Which accounts: owned (the business's own), client (shared with it by clients) or all (both, merged)."
      ),
      "owned"
    ),
    expand: expand(
      "Read each account's phone numbers too (every page of them): a count in the table, the numbers in JSON."
    ),
    fields: fields("name,creation_time,ownership_type"),
    filter: filter(
      "creation_time>2024-01-01, creation_time=2024-01-01..2024-06-30, ownership_type=SELF,CLIENT_OWNED"
    ),
    sort: optional(choice(
      "sort",
      ["asc", "desc", "creation_time_ascending", "creation_time_descending"],
      "Order by creation time: asc or desc (or Graph's creation_time_ascending/descending)."
    )),
    ...paging("accounts"),
    ...connection,
    sources: Options.withDescription(
      Options.boolean("sources"),
      "With several businesses or --edge all: give each account every business and edge it was found on (a " +
        "sources column). The accounts are then written once every business has been read, not as they arrive."
    ),
    tokens: tokens(
      "A token per business: CSV lines business_id,token[,app_secret] (a header row is optional) or JSON lines " +
        "{\"business_id\",\"token\",\"app_secret\"}. Each business is read with its own token; without business " +
        "ids, the file's businesses are read."
    ),
    concurrency: optional(integer(
      "concurrency",
      "With several businesses: how many are read at once, 1 to 64 " +
        "(default 8)."
    )),
    done: optional(text(
      "done",
      "FILE",
      "With several businesses: the ids of the businesses already read, one a line. Those are skipped; each " +
        "business read to the end is added, so an interrupted run resumes with the same command."
    ))
  }
}

export type AccountsInput = Command.Command.ParseConfig<typeof accounts.options>

// A command that reads one WhatsApp Business Account, named by its id (a demo account without a token).
const accountCommand = <const Name extends string, O>(name: Name, description: string, what: string, options: O) => ({
  name,
  description,
  options: {
    wabaId: Args.optional(id("waba-id", `The WhatsApp Business Account ${what} (numeric). Optional in demo mode.`)),
    ...options,
    ...connection
  }
})

export const phoneNumbers = accountCommand(
  "phone-numbers",
  "List the phone numbers of a WhatsApp Business Account (quality rating, messaging limit tier, status, …). " +
    "Without a token, lists a demo account's numbers from an embedded emulator.",
  "whose numbers to list",
  {
    fields: fields("display_phone_number,quality_rating,messaging_limit_tier"),
    filter: filter(
      "quality_rating=GREEN,YELLOW, status!=BANNED, account_mode=LIVE, is_official_business_account=true"
    ),
    ...paging("phone numbers")
  }
)

export type PhoneNumbersInput = Command.Command.ParseConfig<typeof phoneNumbers.options>

export const account = accountCommand(
  "account",
  "Read one WhatsApp Business Account, optionally with its phone numbers. Without a token, reads a demo account " +
    "from an embedded emulator.",
  "to read",
  {
    fields: fields("name,status,health_status"),
    expand: expand("Read the account's phone numbers too (every page of them)."),
    format
  }
)

export type AccountInput = Command.Command.ParseConfig<typeof account.options>

export const emulator = {
  name: "emulator",
  description: "Run the Graph API emulator on loopback until interrupted. Prints one JSON line: url, token, " +
    "businessIds, ..., and the command that reproduces the same data.",
  options: {
    port: Options.withDefault(integer("port", "Port to listen on (loopback only); 0 picks a free one."), 0),
    seed: optional(text(
      "seed",
      "SEED",
      "Seed of the generated data, a number or a word: the same seed (and sizes) give the same data."
    )),
    businesses: optional(
      integer("businesses", "How many businesses (default: 3 businesses owning 137, 12 and 0 accounts).")
    ),
    accounts: optional(
      integer("accounts", "Accounts per business when --businesses or --accounts is given (default 25).")
    ),
    faultRate: optional(float("fault-rate", "Share of requests (0 to 1) that fail with --fault-kind.")),
    faultKind: Options.withDefault(
      choice(
        "fault-kind",
        ["graph-error", "http-error", "reset", "truncated", "non-json"],
        "graph-error (code 2, transient), http-error (HTTP 503), reset (connection cut mid-body), " +
          "truncated (JSON cut short) or non-json (an HTML page)."
      ),
      "graph-error"
    ),
    latency: optional(integer("latency", "Milliseconds added to every response.")),
    latencyJitter: optional(
      integer("latency-jitter", "Up to this many more milliseconds, varying per request.")
    ),
    rateLimit: optional(
      integer("rate-limit", "Calls per hour per business before error 80008 (default 200); 0 turns limits off.")
    ),
    requireAppsecretProof: Options.withDescription(
      Options.boolean("require-appsecret-proof"),
      "Refuse calls without appsecret_proof, like Graph's \"Require App Secret\" setting."
    ),
    filterAfterPaging: Options.withDescription(
      Options.boolean("filter-after-paging"),
      "Filter after cutting pages, as Graph does: filtered pages may be short or empty."
    )
  }
}

export type EmulatorInput = Command.Command.ParseConfig<typeof emulator.options>

/** `waba tokens check`, under `waba tokens`. */
export const tokensCheck = {
  name: "check",
  parent: "tokens",
  description: "Check the token of each business in a tokens file: valid or not, when it expires, its scopes " +
    "(whatsapp_business_management needed) and the WhatsApp Business Accounts it was granted. Exits with 3 if " +
    "any token is bad. Without a token or a file, checks the demo tokens of an embedded emulator.",
  options: {
    tokens: tokens(
      "The tokens to check: CSV lines business_id,token[,app_secret] (a header row is optional) or JSON lines " +
        "{\"business_id\",\"token\",\"app_secret\"}."
    ),
    expiringWithin: optional(
      integer("expiring-within", "A token expiring within this many days is reported as expiring (default 7).")
    ),
    format,
    ...connection
  }
}

export type TokensCheckInput = Command.Command.ParseConfig<typeof tokensCheck.options>

/** Every command, in the order `waba --help` lists them. */
export const commands = [accounts, phoneNumbers, account, emulator, tokensCheck] as const

const parse = <A>(options: Options.Options<A>, args: ReadonlyArray<string>) =>
  Options.processCommandLine(Options.optional(options), args, CliConfig.defaultConfig)

// The words for a typed option whose value @effect/cli refuses, with the value as typed.
const explain = (check: Check, args: ReadonlyArray<string>) =>
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
 * The words for a command line @effect/cli refused (`args`, after `waba`): those of the first typed option of
 * the command whose value it refused, else its own (`said`).
 */
export const refused = (
  args: ReadonlyArray<string>,
  said: ReadonlyArray<string>
): Effect.Effect<UsageError, never, CliApp.CliApp.Environment> =>
  Effect.gen(function*() {
    const index = args.findIndex((arg, i) =>
      commands.some((command) =>
        command.name === arg && (!("parent" in command) || i > 0 && args[i - 1] === command.parent)
      )
    )
    const command = commands.find((candidate) => candidate.name === args[index])
    const explained = yield* Effect.forEach(
      Object.values(command?.options ?? {}),
      (option: unknown) => {
        const check = Options.isOptions(option)
          ? Option.flatMapNullable(Options.getIdentifier(option), (name) => checks.get(name))
          : Option.none()
        return Option.isSome(check) ? explain(check.value, args.slice(index + 1)) : Effect.succeedNone
      }
    )
    return new UsageError({
      message: Option.getOrElse(Option.firstSomeOf(explained), () => said.join("\n").trim() || "Invalid command line."),
      hint: `${
        command === undefined
          ? "waba --help"
          : `waba ${"parent" in command ? `${command.parent} ` : ""}${command.name} --help`
      } lists the options.`
    })
  })
