/**
 * Errors rendered for a person: what happened, the Graph details someone helping you will ask for
 * (code, subcode, fbtrace id), and what to do next — plus the exit code that tells a script which kind
 * of failure it was.
 *
 * | exit code | meaning |
 * | --- | --- |
 * | 0 | success |
 * | 1 | any other failure (network, Graph outage, unexpected answer) |
 * | 2 | usage or invalid input (bad option, bad filter, unknown business, stale cursor, bad configuration) |
 * | 3 | authentication or permission (expired or invalid token, missing permission, bad app secret) |
 * | 4 | rate limited beyond what the CLI would wait for |
 *
 * @since 0.1.0
 */
import { GraphError } from "@effect-waba/graph-core"
import * as Duration from "effect/Duration"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as FilterSyntax from "./FilterSyntax.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  rateLimited: 4
} as const

/**
 * @since 0.1.0
 * @category models
 */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode]

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
  /** Where a read that stopped part-way can continue: the cursor for `--after`. */
  readonly resumeAfter?: string | undefined
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

const formatWait = (millis: number): string =>
  Duration.format(Duration.millis(Math.max(1000, Math.ceil(millis / 1000) * 1000)))

const graphLine = (error: GraphError.GraphResponseError): string => {
  const parts = [error.code === undefined ? "Graph error without a code" : `Graph error ${error.code}`]
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
  if (error.attempts > 1) details.push(`Gave up after ${error.attempts} attempts.`)
  return details
}

const unknownBusiness = (error: GraphError.GraphResponseError, context: Context): Report => ({
  exitCode: ExitCode.usage,
  title: `Business ${context.businessId ?? "(unknown)"} does not exist, or this token cannot see it.`,
  details: graphDetails(error),
  fix: "Check the business id (Business Settings > Business info) and that the token's system user belongs to " +
    "that business."
})

const staleCursorTitle = "The --after cursor is not valid any more."

const staleCursor = (error: GraphError.GraphResponseError): Report => ({
  exitCode: ExitCode.usage,
  title: staleCursorTitle,
  details: graphDetails(error),
  fix: "Cursors go stale when accounts are added or removed; run again without --after, or from a newer checkpoint."
})

const fromGraphError = (error: GraphError.GraphError, context: Context): Report => {
  const baseUrl = context.baseUrl ?? "the Graph API"
  switch (error._tag) {
    case "GraphAuthError":
      return {
        exitCode: ExitCode.auth,
        title: error.code === 102
          ? "The session is invalid or has expired."
          : (error.subcode !== undefined ? authTitles[error.subcode] : undefined) ??
            "Graph rejected the access token.",
        details: graphDetails(error),
        fix: newTokenHelp
      }
    case "GraphPermissionError":
      return {
        exitCode: ExitCode.auth,
        title: `The token may not read this business's WhatsApp Business Accounts (permission error ${error.code}).`,
        details: graphDetails(error),
        fix: permissionHelp
      }
    case "GraphSignatureError":
      return {
        exitCode: ExitCode.auth,
        title: "Graph rejected the request's signature (appsecret_proof).",
        details: graphDetails(error),
        fix: "Check GRAPH_APP_SECRET (or --app-secret): it must be the secret of the app that issued the token " +
          "(App Dashboard > App settings > Basic)."
      }
    case "GraphRateLimitError": {
      const wait = error.retryAfter === undefined ? undefined : Duration.toMillis(error.retryAfter)
      const details = graphDetails(error)
      if (wait !== undefined) details.push(`Meta asks to wait about ${formatWait(wait)} before calling again.`)
      return {
        exitCode: ExitCode.rateLimited,
        title: `Meta is rate limiting these calls: ${rateLimitKinds(error.code)}.`,
        details,
        fix: `Wait ${wait === undefined ? "a few minutes" : formatWait(wait)}, then run again. ` +
          `Larger pages mean fewer calls (--limit 100). About Graph's rate limits: ${rateLimitDocs} ` +
          "and docs/rate-limits.md."
      }
    }
    case "GraphPolicyError":
      return {
        exitCode: ExitCode.failure,
        title: "Meta blocked the call as abusive or against its policies (code 368).",
        details: graphDetails(error),
        fix: "Wait before trying again (repeating quickly extends the block), and check Business Support Home for " +
          "restrictions on the business."
      }
    case "GraphNotFoundError":
      return unknownBusiness(error, context)
    case "GraphInvalidParameterError": {
      if (error.subcode === 33) return unknownBusiness(error, context)
      if (/appsecret_proof/i.test(error.message)) {
        return {
          exitCode: ExitCode.auth,
          title: "Graph wants every call signed with an appsecret_proof, and this one was not (or not rightly).",
          details: graphDetails(error),
          fix: "Set GRAPH_APP_SECRET (or --app-secret) to the secret of the app that issued the token " +
            "(App Dashboard > App settings > Basic); the CLI then signs every call."
        }
      }
      if (/cursor/i.test(error.message)) return staleCursor(error)
      return {
        exitCode: ExitCode.usage,
        title: "Graph refused a parameter of the request.",
        details: graphDetails(error),
        fix: "Graph's message above names the parameter; see waba accounts --help for the accepted values."
      }
    }
    case "GraphTransientError":
      return {
        exitCode: ExitCode.failure,
        title: `Meta had a temporary problem (code ${error.code}) that outlasted the retries.`,
        details: graphDetails(error),
        fix: `Try again in a few minutes.`
      }
    case "GraphApiError":
      if (error.code === 803) return unknownBusiness(error, context)
      if (error.code === 2642) return staleCursor(error)
      return {
        exitCode: ExitCode.failure,
        title: error.code === undefined ? "Graph answered with an error." : `Graph answered with error ${error.code}.`,
        details: graphDetails(error),
        fix: `Graph's message above says what went wrong; quote the fbtrace_id if you ask Meta for help.`
      }
    case "GraphTransportError": {
      const details = [error.message]
      if (error.attempts > 1) details.push(`Gave up after ${error.attempts} attempts.`)
      const checkUrl = `Check the base URL (--base-url or GRAPH_BASE_URL; now ${baseUrl}, Meta's is ` +
        "https://graph.facebook.com)"
      switch (error.reason) {
        case "Network":
          return {
            exitCode: ExitCode.failure,
            title: `Could not reach ${baseUrl}.`,
            details,
            fix: `Check your network connection and proxy. ${checkUrl}.`
          }
        case "Timeout":
          return {
            exitCode: ExitCode.failure,
            title: `${baseUrl} did not answer in time.`,
            details,
            fix: `Check your network connection, then try again. ${checkUrl}.`
          }
        case "InvalidBody":
        case "UnexpectedStatus":
        case "TooLarge":
          return {
            exitCode: ExitCode.failure,
            title: `The server at ${baseUrl} did not answer like the Graph API${
              error.httpStatus === undefined ? "" : ` (HTTP ${error.httpStatus})`
            }.`,
            details,
            fix: `${checkUrl}. If it is right, Meta had a problem: try again later.`
          }
      }
    }
    // falls through: the switch above covers every reason
    case "GraphDecodeError":
      return {
        exitCode: ExitCode.failure,
        title: "Graph's answer did not have the shape this version of waba expects.",
        details: [
          ...error.message.split("\n").slice(0, 8),
          ...(error.fbtraceId === undefined ? [] : [`fbtrace_id ${error.fbtraceId}`])
        ],
        fix: "Meta has probably changed the API. Please report it, with the fbtrace_id, in the effect-waba issue " +
          `tracker.`
      }
  }
}

const tagOf = (u: unknown): string | undefined =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" ? u._tag : undefined

const stringField = (u: unknown, key: string): string | undefined =>
  Predicate.hasProperty(u, key) && typeof u[key] === "string" ? u[key] : undefined

const causeMessage = (u: unknown): string => {
  const cause = Predicate.hasProperty(u, "cause") ? u.cause : undefined
  const code = stringField(cause, "code")
  const message = stringField(cause, "message") ?? stringField(u, "message") ?? String(u)
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`
}

/**
 * Explains any error the CLI can fail with.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (error: unknown, context: Context = {}): Report => {
  if (GraphError.isGraphError(error)) {
    const graphError = error
    const report = fromGraphError(graphError, context)
    // Resuming from the cursor that was refused would only fail again.
    return graphError.resumeAfter === undefined || report.title === staleCursorTitle
      ? report
      : { ...report, resumeAfter: graphError.resumeAfter }
  }
  switch (tagOf(error)) {
    case "UsageError":
      return {
        exitCode: ExitCode.usage,
        title: stringField(error, "message") ?? "Invalid command line.",
        details: [],
        fix: stringField(error, "hint")
      }
    case "FilterSyntaxError":
      return {
        exitCode: ExitCode.usage,
        title: stringField(error, "message") ?? "Invalid --filter.",
        details: FilterSyntax.syntax.split("\n"),
        fix: undefined
      }
    case "InvalidRequestError": {
      const parameter = stringField(error, "parameter") ?? ""
      return {
        exitCode: ExitCode.usage,
        title: `Invalid ${optionNames[parameter] ?? parameter}: ${stringField(error, "message") ?? ""}`,
        details: parameter === "filtering" ? FilterSyntax.syntax.split("\n") : [],
        fix: undefined
      }
    }
    case "HoldTooLongError": {
      // The rate governor refused to wait (nothing was sent): Graph said its budget returns later.
      const scope = stringField(error, "scope")
      return {
        exitCode: ExitCode.rateLimited,
        title: `The rate budget of ${
          scope === undefined || scope === "app" ? "the app" : `business ${scope}`
        } returns later than waba will wait, so the call was not sent.`,
        details: [],
        fix: "Run again later, or allow a longer wait (retry.maxHintedWait). About Graph's rate limits: " +
          `${rateLimitDocs} and docs/rate-limits.md.`
      }
    }
    case "GraphConfigError": {
      const setting = stringField(error, "setting") ?? ""
      return {
        exitCode: ExitCode.usage,
        title: `Invalid ${settingNames[setting] ?? setting}: ${stringField(error, "message") ?? ""}`,
        details: [],
        fix: undefined
      }
    }
    case "ServeError":
      return {
        exitCode: ExitCode.failure,
        title: "The emulator server could not start.",
        details: [causeMessage(error)],
        fix: "Choose another --port, or --port 0 for any free one."
      }
    default:
      return {
        exitCode: ExitCode.failure,
        title: "Unexpected error.",
        details: [error instanceof Error ? error.message : String(error)],
        fix: "This is a bug in waba; please report it with the command you ran (leave out your token)."
      }
  }
}

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

/**
 * The report as stderr text, secrets removed.
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
  } = {}
): string => {
  const label = options.color === true ? "\x1b[1;31merror\x1b[0m" : "error"
  const lines = [`waba: ${label}: ${report.title}`, ...report.details.map((line) => `  ${line}`)]
  if (report.fix !== undefined) lines.push(`  What to do: ${report.fix}`)
  if (report.resumeAfter !== undefined) {
    lines.push(`  To continue where this stopped, run the same command with: --after ${report.resumeAfter}`)
  }
  return `${scrub(lines.join("\n"), options.secrets ?? [])}\n`
}
