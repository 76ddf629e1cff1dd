/**
 * What paging hands a reader: the pages of an edge, the cursors to continue them, and the data
 * checkpoints that continue them without a cursor. The reads themselves are `GraphRead`'s.
 *
 * Graph's paging, as followed here: a read ends only when a page has no `paging.next` (an empty page with
 * `next` does not end it); every page is requested with the read's own parameters plus the cursor (the
 * server's `next` URL is never replayed: it drops `appsecret_proof` and may carry a token); and a cursor
 * seen before ends the read with a {@link GraphPagingError}, after each item was delivered at most once.
 *
 * @since 0.1.0
 */
import { checkpointBounds, isCursor } from "@effect-waba/graph-rules/paging"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type * as GraphEdge from "./GraphEdge.js"
import * as GraphError from "./GraphError.js"
import type * as GraphUsage from "./GraphUsage.js"

/**
 * A cursor as Graph returns it: non-empty, at most 4096 characters, no whitespace or control characters.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Cursor = Schema.String.pipe(Schema.filter(isCursor))

/**
 * Where a read stands, in terms of the data rather than a cursor: the creation second reached (`at`,
 * unix seconds) and the ids already delivered in that second, with the cursor to continue while it is
 * fresh (`after`). A read resumed from it (option `checkpoint`) asks for everything from that second on
 * and skips those ids, so it neither loses nor repeats items, however long ago the checkpoint was taken
 * and whatever was added or deleted meanwhile.
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const Checkpoint = Schema.Struct({
  at: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(0, checkpointBounds.maxAt))),
  ids: Schema.Array(Schema.String.pipe(Schema.pattern(checkpointBounds.id))).pipe(
    Schema.maxItems(checkpointBounds.maxIds)
  ),
  after: Schema.optional(Cursor)
}).annotations({ identifier: "Checkpoint" })

/**
 * @since 0.1.0
 * @category checkpoints
 */
export type Checkpoint = typeof Checkpoint.Type

/**
 * A checkpoint as one printable token (for a command line, a log line, a database column).
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const CheckpointFromToken: Schema.Schema<Checkpoint, string> = Schema.compose(
  Schema.StringFromBase64Url,
  Schema.parseJson(Checkpoint)
)

/**
 * A checkpoint as one token; `None` for a value that is not a checkpoint (it never throws).
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const checkpointToken: (checkpoint: Checkpoint) => Option.Option<string> = Option.liftThrowable(
  Schema.encodeSync(CheckpointFromToken)
)

/**
 * Reads a token made by {@link checkpointToken}.
 *
 * @since 0.1.0
 * @category checkpoints
 */
export const parseCheckpointToken = (token: string): Option.Option<Checkpoint> =>
  typeof token === "string" && token.length <= 1_000_000
    ? Schema.decodeUnknownOption(CheckpointFromToken)(token)
    : Option.none()

/**
 * A server whose paging cannot be followed: a cursor seen before (`CursorCycle`; `cycleLength` 1 is a
 * server handing back the cursor it was given), or a `next` link with no cursor (`MissingCursor`).
 * Every item delivered before it was new.
 *
 * @since 0.1.0
 * @category errors
 */
export const GraphPagingError = GraphError.GraphPagingError

/**
 * @since 0.1.0
 * @category errors
 */
export type GraphPagingError = GraphError.GraphPagingError

/**
 * One page of a read.
 *
 * @since 0.1.0
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
 * @since 0.1.0
 * @category models
 */
export type PageOf<E extends GraphEdge.Any, A> = Page<A> & { readonly [K in E["itemsName"]]: ReadonlyArray<A> }
