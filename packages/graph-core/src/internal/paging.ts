/**
 * The page loop, for edge reads and for the rest of an expanded edge alike: each page is requested with
 * the read's own parameters plus the cursor, until a page has no `paging.next`; every cursor followed is
 * remembered, and one seen before ends the read right after the page that pointed back at it.
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as GraphClient from "../GraphClient.js"
import { GraphPagingError } from "../GraphError.js"
import type { Checkpoint, Page } from "../GraphPaging.js"
import * as Redaction from "../Redaction.js"
import type { Expansion, PageBody, Plan } from "./prepare.js"

type Item = Record<string, unknown>

type ReadError = GraphClient.GraphClientError | GraphPagingError

/** The cursor a `next` link continues with (its `after` parameter), else `cursors.after`. @internal */
export const nextCursor = (next: string, after: string | undefined): string | undefined => {
  const query = next.indexOf("?")
  const fromLink = query === -1 ? null : new URLSearchParams(next.slice(query + 1)).get("after")
  return fromLink !== null && fromLink !== "" ? fromLink : after
}

interface State {
  readonly plan: Plan
  readonly after: string | undefined
  readonly number: number
  /** Every cursor followed, with the page that followed it (0: the one the read started from). */
  readonly seen: Map<string, number>
  readonly checkpoint: Checkpoint | undefined
  /** Set when the page just delivered had a `next` that cannot be followed: the read fails with it. */
  readonly broken: GraphPagingError | undefined
}

const start = (plan: Plan): State => ({
  plan,
  after: plan.after,
  number: 1,
  seen: new Map(plan.after === undefined ? [] : [[plan.after, 0]]),
  checkpoint: undefined,
  broken: undefined
})

// Why paging cannot go on after this page, if it cannot.
const brokenPaging = (route: string, state: State, after: string | undefined): GraphPagingError | undefined => {
  const page = state.number
  if (after === undefined) {
    const message = `${route} page ${page} has paging.next but no cursor to continue with.`
    return new GraphPagingError({ reason: "MissingCursor", message, route, page })
  }
  const firstSeen = state.seen.get(after)
  if (firstSeen === undefined) return undefined
  const cycleLength = page - firstSeen
  const message = cycleLength <= 1
    ? `${route} page ${page} pointed next at the cursor it was fetched with; paging would never end.`
    : `${route} page ${page} pointed next at the cursor of page ${
      firstSeen + 1
    }: a cycle of ${cycleLength} pages; paging would never end.`
  return new GraphPagingError({ reason: "CursorCycle", message, route, page, cycleLength })
}

const secondsOf = (value: unknown): number | undefined =>
  value instanceof Date ? Math.floor(value.getTime() / 1000) : typeof value === "number" ? value : undefined

// The checkpoint after a page: the last creation second it reached, with every id delivered in it.
const advance = (field: string, checkpoint: Checkpoint | undefined, data: ReadonlyArray<Item>, after?: string) => {
  const last = data.length === 0 ? undefined : secondsOf(data[data.length - 1]![field])
  let at = checkpoint?.at
  let ids = checkpoint?.ids ?? []
  if (last !== undefined) {
    const inLast = data.filter((item) => secondsOf(item[field]) === last).map((item) => String(item.id))
    ids = at === last ? [...ids, ...inLast] : inLast
    at = last
  }
  // The cursor continues cheaply while it is fresh; the data takes over when it is not.
  return { ...(at !== undefined ? { at } : {}), ids, ...(after !== undefined ? { after } : {}) }
}

// What the caller sees of the page's items: not what an earlier read delivered (resuming from a
// checkpoint), only what the local clauses let through, without the fields requested for the client's use.
const visible = (plan: Plan, data: ReadonlyArray<Item>): ReadonlyArray<Item> => {
  const { checkpointField: field, local, resumeFrom: from, strip } = plan
  const items = data.filter((item) => {
    const t = from === undefined || field === undefined ? undefined : secondsOf(item[field])
    const fresh = t === undefined || t > from!.at || (t === from!.at && !from!.ids.has(String(item.id)))
    return fresh && local.every((predicate) => predicate.test(item))
  })
  return strip.length === 0 ?
    items :
    items.map((item) => Object.fromEntries(Object.entries(item).filter(([key]) => !strip.includes(key))))
}

const scrub = (url: string | undefined) => url === undefined ? undefined : Redaction.scrubUrl(url)

const fetchPage = (
  parentId: string,
  state: State
): Effect.Effect<readonly [Page<Item>, Option.Option<State>], ReadError, GraphClient.GraphClient> => {
  const { edge, ...plan } = state.plan
  return GraphClient.get({
    route: edge.path,
    params: { [edge.parent.param]: parentId },
    query: state.after === undefined ? plan.query : { ...plan.query, after: state.after },
    schema: plan.pageSchema,
    usageKey: parentId
  }).pipe(
    Effect.flatMap((response) => {
      const { data, paging, summary } = response.body
      const next = paging?.next
      const nextAfter = next === undefined ? undefined : nextCursor(next, paging?.cursors?.after)
      const broken = next === undefined ? undefined : brokenPaging(edge.path, state, nextAfter)
      const checkpoint = plan.checkpointField === undefined
        ? undefined
        : advance(plan.checkpointField, state.checkpoint, data, nextAfter)
      const following: Option.Option<State> = broken !== undefined
        ? Option.some({ ...state, broken })
        : nextAfter === undefined
        ? Option.none()
        : Option.some({
          ...state,
          after: nextAfter,
          number: state.number + 1,
          seen: state.seen.set(nextAfter, state.number),
          checkpoint
        })
      return Effect.map(completeItems(plan.expansions, visible(state.plan, data)), (items) => {
        const page: Page<Item> = {
          number: state.number,
          items,
          cursors: { before: paging?.cursors?.before, after: paging?.cursors?.after },
          hasNext: next !== undefined,
          nextAfter,
          checkpoint,
          links: { next: scrub(next), previous: scrub(paging?.previous) },
          totalCount: summary?.total_count,
          usage: response.usage,
          fbtraceId: response.fbtraceId,
          apiVersion: response.apiVersion
        }
        return [edge.itemsName === "items" ? page : { ...page, [edge.itemsName]: items }, following] as const
      })
    }),
    Effect.withSpan(`${edge.name}.page`, {
      attributes: { "graph.page": state.number, [`graph.${edge.parent.param.replace(/-/g, "_")}`]: parentId }
    })
  )
}

// Graph's answers to a cursor that went stale: 2642 "Invalid cursors values", or 100 "The After Cursor
// specified exceeds the max limit...".
const isStale = (error: ReadError): boolean => {
  const code = (error as { readonly code?: unknown }).code
  return code === 2642 || (code === 100 && /cursor/i.test(error.message))
}

const step = (parentId: string, state: State) => {
  if (state.broken !== undefined) return Effect.fail(state.broken)
  const fetched = fetchPage(parentId, state)
  const { fallback, ...plan } = state.plan
  // A checkpoint's cursor is tried first; if Graph refuses it as stale, the read starts over from the
  // checkpoint's data, which neither loses nor repeats anything.
  return state.number > 1 || fallback === undefined ? fetched : Effect.catchIf(fetched, isStale, () =>
    Effect.zipRight(
      Effect.logInfo(`${plan.edge.path}: the checkpoint's cursor went stale; resuming from its data instead`),
      fetchPage(parentId, start({ ...plan, query: fallback, after: undefined, fallback: undefined }))
    ))
}

/** Every page of a read, lazily. @internal */
export const pages = (plan: Plan, parentId: string): Stream.Stream<Page<Item>, ReadError, GraphClient.GraphClient> => {
  // The state is made when the stream runs, so that one stream can run many times.
  const stream = Stream.suspend(() => Stream.paginateEffect(start(plan), (state) => step(parentId, state)))
  return plan.prefetch > 0 ? Stream.buffer(stream, { capacity: plan.prefetch }) : stream
}

/** Every item of a read, collected. @internal */
export const all = (
  plan: Plan,
  parentId: string
): Effect.Effect<ReadonlyArray<Item>, ReadError, GraphClient.GraphClient> =>
  Effect.map(
    Stream.runCollect(pages(plan, parentId)),
    (chunk) => Chunk.toReadonlyArray(chunk).flatMap((page) => page.items)
  )

// The value of an expanded edge in an item: its first page, or every page (the rest read from the cursor
// the first one ended on).
const expanded = (
  expansion: Expansion,
  parentId: string,
  first: PageBody | undefined
): Effect.Effect<unknown, ReadError, GraphClient.GraphClient> => {
  const data = first?.data ?? []
  const next = first?.paging?.next
  const after = next === undefined ? undefined : nextCursor(next, first?.paging?.cursors?.after)
  if (expansion.pages === "first") return Effect.succeed({ data, nextAfter: after })
  if (next === undefined) return Effect.succeed(data)
  return Effect.map(all({ ...expansion.plan, after }, parentId), (rest) => [...data, ...rest])
}

/** The item with its expanded edges settled. @internal */
export const completeItem = (
  expansions: ReadonlyArray<Expansion>,
  item: Item
): Effect.Effect<Item, ReadError, GraphClient.GraphClient> =>
  Effect.reduce(expansions, item, (done, expansion) =>
    Effect.map(
      expanded(expansion, String(item.id), item[expansion.key] as PageBody | undefined),
      (value) => ({ ...done, [expansion.key]: value })
    ))

const completeItems = (expansions: ReadonlyArray<Expansion>, items: ReadonlyArray<Item>) =>
  expansions.length === 0 ? Effect.succeed(items) : Effect.forEach(items, (item) => completeItem(expansions, item))
