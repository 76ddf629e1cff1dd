/**
 * The page loop, for edge reads and for the rest of an expanded edge alike: each page is requested with
 * the read's own parameters plus the cursor, until a page has no `paging.next`; every cursor followed is
 * remembered, and one seen before ends the read right after the page that pointed back at it. An item the
 * read already passed on is not passed on again (see `dropRepeats`).
 *
 * @internal
 */
import {
  advance,
  brokenPaging,
  dropRepeats,
  isStaleCursor,
  nextCursor,
  seed,
  visible
} from "@effect-waba/graph-rules/paging"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as GraphClient from "../GraphClient.js"
import { GraphPagingError } from "../GraphError.js"
import type { Checkpoint, Page } from "../GraphPaging.js"
import * as Redaction from "../Redaction.js"
import type { Expansion, PageBody, Plan } from "./prepare.js"

export { nextCursor }

type Item = Record<string, unknown>

type ReadError = GraphClient.GraphClientError | GraphPagingError

type Read<A> = Effect.Effect<A, ReadError, GraphClient.GraphClient>

interface State {
  readonly plan: Plan
  readonly parentId: string
  readonly after: string | undefined
  readonly number: number
  /** Every cursor followed, with the page that followed it (0: the one the read started from). */
  readonly seen: Map<string, number>
  /** The ids of every item passed on so far. */
  readonly delivered: Set<string>
  readonly checkpoint: Checkpoint
  /** Set when the page just delivered had a `next` that cannot be followed: the read fails with it. */
  readonly broken?: GraphPagingError
}

const start = (plan: Plan, parentId: string): State => ({
  plan,
  parentId,
  after: plan.after,
  number: 1,
  seen: new Map(plan.after === undefined ? [] : [[plan.after, 0]]),
  delivered: new Set(),
  checkpoint: seed(plan.resumeFrom)
})

const fetchPage = (state: State): Read<readonly [Page<Item>, Option.Option<State>]> => {
  const { parentId, plan } = state
  const edge = plan.edge
  const query = { ...plan.query, after: state.after }
  const params = { [edge.parent.param]: parentId }
  return GraphClient.get({ route: edge.path, params, query, schema: plan.page, usageKey: parentId }).pipe(
    Effect.flatMap(({ apiVersion, body: { data, paging, summary }, fbtraceId, usage }) => {
      const next = paging?.next
      const nextAfter = next === undefined ? undefined : nextCursor(next, paging?.cursors?.after)
      const broken = next === undefined ? undefined : brokenPaging(edge.path, state.number, state.seen, nextAfter)
      const field = plan.checkpointField
      const checkpoint = field === undefined
        ? undefined
        : advance(field, state.checkpoint, data, nextAfter)
      if (broken === undefined && nextAfter !== undefined) state.seen.set(nextAfter, state.number)
      const following: Option.Option<State> = broken !== undefined
        ? Option.some({ ...state, broken: new GraphPagingError(broken) })
        : nextAfter === undefined
        ? Option.none()
        : Option.some({
          ...state,
          after: nextAfter,
          number: state.number + 1,
          checkpoint: checkpoint ?? state.checkpoint
        })
      return Effect.map(completeItems(plan.expansions, visible(plan, dropRepeats(state.delivered, data))), (items) => {
        const page: Page<Item> = {
          number: state.number,
          items,
          cursors: { before: paging?.cursors?.before, after: paging?.cursors?.after },
          hasNext: next !== undefined,
          nextAfter,
          checkpoint,
          links: {
            next: next && Redaction.scrubUrl(next),
            previous: paging?.previous && Redaction.scrubUrl(paging.previous)
          },
          totalCount: summary?.total_count,
          usage,
          fbtraceId,
          apiVersion
        }
        return [edge.itemsName === "items" ? page : { ...page, [edge.itemsName]: items }, following] as const
      })
    })
  )
}

const step = (state: State) => {
  if (state.broken !== undefined) return Effect.fail(state.broken)
  const { fallback, ...plan } = state.plan
  // A checkpoint's cursor is tried first; if Graph refuses it as stale, the read starts over from the
  // checkpoint's data, which neither loses nor repeats anything.
  return state.number > 1 || fallback === undefined ?
    fetchPage(state) :
    Effect.catchIf(
      fetchPage(state),
      (error) => isStaleCursor((error as { readonly code?: unknown }).code, error.message),
      () =>
        Effect.zipRight(
          Effect.logInfo(`${plan.edge.path}: the checkpoint's cursor went stale; resuming from its data instead`),
          fetchPage(start({ ...plan, query: fallback, after: undefined, fallback: undefined }, state.parentId))
        )
    )
}

/**
 * Every page of a read handed to `f` in turn, as one effect: the loop of {@link pages} without a stream, for
 * a fan-out's thousands of reads of a page or two. @internal
 */
export const forEachPage = <A, E, R>(
  plan: Plan,
  parentId: string,
  f: (page: Page<Item>) => Effect.Effect<A, E, R>
): Effect.Effect<void, ReadError | E, GraphClient.GraphClient | R> =>
  Effect.suspend(() =>
    Effect.iterate(Option.some(start(plan, parentId)), {
      while: Option.isSome,
      body: (state: Option.Some<State>) => Effect.flatMap(step(state.value), ([page, next]) => Effect.as(f(page), next))
    })
  )

/** Every page of a read, lazily. @internal */
export const pages = (plan: Plan, parentId: string): Stream.Stream<Page<Item>, ReadError, GraphClient.GraphClient> => {
  // The state is made when the stream runs, so that one stream can run many times.
  const stream = Stream.suspend(() => Stream.paginateEffect(start(plan, parentId), step))
  return plan.prefetch > 0 ? Stream.buffer(stream, { capacity: plan.prefetch }) : stream
}

// The value of an expanded edge in an item: its first page, or every page (the rest read from the cursor
// the first one ended on).
const expanded = ({ key, pages: which, plan }: Expansion, item: Item): Read<unknown> => {
  const { data, paging } = (item[key] ?? { data: [] }) as PageBody
  const after = paging?.next === undefined ? undefined : nextCursor(paging.next, paging.cursors?.after)
  if (which === "first") return Effect.succeed({ data: dropRepeats(new Set(), data), nextAfter: after })
  if (paging?.next === undefined) return Effect.succeed(dropRepeats(new Set(), data))
  return Effect.suspend(() => {
    const delivered = new Set<string>()
    const all = dropRepeats(delivered, data)
    const rest = forEachPage(
      { ...plan, after },
      String(item.id),
      (page) => Effect.sync(() => all.push(...dropRepeats(delivered, page.items)))
    )
    return Effect.as(rest, all)
  })
}

/** The item with its expanded edges settled. @internal */
export const completeItem = (expansions: ReadonlyArray<Expansion>, item: Item): Read<Item> =>
  Effect.reduce(
    expansions,
    item,
    (done, expansion) => Effect.map(expanded(expansion, item), (value) => ({ ...done, [expansion.key]: value }))
  )

const completeItems = (expansions: ReadonlyArray<Expansion>, items: ReadonlyArray<Item>) =>
  expansions.length === 0 ? Effect.succeed(items) : Effect.forEach(items, (item) => completeItem(expansions, item))
