/**
 * An edge read page by page as a `Stream`, following Graph's `after` cursors only while `paging.next` says
 * there is more, with the paging rules both lines share: a cursor taken from the `next` link (else
 * `cursors.after`), and a cursor that comes back — a cycle that would never end — failing the read with a
 * `GraphPagingError` once its page is delivered; an item the read already delivered, sent again by the server,
 * is dropped (`dropRepeats`). On an edge read sorted ascending by creation time, every
 * page carries a data {@link Checkpoint}, from which a later read resumes without losing or repeating items,
 * even once its cursor went stale.
 *
 * @since 1.0.0
 */
import * as Paging from "@effect-waba/graph-rules/paging"
import type { Checkpoint as CheckpointData } from "@effect-waba/graph-rules/paging"
import { scrubUrl } from "@effect-waba/graph-rules/redaction"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as GraphClient from "./GraphClient.js"
import * as GraphError from "./GraphError.js"
import * as GraphSchema from "./GraphSchema.js"
import type * as GraphUsage from "./GraphUsage.js"

/**
 * A cursor as Graph returns it: non-empty, at most 4096 characters, no whitespace or control characters.
 *
 * @since 1.0.0
 * @category schemas
 */
export const Cursor = Schema.String.check(Schema.makeFilter(Paging.isCursor, { expected: "a Graph paging cursor" }))

/**
 * Where a read stands, in terms of the data rather than a cursor: the creation second reached (`at`, unix
 * seconds) and the ids already delivered in that second, with the cursor to continue while it is fresh
 * (`after`). A read resumed from it (option `checkpoint`) tries the cursor first; when Graph refuses it as
 * stale, it asks for everything from that second on and skips those ids, so it neither loses nor repeats
 * items, however long ago the checkpoint was taken and whatever was added or deleted meanwhile.
 *
 * @since 1.0.0
 * @category checkpoints
 */
export const Checkpoint = Schema.Struct({
  at: Schema.optional(
    Schema.Number.check(Schema.isInt(), Schema.isBetween({ minimum: 0, maximum: Paging.checkpointBounds.maxAt }))
  ),
  ids: Schema.Array(Schema.String.check(Schema.isPattern(Paging.checkpointBounds.id))).check(
    Schema.isMaxLength(Paging.checkpointBounds.maxIds)
  ),
  after: Schema.optional(Cursor)
}).annotate({ identifier: "Checkpoint" })

/**
 * @since 1.0.0
 * @category checkpoints
 */
export type Checkpoint = typeof Checkpoint.Type

/**
 * A checkpoint as one printable token (for a command line, a log line, a database column): its JSON in
 * base64url, as the Effect 3 line writes it, so a token taken on either line resumes on the other.
 *
 * @since 1.0.0
 * @category checkpoints
 */
export const CheckpointFromToken = Schema.StringFromBase64Url.pipe(Schema.decodeTo(Schema.fromJsonString(Checkpoint)))

/**
 * A checkpoint as one token; `None` for a value that is not a checkpoint (it never throws).
 *
 * @since 1.0.0
 * @category checkpoints
 */
export const checkpointToken = (checkpoint: Checkpoint): Option.Option<string> =>
  Schema.encodeOption(CheckpointFromToken)(checkpoint)

/**
 * Reads a token made by {@link checkpointToken}; `None` for anything else.
 *
 * @since 1.0.0
 * @category checkpoints
 */
export const parseCheckpointToken = (token: string): Option.Option<Checkpoint> =>
  typeof token === "string" && token.length <= 1_000_000
    ? Schema.decodeUnknownOption(CheckpointFromToken)(token)
    : Option.none()

/**
 * One page of an edge.
 *
 * @since 1.0.0
 * @category models
 */
export interface Page<A> {
  /** 1 for the first page read. */
  readonly number: number
  readonly items: ReadonlyArray<A>
  readonly cursors: { readonly before: string | undefined; readonly after: string | undefined }
  readonly hasNext: boolean
  /**
   * The cursor to pass as `after` to continue after this page; `undefined` on the last page. Cursors are
   * short-lived (one goes stale when its item is deleted): keep a {@link checkpoint} for anything that must
   * survive a restart.
   */
  readonly nextAfter: string | undefined
  /** Where a read resumed with `checkpoint` continues after this page; set on reads that can resume. */
  readonly checkpoint: Checkpoint | undefined
  /** The `next` link, its secrets masked. */
  readonly next: string | undefined
  readonly usage: GraphUsage.GraphUsage
  readonly fbtraceId: string | undefined
}

/**
 * An edge's page, as Graph sends it, with items of the given Schema. Graph's `null`s are read as absent, as
 * on the Effect 3 line: a `null` in `data` is skipped.
 *
 * @since 1.0.0
 * @category schemas
 */
export const PageBody = <S extends Schema.Top>(item: S) =>
  GraphSchema.tolerant(Schema.Struct({
    data: Schema.Array(item),
    paging: Schema.optional(Schema.NullOr(Schema.Struct({
      cursors: Schema.optional(Schema.NullOr(Schema.Struct({
        before: Schema.optional(Schema.NullOr(Schema.String)),
        after: Schema.optional(Schema.NullOr(Schema.String))
      }))),
      next: Schema.optional(Schema.NullOr(Schema.String)),
      previous: Schema.optional(Schema.NullOr(Schema.String))
    })))
  }))

/**
 * An edge's page as decoded: its items, and Graph's paging (absent on the last page).
 *
 * @since 1.0.0
 * @category models
 */
export interface Connection<A> {
  readonly data: ReadonlyArray<A>
  readonly paging?:
    | {
      readonly cursors?:
        | { readonly before?: string | null | undefined; readonly after?: string | null | undefined }
        | null
        | undefined
      readonly next?: string | null | undefined
      readonly previous?: string | null | undefined
    }
    | null
    | undefined
}

/**
 * What a paged read needs: a GET whose answer is a page of `item`s.
 *
 * @since 1.0.0
 * @category models
 */
export interface PagedRequest<A, R> extends Omit<GraphClient.GraphRequest<A, R>, "schema"> {
  readonly item: Schema.Decoder<A, R>
  /** A read that can resume from the data: its pages carry checkpoints (see {@link Resumable}). */
  readonly resumable?: Resumable | undefined
}

/**
 * How a read sorted ascending by creation time checkpoints and resumes.
 *
 * @since 1.0.0
 * @category models
 */
export interface Resumable {
  /** The creation-time field the items are sorted by (requested with them). */
  readonly field: string
  /** The checkpoint this read resumed from, its cursor aside: the first page's checkpoint builds on it. */
  readonly from?: { readonly at: number; readonly ids: Iterable<string> } | undefined
  /**
   * The query to start over with, without a cursor, when Graph refuses the read's first cursor as stale:
   * the checkpoint's data (everything from its second on).
   */
  readonly fallback?: GraphClient.GraphRequest<unknown>["query"] | undefined
}

interface State {
  readonly query: GraphClient.GraphRequest<unknown>["query"]
  readonly after: string | undefined
  readonly number: number
  readonly seen: Map<string, number>
  /** The ids of every item delivered so far. */
  readonly delivered: Set<string>
  readonly checkpoint: CheckpointData
  readonly fallback: GraphClient.GraphRequest<unknown>["query"] | undefined
  readonly broken?: GraphError.GraphPagingError
}

const orUndefined = <A>(value: A | null | undefined): A | undefined => value ?? undefined

/**
 * The pages of an edge, read one after another as the stream is pulled (no read-ahead).
 *
 * @since 1.0.0
 * @category streams
 */
export const pages = <A, R>(
  request: PagedRequest<A, R>
): Stream.Stream<Page<A>, GraphClient.GraphClientError, GraphClient.GraphClient | R> => {
  const { item, resumable, ...rest } = request
  const schema = PageBody(item) as unknown as Schema.Decoder<
    Schema.Schema.Type<ReturnType<typeof PageBody<Schema.Decoder<A, R>>>>,
    R
  >
  const startAt = (
    query: GraphClient.GraphRequest<unknown>["query"],
    fallback: GraphClient.GraphRequest<unknown>["query"] | undefined
  ): State => {
    const after = typeof query?.after === "string" ? query.after : undefined
    const seen = new Map(after === undefined ? [] : [[after, 0]])
    return { query, after, number: 1, seen, delivered: new Set(), checkpoint: Paging.seed(resumable?.from), fallback }
  }
  const fetch = (state: State) =>
    Effect.gen(function*() {
      const client = yield* GraphClient.GraphClient
      return yield* client.get({ ...rest, query: { ...state.query, after: state.after }, schema })
    })
  // A stale first cursor (a checkpoint's, taken long ago) gives way to the checkpoint's data, once.
  const read = (state: State) => {
    const plain = Effect.map(fetch(state), (response) => [response, state] as const)
    if (state.number > 1 || state.fallback === undefined) return plain
    return Effect.catchIf(
      plain,
      (error) => Paging.isStaleCursor((error as { readonly code?: unknown }).code, error.message),
      () => {
        const over = startAt({ ...state.fallback, after: undefined }, undefined)
        return Effect.andThen(
          Effect.logInfo(`${request.route}: the checkpoint's cursor went stale; resuming from its data instead`),
          Effect.map(fetch(over), (response) => [response, over] as const)
        )
      }
    )
  }
  return Stream.suspend(() =>
    Stream.paginate(startAt(rest.query, resumable?.fallback), (current) => {
      if (current.broken !== undefined) return Effect.fail(current.broken)
      return read(current).pipe(
        Effect.map(([{ body: { data, paging }, fbtraceId, usage }, state]) => {
          const next = orUndefined(paging?.next)
          const cursors = { before: orUndefined(paging?.cursors?.before), after: orUndefined(paging?.cursors?.after) }
          const nextAfter = next === undefined ? undefined : Paging.nextCursor(next, cursors.after)
          const broken = next === undefined
            ? undefined
            : Paging.brokenPaging(request.route, state.number, state.seen, nextAfter)
          if (broken === undefined && nextAfter !== undefined) state.seen.set(nextAfter, state.number)
          const checkpoint = resumable === undefined
            ? undefined
            : Paging.advance(
              resumable.field,
              state.checkpoint,
              data as ReadonlyArray<Record<string, unknown>>,
              nextAfter
            )
          const page: Page<A> = {
            number: state.number,
            items: Paging.dropRepeats(state.delivered, data),
            cursors,
            hasNext: next !== undefined,
            nextAfter,
            checkpoint,
            next: next === undefined ? undefined : scrubUrl(next),
            usage,
            fbtraceId
          }
          const following: Option.Option<State> = broken !== undefined
            ? Option.some({ ...state, broken: new GraphError.GraphPagingError(broken) })
            : nextAfter === undefined
            ? Option.none()
            : Option.some({
              ...state,
              after: nextAfter,
              number: state.number + 1,
              checkpoint: checkpoint ?? state.checkpoint
            })
          return [[page], following] as const
        })
      )
    })
  )
}

/**
 * The items of an edge, page after page.
 *
 * @since 1.0.0
 * @category streams
 */
export const items = <A, R>(
  request: PagedRequest<A, R>
): Stream.Stream<A, GraphClient.GraphClientError, GraphClient.GraphClient | R> =>
  Stream.flatMap(pages(request), (page) => Stream.fromIterable(page.items))
