/**
 * The filter DSL: clauses built per field, checked against the edge before any request. The clauses Graph
 * documents for an edge go on the wire (`filtering`, in the form Meta documents); the others are evaluated
 * by the client on the items Graph sends. Which is which, and the wire form, are the rules both lines share.
 *
 * @since 1.0.0
 */
import * as Clauses from "@effect-waba/graph-rules/filterClause"
import type { phoneNumber, whatsAppBusinessAccount } from "@effect-waba/graph-rules/whatsapp"

type Values<S> = S extends { readonly values: infer V extends ReadonlyArray<string> } ? V[number] | (string & {})
  : string

/**
 * A clause on an account edge's fields.
 *
 * @since 1.0.0
 * @category models
 */
export type AccountFilter =
  | Clauses.TimeClause<"creation_time">
  | Clauses.StringClause<"ownership_type", Values<typeof whatsAppBusinessAccount.fields.ownership_type>>

/**
 * A clause on the phone-number edge's fields.
 *
 * @since 1.0.0
 * @category models
 */
export type PhoneNumberFilter =
  | Clauses.StringClause<"account_mode", Values<typeof phoneNumber.fields.account_mode>>
  | Clauses.StringClause<"messaging_limit_tier", Values<typeof phoneNumber.fields.messaging_limit_tier>>
  | Clauses.BooleanClause<"is_official_business_account">
  | Clauses.StringClause<"quality_rating", Values<typeof phoneNumber.fields.quality_rating>>
  | Clauses.StringClause<"status", Values<typeof phoneNumber.fields.status>>
  | Clauses.StringClause<"code_verification_status", Values<typeof phoneNumber.fields.code_verification_status>>

/**
 * `creation_time` of an account: `greaterThan`, `lessThan`, `between` (inclusive) and the rest.
 *
 * @since 1.0.0
 * @category builders
 */
export const creationTime = Clauses.timeBuilders("creation_time")

/**
 * @since 1.0.0
 * @category builders
 */
export const ownershipType = Clauses.stringBuilders<
  "ownership_type",
  Values<typeof whatsAppBusinessAccount.fields.ownership_type>
>("ownership_type")

/**
 * @since 1.0.0
 * @category builders
 */
export const accountMode = Clauses.stringBuilders<"account_mode", Values<typeof phoneNumber.fields.account_mode>>(
  "account_mode"
)

/**
 * @since 1.0.0
 * @category builders
 */
export const messagingLimitTier = Clauses.stringBuilders<
  "messaging_limit_tier",
  Values<typeof phoneNumber.fields.messaging_limit_tier>
>("messaging_limit_tier")

/**
 * @since 1.0.0
 * @category builders
 */
export const isOfficialBusinessAccount = Clauses.booleanBuilders("is_official_business_account")

/**
 * @since 1.0.0
 * @category builders
 */
export const qualityRating = Clauses.stringBuilders<"quality_rating", Values<typeof phoneNumber.fields.quality_rating>>(
  "quality_rating"
)

/**
 * A phone number's `status`.
 *
 * @since 1.0.0
 * @category builders
 */
export const phoneStatus = Clauses.stringBuilders<"status", Values<typeof phoneNumber.fields.status>>("status")

/**
 * @since 1.0.0
 * @category builders
 */
export const codeVerificationStatus = Clauses.stringBuilders<
  "code_verification_status",
  Values<typeof phoneNumber.fields.code_verification_status>
>("code_verification_status")

/**
 * A clause sent as written, unchecked: for a filter Graph supports that this library does not declare.
 *
 * @since 1.0.0
 * @category builders
 */
export const unchecked = Clauses.unchecked
