/**
 * The WhatsApp Business Account node (`GET /{waba-id}`, and the items of the owned and client edges).
 *
 * Decoding is tolerant where Meta is known to drift: `id` may arrive as a JSON number, `creation_time`
 * as a numeric string, any optional field as `null` (read as absent), enums gain values, and new fields
 * appear. None of that fails a decode. Keys keep Graph's snake_case names, so the fields you ask for are
 * the keys you get.
 *
 * @since 0.1.0
 */
import { GraphNode, GraphRead, GraphSchema } from "@effect-waba/graph-core"
import * as WhatsApp from "@effect-waba/graph-rules/whatsapp"
import * as Schema from "effect/Schema"
import * as PhoneNumbers from "./PhoneNumbers.js"

const { GraphId, openEnum, optional } = GraphSchema

const ownershipTypePattern = WhatsApp.edges.owned.filters.ownership_type.pattern

/**
 * @since 0.1.0
 * @category schemas
 */
export const AccountReviewStatus = openEnum("APPROVED", "PENDING", "REJECTED", "RESTRICTED", "DEFERRED")

/**
 * Graph sends these in lower case; Meta's spec examples show upper-case forms, which decode too.
 *
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
 * An ownership type as a filter takes it: in capitals, as Graph spells them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OwnershipTypeValue = OwnershipType.pipe(
  Schema.pattern(ownershipTypePattern.regex, {
    message: () => ownershipTypePattern.description,
    description: ownershipTypePattern.description
  })
)

/**
 * The account's messaging tier, as current material lists it (older material shows TIER_1K, which still
 * decodes).
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessagingLimit = openEnum(
  "TIER_50",
  "TIER_250",
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
 * @since 0.1.0
 * @category schemas
 */
export const Status = openEnum("ACTIVE", "DISABLED", "PENDING_DELETION")

/**
 * @since 0.1.0
 * @category schemas
 */
export const MarketingMessagesLiteApiStatus = openEnum("ELIGIBLE", "INELIGIBLE", "ONBOARDED")

/**
 * @since 0.1.0
 * @category schemas
 */
export const MarketingMessagesOnboardingStatus = openEnum("ONBOARDED", "NOT_ONBOARDED", "PENDING")

/**
 * @since 0.1.0
 * @category schemas
 */
export const MarketingMessagesMaxPriceEnrollStatus = openEnum("ENROLLED", "NOT_ENROLLED", "PENDING")

/**
 * A problem that limits sending, as listed under a `health_status` entity.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatusError = Schema.Struct({
  error_code: optional(Schema.Number),
  error_description: optional(Schema.String),
  possible_solution: optional(Schema.String)
})

/**
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatusEntity = Schema.Struct({
  entity_type: optional(openEnum("WABA", "BUSINESS", "APP", "PHONE_NUMBER")),
  id: optional(GraphId),
  can_send_message: optional(CanSendMessage),
  errors: optional(GraphSchema.ArrayOf(HealthStatusError)),
  additional_info: optional(GraphSchema.ArrayOf(Schema.String))
})

/**
 * Whether the account can send messages, and what stands in the way.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatus = Schema.Struct({
  can_send_message: optional(CanSendMessage),
  entities: optional(GraphSchema.ArrayOf(HealthStatusEntity))
})

/**
 * A business as Graph refers to it from this node.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BusinessInfo = Schema.Struct({
  id: optional(GraphId),
  name: optional(Schema.String),
  status: optional(Schema.String),
  type: optional(Schema.String)
})

/**
 * An object Graph refers to by id (a commerce account, an ad account), with whatever else it sends.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Reference = Schema.Union(
  Schema.Struct({ id: optional(GraphId), name: optional(Schema.String) }),
  Schema.transform(GraphId, Schema.Struct({ id: Schema.String }), {
    strict: true,
    decode: (id) => ({ id }),
    encode: (reference) => reference.id
  })
)

/**
 * A JSON object whose shape Meta does not document; kept as sent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Opaque = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * The node's declaration: every current field of the reference, the default fields, and the edges
 * that can be expanded inside it.
 *
 * @since 0.1.0
 * @category nodes
 */
export const node = GraphNode.make({
  name: "WhatsAppBusinessAccount",
  fields: {
    id: GraphId,
    name: optional(Schema.String),
    currency: optional(Schema.String),
    timezone_id: optional(GraphId),
    message_template_namespace: optional(Schema.String),
    account_review_status: optional(AccountReviewStatus),
    business_verification_status: optional(BusinessVerificationStatus),
    country: optional(Schema.String),
    /** When the account was created; sent as unix seconds. */
    creation_time: optional(GraphSchema.UnixSeconds),
    health_status: optional(HealthStatus),
    is_enabled_for_insights: optional(Schema.Boolean),
    is_shared_with_partners: optional(Schema.Boolean),
    on_behalf_of_business_info: optional(BusinessInfo),
    ownership_type: optional(OwnershipType),
    primary_funding_id: optional(GraphId),
    purchase_order_number: optional(Schema.String),
    status: optional(Status),
    owner_business_info: optional(BusinessInfo),
    whatsapp_business_manager_messaging_limit: optional(MessagingLimit),
    marketing_messages_lite_api_status: optional(MarketingMessagesLiteApiStatus),
    marketing_messages_onboarding_status: optional(MarketingMessagesOnboardingStatus),
    analytics: optional(Opaque),
    auth_international_rate_eligibility: optional(Opaque),
    disable_marketing_messages_on_cloud_api: optional(Schema.Boolean),
    linked_commerce_account: optional(Reference),
    marketing_messages_ad_account: optional(Reference),
    owner_business: optional(BusinessInfo),
    primary_business_location: optional(Schema.Union(Schema.String, Opaque)),
    template_auto_archival_enabled: optional(Schema.Boolean),
    whatsapp_manager_marketing_messages_max_price_enroll_status: optional(MarketingMessagesMaxPriceEnrollStatus)
  },
  defaultFields: ["id", "name", "currency", "timezone_id", "message_template_namespace"],
  expandable: () => ({ phone_numbers: PhoneNumbers.edge })
})

/**
 * Every field of the node. All but `id` are optional: Graph leaves a field out when it has no value.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WhatsAppBusinessAccount = node.schema

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
 * Every field, in the schema's order.
 *
 * @since 0.1.0
 * @category constants
 */
export const fields = node.fieldNames as ReadonlyArray<Field>

/**
 * What Graph returns when a request names no fields.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultFields = node.defaultFields

/**
 * @since 0.1.0
 * @category models
 */
export type DefaultField = typeof defaultFields[number]

/**
 * @since 0.1.0
 * @category predicates
 */
export const isField = (name: string): name is Field => node.isField(name)

/**
 * The node narrowed to the requested fields (plus `id`, which Graph always returns).
 *
 * @since 0.1.0
 * @category models
 */
export type Selected<F extends Field> = GraphRead.Selected<typeof node, F>

/**
 * The options of a node read: `fields`, `extraFields`, `expand`.
 *
 * @since 0.1.0
 * @category models
 */
export type GetOptions<F extends ReadonlyArray<Field> = ReadonlyArray<Field>, X extends string = never, XP = {}> =
  GraphRead.NodeOptions<F, X, XP>

// A WABA is read by the id its phone numbers hang off.
const read = GraphRead.node(node, PhoneNumbers.edge.parent)

/**
 * Reads one WhatsApp Business Account: `GET /{waba-id}` with the fields asked for, and its phone
 * numbers when expanded (complete, unless `pages: "first"`).
 *
 * @example
 * ```ts
 * import { WhatsAppBusinessAccount } from "@effect-waba/waba"
 *
 * const account = WhatsAppBusinessAccount.get("102290129340398", {
 *   fields: ["name", "status", "whatsapp_business_manager_messaging_limit"],
 *   expand: { phone_numbers: { fields: ["display_phone_number", "quality_rating"] } }
 * })
 * // Effect<{ id; name?; status?; whatsapp_business_manager_messaging_limit?; phone_numbers: ReadonlyArray<...> }, ...>
 * ```
 *
 * @since 0.1.0
 * @category reads
 */
export const get = read.get

/**
 * The `InvalidRequestError` a {@link get} would fail with, or nothing.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = read.validate
