/**
 * The paging loop behind `GraphPaging` and the expansion of nested edges, shared by edge and node reads.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as GraphClient from "../GraphClient.js"
import { GraphPagingError } from "../GraphError.js"
import * as Redaction from "../Redaction.js"
import * as Telemetry from "./client/telemetry.js"
import type * as internal from "./prepare.js"

import type { Checkpoint, Page, ReadError } from "../GraphPaging.js"

export { GraphPagingError }

// A 53-bit hash of a cursor: the read remembers every cursor it followed without keeping them whole.
const hashCursor = (text: string): number => {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}

// A query's `after` parameter when it needs no decoding (cursors are base64url, so nearly always), read
// in place; anything else (an escape, a second `after`, a fragment) goes through `URLSearchParams`.
const plainAfter = /(?:^|&)after=([A-Za-z0-9_.~-]*)(?=&|$)/

const afterParam = (search: string): string | null => {
  const plain = plainAfter.exec(search)
  if (plain !== null) {
    const start = plain.index === 0 ? 0 : plain.index + 1
    // The first `after` of the query, with nothing before it that decoding could turn into another.
    if (!/after|[%+]/.test(search.slice(0, start))) return plain[1]!
  }
  return new URLSearchParams(search).get("after")
}

// Graph's `next` link carries the cursor to continue with; fall back to `cursors.after`.
/** @internal */
export const nextCursor = (next: string, after: string | undefined): string | undefined => {
  const query = next.indexOf("?")
  if (query !== -1) {
    const fromLink = afterParam(next.slice(query + 1))
    if (fromLink !== null && fromLink !== "") return fromLink
  }
  return after
}

const secondsOf = (value: unknown): number | undefined =>
  value instanceof Date ? Math.floor(value.getTime() / 1000) : typeof value === "number" ? value : undefined

interface State {
  readonly after: string | undefined
  readonly number: number
  /** Cursor hashes followed so far, with the page that followed each. */
  readonly seen: Map<number, number>
  readonly checkpoint: Checkpoint | undefined
  /** Set when the page just delivered had a `next` that cannot be followed: the read fails with it. */
  readonly broken: GraphPagingError | undefined
}

const without = (item: Record<string, unknown>, fields: ReadonlyArray<string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key in item) if (!fields.includes(key)) out[key] = item[key]
  return out
}

type Item = Record<string, unknown>

// An expanded edge's value when its first page is all there is to read (or all that was asked for);
// `undefined` when the rest of its pages must be fetched.
const settledNested = (expansion: internal.Expansion, first: internal.PageBody): unknown => {
  const next = first.paging?.next
  if (expansion.pages === "first") {
    return {
      data: first.data,
      nextAfter: next === undefined ? undefined : nextCursor(next, first.paging?.cursors?.after)
    }
  }
  return next === undefined ? first.data : undefined
}

// The rest of an expanded edge, from the cursor its first page ended on.
const completeNested = (
  expansion: internal.Expansion,
  parentId: string,
  first: internal.PageBody
): Effect.Effect<unknown, ReadError, GraphClient.GraphClient> => {
  const settled = settledNested(expansion, first)
  if (settled !== undefined) return Effect.succeed(settled)
  const after = nextCursor(first.paging!.next!, first.paging?.cursors?.after)
  const prepared: internal.Prepared = { ...expansion.nested, parentId, after }
  return Effect.suspend(() => {
    const all = first.data.slice()
    return Effect.as(
      forEachPage(prepared, (page) => {
        for (const item of page.items) all.push(item)
      }, after === undefined ? undefined : new Map([[hashCursor(after), 0]])),
      all
    )
  })
}

// The item with every expansion settled, or `undefined` if one of them needs more pages. Most pages of
// an expanded read are settled at once (few accounts have more numbers than the nested limit), and this
// spares them an effect per item and per expansion.
const settledItem = (expansions: ReadonlyArray<internal.Expansion>, item: Item): Item | undefined => {
  let out: Item | undefined
  for (const expansion of expansions) {
    const value = settledNested(expansion, (item[expansion.key] as internal.PageBody | undefined) ?? { data: [] })
    if (value === undefined) return undefined
    out ??= { ...item }
    out[expansion.key] = value
  }
  return out ?? item
}

/** @internal */
export const completeItem = (
  prepared: internal.Prepared,
  item: Item
): Effect.Effect<Item, ReadError, GraphClient.GraphClient> => {
  if (prepared.expansions.length === 0) return Effect.succeed(item)
  const settled = settledItem(prepared.expansions, item)
  if (settled !== undefined) return Effect.succeed(settled)
  return Effect.reduce(prepared.expansions, item, (current, expansion) => {
    const nested = current[expansion.key] as internal.PageBody | undefined
    const first: internal.PageBody = nested ?? { data: [] }
    return Effect.map(
      completeNested(expansion, String(current.id), first),
      (value) => ({ ...current, [expansion.key]: value })
    )
  })
}

// A page's items with their expansions completed: at once when every item is settled, else by effects.
const completeItems = (
  prepared: internal.Prepared,
  items: ReadonlyArray<Item>
): Effect.Effect<ReadonlyArray<Item>, ReadError, GraphClient.GraphClient> => {
  const settled: Array<Item> = []
  for (const item of items) {
    const done = settledItem(prepared.expansions, item)
    if (done === undefined) return Effect.forEach(items, (each) => completeItem(prepared, each))
    settled.push(done)
  }
  return Effect.succeed(settled)
}

const fetchPage = (
  prepared: internal.Prepared,
  state: State
): Effect.Effect<readonly [Page<Item>, Option.Option<State>], ReadError, GraphClient.GraphClient> => {
  if (state.broken !== undefined) return Effect.fail(state.broken)
  const edge = prepared.edge
  const route = edge.path
  return GraphClient.get({
    route,
    params: { [edge.parent.param]: prepared.parentId },
    query: state.after === undefined ? prepared.query : { ...prepared.query, after: state.after },
    schema: prepared.pageSchema,
    usageKey: prepared.parentId
  }).pipe(
    Effect.flatMap((response) => {
      const { data, paging } = response.body
      const hasNext = paging?.next !== undefined
      const nextAfter = hasNext ? nextCursor(paging.next!, paging.cursors?.after) : undefined
      // A `next` that cannot be followed ends the read, after this page's items (they are new).
      let broken: GraphPagingError | undefined
      if (hasNext && nextAfter === undefined) {
        broken = new GraphPagingError({
          reason: "MissingCursor",
          message: `${route} page ${state.number} has paging.next but no cursor to continue with.`,
          route,
          page: state.number
        })
      } else if (hasNext) {
        const firstSeen = state.seen.get(hashCursor(nextAfter!))
        if (firstSeen !== undefined) {
          const cycleLength = state.number - firstSeen
          broken = new GraphPagingError({
            reason: "CursorCycle",
            message: cycleLength <= 1
              ? `${route} page ${state.number} pointed next at the cursor it was fetched with; paging would never end.`
              : `${route} page ${state.number} pointed next at the cursor of page ${
                firstSeen + 1
              }: a cycle of ${cycleLength} pages; paging would never end.`,
            route,
            page: state.number,
            cycleLength
          })
        }
      }

      // Resuming from a checkpoint: skip what the earlier read delivered (and anything older, should the
      // server have ignored the filter).
      let items: ReadonlyArray<Item> = data
      const field = prepared.checkpointField
      let checkpoint = state.checkpoint
      if (field !== undefined) {
        const last = data.length === 0 ? undefined : secondsOf(data[data.length - 1]![field])
        let at = checkpoint?.at
        let ids: ReadonlyArray<string> = checkpoint?.ids ?? []
        if (last !== undefined) {
          const inLast = data.filter((item) => secondsOf(item[field]) === last).map((item) => String(item.id))
          ids = at === last ? [...ids, ...inLast] : inLast
          at = last
        }
        // The cursor continues cheaply while it is fresh; the data takes over when it is not.
        checkpoint = {
          ...(at !== undefined ? { at } : {}),
          ids,
          ...(nextAfter !== undefined ? { after: nextAfter } : {})
        }
      }
      const resume = prepared.resumeFrom
      if (resume !== undefined && field !== undefined) {
        items = items.filter((item) => {
          const t = secondsOf(item[field])
          return t === undefined || t > resume.at || (t === resume.at && !resume.ids.has(String(item.id)))
        })
      }
      if (prepared.local.length > 0) {
        items = items.filter((item) => prepared.local.every((predicate) => predicate.test(item)))
      }
      if (prepared.strip.length > 0) items = items.map((item) => without(item, prepared.strip))

      const page = (list: ReadonlyArray<Item>): Page<Item> => {
        const result: Page<Item> & Record<string, unknown> = {
          number: state.number,
          items: list,
          cursors: { before: paging?.cursors?.before, after: paging?.cursors?.after },
          hasNext,
          nextAfter,
          checkpoint,
          links: {
            next: paging?.next === undefined ? undefined : Redaction.scrubUrl(paging.next),
            previous: paging?.previous === undefined ? undefined : Redaction.scrubUrl(paging.previous)
          },
          totalCount: response.body.summary?.total_count,
          usage: response.usage,
          fbtraceId: response.fbtraceId,
          apiVersion: response.apiVersion
        }
        if (edge.itemsName !== "items") result[edge.itemsName] = list
        return result
      }
      const next: Option.Option<State> = broken !== undefined
        ? Option.some({ ...state, broken })
        : hasNext
        ? Option.some({
          after: nextAfter,
          number: state.number + 1,
          seen: state.seen.set(hashCursor(nextAfter!), state.number),
          checkpoint,
          broken: undefined
        })
        : Option.none()
      if (prepared.expansions.length === 0) return Effect.succeed([page(items), next] as const)
      return Effect.map(completeItems(prepared, items), (completed) => [page(completed), next] as const)
    }),
    Telemetry.spanned(() => ({
      name: `${edge.name}.page`,
      attributes: { "graph.page": state.number, [`graph.${edge.parent.param.replace(/-/g, "_")}`]: prepared.parentId }
    }))
  )
}

// Graph's answers to a cursor that went stale: 2642 "Invalid cursors values", or 100 "The After Cursor
// specified exceeds the max limit...".
const isStaleCursor = (error: ReadError): boolean => {
  const code = (error as { readonly code?: unknown }).code
  return code === 2642 || (code === 100 && /cursor/i.test(error.message))
}

// The state a read starts from, built when it starts, so one stream or effect value can run many times.
const start = (prepared: internal.Prepared, seen: Map<number, number> | undefined): State => {
  const map = seen ?? new Map<number, number>()
  if (prepared.after !== undefined && !map.has(hashCursor(prepared.after))) map.set(hashCursor(prepared.after), 0)
  return { after: prepared.after, number: 1, seen: map, checkpoint: undefined, broken: undefined }
}

const staleNotice = (prepared: internal.Prepared) =>
  Effect.logInfo(`${prepared.edge.path}: the checkpoint's cursor went stale; resuming from its data instead`)

// A checkpoint's cursor is tried first; if Graph refuses it as stale before any page arrived, the read
// starts over from the checkpoint's data, which neither loses nor repeats anything.
const fromCheckpointData = (
  prepared: internal.Prepared,
  fallback: Readonly<Record<string, string>>
): internal.Prepared => ({
  ...prepared,
  query: fallback,
  after: undefined,
  fallback: undefined,
  prefetch: 0
})

/** @internal */
export const readPages = (
  prepared: internal.Prepared,
  seen?: Map<number, number>
): Stream.Stream<Page<Item>, ReadError, GraphClient.GraphClient> => {
  const run = (from: internal.Prepared) =>
    Stream.suspend(() => Stream.paginateEffect(start(from, seen), (state) => fetchPage(from, state)))
  const fallback = prepared.fallback
  const pages = fallback === undefined ? run(prepared) : Stream.suspend(() => {
    let delivered = false
    return run(prepared).pipe(
      Stream.tap(() => Effect.sync(() => (delivered = true))),
      Stream.catchAll((error) =>
        !delivered && isStaleCursor(error)
          ? Stream.unwrap(Effect.as(staleNotice(prepared), readPages(fromCheckpointData(prepared, fallback))))
          : Stream.fail(error)
      )
    )
  })
  return prepared.prefetch > 0 ? Stream.buffer(pages, { capacity: prepared.prefetch }) : pages
}

/**
 * Every page of a read, in order, handed to `onPage`: the read `readPages` streams (the same requests,
 * paging errors and stale-checkpoint fallback) as one effect, for reads collected whole. Running a
 * stream has a fixed cost of its own, larger than a short read's pages.
 *
 * @internal
 */
export const forEachPage = (
  prepared: internal.Prepared,
  onPage: (page: Page<Item>) => void,
  seen?: Map<number, number>
): Effect.Effect<void, ReadError, GraphClient.GraphClient> => {
  const loop = (from: internal.Prepared, state: State, deliver: (page: Page<Item>) => void) =>
    Effect.flatMap(fetchPage(from, state), ([page, next]): Effect.Effect<void, ReadError, GraphClient.GraphClient> => {
      deliver(page)
      return Option.isSome(next) ? loop(from, next.value, deliver) : Effect.void
    })
  const fallback = prepared.fallback
  return Effect.suspend(() => {
    if (fallback === undefined) return loop(prepared, start(prepared, seen), onPage)
    let delivered = false
    return Effect.catchAll(
      loop(prepared, start(prepared, seen), (page) => {
        delivered = true
        onPage(page)
      }),
      (error) =>
        !delivered && isStaleCursor(error)
          ? Effect.zipRight(staleNotice(prepared), forEachPage(fromCheckpointData(prepared, fallback), onPage))
          : Effect.fail(error)
    )
  })
}
