/**
 * The WhatsApp Business Management nodes as data: the fields of a WhatsApp Business Account and of a
 * phone number with their shapes, and what Graph returns when `fields` is absent (Meta's reference and
 * OpenAPI spec). Both Effect lines make their Schemas from these.
 *
 * @internal
 */
import * as Shape from "./shape.js"

const businessInfo = Shape.struct({ id: Shape.id, name: Shape.string, status: Shape.string, type: Shape.string })

const canSendMessage = Shape.openEnum("AVAILABLE", "LIMITED", "BLOCKED")

const healthStatus = Shape.struct({
  can_send_message: canSendMessage,
  entities: Shape.array(Shape.struct({
    entity_type: Shape.openEnum("WABA", "BUSINESS", "APP", "PHONE_NUMBER"),
    id: Shape.id,
    can_send_message: canSendMessage,
    errors: Shape.array(Shape.struct({
      error_code: Shape.number,
      error_description: Shape.string,
      possible_solution: Shape.string
    })),
    additional_info: Shape.array(Shape.string)
  }))
})

/** @internal */
export const whatsAppBusinessAccount = {
  name: "WhatsAppBusinessAccount",
  fields: {
    id: Shape.id,
    name: Shape.string,
    currency: Shape.string,
    timezone_id: Shape.id,
    message_template_namespace: Shape.string,
    account_review_status: Shape.openEnum("APPROVED", "PENDING", "REJECTED", "RESTRICTED", "DEFERRED"),
    business_verification_status: Shape.openEnum(
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
    ),
    country: Shape.string,
    creation_time: Shape.unixSeconds,
    health_status: healthStatus,
    is_enabled_for_insights: Shape.boolean,
    is_shared_with_partners: Shape.boolean,
    on_behalf_of_business_info: businessInfo,
    ownership_type: Shape.openEnum("SELF", "CLIENT_OWNED", "ON_BEHALF_OF", "SELF_OWNED", "AGENCY_OWNED"),
    primary_funding_id: Shape.id,
    purchase_order_number: Shape.string,
    status: Shape.openEnum("ACTIVE", "DISABLED", "PENDING_DELETION"),
    owner_business_info: businessInfo,
    whatsapp_business_manager_messaging_limit: Shape.openEnum(
      "TIER_50",
      "TIER_250",
      "TIER_2K",
      "TIER_10K",
      "TIER_100K",
      "TIER_UNLIMITED",
      "UNTIERED"
    ),
    marketing_messages_lite_api_status: Shape.openEnum("ELIGIBLE", "INELIGIBLE", "ONBOARDED"),
    marketing_messages_onboarding_status: Shape.openEnum("ONBOARDED", "NOT_ONBOARDED", "PENDING"),
    analytics: Shape.opaque,
    auth_international_rate_eligibility: Shape.opaque,
    disable_marketing_messages_on_cloud_api: Shape.boolean,
    linked_commerce_account: Shape.reference,
    marketing_messages_ad_account: Shape.reference,
    owner_business: businessInfo,
    primary_business_location: Shape.stringOrOpaque,
    template_auto_archival_enabled: Shape.boolean,
    whatsapp_manager_marketing_messages_max_price_enroll_status: Shape.openEnum("ENROLLED", "NOT_ENROLLED", "PENDING")
  },
  defaultFields: ["id", "name", "currency", "timezone_id", "message_template_namespace"]
} as const satisfies Shape.Node

const hostPlatform = Shape.openEnum("CLOUD_API", "ON_PREMISE", "NOT_APPLICABLE")

/** @internal */
export const phoneNumber = {
  name: "WhatsAppBusinessPhoneNumber",
  fields: {
    id: Shape.id,
    display_phone_number: Shape.string,
    verified_name: Shape.string,
    status: Shape.openEnum(
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
    ),
    quality_rating: Shape.openEnum("GREEN", "YELLOW", "RED", "UNKNOWN", "NA"),
    country_code: Shape.string,
    country_dial_code: Shape.string,
    code_verification_status: Shape.openEnum("VERIFIED", "NOT_VERIFIED", "UNVERIFIED", "EXPIRED"),
    unified_cert_status: Shape.openEnum(
      "APPROVED",
      "NAME_PENDING_REVIEW",
      "NAME_NOT_APPROVED",
      "ACCOUNT_REVIEW_NOT_STARTED",
      "LIMITED_ACCESS"
    ),
    account_mode: Shape.openEnum("LIVE", "SANDBOX"),
    host_platform: hostPlatform,
    messaging_limit_tier: Shape.openEnum(
      "TIER_50",
      "TIER_250",
      "TIER_1K",
      "TIER_2K",
      "TIER_10K",
      "TIER_100K",
      "TIER_UNLIMITED",
      "UNTIERED"
    ),
    is_official_business_account: Shape.boolean,
    username: Shape.string,
    name_status: Shape.openEnum(
      "APPROVED",
      "AVAILABLE_WITHOUT_REVIEW",
      "DECLINED",
      "EXPIRED",
      "PENDING_REVIEW",
      "NONE"
    ),
    platform_type: hostPlatform,
    throughput: Shape.struct({ level: Shape.openEnum("STANDARD", "HIGH", "NOT_APPLICABLE") }),
    last_onboarded_time: Shape.dateTime,
    webhook_configuration: Shape.struct({
      application: Shape.string,
      phone_number: Shape.string,
      whatsapp_business_account: Shape.string
    })
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
} as const satisfies Shape.Node

/** The edges of these reads: their path under the parent, and the largest page Graph serves. @internal */
export const edges = {
  owned: { route: "/{business-id}/owned_whatsapp_business_accounts", parent: "business-id", maxLimit: 100 },
  client: { route: "/{business-id}/client_whatsapp_business_accounts", parent: "business-id", maxLimit: 100 },
  phoneNumbers: { route: "/{waba-id}/phone_numbers", parent: "waba-id", maxLimit: 100 }
} as const
