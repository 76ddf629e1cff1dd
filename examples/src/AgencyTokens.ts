/**
 * The agency job with a token per client business, as Embedded Signup hands them out: check every token
 * first (`TokenHealth.check`), read the businesses whose token works, each with its own token
 * (`GraphCredentials` in context: `ManagedAccounts` reads each business as itself), and list the
 * businesses that must authorise the app again — found up front, or met during the read.
 *
 * The tokens come from `GraphCredentials`: here `GRAPH_ACCESS_TOKEN_<business id>` (and optionally
 * `GRAPH_APP_SECRET_<business id>`) with {@link CredentialsFromEnvironment}; in a real service, usually
 * `GraphCredentials.layerLookup` over the table the signup flow fills.
 */
import { GraphCredentials } from "@effect-waba/graph-core"
import { ManagedAccounts, TokenHealth } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

/** What a run found. */
export interface Outcome {
  /** Accounts read, each once. */
  readonly accounts: number
  /** Businesses whose token was not usable, found before reading: not read. */
  readonly skipped: ReadonlyArray<TokenHealth.Report>
  /** Businesses to ask for a new token (the business must authorise the app again). */
  readonly reauthorize: ReadonlyArray<string>
  /** Reads that failed during the run; the other businesses went on. */
  readonly failures: ReadonlyArray<ManagedAccounts.Failure>
}

/** Per-business credentials from `GRAPH_ACCESS_TOKEN_<id>` and `GRAPH_APP_SECRET_<id>`. */
export const CredentialsFromEnvironment = GraphCredentials.layerConfig()

const usable = (report: TokenHealth.Report) => report.status === "Valid" || report.status === "Expiring"

export const run = (businessIds: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const health = yield* TokenHealth.check(businessIds, { expiringWithin: "14 days" })
    for (const report of health.filter((report) => report.status === "Expiring")) {
      yield* Effect.logWarning(
        `The token of business ${report.businessId} expires on ${report.expiresAt?.toISOString()}`
      )
    }
    let accounts = 0
    const failures: Array<ManagedAccounts.Failure> = []
    const readable = health.filter(usable).map((report) => report.businessId)
    if (readable.length > 0) {
      yield* ManagedAccounts.stream(readable, {
        fields: ["name", "status"],
        expand: { phone_numbers: { fields: ["display_phone_number", "quality_rating"] } },
        concurrency: 16
      }).pipe(
        Stream.runForEach((result) =>
          Effect.sync(() => {
            if (result._tag === "Account") accounts++
            if (result._tag === "Failure") failures.push(result)
          })
        )
      )
    }
    const reauthorize = [
      ...health.filter((report) => report.reauthorize).map((report) => report.businessId),
      ...failures.filter((failure) => failure.error._tag === "GraphAuthError" && failure.error.reauthorize)
        .map((failure) => failure.businessId)
    ]
    const outcome: Outcome = {
      accounts,
      skipped: health.filter((report) => !usable(report)),
      reauthorize: [...new Set(reauthorize)],
      failures
    }
    return outcome
  })
