/**
 * `GET /{business-id}/owned_whatsapp_business_accounts` as an Effect `Stream`: every WhatsApp Business
 * Account a business owns, fetched lazily page by page, typed by the fields you ask for.
 *
 * This module is a thin binding of the edge's declaration ({@link edge}) on graph-core's `GraphRead`:
 * paging follows Graph's rules (the stream ends only when a page has no `paging.next`; an empty page
 * with `next` does not end it; every page carries the same auth, `appsecret_proof`, fields, filter,
 * sort and page size as the first; a cursor cycle ends the read with a typed error), filters Graph does
 * not document for this edge are evaluated by the client, and `expand: { phone_numbers: ... }` reads
 * each account's phone numbers in the same request (completing their paging when there are more).
 *
 * @example
 * ```ts
 * import { Filter, OwnedAccounts } from "@effect-waba/waba"
 * import { Effect, Stream } from "effect"
 *
 * const recent = OwnedAccounts.stream("1234567890", {
 *   fields: ["name", "creation_time", "ownership_type"],
 *   filtering: Filter.creationTime.greaterThan(new Date("2024-01-01")),
 *   sort: "creation_time_descending",
 *   expand: { phone_numbers: { fields: ["display_phone_number", "quality_rating"], limit: 50 } }
 * })
 * const names = recent.pipe(Stream.map((a) => `${a.name}: ${a.phone_numbers.length} numbers`), Stream.runCollect)
 * ```
 *
 * @since 0.1.0
 */
import type { GraphPaging } from "@effect-waba/graph-core"
import { GraphEdge, GraphFilter, GraphRead } from "@effect-waba/graph-core"
import * as WhatsApp from "@effect-waba/graph-rules/whatsapp"
import * as Node from "./WhatsAppBusinessAccount.js"

const shared = WhatsApp.edges.owned

/**
 * The edge's declaration. Graph documents one filter here: `creation_time` with `LESS_THAN`,
 * `GREATER_THAN` and `IN_RANGE`; every other clause is evaluated by the client.
 *
 * @since 0.1.0
 * @category edges
 */
export const edge = GraphEdge.make({
  name: shared.name,
  path: shared.route,
  parent: { label: "businessId", description: "a numeric Graph business id (as in Business Settings > Business info)" },
  node: Node.node,
  filters: {
    creation_time: GraphFilter.time(shared.filters.creation_time.pushdown),
    ownership_type: GraphFilter.string(
      Node.OwnershipTypeValue,
      shared.filters.ownership_type.pushdown,
      shared.filters.ownership_type.pattern
    )
  },
  sorts: shared.sorts,
  maxLimit: shared.maxLimit,
  resume: shared.resume,
  itemsName: "accounts"
})

/**
 * The route template: it names spans and appears in errors.
 *
 * @since 0.1.0
 * @category constants
 */
export const route = edge.path

/**
 * @since 0.1.0
 * @category models
 */
export type Sort = GraphEdge.SortOf<typeof edge>

/**
 * The options of a read. `F` is the list of fields, `X` the extra (unknown to this library) field
 * names, `XP` the expansions.
 *
 * @since 0.1.0
 * @category models
 */
export type Options<
  F extends ReadonlyArray<Node.Field> = ReadonlyArray<Node.Field>,
  X extends string = never,
  XP = {}
> = GraphRead.Options<typeof edge, F, X, XP>

/**
 * What `expand` accepts on this edge.
 *
 * @since 0.1.0
 * @category models
 */
export type Expand = GraphRead.Expand<typeof edge>

/**
 * An account with the requested fields.
 *
 * @since 0.1.0
 * @category models
 */
export type Account<F extends Node.Field, X extends string = never, XP = {}> = GraphRead.Item<typeof edge, F, X, XP>

/**
 * One page, for callers who checkpoint: `accounts` are its items.
 *
 * @since 0.1.0
 * @category models
 */
export type Page<A> = GraphPaging.PageOf<typeof edge, A>

/**
 * What a read can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type OwnedAccountsError = GraphRead.ReadError

/**
 * The reads of a business's owned accounts:
 *
 * - `pages`: every page, lazily. Use it to checkpoint: with `sort: "creation_time_ascending"`, store a
 *   page's `checkpoint` once its accounts are handled and pass it as `checkpoint` to resume — hours later,
 *   after deletions, with nothing lost or repeated.
 * - `stream`: every account, lazily, in the order Graph returns them. Taking the first N (`Stream.take`)
 *   requests no page beyond the one holding the Nth account (without `prefetch`).
 * - `all`: every account, collected. Convenient for small businesses; prefer `stream` for large ones.
 * - `forEachPage`: every page handed to an effect in turn, the next read once it is done: the reads of
 *   `Stream.runForEach(pages(...), f)` without running a stream, for a job that makes many short reads
 *   (how `ManagedAccounts` reads each business).
 * - `validate`: checks a business id and options the way a read would, without reading: the
 *   `InvalidRequestError` a read would fail with, or nothing.
 *
 * @since 0.1.0
 * @category streams
 */
export const { all, forEachPage, pages, stream, validate } = GraphRead.edge(edge)
