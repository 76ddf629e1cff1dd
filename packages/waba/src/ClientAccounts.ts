/**
 * `GET /{business-id}/client_whatsapp_business_accounts`: the WhatsApp Business Accounts other businesses
 * share with this one — the partner's and the agency's view. Each item carries `permitted_tasks`, what
 * this business may do with the account.
 *
 * A partner needs this edge AND the owned one to see every account it manages; one account can appear
 * on both (see `ManagedAccounts`, which reads both and merges by id).
 *
 * Graph documents one filter here: `ownership_type` with `IN`; every other clause is evaluated by the
 * client. No sort is documented for this edge.
 *
 * @since 0.1.0
 */
import type { GraphPaging } from "@effect-waba/graph-core"
import { GraphEdge, GraphFilter, GraphRead, GraphSchema } from "@effect-waba/graph-core"
import * as WhatsApp from "@effect-waba/graph-rules/whatsapp"
import * as Node from "./WhatsAppBusinessAccount.js"

const shared = WhatsApp.edges.client

/**
 * What this business may do with a shared account, e.g. `MANAGE`, `DEVELOP`, `MANAGE_TEMPLATES`,
 * `VIEW_COST`, `MANAGE_PHONE`, `MANAGE_EXTENSIONS`, `VIEW_PHONE_ASSETS`, `VIEW_TEMPLATES`, `MESSAGING`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PermittedTask = GraphSchema.fromShape(WhatsApp.clientAccount.fields.permitted_tasks.of)

/**
 * The edge's declaration.
 *
 * @since 0.1.0
 * @category edges
 */
export const edge = GraphEdge.make({
  name: shared.name,
  path: shared.route,
  parent: { label: "businessId", description: "a numeric Graph business id (as in Business Settings > Business info)" },
  node: Node.node,
  extraFields: { permitted_tasks: GraphSchema.optional(GraphSchema.ArrayOf(PermittedTask)) },
  filters: {
    ownership_type: GraphFilter.string(
      Node.OwnershipTypeValue,
      shared.filters.ownership_type.pushdown,
      shared.filters.ownership_type.pattern
    ),
    creation_time: GraphFilter.time(shared.filters.creation_time.pushdown)
  },
  sorts: shared.sorts,
  maxLimit: shared.maxLimit,
  itemsName: "accounts"
})

type Field = GraphEdge.FieldName<typeof edge>

/**
 * @since 0.1.0
 * @category models
 */
export type Options<F extends ReadonlyArray<Field> = ReadonlyArray<Field>, X extends string = never, XP = {}> =
  GraphRead.Options<typeof edge, F, X, XP>

/**
 * A shared account with the requested fields.
 *
 * @since 0.1.0
 * @category models
 */
export type Account<F extends Field, X extends string = never, XP = {}> = GraphRead.Item<typeof edge, F, X, XP>

/**
 * @since 0.1.0
 * @category models
 */
export type Page<A> = GraphPaging.PageOf<typeof edge, A>

/**
 * The reads of the accounts shared with a business (see `OwnedAccounts` for what each does): `pages`,
 * `stream` (each account with `permitted_tasks` when asked for), `all`, `forEachPage` and `validate`.
 *
 * @example
 * ```ts
 * import { ClientAccounts, Filter } from "@effect-waba/waba"
 *
 * const shared = ClientAccounts.stream("1234567890", {
 *   fields: ["name", "ownership_type", "permitted_tasks"],
 *   filtering: Filter.ownershipType.in("CLIENT_OWNED")
 * })
 * ```
 *
 * @since 0.1.0
 * @category streams
 */
export const { all, forEachPage, pages, stream, validate } = GraphRead.edge(edge)
