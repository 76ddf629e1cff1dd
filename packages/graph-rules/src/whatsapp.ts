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

/** A shared account: the account's fields, and what the sharing business may do with it. @internal */
export const clientAccount = {
  ...whatsAppBusinessAccount,
  fields: {
    ...whatsAppBusinessAccount.fields,
    permitted_tasks: Shape.array(Shape.openEnum(
      "MANAGE",
      "DEVELOP",
      "MANAGE_TEMPLATES",
      "MANAGE_PHONE",
      "VIEW_COST",
      "MANAGE_EXTENSIONS",
      "VIEW_PHONE_ASSETS",
      "MANAGE_PHONE_ASSETS",
      "VIEW_TEMPLATES",
      "MESSAGING",
      "VIEW_INSIGHTS"
    ))
  }
} as const satisfies Shape.Node

const ownershipType = {
  kind: "string",
  pattern: { regex: /^[A-Z][A-Z_]{0,63}$/, description: "an ownership type in capitals, such as SELF or CLIENT_OWNED" }
} as const

/**
 * The edges of these reads: their path under the parent, the largest page Graph serves, the filters Graph
 * documents (`pushdown`: the operators it applies itself; the client evaluates the rest), the sorts, and the
 * field a read can resume from.
 *
 * @internal
 */
export const edges = {
  owned: {
    name: "OwnedAccounts",
    route: "/{business-id}/owned_whatsapp_business_accounts",
    parent: "business-id",
    maxLimit: 100,
    filters: {
      creation_time: { kind: "time", pushdown: ["LESS_THAN", "GREATER_THAN", "IN_RANGE"] },
      ownership_type: { ...ownershipType, pushdown: [] }
    },
    sorts: ["creation_time_ascending", "creation_time_descending"],
    resume: { field: "creation_time", ascending: "creation_time_ascending" }
  },
  client: {
    name: "ClientAccounts",
    route: "/{business-id}/client_whatsapp_business_accounts",
    parent: "business-id",
    maxLimit: 100,
    filters: {
      ownership_type: { ...ownershipType, pushdown: ["IN"] },
      creation_time: { kind: "time", pushdown: [] }
    },
    sorts: [],
    resume: undefined
  },
  phoneNumbers: {
    name: "PhoneNumbers",
    route: "/{waba-id}/phone_numbers",
    parent: "waba-id",
    maxLimit: 100,
    filters: {
      account_mode: { kind: "string", pushdown: ["EQUAL"] },
      messaging_limit_tier: { kind: "string", pushdown: ["EQUAL"] },
      is_official_business_account: { kind: "boolean", pushdown: ["EQUAL"] },
      quality_rating: { kind: "string", pushdown: [] },
      status: { kind: "string", pushdown: [] },
      code_verification_status: { kind: "string", pushdown: [] }
    },
    sorts: ["creation_time.asc", "creation_time.desc", "last_onboarded_time.asc", "last_onboarded_time.desc"],
    resume: undefined
  }
} as const
