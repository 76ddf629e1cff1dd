/**
 * Errors rendered for a person: what happened, the Graph details someone helping you will ask for (code,
 * subcode, fbtrace id), and what to do next — plus the exit code that tells a script which kind of failure
 * it was.
 *
 * Every error a command can fail with is one member of {@link CliError}, and {@link make} finds its words by
 * `_tag`: a new error in graph-core does not compile here until it has some.
 */
import type * as GraphConfig from "@effect-waba/graph-core/GraphConfig"
import type * as GraphCredentials from "@effect-waba/graph-core/GraphCredentials"
import type * as GraphError from "@effect-waba/graph-core/GraphError"
import type { InvalidRequestError } from "@effect-waba/graph-core/InvalidRequestError"
import type * as RateGovernor from "@effect-waba/graph-core/RateGovernor"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import type * as Migrator from "@effect/sql/Migrator"
import type * as SqlError from "@effect/sql/SqlError"
import * as Duration from "effect/Duration"
import * as Redacted from "effect/Redacted"
import type { BadTokens } from "./BadTokens.js"
import type { SqliteDriverMissing } from "./Database.js"
import * as FilterSyntax from "./FilterSyntax.js"
import type { SyncIncomplete } from "./SyncIncomplete.js"
import * as TerminalText from "./TerminalText.js"
import type { UsageError } from "./UsageError.js"

/**
 * How `waba` ended, for a script: 0 success (also when the reader of stdout went away), 1 any other failure,
 * 2 usage or invalid input, 3 authentication or permission, 4 rate limited beyond what the CLI would wait
 * for. A signal sets 128 plus its number (130 after Ctrl-C, 143 after SIGTERM).
 */
export const ExitCode = { failure: 1, usage: 2, auth: 3, rateLimited: 4 } as const

export type ExitCode = typeof ExitCode[keyof typeof ExitCode]

/** Every error a command reports. */
export type CliError =
  | GraphError.GraphError
  | RateGovernor.HoldTooLongError
  | InvalidRequestError
  | GraphConfig.GraphConfigError
  | GraphCredentials.GraphCredentialsError
  | UsageError
  | BadTokens
  | FilterSyntax.FilterSyntaxError
  | HttpServerError.ServeError
  | SqlError.SqlError
  | Migrator.MigrationError
  | SqliteDriverMissing
  | SyncIncomplete

/** An error, explained. */
export interface Report {
  readonly exitCode: ExitCode
  /** What happened, in one sentence. */
  readonly title: string
  /** Supporting facts: Graph's code and trace id, Graph's own words, attempts made. */
  readonly details: ReadonlyArray<string>
  /** What to do about it. */
  readonly fix: string | undefined
}

/** What the command knew when it failed, to make the advice concrete. */
export interface Context {
  /** The Graph base URL in use. */
  readonly baseUrl?: string | undefined
  readonly businessId?: string | undefined
  /** The proxy in use, credentials removed. */
  readonly proxy?: string | undefined
  /** The inventory's store (`--db`), its password removed. */
  readonly store?: string | undefined
}

export const rateLimitDocs = "https://developers.facebook.com/docs/graph-api/overview/rate-limiting/"

export const newTokenHelp = "Get a new token: in Meta Business Settings (https://business.facebook.com/settings) " +
  "open Users > System users, pick a system user with access to the business, click \"Generate new token\", " +
  "choose your app and grant whatsapp_business_management and business_management. Then set GRAPH_ACCESS_TOKEN " +
  "to it (or pass --token)."

const optionNames: Record<string, string> = {
  businessId: "business id",
  fields: "--fields",
  extraFields: "--fields",
  filtering: "--filter",
  sort: "--sort",
  limit: "--limit",
  after: "--after",
  prefetch: "--prefetch",
  since: "--since"
}

const settingNames: Record<string, string> = {
  accessToken: "access token (--token or GRAPH_ACCESS_TOKEN)",
  appSecret: "app secret (--app-secret or GRAPH_APP_SECRET)",
  apiVersion: "API version (--api-version or GRAPH_API_VERSION)",
  baseUrl: "base URL (--base-url or GRAPH_BASE_URL)",
  retry: "retry settings (--max-retries)"
}

const authTitles: Record<number, string> = {
  458: "The app is not installed for the token's user.",
  459: "The token's user must log in to Facebook to clear a security checkpoint.",
  460: "The access token is no longer valid: its user changed their password.",
  463: "The access token has expired.",
  464: "The token's user is not a confirmed user.",
  467: "The access token is invalid.",
  492: "The token's session is invalid (its user may have lost access to the business)."
}

const rateLimitKinds: Record<number, string> = {
  4: "the app's call limit",
  17: "the user's call limit",
  32: "the page's call limit",
  613: "the hourly call limit",
  80007: "the WhatsApp Business Account's rate limit",
  80008: "WhatsApp Business Management's limit for this business"
}

const seconds = (wait: Duration.Duration): string =>
  Duration.format(Duration.seconds(Math.max(1, Math.ceil(Duration.toSeconds(wait)))))

const attempts = (error: { readonly attempts: number }): ReadonlyArray<string> =>
  error.attempts > 1 ? [`Gave up after ${error.attempts} attempts.`] : []

const permissionHelp = "The token needs the whatsapp_business_management and business_management permissions, " +
  "and its system user must be assigned to the business's WhatsApp accounts (Business Settings > Users > System " +
  "users > Assign assets). Generate a new token after changing permissions."

const appSecretHelp = "(App Dashboard > App settings > Basic)"

const rateLimitHelp = `About Graph's rate limits: ${rateLimitDocs} and docs/rate-limits.md.`

// better-sqlite3 as the install line names it (see `Database`).
const sqliteDriver = "better-sqlite3@12"

// Failures a business's token must mend.
const authTags: ReadonlySet<string> = new Set([
  "GraphAuthError",
  "GraphPermissionError",
  "GraphSignatureError",
  "GraphCredentialsError"
])

/** The exit code, what happened, what to do, and the facts that back them. */
type Words = readonly [exitCode: ExitCode, title: string, fix?: string | undefined, details?: ReadonlyArray<string>]

type GraphApiErrors = Exclude<
  GraphError.GraphError,
  GraphError.GraphTransportError | GraphError.GraphDecodeError | GraphError.GraphPagingError
>

// Graph's codes and its own words, and what was tried.
const graphFacts = (error: GraphApiErrors): ReadonlyArray<string> => {
  const codes = [
    error.code === undefined ? "Graph error (no code given)" : `Graph error ${error.code}`,
    ...(error.subcode === undefined ? [] : [`subcode ${error.subcode}`]),
    ...(error.type === undefined ? [] : [error.type]),
    `HTTP ${error.httpStatus}`
  ]
  const explanation = [error.userTitle, error.userMessage].filter(Boolean)
  const wait = error._tag === "GraphRateLimitError" ? error.retryAfter : undefined
  return [
    `${codes.join(", ")}; fbtrace_id ${error.fbtraceId ?? "(none given)"}`,
    `Graph said: ${error.message}`,
    ...(explanation.length === 0 ? [] : [`Meta's explanation: ${explanation.join(": ")}`]),
    ...attempts(error),
    ...(wait === undefined ? [] : [`Meta asks to wait about ${seconds(wait)} before calling again.`])
  ]
}

const unknownBusiness = (error: GraphApiErrors, context: Context): Words => [
  ExitCode.usage,
  `Business ${context.businessId ?? "(unknown)"} does not exist, or this token cannot see it.`,
  "Check the business id (Business Settings > Business info) and that the token's system user belongs to that " +
  "business.",
  graphFacts(error)
]

const staleCursor = (error: GraphApiErrors): Words => [
  ExitCode.usage,
  "The --after cursor is not valid any more.",
  "Cursors go stale when accounts are added or removed; run again without --after, or from a newer checkpoint.",
  graphFacts(error)
]

const transport = (error: GraphError.GraphTransportError, context: Context): Words => {
  const baseUrl = context.baseUrl ?? "the Graph API"
  const meta = "https://graph.facebook.com"
  // Naming Meta's address only helps when the base URL is something else.
  const checkUrl = context.baseUrl === undefined || context.baseUrl.replace(/\/+$/, "") === meta
    ? `Check the base URL (--base-url or GRAPH_BASE_URL; it is Meta's, ${meta})`
    : `Check the base URL (--base-url or GRAPH_BASE_URL; it is ${baseUrl}, Meta's is ${meta})`
  const checkNetwork = `Check your network connection and ${
    context.proxy === undefined
      ? "proxy"
      : `${context.proxy} (set by --proxy, HTTPS_PROXY or HTTP_PROXY; NO_PROXY lists the hosts reached directly)`
  }`
  const [title, fix] = error.reason === "Network"
    ? [
      `Could not reach ${baseUrl}${context.proxy === undefined ? "" : ` through ${context.proxy}`}.`,
      `${checkNetwork}. ${checkUrl}.`
    ]
    : error.reason === "Timeout"
    ? [`${baseUrl} did not answer in time.`, `${checkNetwork}, then try again. ${checkUrl}.`]
    : error.reason === "TooLarge"
    ? [
      `The answer from ${baseUrl} was larger than the client accepts, so reading it stopped.`,
      `Ask for fewer fields or a smaller page (--fields, --limit). ${checkUrl}.`
    ]
    : [
      `The server at ${baseUrl} did not answer like the Graph API${
        error.httpStatus === undefined ? "" : ` (HTTP ${error.httpStatus})`
      }.`,
      `${checkUrl}. If it is right, Meta had a problem: try again later.`
    ]
  return [ExitCode.failure, title, fix, [error.message, ...attempts(error)]]
}

// A store's error and, when it says more, its cause's.
const storeFacts = (error: SqlError.SqlError | Migrator.MigrationError) => [
  error.message,
  ...(error.cause instanceof Error && error.cause.message !== error.message ? [error.cause.message] : [])
]

// Each error's words, by its tag: a new error does not compile until it has some.
const explain: {
  readonly [Tag in CliError["_tag"]]: (error: Extract<CliError, { readonly _tag: Tag }>, context: Context) => Words
} = {
  GraphAuthError: (error) => [
    ExitCode.auth,
    error.code === 102
      ? "The session is invalid or has expired."
      : (error.subcode === undefined ? undefined : authTitles[error.subcode]) ?? "Graph rejected the access token.",
    newTokenHelp,
    graphFacts(error)
  ],
  GraphPermissionError: (error) => [
    ExitCode.auth,
    `The token may not read this business's WhatsApp Business Accounts (permission error ${error.code}).`,
    permissionHelp,
    graphFacts(error)
  ],
  GraphSignatureError: (error) => [
    ExitCode.auth,
    "Graph rejected the request's signature (appsecret_proof).",
    `Check GRAPH_APP_SECRET (or --app-secret): it must be the secret of the app that issued the token ${appSecretHelp}.`,
    graphFacts(error)
  ],
  GraphRateLimitError: (error) => [
    ExitCode.rateLimited,
    `Meta is rate limiting these calls: ${
      rateLimitKinds[error.code] ?? "a business use case rate limit"
    } (code ${error.code}).`,
    `Wait ${error.retryAfter === undefined ? "a few minutes" : seconds(error.retryAfter)}, then run again. ` +
    `Larger pages mean fewer calls (--limit 100). ${rateLimitHelp}`,
    graphFacts(error)
  ],
  GraphPolicyError: (error) => [
    ExitCode.failure,
    "Meta blocked the call as abusive or against its policies (code 368).",
    "Wait before trying again (repeating quickly extends the block), and check Business Support Home for " +
    "restrictions on the business.",
    graphFacts(error)
  ],
  GraphNotFoundError: unknownBusiness,
  GraphPagingError: (error) => [
    ExitCode.failure,
    `The server's paging cannot be followed: it ${
      error.reason === "CursorCycle" ? "led back to a page already read." : "gave a next page without a cursor."
    }`,
    "Everything written so far was read once. Meta (or a proxy in between) is misbehaving; try again later.",
    [error.message]
  ],
  HoldTooLongError: (error) => [
    ExitCode.rateLimited,
    `The rate budget of ${error.scope === "app" ? "the app" : `business ${error.scope}`} is spent; waiting ` +
    `${seconds(error.wait)} is longer than the CLI waits (${seconds(error.maxWait)}).`,
    `Run again in ${seconds(error.wait)}. ${rateLimitHelp}`,
    [error.message]
  ],
  // Graph gives these code 100 too, with nothing but its message to tell them apart.
  GraphInvalidParameterError: (error, context) =>
    error.subcode === 33
      ? unknownBusiness(error, context)
      : /appsecret_proof/i.test(error.message)
      ? [
        ExitCode.auth,
        "Graph wants every call signed with an appsecret_proof, and this one was not (or not rightly).",
        `Set GRAPH_APP_SECRET (or --app-secret) to the secret of the app that issued the token ${appSecretHelp}; ` +
        "the CLI then signs every call.",
        graphFacts(error)
      ]
      : /cursor/i.test(error.message)
      ? staleCursor(error)
      : [
        ExitCode.usage,
        "Graph refused a parameter of the request.",
        "Graph's message above names the parameter; see waba accounts --help for the accepted values.",
        graphFacts(error)
      ],
  GraphTransientError: (error) => [
    ExitCode.failure,
    `Meta had a temporary problem (code ${error.code}) that outlasted the retries.`,
    "Try again in a few minutes.",
    graphFacts(error)
  ],
  GraphApiError: (error, context) =>
    error.code === 803 ? unknownBusiness(error, context) : error.code === 2642 ? staleCursor(error) : [
      ExitCode.failure,
      error.code === undefined ? "Graph answered with an error." : `Graph answered with error ${error.code}.`,
      "Graph's message above says what went wrong; quote the fbtrace_id if you ask Meta for help.",
      graphFacts(error)
    ],
  GraphTransportError: transport,
  GraphDecodeError: (error) => [
    ExitCode.failure,
    "Graph's answer did not have the shape this version of waba expects.",
    "Meta has probably changed the API. Please report it, with the fbtrace_id, in the effect-waba issue tracker.",
    [
      ...error.message.split("\n").slice(0, 8),
      ...(error.fbtraceId === undefined ? [] : [`fbtrace_id ${error.fbtraceId}`])
    ]
  ],
  UsageError: (error) => [ExitCode.usage, error.message, error.hint],
  BadTokens: (error) => [
    error.invalid.length > 0 ? ExitCode.auth : ExitCode.failure,
    [
      ...(error.invalid.length === 0 ? [] : [`${error.invalid.length} of ${error.total} tokens will not do`]),
      ...(error.unchecked.length === 0 ? [] : [`${error.unchecked.length} could not be checked`])
    ].join("; ") + ".",
    error.invalid.length === 0
      ? "Check the network and the base URL, then run the check again."
      : error.reauthorize.length === error.invalid.length
      ? "Each of these businesses must authorise the app again (Embedded Signup gives a new token); put the new " +
        "tokens in the file."
      : `${
        error.reauthorize.length === 0
          ? ""
          : "The businesses marked reauthorize must authorise the app again (Embedded Signup gives a new token). "
      }For the others: ${permissionHelp}`,
    [
      ...(error.invalid.length === 0 ? [] : [`Businesses: ${error.invalid.join(", ")}`]),
      ...(error.unchecked.length === 0 ? [] : [`Not checked: ${error.unchecked.join(", ")}`])
    ].map((line) => TerminalText.truncate(line, 200))
  ],
  FilterSyntaxError: (error) => [ExitCode.usage, error.message, undefined, error.syntax.split("\n")],
  InvalidRequestError: (error) => [
    ExitCode.usage,
    `Invalid ${optionNames[error.parameter] ?? error.parameter}: ${error.message}`,
    undefined,
    error.parameter === "filtering" ? FilterSyntax.accounts.syntax.split("\n") : []
  ],
  GraphConfigError: (
    error
  ) => [ExitCode.usage, `Invalid ${settingNames[error.setting] ?? error.setting}: ${error.message}`],
  GraphCredentialsError: (error) => [
    ExitCode.auth,
    `There is no usable token for business ${error.businessId}.`,
    "Give it a line in the --tokens file, or set GRAPH_ACCESS_TOKEN (or --token) for the businesses not in it.",
    [error.message]
  ],
  ServeError: (error) => [
    ExitCode.failure,
    "The server could not start listening.",
    "Choose another --port, or --port 0 for any free one.",
    [error.cause instanceof Error ? error.cause.message : error.message]
  ],
  SqlError: (error, context) => [
    ExitCode.failure,
    `The inventory's store${context.store === undefined ? "" : ` (${context.store})`} could not be used.`,
    "Check --db (or WABA_DB): that the database runs and accepts this user, or that the SQLite file may be " +
    "written. A sync stopped here keeps every business it applied; run it again to finish.",
    storeFacts(error)
  ],
  MigrationError: (error, context) => [
    ExitCode.failure,
    `The inventory's tables${context.store === undefined ? "" : ` in ${context.store}`} could not be created ` +
    "or brought up to date.",
    "Check that --db names a database for the inventory, which this user may change.",
    storeFacts(error)
  ],
  SqliteDriverMissing: (error) => [
    ExitCode.failure,
    "A SQLite store needs the better-sqlite3 package, and waba could not load it.",
    `Install it beside waba: npm install -g ${sqliteDriver} for a global waba, npm install ${sqliteDriver} ` +
    "in a project that has waba; or keep the inventory in PostgreSQL (--db postgres://…).",
    [TerminalText.truncate(error.reason.split("\n")[0]!, 300)]
  ],
  SyncIncomplete: (error) => {
    const failed = new Set(error.failures.map((failure) => failure.businessId)).size
    const auth = error.failures.some((failure) => authTags.has(failure.errorTag))
    return [
      auth ? ExitCode.auth : ExitCode.failure,
      error.status === "partial"
        ? `Sync run ${error.runId} is partial: ${failed} of ${error.businesses} businesses could not be read, and ` +
          "kept what the store had."
        : `Sync run ${error.runId} ended ${error.status}.`,
      auth
        ? "Check the tokens (waba tokens check --tokens FILE), then sync again: only what differs is recorded."
        : "Sync again once the cause is mended: only what differs is recorded.",
      error.failures.slice(0, 5).map((failure) =>
        TerminalText.truncate(
          `business ${failure.businessId} (${failure.edge} edge): ${failure.errorTag}: ${failure.message}`,
          300
        )
      ).concat(error.failures.length > 5 ? [`and ${error.failures.length - 5} more failed reads`] : [])
    ]
  }
}

/** Explains an error a command failed with. */
export const make = (error: CliError, context: Context = {}): Report => {
  const words = explain[error._tag] as (error: CliError, context: Context) => Words
  const [exitCode, title, fix, details = []] = words(error, context)
  return { exitCode, title, details, fix }
}

/** A defect: something the CLI did not expect at all. */
export const unexpected = (defect: unknown): Report => ({
  exitCode: ExitCode.failure,
  title: "Unexpected error.",
  details: [defect instanceof Error ? defect.message : String(defect)],
  fix: "This is a bug in waba; please report it with the command you ran (leave out your token)."
})

const scrub = (text: string, secrets: ReadonlyArray<Redacted.Redacted<string> | string>): string =>
  secrets.reduce<string>((out, secret) => {
    const value = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
    return value.length >= 4 ? out.split(value).join("<redacted>") : out
  }, text)

// A message Graph (or something posing as it) sent can be megabytes long; a person needs its start.
const maxLineWidth = 1000

/**
 * The report as stderr text: secrets removed, control characters from the server neutralised, each line at
 * most a thousand columns. `resume` (the advice `CommandError.resume` words) is added unless the report is of a
 * usage error: then the place to continue from may be what Graph refused.
 */
export const format = (
  report: Report,
  options: {
    readonly color?: boolean | undefined
    readonly secrets?: ReadonlyArray<Redacted.Redacted<string> | string> | undefined
    readonly resume?: string | undefined
  } = {}
): string => {
  const lines = [
    report.title,
    ...report.details.map((line) => `  ${line}`),
    ...(report.fix === undefined ? [] : [`  What to do: ${report.fix}`]),
    ...(options.resume === undefined || report.exitCode === ExitCode.usage ? [] : [`  ${options.resume}`])
  ]
  const safe = lines.map((line) =>
    TerminalText.truncate(TerminalText.neutralise(scrub(line, options.secrets ?? [])), maxLineWidth)
  )
  return `waba: ${options.color === true ? "\x1b[1;31merror\x1b[0m" : "error"}: ${safe.join("\n")}\n`
}
