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
import * as WhatsApp from "@effect-waba/graph-rules/whatsapp"

const shared = WhatsApp.phoneNumber
const { fromShape } = GraphSchema

/**
 * @since 0.1.0
 * @category schemas
 */
export const Status = fromShape(shared.fields.status)

/**
 * `UNKNOWN` (and `NA` in Meta's spec) for numbers without enough traffic to rate.
 *
 * @since 0.1.0
 * @category schemas
 */
export const QualityRating = fromShape(shared.fields.quality_rating)

/**
 * @since 0.1.0
 * @category schemas
 */
export const CodeVerificationStatus = fromShape(shared.fields.code_verification_status)

/**
 * @since 0.1.0
 * @category schemas
 */
export const UnifiedCertStatus = fromShape(shared.fields.unified_cert_status)

/**
 * @since 0.1.0
 * @category schemas
 */
export const NameStatus = fromShape(shared.fields.name_status)

/**
 * @since 0.1.0
 * @category schemas
 */
export const AccountMode = fromShape(shared.fields.account_mode)

/**
 * @since 0.1.0
 * @category schemas
 */
export const HostPlatform = fromShape(shared.fields.host_platform)

/**
 * The messaging tier of one number. Meta's spec still lists `TIER_1K` here; current material names `TIER_2K`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const MessagingLimitTier = fromShape(shared.fields.messaging_limit_tier)

/**
 * @since 0.1.0
 * @category schemas
 */
export const ThroughputLevel = fromShape(shared.fields.throughput.fields.level)

/**
 * Where the number's webhooks go.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WebhookConfiguration = fromShape(shared.fields.webhook_configuration)

/**
 * The PhoneNumber node: every field Meta's spec and reference list (`last_onboarded_time` is an ISO 8601
 * time such as `2023-08-22T19:05:09+0000`), and what Graph returns when `fields` is absent.
 *
 * @since 0.1.0
 * @category nodes
 */
export const node = GraphNode.make({
  name: shared.name,
  fields: GraphSchema.nodeFields(shared.fields),
  defaultFields: shared.defaultFields
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
