/**
 * Token health: what Graph's `GET /debug_token` says of a token (valid or not, when it and its data access
 * expire, its scopes, and the WhatsApp Business Accounts its granular scopes are limited to), and a check
 * of many businesses' tokens before a long run, so that bad or expiring tokens are reported up front rather
 * than found one failure at a time.
 *
 * The token inspected travels as `input_token`, a `Redacted` query parameter: the client scrubs it from
 * whatever comes back, and it never reaches an error, a span or a log. Graph gives the ids of a granular
 * scope in no stable order: {@link grants} matches them by membership.
 *
 * @example
 * ```ts
 * import { TokenHealth } from "@effect-waba/waba"
 * import { Effect } from "effect"
 *
 * // Needs GraphClient and GraphCredentials (the businesses' tokens) in context.
 * const report = Effect.gen(function*() {
 *   for (const health of yield* TokenHealth.check(["1234567890", "2345678901"], { expiringWithin: "14 days" })) {
 *     if (health.status !== "Valid") yield* Effect.logWarning(`business ${health.businessId}: ${health.status}`)
 *   }
 * })
 * ```
 *
 * @since 0.1.0
 */
import { GraphClient, GraphCredentials, GraphSchema } from "@effect-waba/graph-core"
import * as Health from "@effect-waba/graph-rules/tokenHealth"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"

// The key is a literal type, so the encoded side names it (a plain `string` would be an index signature,
// which users' compilers refuse beside the struct's other keys).
const optional = <S extends Schema.Schema.Any, const K extends string>(schema: S, key: K) =>
  Schema.optionalWith(schema, { exact: true, nullable: true }).pipe(Schema.fromKey(key))

const Seconds = Schema.Union(Schema.Number, Schema.NumberFromString)

// Unix seconds, where 0 means never: read as absent.
const expiry = <const K extends string>(key: K) =>
  Schema.optionalToOptional(Schema.NullOr(Seconds), Schema.ValidDateFromSelf, {
    decode: Option.flatMap((seconds) =>
      seconds === null || seconds <= 0 ? Option.none() : Option.some(new Date(seconds * 1000))
    ),
    encode: Option.map((date) => Math.floor(date.getTime() / 1000))
  }).pipe(Schema.fromKey(key))

/**
 * A granular scope: a scope and the objects it is limited to (absent: every object of its kind).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GranularScope = Schema.Struct({
  scope: Schema.String,
  targetIds: optional(Schema.Array(GraphSchema.GraphId), "target_ids")
})

/**
 * @since 0.1.0
 * @category models
 */
export type GranularScope = typeof GranularScope.Type

/**
 * The `data` of a `debug_token` answer. `expiresAt` and `dataAccessExpiresAt` are absent when Graph says
 * 0: never. `error` says why an invalid token is invalid (code 190 and a subcode, e.g. 463 for expired).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TokenInfo = Schema.Struct({
  isValid: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }).pipe(
    Schema.fromKey("is_valid")
  ),
  appId: optional(GraphSchema.GraphId, "app_id"),
  application: optional(Schema.String, "application"),
  type: optional(Schema.String, "type"),
  userId: optional(GraphSchema.GraphId, "user_id"),
  expiresAt: expiry("expires_at"),
  dataAccessExpiresAt: expiry("data_access_expires_at"),
  issuedAt: optional(GraphSchema.UnixSeconds, "issued_at"),
  scopes: Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] }),
  granularScopes: Schema.optionalWith(Schema.Array(GranularScope), { nullable: true, default: () => [] }).pipe(
    Schema.fromKey("granular_scopes")
  ),
  error: optional(
    Schema.Struct({
      code: optional(Seconds, "code"),
      subcode: optional(Seconds, "subcode"),
      message: optional(Schema.String, "message")
    }),
    "error"
  )
})

/**
 * @since 0.1.0
 * @category models
 */
export type TokenInfo = typeof TokenInfo.Type

const Answer = Schema.Struct({ data: TokenInfo })

/**
 * What Graph says of `token`. The call is made as whoever the context says (`GraphConfig`'s token, or a
 * business's inside `GraphCredentials.asBusiness`): a token may inspect itself.
 *
 * @since 0.1.0
 * @category reads
 */
export const inspect = (
  token: Redacted.Redacted<string>
): Effect.Effect<TokenInfo, GraphClient.GraphClientError, GraphClient.GraphClient> =>
  Effect.map(
    GraphClient.get({ route: "/debug_token", query: { input_token: token }, schema: Answer }),
    (answer) => answer.body.data
  )

/**
 * The objects a token's `scope` is limited to, or `undefined` when it is not limited (or Graph did not
 * say). For `whatsapp_business_management`: the WhatsApp Business Account ids the token may read.
 *
 * @since 0.1.0
 * @category getters
 */
export const targetsOf: (info: TokenInfo, scope: string) => ReadonlyArray<string> | undefined = Health.targetsOf

/**
 * Whether the token has `scope`, for `targetId` when one is given (by membership: Graph's order of target
 * ids is not stable).
 *
 * @since 0.1.0
 * @category getters
 */
export const grants: (info: TokenInfo, scope: string, targetId?: string | undefined) => boolean = Health.grants

/**
 * A business's token, judged: `Invalid` (Graph refuses it, or calls it invalid), `MissingScope` (a
 * required scope is missing), `Expiring` (it, or its data access, expires within the window), `Valid`,
 * or `Unchecked` (no credentials for the business, or the check itself failed: see `error`).
 *
 * @since 0.1.0
 * @category models
 */
export type Status = Health.Status

/**
 * @since 0.1.0
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
 * @since 0.1.0
 * @category models
 */
export interface CheckOptions {
  /** A token expiring within this is `Expiring`. Default 7 days. */
  readonly expiringWithin?: Duration.DurationInput | undefined
  /** The scopes a token must have. Default `["whatsapp_business_management"]`. */
  readonly scopes?: ReadonlyArray<string> | undefined
  /** How many tokens are inspected at once. Default 8. */
  readonly concurrency?: number | undefined
}

const judge = (businessId: string, info: TokenInfo, deadline: number, required: ReadonlyArray<string>): Report => ({
  businessId,
  ...Health.judge(info, deadline, required),
  token: info,
  error: undefined
})

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
 * itself, and reports on every business in the order given: one bad token never fails the check.
 *
 * @since 0.1.0
 * @category reads
 */
export const check = (
  businessIds: ReadonlyArray<string>,
  options?: CheckOptions | undefined
): Effect.Effect<ReadonlyArray<Report>, never, GraphClient.GraphClient | GraphCredentials.GraphCredentials> =>
  Effect.gen(function*() {
    const credentials = yield* GraphCredentials.GraphCredentials
    const within = Duration.decode(options?.expiringWithin ?? Duration.days(7))
    const deadline = (yield* Clock.currentTimeMillis) + Duration.toMillis(within)
    const required = options?.scopes ?? ["whatsapp_business_management"]
    return yield* Effect.forEach(
      [...new Set(businessIds)],
      (businessId) =>
        Effect.flatMap(credentials.get(businessId), ({ accessToken }) => inspect(accessToken)).pipe(
          GraphCredentials.asBusiness(businessId),
          Effect.match({
            onFailure: (error) => failed(businessId, error),
            onSuccess: (info) => judge(businessId, info, deadline, required)
          })
        ),
      { concurrency: options?.concurrency ?? 8 }
    )
  })
