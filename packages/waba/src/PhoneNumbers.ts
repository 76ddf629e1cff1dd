/**
 * `GET /{waba-id}/phone_numbers`: the phone numbers of a WhatsApp Business Account.
 *
 * Meta's spec documents filtering on `account_mode`, `messaging_limit_tier` and
 * `is_official_business_account` (with `EQUAL`), which are sent to Graph; the other filterable fields
 * (`quality_rating`, `status`, `code_verification_status`) are evaluated by the client on the numbers it
 * reads. Sorting uses the spec's `field.asc` / `field.desc` form.
 *
 * @since 0.1.0
 */
import type { GraphPaging } from "@effect-waba/graph-core"
import { GraphEdge, GraphFilter, GraphRead } from "@effect-waba/graph-core"
import * as WhatsApp from "@effect-waba/graph-rules/whatsapp"
import * as PhoneNumber from "./PhoneNumber.js"

const shared = WhatsApp.edges.phoneNumbers
const { filters } = shared

/**
 * The edge's declaration.
 *
 * @since 0.1.0
 * @category edges
 */
export const edge = GraphEdge.make({
  name: shared.name,
  path: shared.route,
  parent: { label: "wabaId", description: "a numeric WhatsApp Business Account id (WhatsApp Manager > Account tools)" },
  node: PhoneNumber.node,
  filters: {
    account_mode: GraphFilter.string(PhoneNumber.AccountMode, filters.account_mode.pushdown),
    messaging_limit_tier: GraphFilter.string(PhoneNumber.MessagingLimitTier, filters.messaging_limit_tier.pushdown),
    is_official_business_account: GraphFilter.boolean(filters.is_official_business_account.pushdown),
    quality_rating: GraphFilter.string(PhoneNumber.QualityRating, filters.quality_rating.pushdown),
    status: GraphFilter.string(PhoneNumber.Status, filters.status.pushdown),
    code_verification_status: GraphFilter.string(
      PhoneNumber.CodeVerificationStatus,
      filters.code_verification_status.pushdown
    )
  },
  sorts: shared.sorts,
  maxLimit: shared.maxLimit,
  itemsName: "phoneNumbers"
})

/**
 * @since 0.1.0
 * @category models
 */
export type Sort = GraphEdge.SortOf<typeof edge>

/**
 * @since 0.1.0
 * @category models
 */
export type Options<
  F extends ReadonlyArray<PhoneNumber.Field> = ReadonlyArray<PhoneNumber.Field>,
  X extends string = never
> = GraphRead.Options<typeof edge, F, X, {}>

/**
 * A phone number with the requested fields.
 *
 * @since 0.1.0
 * @category models
 */
export type Selected<F extends PhoneNumber.Field, X extends string = never> = GraphRead.Item<typeof edge, F, X>

/**
 * @since 0.1.0
 * @category models
 */
export type Page<A> = GraphPaging.PageOf<typeof edge, A>

/**
 * The reads of a WABA's phone numbers (see `OwnedAccounts` for what each does): `pages`, `stream`, `all`,
 * `forEachPage` and `validate` (of a WABA id and options).
 *
 * @example
 * ```ts
 * import { Filter, PhoneNumbers } from "@effect-waba/waba"
 *
 * const flagged = PhoneNumbers.stream("102290129340398", {
 *   fields: ["display_phone_number", "quality_rating", "messaging_limit_tier"],
 *   filtering: Filter.qualityRating.in("RED", "YELLOW")
 * })
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const { all, forEachPage, pages, stream, validate } = GraphRead.edge(edge)
