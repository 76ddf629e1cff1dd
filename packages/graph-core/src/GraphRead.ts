/**
 * Reads derived from declarations: from a `GraphEdge`, its pages, items and collected items under a
 * parent id; from a `GraphNode`, one node by id. Everything comes from the declaration:
 *
 * - options are decoded by one Schema per declaration, so bad input fails with an `InvalidRequestError`
 *   naming the option before any request;
 * - the element type is the selected fields plus `id`, with the expanded edges;
 * - pages follow Graph's paging (see `GraphPaging`), lazily, with optional prefetch;
 * - clauses the edge does not document are evaluated on the decoded items (see `GraphFilter.plan`);
 * - expanded edges (`expand: { phone_numbers: ... }`) are completed by following their own paging from
 *   each item, through the same client, before the item is emitted;
 * - on an edge that supports it, a read sorted ascending by creation time gives every page a data
 *   checkpoint, from which a later read resumes without a cursor.
 *
 * @since 0.1.0
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Types from "effect/Types"
import * as GraphClient from "./GraphClient.js"
import type * as GraphEdge from "./GraphEdge.js"
import type * as GraphNode from "./GraphNode.js"
import type * as GraphPaging from "./GraphPaging.js"
import * as paging from "./internal/paging.js"
import * as prepare from "./internal/prepare.js"
import type { InvalidRequestError } from "./InvalidRequestError.js"

/**
 * What a read can fail with: the client's errors, bad input, and paging that cannot be followed.
 *
 * @since 0.1.0
 * @category models
 */
export type ReadError = GraphClient.GraphClientError | GraphPaging.GraphPagingError

/**
 * What is read: an edge's items or a node.
 *
 * @since 0.1.0
 * @category models
 */
export type Target = GraphEdge.Any | GraphNode.Any

type FieldsOf<T extends Target> = T extends GraphEdge.Any ? T["itemFields"] : NodeOf<T>["fields"]

type NodeOf<T extends Target> = T extends GraphEdge.Any ? T["node"] : Extract<T, GraphNode.Any>

/**
 * An item narrowed to the selected fields, plus `id`, which Graph always returns.
 *
 * @since 0.1.0
 * @category models
 */
export type Selected<T extends Target, F extends string> = Types.Simplify<
  Pick<Schema.Struct.Type<FieldsOf<T>>, (F | "id") & keyof Schema.Struct.Type<FieldsOf<T>>>
>

/**
 * How an expanded edge is read inside each item.
 *
 * - `fields`: the nested items' fields (default: the nested node's default fields);
 * - `limit`: the nested page size sent as `.limit(n)` (default: Graph's);
 * - `pages`: `"all"` (default) follows the nested edge's paging until every nested item is read, so the
 *   array is complete; `"first"` keeps the first nested page and exposes its cursor.
 *
 * @since 0.1.0
 * @category models
 */
export interface ExpandOptions<E extends GraphEdge.Any> {
  readonly fields?: ReadonlyArray<GraphEdge.FieldName<E>> | undefined
  readonly limit?: number | undefined
  readonly pages?: "all" | "first" | undefined
}

/**
 * The `expand` option of a read: one entry per edge that can be expanded inside the items.
 *
 * @since 0.1.0
 * @category models
 */
export type Expand<T extends Target> = {
  readonly [K in keyof NodeOf<T>["expandable"]]?: ExpandOptions<NodeOf<T>["expandable"][K]> | undefined
}

/**
 * The first page of an expanded edge, when `pages: "first"` was asked for.
 *
 * @since 0.1.0
 * @category models
 */
export interface FirstPage<A> {
  readonly data: ReadonlyArray<A>
  /** The cursor to continue the nested edge after this page; `undefined` when it has no more. */
  readonly nextAfter: string | undefined
}

/**
 * The value an expanded edge takes in each item.
 *
 * @since 0.1.0
 * @category models
 */
export type Expanded<E extends GraphEdge.Any, O> = O extends { readonly pages: "first" } ? FirstPage<ExpandedItem<E, O>>
  : ReadonlyArray<ExpandedItem<E, O>>

type ExpandedItem<E extends GraphEdge.Any, O> = O extends { readonly fields: ReadonlyArray<infer F extends string> }
  ? Selected<E, F>
  : Selected<E, E["node"]["defaultFields"][number]>

/**
 * The element type of a read: the selected fields, `id`, fields Meta added that the library does not
 * know yet (`extraFields`, typed `unknown`), and the expanded edges.
 *
 * @since 0.1.0
 * @category models
 */
export type Item<T extends Target, F extends string, X extends string = never, XP = {}> = Types.Simplify<
  & Selected<T, F>
  & { readonly [K in X]?: unknown }
  & { readonly [K in keyof XP & keyof NodeOf<T>["expandable"]]: Expanded<NodeOf<T>["expandable"][K], XP[K]> }
>

/**
 * The options of a node read, and the first three of an edge read.
 *
 * @since 0.1.0
 * @category models
 */
export interface NodeOptions<F extends ReadonlyArray<string>, X extends string, XP> {
  /** The fields to read; the result has exactly these plus `id`. Omit for Graph's default fields. */
  readonly fields?: F | undefined
  /**
   * Fields this library does not know yet (Meta adds them often). Requested as given and typed
   * `unknown`; decode them yourself.
   */
  readonly extraFields?: ReadonlyArray<X> | undefined
  /** Edges to expand inside each item, e.g. `{ phone_numbers: { fields: ["display_phone_number"], limit: 50 } }`. */
  readonly expand?: XP | undefined
}

/**
 * The options of a read of edge `E`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options<E extends GraphEdge.Any, F extends ReadonlyArray<string>, X extends string, XP>
  extends NodeOptions<F, X, XP>
{
  /** One clause or several, all of which must hold. */
  readonly filtering?: GraphEdge.FilterOf<E> | ReadonlyArray<GraphEdge.FilterOf<E>> | undefined
  /** The order, among those the edge documents. */
  readonly sort?: SortOption<E> | undefined
  /** Page size, 1 to the edge's maximum. Graph's default (25) when omitted. */
  readonly limit?: number | undefined
  /** Continue after this cursor (a page's `nextAfter`, taken moments ago). */
  readonly after?: string | undefined
  /** Continue from a page's checkpoint: no cursor involved, so it works hours later. */
  readonly checkpoint?: GraphPaging.Checkpoint | undefined
  /**
   * Fetch ahead while the consumer works on the current page: `true` for one page ahead, or a number of
   * pages (1–16). Off by default, so that taking the first N items never fetches a page past them.
   */
  readonly prefetch?: boolean | number | undefined
}

/**
 * The `sort` an edge takes: one of those it documents, or, on an edge that documents none, a sentence
 * saying so (no value can be that sentence by accident, and the compiler prints it).
 *
 * @since 0.1.0
 * @category models
 */
export type SortOption<E extends GraphEdge.Any> = [GraphEdge.SortOf<E>] extends [never]
  ? `sort is not an option of ${E["name"]}: Graph documents no order for it`
  : GraphEdge.SortOf<E>

// What the compiler checks a call's options against. A valid input is accepted as written, so inference and
// the element type are as they would be without the check (the valid branch also offers every known name, for
// the editor's completions); a mistake becomes a string literal type that says what is wrong in words, which
// the compiler prints instead of a structure it could not match. The type parameters are inferred from the
// valid branch only (`NoInfer` on the other).

type CheckedFields<T extends Target, F> = [F] extends [ReadonlyArray<FieldName<T>>] ? F | ReadonlyArray<FieldName<T>>
  : NoInfer<{ readonly [I in keyof F]: F[I] extends FieldName<T> ? F[I] : NotAField<T, F[I]> }>

type NotAField<T extends Target, F> = `${F & string} is not a field of ${NameOf<T>}`

type FieldName<T extends Target> = keyof FieldsOf<T> & string

type NameOf<T extends Target> = T extends GraphEdge.Any ? T["name"] : NodeOf<T>["name"]

type CheckedExpand<T extends Target, XP> = [XP] extends [Expand<T>] ? XP | Expand<T> : NoInfer<
  {
    readonly [K in keyof XP]: K extends keyof NodeOf<T>["expandable"]
      ? CheckedExpandOptions<NodeOf<T>["expandable"][K], XP[K]>
      : `${K & string} cannot be expanded in ${NameOf<T>}`
  }
>

type CheckedExpandOptions<E extends GraphEdge.Any, O> = {
  readonly [K in keyof O]: K extends "fields" ? CheckedFields<E, O[K]>
    : K extends keyof ExpandOptions<E> ? ExpandOptions<E>[K]
    : `${K & string} is not an option of an expansion`
}

type Filtering<E extends GraphEdge.Any> = GraphEdge.FilterOf<E> | ReadonlyArray<GraphEdge.FilterOf<E>>

type CheckedFiltering<E extends GraphEdge.Any, C> = [C] extends [Filtering<E>] ? C | Filtering<E> : NoInfer<
  C extends ReadonlyArray<unknown> ? { readonly [I in keyof C]: CheckedClause<E, C[I]> } : CheckedClause<E, C>
>

// Only the field is worded: a clause on a field of the edge that does not fit is left to the compiler's own
// message, which names the operator or value it could not match.
type CheckedClause<E extends GraphEdge.Any, C> = C extends GraphEdge.FilterOf<E> ? C
  : C extends { readonly field: infer F extends string } ? string extends F ? GraphEdge.FilterOf<E>
    : F extends keyof E["filters"] ? GraphEdge.FilterOf<E>
    : `${F} is not a filter of ${E["name"]}`
  : GraphEdge.FilterOf<E>

/**
 * The options `O` of a call on `T`, as the compiler checks them: `fields`, `expand` and (on an edge)
 * `filtering` are the caller's own (`F`, `XP`, `C`) when valid, and a sentence naming the mistake when not.
 *
 * @since 0.1.0
 * @category models
 */
export type CheckedOptions<T extends Target, O, F, XP, C> = {
  readonly [K in keyof O]: K extends "fields" ? CheckedFields<T, F> | undefined
    : K extends "expand" ? CheckedExpand<T, XP> | undefined
    : K extends "filtering" ? T extends GraphEdge.Any ? CheckedFiltering<T, C> | undefined : never
    : O[K]
}

type Invalid = Option.Option<InvalidRequestError>

interface Reads<E extends GraphEdge.Any, F extends ReadonlyArray<string>, X extends string, XP> {
  readonly pages: Stream.Stream<GraphPaging.PageOf<E, Item<E, F[number], X, XP>>, ReadError, GraphClient.GraphClient>
  readonly stream: Stream.Stream<Item<E, F[number], X, XP>, ReadError, GraphClient.GraphClient>
  readonly all: Effect.Effect<ReadonlyArray<Item<E, F[number], X, XP>>, ReadError, GraphClient.GraphClient>
  readonly forEachPage: <A, E2, R2>(
    f: (page: GraphPaging.PageOf<E, Item<E, F[number], X, XP>>) => Effect.Effect<A, E2, R2>
  ) => Effect.Effect<void, ReadError | E2, GraphClient.GraphClient | R2>
}

/**
 * One read of an edge, typed by its options: `F` the fields, `X` the extra fields, `XP` the expansions, `C`
 * the filtering (checked, so that a clause of another edge is named in the compiler's error).
 *
 * @since 0.1.0
 * @category models
 */
export type Read<E extends GraphEdge.Any, K extends keyof Reads<E, [], never, {}>> = <
  const F extends ReadonlyArray<string> = E["node"]["defaultFields"],
  const X extends string = never,
  const XP = {},
  const C = never
>(parentId: string, options?: CheckedOptions<E, Options<E, F, X, XP>, F, XP, C> | undefined) => Reads<E, F, X, XP>[K]

/**
 * The typed reads of one edge: what a module such as `OwnedAccounts` exports.
 *
 * @since 0.1.0
 * @category models
 */
export interface EdgeReader<E extends GraphEdge.Any> {
  readonly edge: E
  /** Every page, lazily; use it to checkpoint. */
  readonly pages: Read<E, "pages">
  /** Every item, lazily, in the order Graph returns them. */
  readonly stream: Read<E, "stream">
  /** Every item, collected. */
  readonly all: Read<E, "all">
  /**
   * Every page handed to an effect in turn, the next page read once it is done: `Stream.runForEach` of
   * `pages` in one effect, for consumers that make many short reads (no `prefetch`).
   */
  readonly forEachPage: Read<E, "forEachPage">
  /** The `InvalidRequestError` a read would fail with, or nothing. */
  readonly validate: (parentId: string, options?: Options<E, ReadonlyArray<string>, string, any>) => Invalid
}

/**
 * The typed reads of an edge.
 *
 * @example
 * ```ts
 * import { GraphRead } from "@effect-waba/graph-core"
 * import { OwnedAccounts } from "@effect-waba/waba"
 *
 * const owned = GraphRead.edge(OwnedAccounts.edge)
 * const names = owned.stream("1234567890", { fields: ["name"] })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const edge = <E extends GraphEdge.Any>(edge: E): EdgeReader<E> => {
  const pages = (parentId: string, options?: unknown) =>
    Either.match(prepare.edgeRead(edge, parentId, options), {
      onLeft: Stream.fail,
      onRight: ({ parentId, plan }) => paging.pages(plan, parentId)
    })
  const stream = (parentId: string, options?: unknown) => Stream.mapConcat(pages(parentId, options), (p) => p.items)
  return {
    edge,
    pages: pages as any,
    stream: stream as any,
    all:
      ((parentId: string, options?: unknown) =>
        Effect.map(Stream.runCollect(stream(parentId, options)), Chunk.toReadonlyArray)) as any,
    forEachPage:
      ((parentId: string, options?: unknown) => (f: (page: any) => Effect.Effect<unknown, unknown, unknown>) =>
        Either.match(prepare.edgeRead(edge, parentId, options), {
          onLeft: Effect.fail,
          onRight: ({ parentId, plan }) => paging.forEachPage(plan, parentId, f)
        })) as any,
    validate: (parentId, options) => Either.getLeft(prepare.edgeRead(edge, parentId, options))
  }
}

/**
 * The typed read of one node type.
 *
 * @since 0.1.0
 * @category models
 */
export interface NodeReader<N extends GraphNode.Any> {
  readonly node: N
  readonly get: <
    const F extends ReadonlyArray<string> = N["defaultFields"],
    const X extends string = never,
    const XP = {}
  >(
    id: string,
    options?: CheckedOptions<N, NodeOptions<F, X, XP>, F, XP, never> | undefined
  ) => Effect.Effect<Item<N, F[number], X, XP>, ReadError, GraphClient.GraphClient>
  /** The `InvalidRequestError` a read would fail with, or nothing. */
  readonly validate: (id: string, options?: NodeOptions<ReadonlyArray<string>, string, any>) => Invalid
}

/**
 * The typed read of a node: `GET /{id}` with the selected fields and expansions, nested edges completed
 * through the same client. `parent` says how the id is named and checked.
 *
 * @example
 * ```ts
 * import { GraphRead } from "@effect-waba/graph-core"
 * import { WhatsAppBusinessAccount } from "@effect-waba/waba"
 *
 * const waba = GraphRead.node(WhatsAppBusinessAccount.node, {
 *   param: "waba-id",
 *   label: "wabaId",
 *   description: "a numeric WABA id"
 * })
 * const account = waba.get("102290129340398", { fields: ["name", "status"], expand: { phone_numbers: {} } })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const node = <N extends GraphNode.Any>(node: N, parent: GraphEdge.Parent): NodeReader<N> => ({
  node,
  get: ((id: string, options?: unknown) =>
    Either.match(prepare.nodeRead(node, parent, id, options), {
      onLeft: Effect.fail,
      onRight: ({ expansions, id, query, schema }) =>
        GraphClient.get({ route: `/{${parent.param}}`, params: { [parent.param]: id }, query, schema, usageKey: id })
          .pipe(
            Effect.flatMap((response) => paging.completeItem(expansions, response.body)),
            Effect.withSpan(`${node.name}.get`, { attributes: { "graph.id": id } })
          )
    })) as NodeReader<N>["get"],
  validate: (id, options) => Either.getLeft(prepare.nodeRead(node, parent, id, options))
})
