/**
 * Token health, as on the Effect 3 line: what Graph's `GET /debug_token` says of a token (valid or not,
 * when it and its data access expire, its scopes, and the WhatsApp Business Accounts its granular scopes
 * are limited to), and a check of many businesses' tokens before a long run, so that bad or expiring
 * tokens are reported up front rather than found one failure at a time. A token refused with code 190 and
 * subcode 458, 460, 463 or 467 is reported as one only its business can mend, by authorising the app again.
 *
 * The token inspected travels as `input_token`, a `Redacted` query parameter: the client scrubs it from
 * whatever comes back, and it never reaches an error, a span or a log. Graph gives the ids of a granular
 * scope in no stable order: {@link grants} matches them by membership. The reading and the judgement are
 * the rules both lines share (`@effect-waba/graph-rules/tokenHealth`).
 *
 * @example
 * ```ts
 * import { TokenHealth } from "@effect-waba/waba"
 * import { Effect } from "effect"
 *
 * // Needs GraphClient and GraphCredentials (the businesses' tokens) in context.
 * const report = Effect.gen(function*() {
 *   for (const health of yield* TokenHealth.check(["1234567890", "2345678901"], { expiringWithin: "14 days" })) {
 *     if (health.reauthorize) yield* Effect.logWarning(`business ${health.businessId} must authorise the app again`)
 *     else if (health.status !== "Valid") yield* Effect.logWarning(`business ${health.businessId}: ${health.status}`)
 *   }
 * })
 * ```
 *
 * @since 1.0.0
 */
import { GraphClient, GraphCredentials, GraphSchema, InvalidRequestError } from "@effect-waba/graph-core"
import { dropNullsAt } from "@effect-waba/graph-rules/nulls"
import * as Health from "@effect-waba/graph-rules/tokenHealth"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as SchemaTransformation from "effect/SchemaTransformation"

/**
 * What Graph says of a token. `expiresAt` and `dataAccessExpiresAt` are absent when Graph says 0: never.
 * `granularScopes` lists the scopes limited to some objects (`targetIds`; absent: every object of its
 * kind). `error` says why an invalid token is invalid (code 190 and a subcode, e.g. 463 for expired).
 *
 * @since 1.0.0
 * @category models
 */
export type TokenInfo = Health.TokenInfo

// Graph's nulls read as absent, then the shared shape of the answer's `data`.
const Answer = Schema.Unknown.pipe(Schema.decodeTo(
  Schema.Struct({ data: GraphSchema.fromShape(Health.debugTokenData) }),
  SchemaTransformation.transform<{ readonly data: unknown }, unknown>({
    decode: (input) => dropNullsAt(input, 0) as { readonly data: unknown },
    encode: (answer) => answer
  })
))

/**
 * What Graph says of `token`. The call is made as whoever the context says (`GraphConfig`'s token, or a
 * business's inside `GraphCredentials.asBusiness`): a token may inspect itself.
 *
 * @since 1.0.0
 * @category reads
 */
export const inspect = (
  token: Redacted.Redacted<string>
): Effect.Effect<TokenInfo, GraphClient.GraphClientError, GraphClient.GraphClient> =>
  Effect.gen(function*() {
    const client = yield* GraphClient.GraphClient
    const { body } = yield* client.get({ route: "/debug_token", query: { input_token: token }, schema: Answer })
    return Health.tokenInfo(body.data)
  })

/**
 * The objects a token's `scope` is limited to, or `undefined` when it is not limited (or Graph did not
 * say). For `whatsapp_business_management`: the WhatsApp Business Account ids the token may read.
 *
 * @since 1.0.0
 * @category getters
 */
export const targetsOf: (info: TokenInfo, scope: string) => ReadonlyArray<string> | undefined = Health.targetsOf

/**
 * Whether the token has `scope`, for `targetId` when one is given (by membership: Graph's order of target
 * ids is not stable).
 *
 * @since 1.0.0
 * @category getters
 */
export const grants: (info: TokenInfo, scope: string, targetId?: string | undefined) => boolean = Health.grants

/**
 * A business's token, judged: `Invalid` (Graph refuses it, or calls it invalid), `MissingScope` (a
 * required scope is missing), `Expiring` (it, or its data access, expires within the window), `Valid`,
 * or `Unchecked` (no credentials for the business, or the check itself failed: see `error`).
 *
 * @since 1.0.0
 * @category models
 */
export type Status = Health.Status

/**
 * @since 1.0.0
 * @category models
 */
export interface Report {
  readonly businessId: string
  readonly status: Status
  /** Whether only the business can mend it, by authorising the app again (190 with 458, 460, 463, 467). */
  readonly reauthorize: boolean
  /** The earlier of the token's and its data access's expiry; absent: never. */
  readonly expiresAt: Date | undefined
  /** Required scopes the token lacks. */
  readonly missingScopes: ReadonlyArray<string>
  /** The WhatsApp Business Accounts the token is limited to; `undefined` when not limited. */
  readonly accountIds: ReadonlyArray<string> | undefined
  /** What Graph said of the token, when it said. */
  readonly token: TokenInfo | undefined
  /** Why the token is `Invalid` (when Graph refused the call) or `Unchecked`. */
  readonly error: GraphClient.GraphClientError | undefined
}

/**
 * @since 1.0.0
 * @category models
 */
export interface CheckOptions {
  /** A token expiring within this is `Expiring`. Default 7 days. */
  readonly expiringWithin?: Duration.Input | undefined
  /** The scopes a token must have. Default `["whatsapp_business_management"]`. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** How many tokens are inspected at once, a whole number from 1. Default 8. */
  readonly concurrency?: number | undefined
}

const failed = (businessId: string, error: GraphClient.GraphClientError): Report => ({
  businessId,
  status: error._tag === "GraphAuthError" ? "Invalid" : "Unchecked",
  reauthorize: error._tag === "GraphAuthError" && error.reauthorize,
  expiresAt: undefined,
  missingScopes: [],
  accountIds: undefined,
  token: undefined,
  error
})

/**
 * Checks the token of each business (from `GraphCredentials`) with `debug_token`, each token inspecting
 * itself, and reports on every business in the order given: one bad token never fails the check. Bad
 * options fail with `InvalidRequestError` before any request.
 *
 * @since 1.0.0
 * @category reads
 */
export const check = (
  businessIds: ReadonlyArray<string>,
  options?: CheckOptions | undefined
): Effect.Effect<
  ReadonlyArray<Report>,
  InvalidRequestError,
  GraphClient.GraphClient | GraphCredentials.GraphCredentials
> =>
  Effect.gen(function*() {
    const concurrency = options?.concurrency ?? 8
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      return yield* new InvalidRequestError({
        parameter: "concurrency",
        message: `concurrency must be a whole number from 1, got ${concurrency}.`
      })
    }
    const within = Option.getOrUndefined(Duration.fromInput(options?.expiringWithin ?? Duration.days(7)))
    if (within === undefined) {
      return yield* new InvalidRequestError({ parameter: "expiringWithin", message: "expiringWithin is no duration." })
    }
    const credentials = yield* GraphCredentials.GraphCredentials
    const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(within)
    const required = options?.scopes ?? ["whatsapp_business_management"]
    return yield* Effect.forEach(
      [...new Set(businessIds)],
      (businessId) =>
        Effect.flatMap(credentials.get(businessId), ({ accessToken }) => inspect(accessToken)).pipe(
          GraphCredentials.asBusiness(businessId),
          Effect.match({
            onFailure: (error) => failed(businessId, error),
            onSuccess: (info): Report => ({
              businessId,
              ...Health.judge(info, deadline, required),
              token: info,
              error: undefined
            })
          })
        ),
      { concurrency }
    )
  })
