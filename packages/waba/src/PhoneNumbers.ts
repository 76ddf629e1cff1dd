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
import * as PhoneNumber from "./PhoneNumber.js"

/**
 * The edge's declaration.
 *
 * @since 0.1.0
 * @category edges
 */
export const edge = GraphEdge.make({
  name: "PhoneNumbers",
  path: "/{waba-id}/phone_numbers",
  parent: { label: "wabaId", description: "a numeric WhatsApp Business Account id (WhatsApp Manager > Account tools)" },
  node: PhoneNumber.node,
  filters: {
    account_mode: GraphFilter.string(PhoneNumber.AccountMode, ["EQUAL"]),
    messaging_limit_tier: GraphFilter.string(PhoneNumber.MessagingLimitTier, ["EQUAL"]),
    is_official_business_account: GraphFilter.boolean(["EQUAL"]),
    quality_rating: GraphFilter.string(PhoneNumber.QualityRating),
    status: GraphFilter.string(PhoneNumber.Status),
    code_verification_status: GraphFilter.string(PhoneNumber.CodeVerificationStatus)
  },
  sorts: ["creation_time.asc", "creation_time.desc", "last_onboarded_time.asc", "last_onboarded_time.desc"],
  maxLimit: 100,
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
