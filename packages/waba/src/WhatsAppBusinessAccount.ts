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

const shared = WhatsApp.whatsAppBusinessAccount
const { fromShape } = GraphSchema

const ownershipTypePattern = WhatsApp.edges.owned.filters.ownership_type.pattern

/**
 * @since 0.1.0
 * @category schemas
 */
export const AccountReviewStatus = fromShape(shared.fields.account_review_status)

/**
 * Graph sends these in lower case; Meta's spec examples show upper-case forms, which decode too.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BusinessVerificationStatus = fromShape(shared.fields.business_verification_status)

/**
 * The reference lists SELF, CLIENT_OWNED and ON_BEHALF_OF; Meta's spec adds SELF_OWNED and AGENCY_OWNED.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OwnershipType = fromShape(shared.fields.ownership_type)

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
export const MessagingLimit = fromShape(shared.fields.whatsapp_business_manager_messaging_limit)

/**
 * @since 0.1.0
 * @category schemas
 */
export const CanSendMessage = fromShape(shared.fields.health_status.fields.can_send_message)

/**
 * @since 0.1.0
 * @category schemas
 */
export const Status = fromShape(shared.fields.status)

/**
 * @since 0.1.0
 * @category schemas
 */
export const MarketingMessagesLiteApiStatus = fromShape(shared.fields.marketing_messages_lite_api_status)

/**
 * @since 0.1.0
 * @category schemas
 */
export const MarketingMessagesOnboardingStatus = fromShape(shared.fields.marketing_messages_onboarding_status)

/**
 * @since 0.1.0
 * @category schemas
 */
export const MarketingMessagesMaxPriceEnrollStatus = fromShape(
  shared.fields.whatsapp_manager_marketing_messages_max_price_enroll_status
)

/**
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatusEntity = fromShape(shared.fields.health_status.fields.entities.of)

/**
 * A problem that limits sending, as listed under a `health_status` entity.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatusError = fromShape(shared.fields.health_status.fields.entities.of.fields.errors.of)

/**
 * Whether the account can send messages, and what stands in the way.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HealthStatus = fromShape(shared.fields.health_status)

/**
 * A business as Graph refers to it from this node.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BusinessInfo = fromShape(shared.fields.owner_business_info)

/**
 * An object Graph refers to by id (a commerce account, an ad account), with whatever else it sends.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Reference = GraphSchema.Reference

/**
 * A JSON object whose shape Meta does not document; kept as sent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Opaque = GraphSchema.Opaque

/**
 * The node's declaration: every current field of the reference (`creation_time` is sent as unix seconds),
 * the default fields, and the edges that can be expanded inside it.
 *
 * @since 0.1.0
 * @category nodes
 */
export const node = GraphNode.make({
  name: shared.name,
  fields: GraphSchema.nodeFields(shared.fields),
  defaultFields: shared.defaultFields,
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
