import { Testing } from "@effect-waba/emulator"
import { GraphError } from "@effect-waba/graph-core"
import { Filter, OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { createHmac } from "node:crypto"

const businessId = "1234567890"

interface FakeOptions {
  /** Raw account objects, served in order. */
  readonly accounts: ReadonlyArray<Record<string, unknown>>
  /** Request indexes (0-based) answered with an empty `data` but a `next` link, before the real page. */
  readonly emptyPagesAt?: ReadonlySet<number>
  /** Request indexes answered with a Graph error instead. */
  readonly failAt?: ReadonlyMap<number, { readonly status: number; readonly error: Record<string, unknown> }>
}

const cursor = (offset: number, tag?: number) =>
  Buffer.from(tag === undefined ? String(offset) : `${offset}:${tag}`).toString("base64url")

/**
 * The owned-accounts edge as a scripted server: cursor = offset, `next` only while accounts remain,
 * `cursors.after` present even on the last page; 25 a page when the request has no `limit`.
 */
const fakeGraph = (options: FakeOptions, config: Testing.ConfigOverrides = {}) =>
  Testing.scriptedClient((seen, index): Testing.Reply => {
    const failure = options.failAt?.get(index)
    if (failure !== undefined) return Testing.graphError(failure.error, failure.status)
    const limit = Number(seen.url.searchParams.get("limit") ?? 25)
    const after = seen.url.searchParams.get("after")
    // An empty page's cursor names the same offset under a new cursor, as Graph's do.
    const offset = after === null ? 0 : Number(Buffer.from(after, "base64url").toString().split(":")[0])
    const nextUrl = (next: string) => {
      const url = new URL(seen.url.toString())
      url.searchParams.set("after", next)
      url.searchParams.delete("appsecret_proof")
      return url.toString()
    }
    if (options.emptyPagesAt?.has(index)) {
      const here = cursor(offset, index)
      return { body: { data: [], paging: { cursors: { before: here, after: here }, next: nextUrl(here) } } }
    }
    const slice = options.accounts.slice(offset, offset + limit)
    const end = offset + slice.length
    return {
      body: {
        data: slice,
        paging: {
          cursors: { before: cursor(offset), after: cursor(end) },
          ...(end < options.accounts.length ? { next: nextUrl(cursor(end)) } : {})
        }
      }
    }
  }, { retry: false, ...config })

const makeAccounts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: String(100000 + i),
    name: `Account ${i}`,
    currency: "USD",
    timezone_id: "1",
    message_template_namespace: `ns_${i}`,
    creation_time: 1_600_000_000 + i * 3600
  }))

const ids = <A extends { readonly id: string }>(stream: Stream.Stream<A, any, any>) =>
  stream.pipe(Stream.map((a) => a.id), Stream.runCollect, Effect.map(Chunk.toReadonlyArray))

describe("OwnedAccounts.stream paging", () => {
  it.effect("streams every account once, in order, across pages; stops when next is absent", () => {
    const accounts = makeAccounts(53)
    const fake = fakeGraph({ accounts })
    return Effect.gen(function*() {
      const got = yield* ids(OwnedAccounts.stream(businessId, { limit: 10 }))
      expect(got).toEqual(accounts.map((a) => a.id))
      // 6 pages: the last has cursors.after but no next, and its cursor is not followed.
      expect(fake.seen).toHaveLength(6)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("an empty page with next does not end the stream", () => {
    const accounts = makeAccounts(30)
    const fake = fakeGraph({ accounts, emptyPagesAt: new Set([0, 2, 3]) })
    return Effect.gen(function*() {
      const got = yield* ids(OwnedAccounts.stream(businessId, { limit: 10 }))
      expect(got).toEqual(accounts.map((a) => a.id))
      expect(fake.seen).toHaveLength(6)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("every page carries the same auth, proof, fields, filter, sort and limit as the first", () => {
    const fake = fakeGraph({ accounts: makeAccounts(25) }, { appSecret: Testing.appSecret })
    const proof = createHmac("sha256", Testing.appSecret).update(Testing.token).digest("hex")
    return Effect.gen(function*() {
      yield* OwnedAccounts.stream(businessId, {
        fields: ["name", "creation_time"],
        filtering: Filter.creationTime.greaterThan(new Date("2020-01-01T00:00:00Z")),
        sort: "creation_time_descending",
        limit: 5
      }).pipe(Stream.runDrain)
      expect(fake.seen).toHaveLength(5)
      const first = fake.seen[0]!
      for (const request of fake.seen) {
        expect(request.headers.authorization).toBe(`Bearer ${Testing.token}`)
        expect(request.url.pathname).toBe(`/v27.0/${businessId}/owned_whatsapp_business_accounts`)
        expect(request.url.searchParams.get("appsecret_proof")).toBe(proof)
        for (const key of ["fields", "filtering", "sort", "limit"]) {
          expect(request.url.searchParams.get(key)).toBe(first.url.searchParams.get(key))
        }
        expect(request.url.searchParams.has("access_token")).toBe(false)
      }
      expect(first.url.searchParams.get("fields")).toBe("id,name,creation_time")
      expect(JSON.parse(first.url.searchParams.get("filtering")!)).toEqual([
        { field: "creation_time", operator: "GREATER_THAN", value: 1577836800 }
      ])
      expect(fake.seen.map((s) => s.url.searchParams.get("after"))).toEqual([
        null,
        ...[5, 10, 15, 20].map((n) => Buffer.from(String(n)).toString("base64url"))
      ])
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("taking the first N accounts requests no page beyond the one holding the Nth", () =>
    Effect.gen(function*() {
      for (const [take, pages] of [[1, 1], [10, 1], [11, 2], [20, 2], [21, 3]] as const) {
        const fake = fakeGraph({ accounts: makeAccounts(100) })
        const got = yield* ids(OwnedAccounts.stream(businessId, { limit: 10 }).pipe(Stream.take(take))).pipe(
          Effect.provide(fake.layer)
        )
        expect(got).toHaveLength(take)
        expect(fake.seen).toHaveLength(pages)
      }
    }))

  it.effect("a failure mid-stream is the typed graph error; the last page's cursor resumes with nothing lost", () => {
    const accounts = makeAccounts(40)
    const throttled = { status: 400, error: { message: "Too many calls", code: 80008, type: "OAuthException" } }
    const failing = fakeGraph({ accounts, failAt: new Map([[2, throttled]]) })
    return Effect.gen(function*() {
      const delivered: Array<string> = []
      let resumeAfter: string | undefined
      const error = yield* OwnedAccounts.pages(businessId, { limit: 10 }).pipe(
        Stream.runForEach((page) =>
          Effect.sync(() => {
            delivered.push(...page.accounts.map((a) => a.id))
            resumeAfter = page.nextAfter
          })
        ),
        Effect.flip
      )
      expect(error._tag).toBe("GraphRateLimitError")
      expect(GraphError.isGraphError(error)).toBe(true)
      expect(delivered).toEqual(accounts.slice(0, 20).map((a) => a.id))
      expect(resumeAfter).toBe(Buffer.from("20").toString("base64url"))

      const healthy = fakeGraph({ accounts })
      const rest = yield* ids(OwnedAccounts.stream(businessId, { limit: 10, after: resumeAfter })).pipe(
        Effect.provide(healthy.layer)
      )
      expect([...delivered, ...rest]).toEqual(accounts.map((a) => a.id))
    }).pipe(Effect.provide(failing.layer))
  })

  it.effect("a failure on the first page has no cursor to resume from: restart from the beginning", () => {
    const fake = fakeGraph({
      accounts: makeAccounts(5),
      failAt: new Map([[0, { status: 403, error: { message: "(#200) Permissions error", code: 200 } }]])
    })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(OwnedAccounts.stream(businessId)))
      expect(error).toMatchObject({ _tag: "GraphPermissionError", code: 200 })
      expect(error).not.toHaveProperty("resumeAfter")
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("pages() exposes cursors, hasNext, nextAfter and usage for checkpointing", () => {
    const accounts = makeAccounts(12)
    const fake = fakeGraph({ accounts })
    return Effect.gen(function*() {
      const pages = yield* OwnedAccounts.pages(businessId, { limit: 5 }).pipe(
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
      expect(pages.map((p) => p.number)).toEqual([1, 2, 3])
      expect(pages.map((p) => p.accounts.length)).toEqual([5, 5, 2])
      expect(pages.map((p) => p.hasNext)).toEqual([true, true, false])
      expect(pages[0]!.nextAfter).toBe(Buffer.from("5").toString("base64url"))
      expect(pages[2]!.nextAfter).toBeUndefined()
      expect(pages[2]!.cursors.after).toBe(Buffer.from("12").toString("base64url"))
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("prefetch delivers the same accounts in the same order", () => {
    const accounts = makeAccounts(95)
    const fake = fakeGraph({ accounts })
    return Effect.gen(function*() {
      const got = yield* ids(OwnedAccounts.stream(businessId, { limit: 10, prefetch: 3 }))
      expect(got).toEqual(accounts.map((a) => a.id))
      expect(fake.seen).toHaveLength(10)
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("OwnedAccounts.forEachPage", () => {
  it.effect("hands every page in order, each read once the one before was handled, as pages() would", () => {
    const accounts = makeAccounts(23)
    const fake = fakeGraph({ accounts })
    return Effect.gen(function*() {
      const handled: Array<
        { readonly number: number; readonly ids: ReadonlyArray<string>; readonly requested: number }
      > = []
      yield* OwnedAccounts.forEachPage(businessId, { limit: 10 })((page) =>
        Effect.sync(() =>
          handled.push({ number: page.number, ids: page.accounts.map((a) => a.id), requested: fake.seen.length })
        )
      )
      expect(handled.map((page) => page.number)).toEqual([1, 2, 3])
      expect(handled.flatMap((page) => page.ids)).toEqual(accounts.map((a) => a.id))
      // Page N is handled before page N+1 is requested: no read ahead.
      expect(handled.map((page) => page.requested)).toEqual([1, 2, 3])
      const streamed = fakeGraph({ accounts })
      const viaStream = yield* OwnedAccounts.pages(businessId, { limit: 10 }).pipe(
        Stream.map((page) => page.accounts.map((a) => a.id)),
        Stream.runCollect,
        Effect.provide(streamed.layer)
      )
      expect(Chunk.toReadonlyArray(viaStream)).toEqual(handled.map((page) => page.ids))
      expect(streamed.seen.map((s) => s.url.search)).toEqual(fake.seen.map((s) => s.url.search))
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("the handler's failure ends the read: no further page is requested", () => {
    const fake = fakeGraph({ accounts: makeAccounts(50) })
    return Effect.gen(function*() {
      const error = yield* OwnedAccounts.forEachPage(businessId, { limit: 10 })((page) =>
        page.number === 2 ? Effect.fail("stop here" as const) : Effect.void
      ).pipe(Effect.flip)
      expect(error).toBe("stop here")
      expect(fake.seen).toHaveLength(2)
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("bad options fail with InvalidRequestError before any request", () => {
    const fake = fakeGraph({ accounts: makeAccounts(5) })
    return Effect.gen(function*() {
      const invalid = yield* OwnedAccounts.forEachPage(businessId, { limit: 1000 })(() => Effect.void).pipe(Effect.flip)
      expect(invalid).toMatchObject({ _tag: "InvalidRequestError", parameter: "limit" })
      expect(fake.seen).toHaveLength(0)
    }).pipe(Effect.provide(fake.layer))
  })
})

describe("OwnedAccounts decoding", () => {
  it.effect("ids sent as numbers stay strings; creation_time as a numeric string becomes a Date; unknown values pass", () => {
    const fake = fakeGraph({
      accounts: [
        {
          id: 104996122399160,
          name: "Lucky Shrub",
          creation_time: "1569783261",
          account_review_status: "SOMETHING_NEW",
          ownership_type: "CLIENT_OWNED",
          brand_new_field: { nested: true }
        }
      ]
    })
    return Effect.gen(function*() {
      const [account] = yield* OwnedAccounts.all(businessId, {
        fields: ["name", "creation_time", "account_review_status", "ownership_type"],
        extraFields: ["brand_new_field"]
      })
      expect(account).toEqual({
        id: "104996122399160",
        name: "Lucky Shrub",
        creation_time: new Date(1569783261 * 1000),
        account_review_status: "SOMETHING_NEW",
        ownership_type: "CLIENT_OWNED",
        brand_new_field: { nested: true }
      })
    }).pipe(Effect.provide(fake.layer))
  })

  it.effect("a body that breaks the contract is a GraphDecodeError", () => {
    const fake = fakeGraph({ accounts: [{ name: "no id" }] })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(OwnedAccounts.all(businessId))
      expect(error._tag).toBe("GraphDecodeError")
      expect(error.message).toContain("id")
    }).pipe(Effect.provide(fake.layer))
  })
})

/** A server that answers each cursor with a fixed page, `pages[cursor ?? ""]`, and records the cursors. */
const cursorServer = (pages: Record<string, { readonly ids: ReadonlyArray<string>; readonly next?: string }>) => {
  const server = Testing.scriptedClient((seen) => {
    const page = pages[seen.url.searchParams.get("after") ?? ""]!
    return {
      body: {
        data: page.ids.map((id) => ({ id })),
        paging: {
          cursors: { after: page.next ?? "end" },
          ...(page.next !== undefined ? { next: `https://graph.facebook.com/v27.0/x?after=${page.next}` } : {})
        }
      }
    }
  }, { retry: false })
  return {
    get seen() {
      return server.seen.map((seen) => seen.url.searchParams.get("after"))
    },
    layer: server.layer
  }
}

describe("OwnedAccounts against a broken server", () => {
  it.effect("a server that hands back the cursor it was given fails at once instead of re-delivering the page", () => {
    const server = cursorServer({ "": { ids: ["1", "2"], next: "A" }, A: { ids: ["3"], next: "A" } })
    return Effect.gen(function*() {
      const delivered: Array<string> = []
      const error = yield* OwnedAccounts.stream(businessId).pipe(
        Stream.runForEach((a) => Effect.sync(() => delivered.push(a.id))),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "GraphPagingError", reason: "CursorCycle", page: 2, cycleLength: 1 })
      expect(error.message).toContain("the cursor it was fetched with")
      expect(delivered).toEqual(["1", "2", "3"])
      expect(server.seen).toEqual([null, "A"])
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("a cycle A -> B -> A ends the read after each account was delivered once", () => {
    const server = cursorServer({
      "": { ids: ["1"], next: "A" },
      A: { ids: ["2"], next: "B" },
      B: { ids: ["3"], next: "C" },
      C: { ids: ["4"], next: "A" }
    })
    return Effect.gen(function*() {
      const delivered: Array<string> = []
      const error = yield* OwnedAccounts.stream(businessId).pipe(
        Stream.runForEach((a) => Effect.sync(() => delivered.push(a.id))),
        Effect.flip
      )
      expect(error).toMatchObject({ _tag: "GraphPagingError", reason: "CursorCycle", page: 4, cycleLength: 3 })
      expect(error.message).toContain("a cycle of 3 pages")
      expect(delivered).toEqual(["1", "2", "3", "4"])
      expect(server.seen).toEqual([null, "A", "B", "C"])
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("all, collected without a stream, stops at the same cycle after the same requests", () => {
    const server = cursorServer({
      "": { ids: ["1"], next: "A" },
      A: { ids: ["2"], next: "B" },
      B: { ids: ["3"], next: "A" }
    })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(OwnedAccounts.all(businessId))
      expect(error).toMatchObject({ _tag: "GraphPagingError", reason: "CursorCycle", page: 3, cycleLength: 2 })
      expect(server.seen).toEqual([null, "A", "B"])
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("resuming with after: a next pointing back at that cursor is a cycle too", () => {
    const server = cursorServer({ X: { ids: ["9"], next: "X" } })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(OwnedAccounts.stream(businessId, { after: "X" })))
      expect(error).toMatchObject({ _tag: "GraphPagingError", reason: "CursorCycle", page: 1 })
      expect(server.seen).toEqual(["X"])
    }).pipe(Effect.provide(server.layer))
  })

  it.effect("a next link without any cursor is a typed error, not a loop from the start", () => {
    const { layer } = Testing.scriptedClient(
      () => ({ body: { data: [{ id: "1" }], paging: { next: "https://graph.facebook.com/x" } } }),
      { retry: false }
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(OwnedAccounts.stream(businessId)))
      expect(error).toMatchObject({ _tag: "GraphPagingError", reason: "MissingCursor", page: 1 })
    }).pipe(Effect.provide(layer))
  })
})
