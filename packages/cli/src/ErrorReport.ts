/**
 * Errors rendered for a person: what happened, the Graph details someone helping you will ask for
 * (code, subcode, fbtrace id), and what to do next — plus the exit code that tells a script which kind
 * of failure it was ({@link ExitCode}).
 *
 * Every error a command can fail with is one member of {@link CliError}, and {@link make} matches them by
 * `_tag`, exhaustively: a new error in graph-core does not compile here until it has its words. Each field
 * of an error is read in one place (the wait Meta asked for in {@link hintedWait}, the attempts in
 * `attemptsLine`, the Graph codes in `graphLine`), so a renamed field is a one-line change.
 *
 * @since 0.1.0
 */
import type * as GraphConfig from "@effect-waba/graph-core/GraphConfig"
import type * as GraphError from "@effect-waba/graph-core/GraphError"
import type { InvalidRequestError } from "@effect-waba/graph-core/InvalidRequestError"
import type * as RateGovernor from "@effect-waba/graph-core/RateGovernor"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as Duration from "effect/Duration"
import * as Match from "effect/Match"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as DisplayWidth from "./DisplayWidth.js"
import { ExitCode } from "./ExitCode.js"
import * as FilterSyntax from "./FilterSyntax.js"
import * as TerminalText from "./TerminalText.js"
import type { UsageError } from "./UsageError.js"

/**
 * Every error a command reports.
 *
 * @since 0.2.0
 * @category models
 */
export type CliError =
  | GraphError.GraphError
  | RateGovernor.HoldTooLongError
  | InvalidRequestError
  | GraphConfig.GraphConfigError
  | UsageError
  | FilterSyntax.FilterSyntaxError
  | HttpServerError.ServeError

/**
 * An error, explained.
 *
 * @since 0.1.0
 * @category models
 */
export interface Report {
  readonly exitCode: ExitCode
  /** What happened, in one sentence. */
  readonly title: string
  /** Supporting facts: Graph's code and trace id, Graph's own words, attempts made. */
  readonly details: ReadonlyArray<string>
  /** What to do about it. */
  readonly fix: string | undefined
  /**
   * Whether continuing from where the output stopped can work. Not when the place to continue from is
   * what Graph refused (a stale cursor).
   */
  readonly resumable: boolean
}

/**
 * What the command knew when it failed, to make the advice concrete.
 *
 * @since 0.1.0
 * @category models
 */
export interface Context {
  /** The Graph base URL in use. */
  readonly baseUrl?: string | undefined
  readonly businessId?: string | undefined
  /** The proxy in use, credentials removed. */
  readonly proxy?: string | undefined
}

/**
 * Where to read about Graph's rate limits.
 *
 * @since 0.1.0
 * @category constants
 */
export const rateLimitDocs = "https://developers.facebook.com/docs/graph-api/overview/rate-limiting/"

/**
 * How to get a new token.
 *
 * @since 0.1.0
 * @category constants
 */
export const newTokenHelp =
  "Get a new token: in Meta Business Settings (https://business.facebook.com/settings) open " +
  "Users > System users, pick a system user with access to the business, click \"Generate new token\", choose your " +
  "app and grant whatsapp_business_management and business_management. Then set GRAPH_ACCESS_TOKEN to it (or pass " +
  "--token)."

const permissionHelp = "The token needs the whatsapp_business_management and business_management permissions, and " +
  "its system user must be assigned to the business's WhatsApp accounts (Business Settings > Users > System users > " +
  "Assign assets). Generate a new token after changing permissions."

const optionNames: Record<string, string> = {
  businessId: "business id",
  fields: "--fields",
  extraFields: "--fields",
  filtering: "--filter",
  sort: "--sort",
  limit: "--limit",
  after: "--after",
  prefetch: "--prefetch"
}

const settingNames: Record<string, string> = {
  accessToken: "access token (--token or GRAPH_ACCESS_TOKEN)",
  appSecret: "app secret (--app-secret or GRAPH_APP_SECRET)",
  apiVersion: "API version (--api-version or GRAPH_API_VERSION)",
  baseUrl: "base URL (--base-url or GRAPH_BASE_URL)",
  retry: "retry settings (--max-retries)",
  timeout: "timeout",
  environment: "environment"
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

const rateLimitKinds = (code: number): string => {
  switch (code) {
    case 4:
      return "the app's call limit (code 4)"
    case 17:
      return "the user's call limit (code 17)"
    case 32:
      return "the page's call limit (code 32)"
    case 613:
      return "the hourly call limit (code 613)"
    case 80007:
      return "the WhatsApp Business Account's rate limit (code 80007)"
    case 80008:
      return "WhatsApp Business Management's limit for this business (code 80008)"
    default:
      return `a business use case rate limit (code ${code})`
  }
}

/**
 * The wait the server asked for before calling again, when it said.
 *
 * @since 0.2.0
 * @category fields
 */
export const hintedWait = (
  error: GraphError.GraphResponseError | GraphError.GraphTransportError
): Duration.Duration | undefined => error.retryAfter

const formatWait = (wait: Duration.Duration): string =>
  Duration.format(Duration.seconds(Math.max(1, Math.ceil(Duration.toSeconds(wait)))))

const attemptsLine = (attempts: number): ReadonlyArray<string> =>
  attempts > 1 ? [`Gave up after ${attempts} attempts.`] : []

const graphLine = (error: GraphError.GraphResponseError): string => {
  const parts = [error.code === undefined ? "Graph error (no code given)" : `Graph error ${error.code}`]
  if (error.subcode !== undefined) parts.push(`subcode ${error.subcode}`)
  if (error.type !== undefined) parts.push(error.type)
  parts.push(`HTTP ${error.httpStatus}`)
  return `${parts.join(", ")}; fbtrace_id ${error.fbtraceId ?? "(none given)"}`
}

const graphDetails = (error: GraphError.GraphResponseError): Array<string> => {
  const details = [graphLine(error), `Graph said: ${error.message}`]
  if (error.userTitle !== undefined || error.userMessage !== undefined) {
    details.push(`Meta's explanation: ${[error.userTitle, error.userMessage].filter(Boolean).join(": ")}`)
  }
  details.push(...attemptsLine(error.attempts))
  return details
}

const unknownBusiness = (error: GraphError.GraphResponseError, context: Context): Report => ({
  exitCode: ExitCode.usage,
  title: `Business ${context.businessId ?? "(unknown)"} does not exist, or this token cannot see it.`,
  details: graphDetails(error),
  fix: "Check the business id (Business Settings > Business info) and that the token's system user belongs to " +
    "that business.",
  resumable: false
})

const staleCursor = (error: GraphError.GraphResponseError): Report => ({
  exitCode: ExitCode.usage,
  title: "The --after cursor is not valid any more.",
  details: graphDetails(error),
  fix: "Cursors go stale when accounts are added or removed; run again without --after, or from a newer checkpoint.",
  resumable: false
})

const throughProxy = (context: Context): string => context.proxy === undefined ? "" : ` through ${context.proxy}`

const transport = (error: GraphError.GraphTransportError, context: Context): Report => {
  const baseUrl = context.baseUrl ?? "the Graph API"
  const details = [error.message, ...attemptsLine(error.attempts)]
  const checkUrl = `Check the base URL (--base-url or GRAPH_BASE_URL; now ${baseUrl}, Meta's is ` +
    "https://graph.facebook.com)"
  const checkProxy = context.proxy === undefined
    ? "proxy"
    : `${context.proxy} (set by --proxy, HTTPS_PROXY or HTTP_PROXY; NO_PROXY lists the hosts reached directly)`
  const byReason: { readonly [R in GraphError.TransportReason]: () => Report } = {
    Network: () => ({
      exitCode: ExitCode.failure,
      title: `Could not reach ${baseUrl}${throughProxy(context)}.`,
      details,
      fix: `Check your network connection and ${checkProxy}. ${checkUrl}.`,
      resumable: true
    }),
    Timeout: () => ({
      exitCode: ExitCode.failure,
      title: `${baseUrl} did not answer in time.`,
      details,
      fix: `Check your network connection and ${checkProxy}, then try again. ${checkUrl}.`,
      resumable: true
    }),
    InvalidBody: () => notGraph(error, baseUrl, details, checkUrl),
    UnexpectedStatus: () => notGraph(error, baseUrl, details, checkUrl),
    TooLarge: () => ({
      exitCode: ExitCode.failure,
      title: `The answer from ${baseUrl} was larger than the client accepts, so reading it stopped.`,
      details,
      fix: `Ask for fewer fields or a smaller page (--fields, --limit). ${checkUrl}.`,
      resumable: true
    })
  }
  return byReason[error.reason]()
}

const notGraph = (
  error: GraphError.GraphTransportError,
  baseUrl: string,
  details: ReadonlyArray<string>,
  checkUrl: string
): Report => ({
  exitCode: ExitCode.failure,
  title: `The server at ${baseUrl} did not answer like the Graph API${
    error.httpStatus === undefined ? "" : ` (HTTP ${error.httpStatus})`
  }.`,
  details,
  fix: `${checkUrl}. If it is right, Meta had a problem: try again later.`,
  resumable: true
})

const serveCause = (error: HttpServerError.ServeError): string => {
  const cause: unknown = error.cause
  const code = Predicate.hasProperty(cause, "code") && typeof cause.code === "string" ? cause.code : undefined
  const message = Predicate.hasProperty(cause, "message") && typeof cause.message === "string"
    ? cause.message
    : error.message
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`
}

const explain = (context: Context) =>
  Match.typeTags<CliError, Report>()({
    GraphAuthError: (error) => ({
      exitCode: ExitCode.auth,
      title: error.code === 102
        ? "The session is invalid or has expired."
        : (error.subcode !== undefined ? authTitles[error.subcode] : undefined) ?? "Graph rejected the access token.",
      details: graphDetails(error),
      fix: newTokenHelp,
      resumable: true
    }),
    GraphPermissionError: (error) => ({
      exitCode: ExitCode.auth,
      title: `The token may not read this business's WhatsApp Business Accounts (permission error ${error.code}).`,
      details: graphDetails(error),
      fix: permissionHelp,
      resumable: true
    }),
    GraphSignatureError: (error) => ({
      exitCode: ExitCode.auth,
      title: "Graph rejected the request's signature (appsecret_proof).",
      details: graphDetails(error),
      fix: "Check GRAPH_APP_SECRET (or --app-secret): it must be the secret of the app that issued the token " +
        "(App Dashboard > App settings > Basic).",
      resumable: true
    }),
    GraphRateLimitError: (error) => {
      const wait = hintedWait(error)
      const details = graphDetails(error)
      if (wait !== undefined) details.push(`Meta asks to wait about ${formatWait(wait)} before calling again.`)
      return {
        exitCode: ExitCode.rateLimited,
        title: `Meta is rate limiting these calls: ${rateLimitKinds(error.code)}.`,
        details,
        fix: `Wait ${wait === undefined ? "a few minutes" : formatWait(wait)}, then run again. ` +
          `Larger pages mean fewer calls (--limit 100). About Graph's rate limits: ${rateLimitDocs} ` +
          "and docs/rate-limits.md.",
        resumable: true
      }
    },
    GraphPolicyError: (error) => ({
      exitCode: ExitCode.failure,
      title: "Meta blocked the call as abusive or against its policies (code 368).",
      details: graphDetails(error),
      fix: "Wait before trying again (repeating quickly extends the block), and check Business Support Home for " +
        "restrictions on the business.",
      resumable: true
    }),
    GraphNotFoundError: (error) => unknownBusiness(error, context),
    GraphPagingError: (error) => ({
      exitCode: ExitCode.failure,
      title: "The server's paging cannot be followed: it " +
        (error.reason === "CursorCycle" ? "led back to a page already read." : "gave a next page without a cursor."),
      details: [error.message],
      fix: "Everything written so far was read once. Meta (or a proxy in between) is misbehaving; try again later.",
      resumable: true
    }),
    HoldTooLongError: (error) => ({
      exitCode: ExitCode.rateLimited,
      title: `The rate budget of ${error.scope === "app" ? "the app" : `business ${error.scope}`} is spent; ` +
        `waiting ${formatWait(error.wait)} is longer than the CLI waits (${formatWait(error.maxWait)}).`,
      details: [error.message],
      fix: `Run again in ${
        formatWait(error.wait)
      }. About Graph's rate limits: ${rateLimitDocs} and docs/rate-limits.md.`,
      resumable: true
    }),
    GraphInvalidParameterError: (error) => {
      if (error.subcode === 33) return unknownBusiness(error, context)
      // Graph gives these code 100 too, with nothing but its message to tell them apart.
      if (/appsecret_proof/i.test(error.message)) {
        return {
          exitCode: ExitCode.auth,
          title: "Graph wants every call signed with an appsecret_proof, and this one was not (or not rightly).",
          details: graphDetails(error),
          fix: "Set GRAPH_APP_SECRET (or --app-secret) to the secret of the app that issued the token " +
            "(App Dashboard > App settings > Basic); the CLI then signs every call.",
          resumable: true
        }
      }
      if (/cursor/i.test(error.message)) return staleCursor(error)
      return {
        exitCode: ExitCode.usage,
        title: "Graph refused a parameter of the request.",
        details: graphDetails(error),
        fix: "Graph's message above names the parameter; see waba accounts --help for the accepted values.",
        resumable: false
      }
    },
    GraphTransientError: (error) => ({
      exitCode: ExitCode.failure,
      title: `Meta had a temporary problem (code ${error.code}) that outlasted the retries.`,
      details: graphDetails(error),
      fix: "Try again in a few minutes.",
      resumable: true
    }),
    GraphApiError: (error) => {
      if (error.code === 803) return unknownBusiness(error, context)
      if (error.code === 2642) return staleCursor(error)
      return {
        exitCode: ExitCode.failure,
        title: error.code === undefined ? "Graph answered with an error." : `Graph answered with error ${error.code}.`,
        details: graphDetails(error),
        fix: "Graph's message above says what went wrong; quote the fbtrace_id if you ask Meta for help.",
        resumable: true
      }
    },
    GraphTransportError: (error) => transport(error, context),
    GraphDecodeError: (error) => ({
      exitCode: ExitCode.failure,
      title: "Graph's answer did not have the shape this version of waba expects.",
      details: [
        ...error.message.split("\n").slice(0, 8),
        ...(error.fbtraceId === undefined ? [] : [`fbtrace_id ${error.fbtraceId}`])
      ],
      fix: "Meta has probably changed the API. Please report it, with the fbtrace_id, in the effect-waba issue " +
        "tracker.",
      resumable: true
    }),
    UsageError: (error) => ({
      exitCode: ExitCode.usage,
      title: error.message,
      details: [],
      fix: error.hint,
      resumable: false
    }),
    FilterSyntaxError: (error) => ({
      exitCode: ExitCode.usage,
      title: error.message,
      details: (error.subject === "phone numbers" ? FilterSyntax.phoneNumberSyntax : FilterSyntax.syntax).split("\n"),
      fix: undefined,
      resumable: false
    }),
    InvalidRequestError: (error) => ({
      exitCode: ExitCode.usage,
      title: `Invalid ${optionNames[error.parameter] ?? error.parameter}: ${error.message}`,
      details: error.parameter === "filtering" ? FilterSyntax.syntax.split("\n") : [],
      fix: undefined,
      resumable: false
    }),
    GraphConfigError: (error) => ({
      exitCode: ExitCode.usage,
      title: `Invalid ${settingNames[error.setting] ?? error.setting}: ${error.message}`,
      details: [],
      fix: undefined,
      resumable: false
    }),
    ServeError: (error) => ({
      exitCode: ExitCode.failure,
      title: "The emulator server could not start.",
      details: [serveCause(error)],
      fix: "Choose another --port, or --port 0 for any free one.",
      resumable: false
    })
  })

/**
 * Explains an error a command failed with.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (error: CliError, context: Context = {}): Report => explain(context)(error)

/**
 * A command line that @effect/cli could not parse, in its words or better ones.
 *
 * @since 0.2.0
 * @category constructors
 */
export const usage = (message: string, hint?: string | undefined): Report => ({
  exitCode: ExitCode.usage,
  title: message,
  details: [],
  fix: hint,
  resumable: false
})

/**
 * A defect: something the CLI did not expect at all.
 *
 * @since 0.2.0
 * @category constructors
 */
export const unexpected = (defect: unknown): Report => ({
  exitCode: ExitCode.failure,
  title: "Unexpected error.",
  details: [defect instanceof Error ? defect.message : String(defect)],
  fix: "This is a bug in waba; please report it with the command you ran (leave out your token).",
  resumable: false
})

/**
 * Removes every secret from a text.
 *
 * @since 0.1.0
 * @category formatting
 */
export const scrub = (text: string, secrets: ReadonlyArray<Redacted.Redacted<string> | string>): string => {
  let out = text
  for (const secret of secrets) {
    const value = Redacted.isRedacted(secret) ? Redacted.value(secret) : secret
    if (value.length >= 4 && out.includes(value)) out = out.split(value).join("<redacted>")
  }
  return out
}

// A message Graph (or something posing as it) sent can be megabytes long; a person needs its start.
const maxLineWidth = 1000

/**
 * The report as stderr text: secrets removed, control characters from the server neutralised, each line
 * at most a thousand columns. `resume` (the advice `Resume.hint` words) is added when the report is
 * {@link Report.resumable}.
 *
 * @example
 * ```text
 * waba: error: The access token has expired.
 *   Graph error 190, subcode 463, OAuthException, HTTP 401; fbtrace_id AbC12dEf
 *   Graph said: Error validating access token: Session has expired.
 *   What to do: Get a new token: in Meta Business Settings ...
 * ```
 *
 * @since 0.1.0
 * @category formatting
 */
export const format = (
  report: Report,
  options: {
    readonly color?: boolean | undefined
    readonly secrets?: ReadonlyArray<Redacted.Redacted<string> | string> | undefined
    readonly resume?: string | undefined
  } = {}
): string => {
  const lines = [report.title, ...report.details.map((line) => `  ${line}`)]
  if (report.fix !== undefined) lines.push(`  What to do: ${report.fix}`)
  if (report.resumable && options.resume !== undefined) lines.push(`  ${options.resume}`)
  const secrets = options.secrets ?? []
  const safe = lines.map((line) => DisplayWidth.truncate(TerminalText.neutralise(scrub(line, secrets)), maxLineWidth))
  const label = options.color === true ? "\x1b[1;31merror\x1b[0m" : "error"
  return `waba: ${label}: ${safe.join("\n")}\n`
}
