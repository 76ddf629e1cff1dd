/**
 * The PhoneNumber node (`GET /{waba-id}/phone_numbers`, and the `phone_numbers` edge expanded inside a
 * WhatsApp Business Account): a business phone number with its display name, quality rating, messaging
 * tier and status.
 *
 * Every enum is open: the values Meta documents today type the common case, and a value Meta adds later
 * still decodes. `null` in any field reads as absent.
 *
 * @since 0.1.0
 */
import { GraphNode, GraphSchema } from "@effect-waba/graph-core"
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const Status = GraphSchema.openEnum(
  "PENDING",
  "CONNECTED",
  "LINKED",
  "UNLINKED",
  "DELETED",
  "DISCONNECTED",
  "MIGRATED",
  "BANNED",
  "FLAGGED",
  "RESTRICTED",
  "RATE_LIMITED",
  "UNVERIFIED"
)

/**
 * `UNKNOWN` (and `NA` in Meta's spec) for numbers without enough traffic to rate.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QualityRating = GraphSchema.openEnum("GREEN", "YELLOW", "RED", "UNKNOWN", "NA")

/**
 * @since 0.1.0
 * @category schemas
 */
export const CodeVerificationStatus = GraphSchema.openEnum("VERIFIED", "NOT_VERIFIED", "UNVERIFIED", "EXPIRED")

/**
 * @since 0.1.0
 * @category schemas
 */
export const UnifiedCertStatus = GraphSchema.openEnum(
  "APPROVED",
  "NAME_PENDING_REVIEW",
  "NAME_NOT_APPROVED",
  "ACCOUNT_REVIEW_NOT_STARTED",
  "LIMITED_ACCESS"
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const NameStatus = GraphSchema.openEnum(
  "APPROVED",
  "AVAILABLE_WITHOUT_REVIEW",
  "DECLINED",
  "EXPIRED",
  "PENDING_REVIEW",
  "NONE"
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const AccountMode = GraphSchema.openEnum("LIVE", "SANDBOX")

/**
 * @since 0.1.0
 * @category schemas
 */
export const HostPlatform = GraphSchema.openEnum("CLOUD_API", "ON_PREMISE", "NOT_APPLICABLE")

/**
 * The messaging tier of one number. Meta's spec still lists `TIER_1K` here; current material names `TIER_2K`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessagingLimitTier = GraphSchema.openEnum(
  "TIER_50",
  "TIER_250",
  "TIER_1K",
  "TIER_2K",
  "TIER_10K",
  "TIER_100K",
  "TIER_UNLIMITED",
  "UNTIERED"
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const ThroughputLevel = GraphSchema.openEnum("STANDARD", "HIGH", "NOT_APPLICABLE")

/**
 * Where the number's webhooks go.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebhookConfiguration = Schema.Struct({
  application: GraphSchema.optional(Schema.String),
  phone_number: GraphSchema.optional(Schema.String),
  whatsapp_business_account: GraphSchema.optional(Schema.String)
})

/**
 * The PhoneNumber node: every field Meta's spec and reference list.
 *
 * @since 0.1.0
 * @category nodes
 */
export const node = GraphNode.make({
  name: "WhatsAppBusinessPhoneNumber",
  fields: {
    id: GraphSchema.GraphId,
    display_phone_number: GraphSchema.optional(Schema.String),
    verified_name: GraphSchema.optional(Schema.String),
    status: GraphSchema.optional(Status),
    quality_rating: GraphSchema.optional(QualityRating),
    country_code: GraphSchema.optional(Schema.String),
    country_dial_code: GraphSchema.optional(Schema.String),
    code_verification_status: GraphSchema.optional(CodeVerificationStatus),
    unified_cert_status: GraphSchema.optional(UnifiedCertStatus),
    account_mode: GraphSchema.optional(AccountMode),
    host_platform: GraphSchema.optional(HostPlatform),
    messaging_limit_tier: GraphSchema.optional(MessagingLimitTier),
    is_official_business_account: GraphSchema.optional(Schema.Boolean),
    username: GraphSchema.optional(Schema.String),
    name_status: GraphSchema.optional(NameStatus),
    platform_type: GraphSchema.optional(HostPlatform),
    throughput: GraphSchema.optional(Schema.Struct({ level: GraphSchema.optional(ThroughputLevel) })),
    /** When the number was last onboarded (Graph sends an ISO 8601 time such as `2023-08-22T19:05:09+0000`). */
    last_onboarded_time: GraphSchema.optional(GraphSchema.DateTime),
    webhook_configuration: GraphSchema.optional(WebhookConfiguration)
  },
  // What Graph returns for a phone number when `fields` is absent.
  defaultFields: [
    "id",
    "verified_name",
    "code_verification_status",
    "display_phone_number",
    "quality_rating",
    "platform_type",
    "throughput",
    "last_onboarded_time",
    "webhook_configuration"
  ]
})

/**
 * A phone number with every field.
 *
 * @since 0.1.0
 * @category models
 */
export type PhoneNumber = GraphNode.Type<typeof node>

/**
 * A field of the node.
 *
 * @since 0.1.0
 * @category models
 */
export type Field = GraphNode.FieldName<typeof node>

/**
 * Every field, in declaration order.
 *
 * @since 0.1.0
 * @category constants
 */
export const fields: ReadonlyArray<Field> = node.fieldNames

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultFields = node.defaultFields
