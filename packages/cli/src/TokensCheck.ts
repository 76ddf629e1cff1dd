/**
 * `waba tokens check`: the token of each business in a tokens file, as Graph's `debug_token` judges it
 * (`TokenHealth`) — valid, expiring, invalid (and whether only the business can mend it by authorising the
 * app again), missing a scope, or not checked — one row per business, in the file's order. The command fails
 * (exit 3) when any token is invalid or lacks a scope, so a script can check before a long run.
 */
import * as TokenHealth from "@effect-waba/waba/TokenHealth"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { BadTokens } from "./BadTokens.js"
import * as CommandError from "./CommandError.js"
import type { TokensCheckInput } from "./CommandLine.js"
import * as ErrorReport from "./ErrorReport.js"
import type * as Format from "./Format.js"
import * as GraphTarget from "./GraphTarget.js"
import * as Guide from "./Guide.js"
import * as Listing from "./Listing.js"
import * as Noun from "./Noun.js"
import { Progress } from "./Progress.js"
import * as TokensFile from "./TokensFile.js"
import { UsageError } from "./UsageError.js"

// Every fact for programs; for people, the facts that say what to do, a list of accounts by its count.
const columns = {
  table: ["business_id", "status", "expires_at", "missing_scopes", "waba_ids", "problem"],
  data: ["business_id", "status", "reauthorize", "expires_at", "missing_scopes", "waba_ids", "scopes", "problem"]
}

const statuses: Record<TokenHealth.Status, string> = {
  Valid: "valid",
  Expiring: "expiring",
  Invalid: "invalid",
  MissingScope: "missing_scope",
  Unchecked: "unchecked"
}

// Without a token and a file: the demo's three businesses, with a good token, a limited one and an expired one.
const demo: GraphTarget.Request["demo"] = (emulator, _, Emulator) => {
  const [good, limited, expired] = emulator.dataset.businesses.map((business) => business.id)
  const entry = (businessId: string | undefined, token: string, line: number) =>
    businessId === undefined ? [] : [{ businessId, token: Redacted.make(token), appSecret: undefined, line }]
  return {
    id: good!,
    notice: "waba: no access token and no --tokens file, so this is a demo: checking the tokens of the demo " +
      `businesses of an embedded emulator (${good} a good one, ${limited} one limited to the first business, ` +
      `${expired} an expired one).`,
    tokens: [
      ...entry(good, emulator.token, 1),
      ...entry(limited, Emulator.limitedToken, 2),
      ...entry(expired, Emulator.expiredToken, 3)
    ]
  }
}

const problemOf = (report: TokenHealth.Report, within: Duration.Duration): string | undefined => {
  const reauthorize = report.reauthorize ? " Only the business can mend it: it must authorise the app again." : ""
  switch (report.status) {
    case "Valid":
      return undefined
    case "Expiring":
      return `Expires within ${Duration.format(within)}.`
    case "MissingScope":
      return `Lacks ${report.missingScopes.join(", ")}.`
    case "Invalid":
    case "Unchecked":
      return `${
        report.error !== undefined
          ? ErrorReport.make(report.error, { businessId: report.businessId }).title
          : report.token?.error?.message ?? "Graph says the token is not valid."
      }${reauthorize}`
  }
}

// The business's own id among the targets of the token's business_management scope, when it is limited: a
// token granted other businesses only cannot read this one.
const notGranted = (report: TokenHealth.Report) => {
  const businesses = report.token === undefined ? undefined : TokenHealth.targetsOf(report.token, "business_management")
  return report.status === "Valid" && businesses !== undefined && !businesses.includes(report.businessId)
}

const rowOf = (report: TokenHealth.Report, within: Duration.Duration, table: boolean): Format.Row => {
  const status = notGranted(report) ? "not_granted" : statuses[report.status]
  const problem = notGranted(report)
    ? `Granted other businesses, not ${report.businessId}.`
    : problemOf(report, within)
  const wabaIds = report.accountIds === undefined ? undefined : [...new Set(report.accountIds)]
  const row = {
    business_id: report.businessId,
    status,
    reauthorize: report.reauthorize,
    expires_at: report.expiresAt ?? (report.token?.isValid === true ? "never" : undefined),
    missing_scopes: report.missingScopes,
    waba_ids: wabaIds,
    scopes: report.token?.scopes,
    problem
  }
  return table
    ? {
      ...row,
      status: report.reauthorize ? `${status}, reauthorize` : status,
      missing_scopes: report.missingScopes.join(", "),
      waba_ids: wabaIds === undefined ? "all" : String(wabaIds.length)
    }
    : row
}

/** `waba tokens check`. */
export const run = (input: TokensCheckInput) =>
  Effect.gen(function*() {
    const days = input.expiringWithin ?? 7
    if (!Number.isInteger(days) || days < 0 || days > 365) {
      return yield* CommandError.make(
        new UsageError({ message: `--expiring-within must be from 0 to 365 days; got ${days}.` })
      )
    }
    const within = Duration.days(days)
    const tokens = input.tokens === undefined ? undefined : yield* CommandError.check(TokensFile.read(input.tokens))
    if (tokens === undefined && (input.token !== undefined || input.baseUrl !== undefined)) {
      return yield* CommandError.make(
        new UsageError({
          message: "Name the tokens to check: waba tokens check --tokens FILE.",
          hint: "The file has a line business_id,token[,app_secret] per business (see " +
            `${Guide.tokensFile}).`
        })
      )
    }
    const target = yield* GraphTarget.resolve(input, {
      id: Option.fromNullable(tokens?.[0]?.businessId),
      missingId: new UsageError({ message: "The tokens file names no business." }),
      check: () => Option.none(),
      demo,
      tokens
    })
    const checked = target.tokens ?? []
    let reports: ReadonlyArray<TokenHealth.Report> = []
    const check = TokenHealth.check(checked.map((entry) => entry.businessId), { expiringWithin: within }).pipe(
      Effect.provide(GraphTarget.credentials(checked, input.token)),
      Effect.map((checked) => (reports = checked).map((report) => rowOf(report, within, input.format === "table")))
    )
    yield* Listing.run({
      target,
      pages: Listing.onePage(check),
      rows: (page) => page.rows,
      format: input.format,
      columns: input.format === "table" ? columns.table : columns.data,
      noun: Noun.tokens
    })
    const bad = reports.filter((report) =>
      (report.status !== "Valid" && report.status !== "Expiring") || notGranted(report)
    )
    const expiring = reports.filter((report) => report.status === "Expiring")
    if (expiring.length > 0) {
      const progress = yield* Progress
      progress.note(
        `waba: ${Noun.count(expiring.length, Noun.tokens)} ${expiring.length === 1 ? "expires" : "expire"} within ` +
          `${Duration.format(within)}: business ${expiring.map((report) => report.businessId).join(", ")}.`
      )
    }
    if (bad.length > 0) {
      return yield* new CommandError.CommandError({
        error: new BadTokens({
          total: reports.length,
          invalid: bad.filter((report) => report.status !== "Unchecked").map((report) => report.businessId),
          unchecked: bad.filter((report) => report.status === "Unchecked").map((report) => report.businessId),
          reauthorize: bad.filter((report) => report.reauthorize).map((report) => report.businessId)
        }),
        context: target.context,
        secrets: target.secrets
      })
    }
  })
