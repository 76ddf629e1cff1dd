/**
 * The WhatsApp Business Account node as the emulator serves it. This schema is the emulator's single
 * source of truth for the node: the accepted `fields`, the generated values and the enum choices are all
 * read from it. It is written from Meta's reference, its OpenAPI spec and its SDKs, independently of the
 * client packages, so the emulator can serve as an oracle for them.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category enums
 */
export const AccountReviewStatus = Schema.Literal("APPROVED", "PENDING", "REJECTED", "RESTRICTED", "DEFERRED")

/**
 * Graph sends these in lower case, unlike most of the node's enums.
 *
 * @since 0.1.0
 * @category enums
 */
export const BusinessVerificationStatus = Schema.Literal(
  "expired",
  "failed",
  "ineligible",
  "not_verified",
  "pending",
  "pending_need_more_info",
  "pending_submission",
  "rejected",
  "revoked",
  "verified"
)

/**
 * @since 0.1.0
 * @category enums
 */
export const OwnershipType = Schema.Literal("SELF", "CLIENT_OWNED", "ON_BEHALF_OF")

/**
 * @since 0.1.0
 * @category enums
 */
export const MessagingLimit = Schema.Literal(
  "TIER_50",
  "TIER_250",
  "TIER_1K",
  "TIER_10K",
  "TIER_100K",
  "TIER_UNLIMITED",
  "UNTIERED"
)

/**
 * @since 0.1.0
 * @category enums
 */
export const CanSendMessage = Schema.Literal("AVAILABLE", "LIMITED", "BLOCKED")

/**
 * @since 0.1.0
 * @category enums
 */
export const Status = Schema.Literal("ACTIVE", "DISABLED", "PENDING_DELETION")

/**
 * @since 0.1.0
 * @category enums
 */
export const MarketingMessagesLiteApiStatus = Schema.Literal("ELIGIBLE", "INELIGIBLE", "ONBOARDED")

/**
 * @since 0.1.0
 * @category enums
 */
export const MarketingMessagesOnboardingStatus = Schema.Literal("ONBOARDED", "NOT_ONBOARDED", "PENDING")

/**
 * One problem listed under a `health_status` entity.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatusError = Schema.Struct({
  error_code: Schema.Number,
  error_description: Schema.String,
  possible_solution: Schema.String
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatusEntity = Schema.Struct({
  entity_type: Schema.Literal("WABA", "BUSINESS", "APP", "PHONE_NUMBER"),
  id: Schema.String,
  can_send_message: CanSendMessage,
  errors: Schema.optional(Schema.Array(HealthStatusError))
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatus = Schema.Struct({
  can_send_message: CanSendMessage,
  entities: Schema.Array(HealthStatusEntity)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const BusinessInfo = Schema.Struct({
  id: Schema.String,
  name: Schema.String
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const OnBehalfOfBusinessInfo = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.Literal("APPROVED", "PENDING", "REJECTED"),
  type: Schema.Literal("SELF", "PARTNER")
})

/**
 * Every field the emulator knows. Optional fields are the ones Graph leaves out when they have no value
 * (Graph omits nulls rather than sending them).
 *
 * @since 0.1.0
 * @category schemas
 */
export const WhatsAppBusinessAccount = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  currency: Schema.String,
  timezone_id: Schema.String,
  message_template_namespace: Schema.String,
  account_review_status: AccountReviewStatus,
  business_verification_status: BusinessVerificationStatus,
  country: Schema.String,
  creation_time: Schema.Number,
  health_status: HealthStatus,
  is_enabled_for_insights: Schema.Boolean,
  is_shared_with_partners: Schema.Boolean,
  on_behalf_of_business_info: Schema.optional(OnBehalfOfBusinessInfo),
  ownership_type: OwnershipType,
  primary_funding_id: Schema.String,
  purchase_order_number: Schema.optional(Schema.String),
  status: Status,
  owner_business_info: BusinessInfo,
  whatsapp_business_manager_messaging_limit: MessagingLimit,
  marketing_messages_lite_api_status: MarketingMessagesLiteApiStatus,
  marketing_messages_onboarding_status: MarketingMessagesOnboardingStatus
})

/**
 * @since 0.1.0
 * @category models
 */
export type WhatsAppBusinessAccount = typeof WhatsAppBusinessAccount.Type

/**
 * @since 0.1.0
 * @category models
 */
export type FieldName = keyof WhatsAppBusinessAccount

/**
 * The node type Graph names in its "nonexisting field" errors.
 *
 * @since 0.1.0
 * @category constants
 */
export const nodeType = "WhatsAppBusinessAccount"

/**
 * Every field name, in the schema's order.
 *
 * @since 0.1.0
 * @category constants
 */
export const fieldNames: ReadonlyArray<FieldName> = Object.keys(WhatsAppBusinessAccount.fields) as Array<FieldName>

/**
 * The fields Graph returns when the request has no `fields` parameter.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultFields: ReadonlyArray<FieldName> = [
  "id",
  "name",
  "currency",
  "timezone_id",
  "message_template_namespace"
]

const known = new Set<string>(fieldNames)

/**
 * @since 0.1.0
 * @category guards
 */
export const isFieldName = (name: string): name is FieldName => known.has(name)
