import { GraphError } from "@effect-waba/graph-core"
import { Filter, OwnedAccounts } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { createHmac } from "node:crypto"
import { fakeGraph, graphLayer, makeAccounts, SECRET, TOKEN } from "./utils/FakeGraph.js"

const businessId = "1234567890"

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
    }).pipe(Effect.provide(graphLayer(fake)))
  })

  it.effect("an empty page with next does not end the stream", () => {
    const accounts = makeAccounts(30)
    const fake = fakeGraph({ accounts, emptyPagesAt: new Set([0, 2, 3]) })
    return Effect.gen(function*() {
      const got = yield* ids(OwnedAccounts.stream(businessId, { limit: 10 }))
      expect(got).toEqual(accounts.map((a) => a.id))
      expect(fake.seen).toHaveLength(6)
    }).pipe(Effect.provide(graphLayer(fake)))
  })

  it.effect("every page carries the same auth, proof, fields, filter, sort and limit as the first", () => {
    const fake = fakeGraph({ accounts: makeAccounts(25) })
    const proof = createHmac("sha256", SECRET).update(TOKEN).digest("hex")
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
        expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`)
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
    }).pipe(Effect.provide(graphLayer(fake, { appSecret: SECRET })))
  })

  it.effect("taking the first N accounts requests no page beyond the one holding the Nth", () =>
    Effect.gen(function*() {
      for (const [take, pages] of [[1, 1], [10, 1], [11, 2], [20, 2], [21, 3]] as const) {
        const fake = fakeGraph({ accounts: makeAccounts(100) })
        const got = yield* ids(OwnedAccounts.stream(businessId, { limit: 10 }).pipe(Stream.take(take))).pipe(
          Effect.provide(graphLayer(fake))
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
        Effect.provide(graphLayer(healthy))
      )
      expect([...delivered, ...rest]).toEqual(accounts.map((a) => a.id))
    }).pipe(Effect.provide(graphLayer(failing)))
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
    }).pipe(Effect.provide(graphLayer(fake)))
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
    }).pipe(Effect.provide(graphLayer(fake)))
  })

  it.effect("prefetch delivers the same accounts in the same order", () => {
    const accounts = makeAccounts(95)
    const fake = fakeGraph({ accounts })
    return Effect.gen(function*() {
      const got = yield* ids(OwnedAccounts.stream(businessId, { limit: 10, prefetch: 3 }))
      expect(got).toEqual(accounts.map((a) => a.id))
      expect(fake.seen).toHaveLength(10)
    }).pipe(Effect.provide(graphLayer(fake)))
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
    }).pipe(Effect.provide(graphLayer(fake)))
  })

  it.effect("a body that breaks the contract is a GraphDecodeError", () => {
    const fake = fakeGraph({ accounts: [{ name: "no id" }] })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(OwnedAccounts.all(businessId))
      expect(error._tag).toBe("GraphDecodeError")
      expect(error.message).toContain("id")
    }).pipe(Effect.provide(graphLayer(fake)))
  })
})

/** A server that answers each cursor with a fixed page: `pages[cursor ?? ""]`. */
const scripted = (pages: Record<string, { readonly ids: ReadonlyArray<string>; readonly next?: string }>) => {
  const seen: Array<string | null> = []
  const layer = Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request, url) =>
      Effect.sync(() => {
        const after = url.searchParams.get("after")
        seen.push(after)
        const page = pages[after ?? ""]!
        const body = {
          data: page.ids.map((id) => ({ id })),
          paging: {
            cursors: { after: page.next ?? "end" },
            ...(page.next !== undefined ? { next: `https://graph.facebook.com/v27.0/x?after=${page.next}` } : {})
          }
        }
        return HttpClientResponse.fromWeb(request, new Response(JSON.stringify(body)))
      })
    )
  )
  return { seen, layer }
}

describe("OwnedAccounts against a broken server", () => {
  it.effect("a server that hands back the cursor it was given fails at once instead of re-delivering the page", () => {
    const server = scripted({ "": { ids: ["1", "2"], next: "A" }, A: { ids: ["3"], next: "A" } })
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
    }).pipe(Effect.provide(graphLayer(server)))
  })

  it.effect("a cycle A -> B -> A ends the read after each account was delivered once", () => {
    const server = scripted({
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
    }).pipe(Effect.provide(graphLayer(server)))
  })

  it.effect("resuming with after: a next pointing back at that cursor is a cycle too", () => {
    const server = scripted({ X: { ids: ["9"], next: "X" } })
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(OwnedAccounts.stream(businessId, { after: "X" })))
      expect(error).toMatchObject({ _tag: "GraphPagingError", reason: "CursorCycle", page: 1 })
      expect(server.seen).toEqual(["X"])
    }).pipe(Effect.provide(graphLayer(server)))
  })

  it.effect("a next link without any cursor is a typed error, not a loop from the start", () => {
    const layer = Layer.succeed(
      HttpClient.HttpClient,
      HttpClient.make((request) =>
        Effect.succeed(
          HttpClientResponse.fromWeb(
            request,
            new Response(JSON.stringify({ data: [{ id: "1" }], paging: { next: "https://graph.facebook.com/x" } }))
          )
        )
      )
    )
    return Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(OwnedAccounts.stream(businessId)))
      expect(error).toMatchObject({ _tag: "GraphPagingError", reason: "MissingCursor", page: 1 })
    }).pipe(Effect.provide(graphLayer({ layer })))
  })
})
