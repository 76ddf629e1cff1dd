/**
 * An edge read page by page as a `Stream`, following Graph's `after` cursors only while `paging.next` says
 * there is more, with the paging rules both lines share: a cursor taken from the `next` link (else
 * `cursors.after`), and a cursor that comes back — a cycle that would never end — failing the read with a
 * `GraphPagingError` once its page is delivered.
 *
 * @since 1.0.0
 */
import * as Paging from "@effect-waba/graph-rules/paging"
import { scrubUrl } from "@effect-waba/graph-rules/redaction"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as GraphClient from "./GraphClient.js"
import * as GraphError from "./GraphError.js"
import type * as GraphUsage from "./GraphUsage.js"

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
  /** The `next` link, its secrets masked. */
  readonly next: string | undefined
  readonly usage: GraphUsage.GraphUsage
  readonly fbtraceId: string | undefined
}

/**
 * An edge's page, as Graph sends it, with items of the given Schema.
 *
 * @since 1.0.0
 * @category schemas
 */
export const PageBody = <S extends Schema.Top>(item: S) =>
  Schema.Struct({
    data: Schema.Array(item),
    paging: Schema.optional(Schema.NullOr(Schema.Struct({
      cursors: Schema.optional(Schema.NullOr(Schema.Struct({
        before: Schema.optional(Schema.NullOr(Schema.String)),
        after: Schema.optional(Schema.NullOr(Schema.String))
      }))),
      next: Schema.optional(Schema.NullOr(Schema.String)),
      previous: Schema.optional(Schema.NullOr(Schema.String))
    })))
  })

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
}

interface State {
  readonly after: string | undefined
  readonly number: number
  readonly seen: Map<string, number>
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
  const { item, ...rest } = request
  const schema = PageBody(item) as unknown as Schema.Decoder<
    Schema.Schema.Type<ReturnType<typeof PageBody<Schema.Decoder<A, R>>>>,
    R
  >
  const first = typeof rest.query?.after === "string" ? rest.query.after : undefined
  const start: State = { after: first, number: 1, seen: new Map(first === undefined ? [] : [[first, 0]]) }
  return Stream.paginate(start, (state) => {
    if (state.broken !== undefined) return Effect.fail(state.broken)
    const read = Effect.gen(function*() {
      const client = yield* GraphClient.GraphClient
      return yield* client.get({ ...rest, query: { ...rest.query, after: state.after }, schema })
    })
    return read.pipe(
      Effect.map(({ body: { data, paging }, fbtraceId, usage }) => {
        const next = orUndefined(paging?.next)
        const cursors = { before: orUndefined(paging?.cursors?.before), after: orUndefined(paging?.cursors?.after) }
        const nextAfter = next === undefined ? undefined : Paging.nextCursor(next, cursors.after)
        const broken = next === undefined
          ? undefined
          : Paging.brokenPaging(request.route, state.number, state.seen, nextAfter)
        if (broken === undefined && nextAfter !== undefined) state.seen.set(nextAfter, state.number)
        const page: Page<A> = {
          number: state.number,
          items: data,
          cursors,
          hasNext: next !== undefined,
          next: next === undefined ? undefined : scrubUrl(next),
          usage,
          fbtraceId
        }
        const following: Option.Option<State> = broken !== undefined
          ? Option.some({ ...state, broken: new GraphError.GraphPagingError(broken) })
          : nextAfter === undefined
          ? Option.none()
          : Option.some({ ...state, after: nextAfter, number: state.number + 1 })
        return [[page], following] as const
      })
    )
  })
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
