/**
 * What each `waba` command takes: its arguments and options, typed, each with what `--help` says of it (the
 * value it takes, its default, the environment variables that stand in for it), and the words of the
 * command's own help. `Help` renders them.
 */
import { defaultApiVersion } from "@effect-waba/graph-core/GraphConfig"
import * as Args from "@effect/cli/Args"
import type * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Guide from "./Guide.js"
import { UsageError } from "./UsageError.js"

/**
 * What `--help` says of one flag or argument (see `Help`). Each is declared with the option it describes,
 * so that help cannot list an option the parser does not take, or miss one it does.
 */
export interface Doc {
  /** `--limit`, or `<business-id>` for an argument. */
  readonly name: string
  /** What the value is: `integer`, `FILE`, `table | jsonl | json | csv`; absent for a switch. */
  readonly value?: string | undefined
  /** One sentence, without a final stop. */
  readonly text: string
  /** What applies when the flag (and its variable) is not given, as a person would write it. */
  readonly default?: string | undefined
  /** The environment variables that stand in for it, the first one winning. */
  readonly env?: ReadonlyArray<string> | undefined
  /** It may be given several times. */
  readonly repeatable?: boolean | undefined
  /** An argument that may be left out (a flag always may). */
  readonly optional?: boolean | undefined
}

const docs = new WeakMap<object, Doc>()

const documented = <T extends object>(declared: T, doc: Doc): T => {
  docs.set(declared, doc)
  return declared
}

// The doc of what `declared` wraps, changed by `change`, for the wrapper.
const carried = <T extends object>(declared: T, from: object, change: Partial<Doc> = {}): T => {
  const doc = docs.get(from)
  return doc === undefined ? declared : documented(declared, { ...doc, ...change })
}

/** What `--help` says of an option or argument of a command's `options`; `undefined` for anything else. */
export const docOf = (declared: unknown): Doc | undefined =>
  typeof declared === "object" && declared !== null ? docs.get(declared) : undefined

// A value read from the option's text, refused in words that name the option: @effect/cli's own do not
// (`'lots' is not a integer`).
const typed = <A>(name: string, value: string, text: string, takes: string, read: (raw: string) => A | undefined) =>
  documented(
    Options.text(name).pipe(
      Options.mapEffect((raw) =>
        Effect.fromNullable(read(raw)).pipe(
          Effect.mapError(() => ValidationError.invalidValue(HelpDoc.p(`--${name} takes ${takes}; got "${raw}".`)))
        )
      ),
      Options.withDescription(text)
    ),
    { name: `--${name}`, value, text }
  )

const integer = (name: string, text: string) =>
  typed(name, "integer", text, "a whole number", (raw) => /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : undefined)

const float = (name: string, text: string) =>
  typed(
    name,
    "number",
    text,
    "a number such as 0.1",
    (raw) => raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : undefined
  )

const choice = <const A extends string>(name: string, choices: ReadonlyArray<A>, text: string, value?: string) =>
  typed(
    name,
    value ?? choices.join(" | "),
    text,
    `one of ${choices.join(", ")}`,
    (raw) => choices.find((choice) => choice === raw)
  )

const text = (name: string, value: string, description: string) =>
  documented(
    Options.text(name).pipe(Options.withPseudoName(value), Options.withDescription(description)),
    { name: `--${name}`, value, text: description }
  )

const secret = (name: string, value: string, description: string) =>
  documented(
    Options.redacted(name).pipe(Options.withPseudoName(value), Options.withDescription(description)),
    { name: `--${name}`, value, text: description }
  )

const flag = (name: string, description: string) =>
  documented(Options.withDescription(Options.boolean(name), description), { name: `--${name}`, text: description })

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

// An option that may be left out: `undefined` then. `otherwise` says what applies instead, for help.
const optional = <A>(options: Options.Options<A>, otherwise?: string) =>
  carried(
    Options.map(Options.optional(options), Option.getOrUndefined),
    options,
    otherwise === undefined ? {} : { default: otherwise }
  )

const withDefault = <A extends string | number>(options: Options.Options<A>, value: A) =>
  carried(Options.withDefault(options, value), options, { default: String(value) })

const repeated = <A>(options: Options.Options<A>) => carried(Options.repeated(options), options, { repeatable: true })

// What help says of `declared` changed, as for a flag that a variable other than its own may stand for.
const noting = <T extends object>(declared: T, change: Partial<Doc>) => carried(declared, declared, change)

/** The output formats of a listing. */
export const formats = ["table", "jsonl", "json", "csv"] as const

export type OutputFormat = typeof formats[number]

const fields = (example: string) =>
  optional(text("fields", "FIELD,...", `Fields to read, comma-separated, e.g. ${example}`), "Graph's")

const filter = (keep: string) => repeated(text("filter", "CONDITION", `${keep}; repeat it: every one must hold`))

const format = withDefault(choice("format", formats, "Output format"), "table")

const paging = (items: string) => ({
  limit: optional(integer("limit", `${items[0]!.toUpperCase()}${items.slice(1)} per page, 1 to 100`), "25"),
  max: optional(integer("max", `Stop after this many ${items}; no later page is fetched`)),
  after: optional(text("after", "CURSOR", "Start after this cursor, the one an interrupted or failed run printed")),
  format,
  prefetch: optional(integer("prefetch", "Pages to fetch ahead (1 to 16) while output is written"))
})

// A setting that an environment variable gives when the option does not.
const setting = <A>(options: Options.Options<A>, variable: string, value: (text: string) => A, otherwise?: string) =>
  carried(
    optional(Options.withFallbackConfig(options, Config.map(env(variable), value))),
    options,
    { env: [variable], default: otherwise }
  )

// A secret that an environment variable gives when the option does not.
const secretSetting = (name: string, value: string, description: string, variable: string) =>
  setting(secret(name, value, description), variable, Redacted.make)

/** Where to connect, how to authenticate, how hard to retry, which proxy, how much to say. */
export const connection = {
  token: secretSetting(
    "token",
    "TOKEN",
    "Access token; without one, the demo runs. Prefer the variable: others can see command lines",
    "GRAPH_ACCESS_TOKEN"
  ),
  appSecret: secretSetting(
    "app-secret",
    "SECRET",
    "App secret, to sign every call with appsecret_proof",
    "GRAPH_APP_SECRET"
  ),
  baseUrl: setting(text("base-url", "URL", "Graph API origin"), "GRAPH_BASE_URL", String, "https://graph.facebook.com"),
  apiVersion: setting(
    text("api-version", "vNN.N", "Graph API version"),
    "GRAPH_API_VERSION",
    String,
    defaultApiVersion
  ),
  maxRetries: optional(integer("max-retries", "Retries of a throttled or failed call, 0 to 100"), "4"),
  // The variables are read with the proxy's other settings (`ProxySettings`), not as the option's fallback.
  proxy: noting(
    optional(text("proxy", "URL", "HTTP proxy for every call; the hosts in NO_PROXY are reached directly")),
    { env: ["HTTPS_PROXY", "HTTP_PROXY"] }
  ),
  verbose: flag("verbose", "Say on stderr when a call is retried or held for the rate budget")
}

export type ConnectionInput = Command.Command.ParseConfig<typeof connection>

// An id; @effect/cli would take an option it does not know for one.
const id = (name: string, text: string) =>
  documented(
    Args.text({ name }).pipe(
      Args.withDescription(text),
      Args.mapEffect((id) => id.startsWith("-") ? Effect.fail(HelpDoc.p(`Unknown option ${id}.`)) : Effect.succeed(id))
    ),
    { name: `<${name}>`, text }
  )

const repeatedArg = <A>(args: Args.Args<A>) => carried(Args.repeated(args), args, { repeatable: true, optional: true })

const optionalArg = <A>(args: Args.Args<A>) => carried(Args.optional(args), args, { optional: true })

const expand = (description: string) => optional(choice("expand", ["phone_numbers"], description))

const tokens = (description: string) => optional(text("tokens", "FILE", description))

/** A command as `--help` shows it. */
export interface Declaration {
  readonly name: string
  /** The command above it (`tokens` for `waba tokens check`). */
  readonly parent?: string
  /** One line, for the list of commands. */
  readonly summary: string
  /** What it does, for its own help. */
  readonly description: string
  /** Command lines to try, each with what it does. */
  readonly examples: ReadonlyArray<readonly [command: string, does: string]>
  readonly options: Readonly<Record<string, unknown>>
}

/** `waba` itself. */
export const program = {
  name: "waba",
  version: "0.1.0",
  description: "Read a business's WhatsApp Business Accounts and their phone numbers from Meta's Graph API, " +
    "check the tokens of the businesses you manage, keep an inventory of them with what changed, and run a " +
    "local Graph emulator.",
  manual: Guide.url
} as const

export const accounts = {
  name: "accounts",
  summary: "List WhatsApp Business Accounts: one business or many",
  description: "List the WhatsApp Business Accounts a business owns, those its clients share with it, or " +
    "both. Several businesses (or a --tokens file, a token per business) are read concurrently, each account " +
    "written once as it arrives. Without a token, lists a demo business from an embedded emulator.",
  examples: [
    ["waba accounts --max 5", "the demo, without a token"],
    ["waba accounts 1234567890 --filter 'creation_time>=2024-01-01' --format csv", "one business, filtered"],
    ["waba accounts --tokens tokens.csv --edge all --format jsonl --done done.txt", "many businesses, resumable"]
  ],
  options: {
    businessIds: repeatedArg(id(
      "business-id",
      "Businesses to list (numeric, from Business Settings > Business info); optional in demo mode and with " +
        "--tokens"
    )),
    edge: withDefault(
      choice(
        "edge",
        ["owned", "client", "all"],
        "Which accounts: the business's own, those its clients share with it, or both"
      ),
      "owned"
    ),
    expand: expand("Read each account's phone numbers too: a count in the table, the numbers in JSON"),
    fields: fields("name,creation_time,ownership_type"),
    filter: filter("Keep the accounts that match, e.g. creation_time>=2024-01-01 or ownership_type=SELF"),
    sort: optional(
      choice(
        "sort",
        ["asc", "desc", "creation_time_ascending", "creation_time_descending"],
        "Order by creation time, oldest or newest first; owned edge only",
        "asc | desc"
      ),
      "Graph's order"
    ),
    ...paging("accounts"),
    ...connection,
    sources: flag(
      "sources",
      "With several businesses or --edge all: every business and edge an account is on (written at the end)"
    ),
    tokens: tokens(
      "A token per business, in CSV (business_id,token[,app_secret]) or JSON lines; without ids, its businesses " +
        "are read"
    ),
    concurrency: optional(
      integer("concurrency", "With several businesses: how many are read at once, 1 to 64"),
      "8"
    ),
    done: optional(text(
      "done",
      "FILE",
      "With several businesses: skip the ids FILE lists and add each one read, so that the same command resumes"
    )),
    batch: flag(
      "batch",
      "With several businesses: send up to 50 reads in one request (Graph's batch API), for fewer round trips"
    )
  }
} satisfies Declaration

export type AccountsInput = Command.Command.ParseConfig<typeof accounts.options>

// A command that reads one WhatsApp Business Account, named by its id (a demo account without a token).
const accountCommand = <const Name extends string, O>(
  name: Name,
  text: { readonly summary: string; readonly description: string; readonly what: string },
  examples: ReadonlyArray<readonly [string, string]>,
  options: O
) => ({
  name,
  summary: text.summary,
  description: text.description,
  examples,
  options: {
    wabaId: optionalArg(id("waba-id", `The WhatsApp Business Account ${text.what} (numeric); optional in demo mode`)),
    ...options,
    ...connection
  }
})

export const phoneNumbers = accountCommand(
  "phone-numbers",
  {
    summary: "List the phone numbers of a WhatsApp Business Account",
    description: "List the phone numbers of a WhatsApp Business Account: quality rating, messaging limit " +
      "tier, status and more. Without a token, lists a demo account's numbers from an embedded emulator.",
    what: "whose numbers to list"
  },
  [["waba phone-numbers 1234567890123 --filter quality_rating=GREEN,YELLOW", "the numbers rated green or yellow"]],
  {
    fields: fields("display_phone_number,quality_rating,messaging_limit_tier"),
    filter: filter("Keep the numbers that match, e.g. quality_rating=GREEN,YELLOW or status!=BANNED"),
    ...paging("phone numbers")
  }
)

export type PhoneNumbersInput = Command.Command.ParseConfig<typeof phoneNumbers.options>

export const account = accountCommand(
  "account",
  {
    summary: "Read one WhatsApp Business Account",
    description: "Read one WhatsApp Business Account, optionally with its phone numbers. Without a token, reads " +
      "a demo account from an embedded emulator.",
    what: "to read"
  },
  [["waba account 1234567890123 --fields name,status --expand phone_numbers --format json", "one account, in JSON"]],
  {
    fields: fields("name,status,health_status"),
    expand: expand("Read the account's phone numbers too, every page of them"),
    format
  }
)

export type AccountInput = Command.Command.ParseConfig<typeof account.options>

export const emulator = {
  name: "emulator",
  summary: "Run the Graph API emulator on loopback",
  description: "Run the Graph API emulator on 127.0.0.1 until interrupted. It prints one JSON line: its url, " +
    "token, business ids, the GRAPH_BASE_URL and GRAPH_ACCESS_TOKEN to use it, and the command that serves the " +
    "same data again.",
  examples: [
    ["waba emulator --seed 7 --fault-rate 0.1", "the same data every run; one request in ten fails"]
  ],
  options: {
    port: withDefault(integer("port", "Port to listen on, on 127.0.0.1; 0 picks a free one"), 0),
    seed: optional(text(
      "seed",
      "SEED",
      "Seed of the generated data, a number or a word: the same seed and sizes give the same data"
    )),
    businesses: optional(integer("businesses", "How many businesses"), "3, owning 137, 12 and 0 accounts"),
    accounts: optional(integer("accounts", "Accounts per business when --businesses or --accounts is given"), "25"),
    faultRate: optional(float("fault-rate", "Share of requests, 0 to 1, that fail as --fault-kind says")),
    faultKind: withDefault(
      choice(
        "fault-kind",
        ["graph-error", "http-error", "reset", "truncated", "non-json"],
        "How they fail: graph-error (Graph's code 2, transient), http-error (HTTP 503), reset (the connection " +
          "cut mid-body), truncated (the JSON cut short) or non-json (an HTML page)",
        "KIND"
      ),
      "graph-error"
    ),
    latency: optional(integer("latency", "Milliseconds added to every response")),
    latencyJitter: optional(integer("latency-jitter", "Up to this many more milliseconds, varying per request")),
    rateLimit: optional(
      integer("rate-limit", "Calls per hour per business before error 80008; 0 turns limits off"),
      "200"
    ),
    requireAppsecretProof: flag(
      "require-appsecret-proof",
      "Refuse calls without appsecret_proof, like Graph's \"Require App Secret\" setting"
    ),
    filterAfterPaging: flag(
      "filter-after-paging",
      "Filter after cutting pages, as Graph does: filtered pages may be short or empty"
    )
  }
} satisfies Declaration

export type EmulatorInput = Command.Command.ParseConfig<typeof emulator.options>

/** A word that only groups commands: `waba tokens`, `waba inventory`, `waba webhooks`. */
export interface Group {
  readonly name: string
  readonly summary: string
}

/** `waba tokens`. */
export const tokensGroup: Group = { name: "tokens", summary: "Check the tokens of the businesses you manage" }

/** `waba tokens check`, under `waba tokens`. */
export const tokensCheck = {
  name: "check",
  parent: "tokens",
  summary: "Check each token of a tokens file",
  description: "Check the token of each business in a tokens file: valid or not, when it expires, its scopes " +
    "(whatsapp_business_management needed) and the WhatsApp Business Accounts it was granted. Exits with 3 if " +
    "any token is bad. Without a token or a file, checks the demo tokens of an embedded emulator.",
  examples: [["waba tokens check --tokens tokens.csv", "before a long run"]],
  options: {
    tokens: tokens("The tokens to check: CSV lines business_id,token[,app_secret] or JSON lines"),
    expiringWithin: optional(
      integer("expiring-within", "A token expiring within this many days is reported as expiring"),
      "7"
    ),
    format,
    ...connection
  }
} satisfies Declaration

export type TokensCheckInput = Command.Command.ParseConfig<typeof tokensCheck.options>

/** What `--db` is when neither it nor `WABA_DB` is given. */
export const defaultDb = "sqlite:waba.db"

const db = setting(
  text(
    "db",
    "URL",
    "The inventory: sqlite:PATH (a file) or postgres://user@host:5432/database (password best in PGPASSWORD)"
  ),
  "WABA_DB",
  String,
  defaultDb
)

export const sync = {
  name: "sync",
  summary: "Read businesses into the inventory, recording changes",
  description: "Read the WhatsApp Business Accounts of one business or many (owned, and shared by clients), with " +
    "their phone numbers, into the inventory (--db), recording what changed since the last sync, field by field. " +
    "A business whose read fails keeps what it had: the run is then partial, and the exit code says so. Without " +
    "a token, syncs the demo businesses of an embedded emulator.",
  examples: [
    ["waba sync", "the demo businesses into ./waba.db, without a token"],
    ["waba sync --tokens tokens.csv --db postgres://waba@db.internal/waba", "every business of a tokens file"]
  ],
  options: {
    businessIds: repeatedArg(id(
      "business-id",
      "Businesses to sync (numeric); optional in demo mode and with --tokens"
    )),
    db,
    tokens: tokens(
      "A token per business, in CSV (business_id,token[,app_secret]) or JSON lines; without ids, its businesses " +
        "are synced"
    ),
    concurrency: optional(integer("concurrency", "How many businesses are read at once, 1 to 64"), "8"),
    batch: flag("batch", "Send up to 50 reads in one request (Graph's batch API), for fewer round trips"),
    format,
    ...connection
  }
} satisfies Declaration

export type SyncInput = Command.Command.ParseConfig<typeof sync.options>

/** `waba inventory`. */
export const inventoryGroup: Group = { name: "inventory", summary: "List what the inventory holds, offline" }

const includeRemoved = (what: string) =>
  flag("include-removed", `${what} that are gone too (marked removed by a sync), with removed_at`)

const business = (what: string) => optional(text("business", "BUSINESS_ID", `Only the ${what} this business sees`))

export const inventoryAccounts = {
  name: "accounts",
  parent: "inventory",
  summary: "List the accounts in the inventory",
  description: "List the WhatsApp Business Accounts the inventory (--db) holds, as the last sync and the " +
    "webhooks since left them, each with the businesses that see it. Reads the store only: no token, no network.",
  examples: [
    ["waba inventory accounts --business 1234567890 --format csv", "the accounts one business sees"]
  ],
  options: {
    db,
    business: business("accounts"),
    filter: filter("Keep the accounts that match, e.g. ownership_type=CLIENT_OWNED or creation_time>=2024-01-01"),
    includeRemoved: includeRemoved("Accounts"),
    format
  }
} satisfies Declaration

export type InventoryAccountsInput = Command.Command.ParseConfig<typeof inventoryAccounts.options>

export const inventoryPhoneNumbers = {
  name: "phone-numbers",
  parent: "inventory",
  summary: "List the phone numbers in the inventory",
  description: "List the phone numbers the inventory (--db) holds, with their quality rating, messaging limit " +
    "tier and status as last seen. Reads the store only: no token, no network.",
  examples: [
    ["waba inventory phone-numbers --filter quality_rating=YELLOW,RED", "the numbers whose quality is not green"]
  ],
  options: {
    db,
    business: business("numbers of the accounts"),
    account: optional(text("account", "WABA_ID", "Only the numbers of this WhatsApp Business Account")),
    filter: filter("Keep the numbers that match, e.g. quality_rating=YELLOW,RED or status!=CONNECTED"),
    includeRemoved: includeRemoved("Numbers"),
    format
  }
} satisfies Declaration

export type InventoryPhoneNumbersInput = Command.Command.ParseConfig<typeof inventoryPhoneNumbers.options>

export const changes = {
  name: "changes",
  summary: "List what changed in the inventory, field by field",
  description: "List the changes the inventory (--db) recorded, oldest first: accounts, numbers and sightings " +
    "added, removed or changed by a sync (old and new value), and webhook events. Reads the store only.",
  examples: [
    ["waba changes --since 2024-06-01 --format jsonl", "everything since that day"],
    ["waba changes --after 1200 --follow --format jsonl", "from change 1200 on, then each new one as it comes"]
  ],
  options: {
    db,
    since: optional(text(
      "since",
      "RUN|TIME",
      "From this sync run (its id) or this time on (2024-06-01, 2024-06-01T09:30:00Z or @unixseconds)"
    )),
    after: optional(text("after", "CHANGE_ID", "After this change: the id of the last one a consumer handled")),
    follow: flag("follow", "Keep going: check the store for new changes every 2 seconds until interrupted"),
    format
  }
} satisfies Declaration

export type ChangesInput = Command.Command.ParseConfig<typeof changes.options>

/** `waba webhooks`. */
export const webhooksGroup: Group = { name: "webhooks", summary: "Receive Meta's webhooks into the inventory" }

export const webhooksServe = {
  name: "serve",
  parent: "webhooks",
  summary: "Apply Meta's webhook deliveries to the inventory",
  description: "Serve Meta's webhook callback on / until interrupted: the subscription handshake with your verify " +
    "token, and each delivery, signed with the app secret (GRAPH_APP_SECRET), checked and applied to the " +
    "inventory (--db) once. With a token (GRAPH_ACCESS_TOKEN, --token or --tokens FILE, as for waba sync), the " +
    "account of an event that does not carry the new state is re-read from Graph; without one, only what " +
    "events carry is applied. Prints one JSON line with the URL it listens on.",
  examples: [
    ["waba webhooks serve --port 8080 --db postgres://waba@db.internal/waba", "behind your HTTPS proxy"],
    ["waba webhooks serve --tokens tokens.csv --db postgres://waba@db.internal/waba", "re-reading accounts"]
  ],
  options: {
    db,
    port: withDefault(integer("port", "Port to listen on; 0 picks a free one"), 8080),
    host: withDefault(text("host", "ADDRESS", "Address to listen on; 0.0.0.0 for every interface"), "127.0.0.1"),
    verifyToken: secretSetting(
      "verify-token",
      "TOKEN",
      "The verify token you gave Meta with the callback URL",
      "WEBHOOK_VERIFY_TOKEN"
    ),
    tokens: tokens(
      "A token per business, in CSV (business_id,token[,app_secret]) or JSON lines, to re-read accounts with"
    ),
    ...connection,
    token: secretSetting(
      "token",
      "TOKEN",
      "Access token to re-read accounts with; without one (or --tokens), events are applied as they come. " +
        "Prefer the variable",
      "GRAPH_ACCESS_TOKEN"
    ),
    // The same secret signs deliveries and, with a token, the re-reads' appsecret_proof: it is the app's.
    appSecret: secretSetting(
      "app-secret",
      "SECRET",
      "The app secret Meta signs deliveries with (and re-reads are signed with). Prefer the variable",
      "GRAPH_APP_SECRET"
    )
  }
} satisfies Declaration

export type WebhooksServeInput = Command.Command.ParseConfig<typeof webhooksServe.options>

/** Every group, in the order `waba --help` lists their commands. */
export const groups: ReadonlyArray<Group> = [tokensGroup, inventoryGroup, webhooksGroup]

/** Every command, in the order `waba --help` lists them. */
export const commands: ReadonlyArray<Declaration> = [
  accounts,
  account,
  phoneNumbers,
  tokensCheck,
  sync,
  inventoryAccounts,
  inventoryPhoneNumbers,
  changes,
  webhooksServe,
  emulator
]

/** The connection flags, which every read command takes: help lists them apart. */
export const connectionFlags: ReadonlySet<unknown> = new Set(Object.values(connection))

/**
 * The usage error for a command line @effect/cli refused (`args`, after `waba`), in its words (`said`),
 * pointing at the help of the command named.
 */
export const refused = (args: ReadonlyArray<string>, said: ReadonlyArray<string>): UsageError => {
  const at = (command: Declaration, i: number) =>
    command.name === args[i] && (command.parent === undefined ?
      !groups.some((group) => group.name === args[i - 1])
      : i > 0 && args[i - 1] === command.parent)
  const index = args.findIndex((_, i) => commands.some((command) => at(command, i)))
  const command = commands.find((candidate) => index >= 0 && at(candidate, index))
  return new UsageError({
    message: said.join("\n").trim() || "Invalid command line.",
    hint: `${
      command === undefined
        ? "waba --help"
        : `waba ${command.parent === undefined ? "" : `${command.parent} `}${command.name} --help`
    } lists the options.`
  })
}
