/**
 * The WhatsApp Business Account node, as a Schema.
 *
 * Decoding is tolerant where Meta is known to drift: `id` may arrive as a JSON number, `creation_time`
 * as a numeric string, enums gain values, and new fields appear. None of that fails a decode. Keys keep
 * Graph's snake_case names, so the fields you ask for are the keys you get.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type * as Types from "effect/Types"

/**
 * A string enum that stays open: the known values help editors and readers, any other string Meta
 * adds later still decodes.
 *
 * @since 0.1.0
 * @category schemas
 */
export const openEnum = <const Known extends ReadonlyArray<string>>(
  ...known: Known
): Schema.Schema<Known[number] | (string & {}), string> =>
  Schema.String.annotations({
    description: `One of ${known.join(", ")}, or a value Meta added later`
  }) as Schema.Schema<Known[number] | (string & {}), string>

/**
 * A Graph id: a numeric string, sometimes sent as a bare JSON number. Kept a string either way, since
 * ids exceed `Number.MAX_SAFE_INTEGER` in places.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GraphId = Schema.Union(
  Schema.String,
  // BigInt prints large integers in full where String(1e21) would print "1e+21".
  Schema.transform(Schema.Int, Schema.String, {
    strict: true,
    decode: (n) => BigInt(n).toString(),
    encode: (s) => Number(s)
  })
).annotations({ identifier: "GraphId" })

/**
 * Unix seconds (a number, or a numeric string) as a `Date`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UnixSeconds = Schema.transform(
  Schema.Union(Schema.Number, Schema.NumberFromString),
  Schema.ValidDateFromSelf,
  {
    strict: true,
    decode: (seconds) => new Date(seconds * 1000),
    encode: (date) => Math.floor(date.getTime() / 1000)
  }
).annotations({ identifier: "UnixSeconds" })

/**
 * @since 0.1.0
 * @category schemas
 */
export const AccountReviewStatus = openEnum("APPROVED", "PENDING", "REJECTED", "RESTRICTED", "DEFERRED")

/**
 * @since 0.1.0
 * @category schemas
 */
export const BusinessVerificationStatus = openEnum(
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
 * The reference lists SELF, CLIENT_OWNED and ON_BEHALF_OF; Meta's spec adds SELF_OWNED and AGENCY_OWNED.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OwnershipType = openEnum("SELF", "CLIENT_OWNED", "ON_BEHALF_OF", "SELF_OWNED", "AGENCY_OWNED")

/**
 * @since 0.1.0
 * @category schemas
 */
export const MessagingLimit = openEnum(
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
export const CanSendMessage = openEnum("AVAILABLE", "LIMITED", "BLOCKED")

/**
 * A problem that limits sending, as listed under a `health_status` entity.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatusError = Schema.Struct({
  error_code: Schema.optional(Schema.Number),
  error_description: Schema.optional(Schema.String),
  possible_solution: Schema.optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatusEntity = Schema.Struct({
  entity_type: Schema.optional(openEnum("WABA", "BUSINESS", "APP", "PHONE_NUMBER")),
  id: Schema.optional(GraphId),
  can_send_message: Schema.optional(CanSendMessage),
  errors: Schema.optional(Schema.Array(HealthStatusError)),
  additional_info: Schema.optional(Schema.Array(Schema.String))
})

/**
 * Whether the account can send messages, and what stands in the way.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatus = Schema.Struct({
  can_send_message: Schema.optional(CanSendMessage),
  entities: Schema.optional(Schema.Array(HealthStatusEntity))
})

/**
 * A business as Graph refers to it from this node.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BusinessInfo = Schema.Struct({
  id: Schema.optional(GraphId),
  name: Schema.optional(Schema.String),
  status: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String)
})

/**
 * Every documented field of the node. All but `id` are optional: Graph leaves a field out when it has
 * no value.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WhatsAppBusinessAccount = Schema.Struct({
  id: GraphId,
  name: Schema.optional(Schema.String),
  currency: Schema.optional(Schema.String),
  timezone_id: Schema.optional(GraphId),
  message_template_namespace: Schema.optional(Schema.String),
  account_review_status: Schema.optional(AccountReviewStatus),
  business_verification_status: Schema.optional(BusinessVerificationStatus),
  country: Schema.optional(Schema.String),
  /** When the account was created; sent as unix seconds. */
  creation_time: Schema.optional(UnixSeconds),
  health_status: Schema.optional(HealthStatus),
  is_enabled_for_insights: Schema.optional(Schema.Boolean),
  is_shared_with_partners: Schema.optional(Schema.Boolean),
  on_behalf_of_business_info: Schema.optional(BusinessInfo),
  ownership_type: Schema.optional(OwnershipType),
  primary_funding_id: Schema.optional(GraphId),
  purchase_order_number: Schema.optional(Schema.String),
  status: Schema.optional(openEnum("ACTIVE", "DISABLED", "PENDING_DELETION")),
  owner_business_info: Schema.optional(BusinessInfo),
  whatsapp_business_manager_messaging_limit: Schema.optional(MessagingLimit),
  marketing_messages_lite_api_status: Schema.optional(openEnum("ELIGIBLE", "INELIGIBLE", "ONBOARDED")),
  marketing_messages_onboarding_status: Schema.optional(openEnum("ONBOARDED", "NOT_ONBOARDED", "PENDING"))
}).annotations({ identifier: "WhatsAppBusinessAccount" })

/**
 * @since 0.1.0
 * @category models
 */
export type WhatsAppBusinessAccount = typeof WhatsAppBusinessAccount.Type

/**
 * A field that can be requested.
 *
 * @since 0.1.0
 * @category models
 */
export type Field = keyof typeof WhatsAppBusinessAccount.fields

/**
 * Every documented field, in the schema's order.
 *
 * @since 0.1.0
 * @category constants
 */
export const fields = Object.keys(WhatsAppBusinessAccount.fields) as ReadonlyArray<Field>

/**
 * What Graph returns when a request names no fields.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultFields = ["id", "name", "currency", "timezone_id", "message_template_namespace"] as const

/**
 * @since 0.1.0
 * @category models
 */
export type DefaultField = typeof defaultFields[number]

/**
 * @since 0.1.0
 * @category predicates
 */
export const isField = (name: string): name is Field => Object.hasOwn(WhatsAppBusinessAccount.fields, name)

/**
 * The node narrowed to the requested fields (plus `id`, which Graph always returns).
 *
 * @since 0.1.0
 * @category models
 */
export type Selected<F extends Field> = Types.Simplify<Pick<WhatsAppBusinessAccount, F | "id">>
