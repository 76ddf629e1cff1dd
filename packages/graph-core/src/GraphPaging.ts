/**
 * Reading a declared edge page by page, as a lazy `Stream`, with the guarantees a production reader
 * needs whatever the server does:
 *
 * - every page is requested with the same auth, `appsecret_proof`, fields, filter, sort and page size as
 *   the first (the server's `next` URL is never replayed: it drops the proof and may carry a token);
 * - the read ends only when a page has no `paging.next`; an empty page with `next` does not end it;
 * - every cursor followed is remembered, and any repeat (a cycle A → B → A, or a server handing back the
 *   cursor it was given) ends the read with a {@link GraphPagingError} naming the cycle, after each item
 *   was delivered at most once;
 * - expanded edges (`expand: { phone_numbers: ... }`) are completed by following their own paging from
 *   each item, through the same client, before the item is emitted;
 * - clauses the edge does not document are evaluated on the decoded items (see `GraphFilter.plan`);
 * - on an edge that supports it, a read sorted ascending by creation time gives every page a data
 *   {@link Checkpoint}, from which a later read resumes without a cursor, losing and repeating nothing
 *   even if the cursor would have gone stale;
 * - bad input fails before any request, with an `InvalidRequestError` naming the option.
 *
 * Nothing here knows which edge it reads: everything comes from the edge's declaration.
 *
 * @since 0.2.0
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as GraphClient from "./GraphClient.js"
import type * as GraphEdge from "./GraphEdge.js"
import * as GraphError from "./GraphError.js"
import type * as GraphUsage from "./GraphUsage.js"
import * as paging from "./internal/paging.js"
import * as internal from "./internal/prepare.js"
import type { InvalidRequestError } from "./InvalidRequestError.js"

/**
 * Where a read stands, in terms of the data rather than a cursor: the creation second reached (`at`,
 * unix seconds) and the ids already delivered in that second. A read resumed from it (option
 * `checkpoint`) asks for everything from that second on and skips those ids, so it neither loses nor
 * repeats items, however long ago the checkpoint was taken and whatever was added or deleted meanwhile.
 *
 * @since 0.2.0
 * @category checkpoints
 */
export const Checkpoint = internal.Checkpoint

/**
 * @since 0.2.0
 * @category checkpoints
 */
export type Checkpoint = typeof Checkpoint.Type

/**
 * A checkpoint as one printable token (for a command line, a log line, a database column).
 *
 * @since 0.2.0
 * @category checkpoints
 */
export const CheckpointFromToken: Schema.Schema<Checkpoint, string> = Schema.compose(
  Schema.StringFromBase64Url,
  Schema.parseJson(Checkpoint)
)

const encodeToken = Schema.encodeEither(CheckpointFromToken)

/**
 * A checkpoint as one token; `None` for a value that is not a checkpoint (it never throws).
 *
 * @since 0.2.0
 * @category checkpoints
 */
export const checkpointToken = (checkpoint: Checkpoint): Option.Option<string> => {
  try {
    return Either.getRight(encodeToken(checkpoint))
  } catch {
    return Option.none()
  }
}

/**
 * Reads a token made by {@link checkpointToken}.
 *
 * @since 0.2.0
 * @category checkpoints
 */
export const parseCheckpointToken = (token: string): Option.Option<Checkpoint> =>
  typeof token === "string" && token.length <= 1_000_000
    ? Either.getRight(Schema.decodeUnknownEither(CheckpointFromToken)(token))
    : Option.none()

/**
 * A server whose paging cannot be followed: a cursor seen before (`CursorCycle`; `cycleLength` 1 is a
 * server handing back the cursor it was given), or a `next` link with no cursor (`MissingCursor`).
 * Every item delivered before it was new.
 *
 * @since 0.2.0
 * @category errors
 */
export const GraphPagingError = GraphError.GraphPagingError

/**
 * @since 0.2.0
 * @category errors
 */
export type GraphPagingError = GraphError.GraphPagingError

/**
 * What a read can fail with: the client's errors, bad input, and paging that cannot be followed.
 *
 * @since 0.2.0
 * @category models
 */
export type ReadError = GraphClient.GraphClientError | GraphError.GraphPagingError

/**
 * One page of a read.
 *
 * @since 0.2.0
 * @category models
 */
export interface Page<A> {
  /** 1 for the first page of this read. */
  readonly number: number
  readonly items: ReadonlyArray<A>
  readonly cursors: { readonly before?: string | undefined; readonly after?: string | undefined }
  /** Whether another page follows (`paging.next` was present). */
  readonly hasNext: boolean
  /**
   * The cursor to pass as `after` to continue after this page; `undefined` on the last page. Cursors are
   * short-lived (one goes stale when its item is deleted): store a checkpoint for anything that
   * must survive a restart.
   */
  readonly nextAfter: string | undefined
  /**
   * Where a read resumed with `checkpoint` continues after this page. Set on edges that support it,
   * when the read is sorted ascending by creation time.
   */
  readonly checkpoint: Checkpoint | undefined
  /**
   * Graph's `paging.next` / `paging.previous` links, for display, with credentials masked. The client
   * does not follow them.
   */
  readonly links: { readonly next?: string | undefined; readonly previous?: string | undefined }
  /** `summary.total_count`, when Graph sent one. */
  readonly totalCount: number | undefined
  readonly usage: GraphUsage.GraphUsage
  readonly fbtraceId: string | undefined
  /** The API version that served this page (`facebook-api-version`). */
  readonly apiVersion: string | undefined
}

/**
 * A page of edge `E`: its items are also under the edge's own name (`accounts`, `phoneNumbers`).
 *
 * @since 0.2.0
 * @category models
 */
export type PageOf<E extends GraphEdge.Any, A> = Page<A> & { readonly [K in E["itemsName"]]: ReadonlyArray<A> }

/**
 * The options of a read of edge `E`.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options<E extends GraphEdge.Any, F extends ReadonlyArray<string>, X extends string, XP> {
  /** The fields to read; the element type has exactly these plus `id`. Omit for Graph's default fields. */
  readonly fields?: F | undefined
  /**
   * Fields this library does not know yet (Meta adds them often). Requested as given and typed
   * `unknown`; decode them yourself.
   */
  readonly extraFields?: ReadonlyArray<X> | undefined
  /** Edges to expand inside each item, e.g. `{ phone_numbers: { fields: ["display_phone_number"], limit: 50 } }`. */
  readonly expand?: XP | undefined
  /** One clause or several, all of which must hold. */
  readonly filtering?: GraphEdge.FilterOf<E> | ReadonlyArray<GraphEdge.FilterOf<E>> | undefined
  readonly sort?: GraphEdge.SortOf<E> | undefined
  /** Page size, 1 to the edge's maximum. Graph's default (25) when omitted. */
  readonly limit?: number | undefined
  /** Continue after this cursor (a page's `nextAfter`, taken moments ago). */
  readonly after?: string | undefined
  /** Continue from a page's {@link Checkpoint}: no cursor involved, so it works hours later. */
  readonly checkpoint?: Checkpoint | undefined
  /**
   * Fetch ahead while the consumer works on the current page: `true` for one page ahead, or a number of
   * pages (1–16). Off by default, so that taking the first N items never fetches a page past them.
   */
  readonly prefetch?: boolean | number | undefined
}

/**
 * Every page of a read of `edge` under the parent id (a business id, a WABA id, ...), lazily.
 *
 * @since 0.2.0
 * @category reading
 */
export const pages = <E extends GraphEdge.Any, A>(
  edge: E,
  parentId: string,
  options?: unknown
): Stream.Stream<Page<A>, ReadError, GraphClient.GraphClient> =>
  // Options are checked when the stream is built; a valid read is the paging stream itself.
  Either.match(internal.prepareEdge(edge, parentId, options), {
    onLeft: (error) => Stream.fail(error),
    onRight: (prepared) =>
      paging.readPages(prepared) as unknown as Stream.Stream<Page<A>, ReadError, GraphClient.GraphClient>
  })

/**
 * Checks a parent id and options the way a read would, without reading.
 *
 * @since 0.2.0
 * @category reading
 */
export const validate = (
  edge: GraphEdge.Any,
  parentId: string,
  options?: unknown
): Option.Option<InvalidRequestError> => Either.getLeft(internal.prepareEdge(edge, parentId, options))

/**
 * The typed reads of one edge: what a module such as `OwnedAccounts` exports.
 *
 * @since 0.2.0
 * @category models
 */
export interface Reader<E extends GraphEdge.Any> {
  readonly edge: E
  /** Every page, lazily; use it to checkpoint. */
  readonly pages: <
    const F extends ReadonlyArray<GraphEdge.FieldName<E>> = E["node"]["defaultFields"],
    const X extends string = never,
    const XP extends GraphEdge.ExpandSpec<E> = {}
  >(
    parentId: string,
    options?: Options<E, F, X, XP> | undefined
  ) => Stream.Stream<PageOf<E, GraphEdge.Item<E, F[number], X, XP>>, ReadError, GraphClient.GraphClient>
  /** Every item, lazily, in the order Graph returns them. */
  readonly stream: <
    const F extends ReadonlyArray<GraphEdge.FieldName<E>> = E["node"]["defaultFields"],
    const X extends string = never,
    const XP extends GraphEdge.ExpandSpec<E> = {}
  >(
    parentId: string,
    options?: Options<E, F, X, XP> | undefined
  ) => Stream.Stream<GraphEdge.Item<E, F[number], X, XP>, ReadError, GraphClient.GraphClient>
  /** Every item, collected. */
  readonly all: <
    const F extends ReadonlyArray<GraphEdge.FieldName<E>> = E["node"]["defaultFields"],
    const X extends string = never,
    const XP extends GraphEdge.ExpandSpec<E> = {}
  >(
    parentId: string,
    options?: Omit<Options<E, F, X, XP>, "prefetch"> | undefined
  ) => Effect.Effect<ReadonlyArray<GraphEdge.Item<E, F[number], X, XP>>, ReadError, GraphClient.GraphClient>
  /** The `InvalidRequestError` a read would fail with, or nothing. */
  readonly validate: (
    parentId: string,
    options?: Options<E, ReadonlyArray<string>, string, any> | undefined
  ) => Option.Option<
    InvalidRequestError
  >
}

/**
 * The typed reads of an edge.
 *
 * @example
 * ```ts
 * import { GraphPaging } from "@effect-waba/graph-core"
 * import { OwnedAccounts } from "@effect-waba/waba"
 *
 * const owned = GraphPaging.reader(OwnedAccounts.edge)
 * const names = owned.stream("1234567890", { fields: ["name"] })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const reader = <E extends GraphEdge.Any>(edge: E): Reader<E> => ({
  edge,
  pages: (parentId, options) => pages(edge, parentId, options) as any,
  stream: (parentId, options) =>
    Stream.mapChunks(
      pages(edge, parentId, options),
      (chunk) => Chunk.flatMap(chunk, (page) => Chunk.unsafeFromArray(page.items as Array<any>))
    ),
  // Collected as one effect rather than through the pages stream: the same reads, without a stream's run.
  all: (parentId, options) =>
    Either.match(internal.prepareEdge(edge, parentId, options), {
      onLeft: (error) => Effect.fail(error),
      onRight: (prepared) =>
        Effect.suspend(() => {
          const items: Array<any> = []
          return Effect.as(
            paging.forEachPage(prepared, (page) => {
              for (const item of page.items) items.push(item)
            }),
            items
          )
        })
    }),
  validate: (parentId, options) => validate(edge, parentId, options)
})
