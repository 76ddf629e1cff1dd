/**
 * Changes to the emulator's data at runtime, as values. A test describes what happens in Meta's world — a
 * number's quality rating falls to RED, an account is banned, a client withdraws a share, a token is
 * revoked — and gives it to the service's `change`, which applies it and answers with the webhook Graph
 * sends for it (if any), delivered to the webhook target when one is set (see {@link WebhookDelivery}).
 *
 * Every later read sees the change, over every transport: the account node, both account edges of every
 * business that sees the account, the phone numbers edge, field expansion, filters and the oracles.
 *
 * | kind | what changes | webhook (field: value) |
 * | --- | --- | --- |
 * | `qualityRating` | a number's `quality_rating` | `phone_number_quality_update`: `FLAGGED` on falling to `RED`, `UNFLAGGED` on leaving it; none otherwise |
 * | `phoneNumberTier` | a number's `messaging_limit_tier` | `phone_number_quality_update`: `UPGRADE` or `DOWNGRADE`, with `current_limit` and `old_limit` |
 * | `phoneNumberName` | an approved name becomes the number's `verified_name` (`name_status` `APPROVED`); a rejected one leaves it (`name_status` `DECLINED`) | `phone_number_name_update` with the decision |
 * | `messagingLimit` | an account's `whatsapp_business_manager_messaging_limit` | `business_capability_update` with `max_daily_conversations_per_business` |
 * | `reviewStatus` | an account's `account_review_status` | `account_review_update` with the `decision` |
 * | `accountStatus` | an account's `status` | `account_update` `DISABLED_UPDATE` with `ban_info` when it becomes `DISABLED` (`DISABLE`) or leaves it (`REINSTATE`); none otherwise |
 * | `accountAdded` | a new account owned by a business | none: Graph has no event for an account the app is not subscribed to yet |
 * | `accountRemoved` | an account leaves its owner's edge, every client edge and its own paths | `account_update` `ACCOUNT_DELETED` |
 * | `shareAdded` | an account appears on a business's client edge | `account_update` `PARTNER_ADDED` |
 * | `shareWithdrawn` | it leaves that edge | `account_update` `PARTNER_REMOVED` |
 * | `tokenRevoked` | every later call with the token fails: code 190, subcode 467 (invalidated; default), 460 (password changed) or 458 (app removed) | none |
 *
 * A change that sets a field to the value it has changes nothing and sends no webhook.
 *
 * @example
 * ```ts
 * import { Emulator } from "@effect-waba/emulator"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* Emulator.Emulator
 *   const [account] = yield* emulator.accounts(emulator.businessIds[0]!)
 *   const [number] = yield* emulator.phoneNumbers(account!.id)
 *   const applied = yield* emulator.change({ kind: "qualityRating", phoneNumberId: number!.id, rating: "RED" })
 *   return applied.webhook?.body // {"object":"whatsapp_business_account","entry":[…"FLAGGED"…]}
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as Dataset from "./Dataset.js"
import type * as WebhookDelivery from "./WebhookDelivery.js"

const Value = Schema.NonEmptyString

const Id = Schema.String

/**
 * A change, as a value: `kind` says which (see the module's table).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Change = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("qualityRating"), phoneNumberId: Id, rating: Value }),
  Schema.Struct({ kind: Schema.Literal("phoneNumberTier"), phoneNumberId: Id, tier: Value }),
  Schema.Struct({
    kind: Schema.Literal("phoneNumberName"),
    phoneNumberId: Id,
    name: Value,
    decision: Schema.Literal("APPROVED", "REJECTED"),
    rejectionReason: Schema.optional(Value)
  }),
  Schema.Struct({ kind: Schema.Literal("messagingLimit"), accountId: Id, limit: Value }),
  Schema.Struct({ kind: Schema.Literal("reviewStatus"), accountId: Id, status: Value }),
  Schema.Struct({ kind: Schema.Literal("accountStatus"), accountId: Id, status: Value }),
  Schema.Struct({
    kind: Schema.Literal("accountAdded"),
    businessId: Id,
    /** Unix seconds; default now on the emulator's clock. */
    creationTime: Schema.optional(Schema.NonNegativeInt)
  }),
  Schema.Struct({ kind: Schema.Literal("accountRemoved"), accountId: Id }),
  Schema.Struct({
    kind: Schema.Literal("shareAdded"),
    businessId: Id,
    accountId: Id,
    /** What the business may do with the account; default `["MANAGE", "DEVELOP"]`. */
    permittedTasks: Schema.optional(Schema.Array(Value))
  }),
  Schema.Struct({ kind: Schema.Literal("shareWithdrawn"), businessId: Id, accountId: Id }),
  Schema.Struct({
    kind: Schema.Literal("tokenRevoked"),
    token: Schema.String,
    subcode: Schema.optional(
      Schema.Literal(458, 460, 467).annotations({ message: () => "subcode must be 458, 460 or 467" })
    )
  })
)

/**
 * @since 0.1.0
 * @category models
 */
export type Change = typeof Change.Type

/**
 * @since 0.1.0
 * @category models
 */
export type Kind = Change["kind"]

/**
 * Why a change was refused; nothing was changed. `id` names the business, account or phone number that is
 * not there (never a token).
 *
 * @since 0.1.0
 * @category errors
 */
export class ChangeError extends Schema.TaggedError<ChangeError>()("ChangeError", {
  reason: Schema.Literal(
    "InvalidChange",
    "UnknownBusiness",
    "UnknownAccount",
    "UnknownPhoneNumber",
    "UnknownToken",
    "AlreadyShared",
    "NotShared"
  ),
  id: Schema.optional(Schema.String),
  message: Schema.String
}) {}

/**
 * What a change did.
 *
 * @since 0.1.0
 * @category models
 */
export interface Applied {
  /** The webhook Graph sends for the change, signed; absent when it sends none (see the module's table). */
  readonly webhook?: WebhookDelivery.SignedWebhook | undefined
  /**
   * Its delivery to the webhook target: the HTTP status of a 2xx answer, or why it failed. Absent without a
   * target or a webhook.
   */
  readonly delivery?: Either.Either<number, WebhookDelivery.DeliveryError> | undefined
  /** The account an `accountAdded` change created. */
  readonly account?: Dataset.Account | undefined
}

/**
 * Checks an input against {@link Change}: the change, or the `InvalidChange` error saying what is wrong
 * with it (paths and expectations, without echoing a token).
 *
 * @since 0.1.0
 * @category validation
 */
export const decode = (input: unknown): Either.Either<Change, ChangeError> =>
  Either.mapLeft(Schema.decodeUnknownEither(Change)(input), (error) => {
    const lines = ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) =>
      `${issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""}${issue.message}`
    )
    return new ChangeError({ reason: "InvalidChange", message: [...new Set(lines)].join("; ") })
  })
