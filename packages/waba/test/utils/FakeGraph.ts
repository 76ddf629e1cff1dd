import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

export const TOKEN = "EAAGwabaTestToken0123456789"
export const SECRET = "waba-app-secret-0123456789"

export interface Seen {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
}

export interface FakeOptions {
  /** Raw account objects, served in order. */
  readonly accounts: ReadonlyArray<Record<string, unknown>>
  /** Page size when the request has no `limit`. */
  readonly defaultLimit?: number
  /** Request indexes (0-based) answered with an empty `data` but a `next` link, before the real page. */
  readonly emptyPagesAt?: ReadonlySet<number>
  /** Request indexes answered with a Graph error instead. */
  readonly failAt?: ReadonlyMap<number, { readonly status: number; readonly error: Record<string, unknown> }>
}

/**
 * A small hand-written Graph server for the owned-accounts edge: cursor = offset, `next` only while
 * accounts remain, `cursors.after` present even on the last page.
 */
export const fakeGraph = (options: FakeOptions) => {
  const seen: Array<Seen> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const index = seen.length
      seen.push({ url: new URL(url.toString()), headers: { ...request.headers } })
      const respond = (status: number, body: unknown) =>
        HttpClientResponse.fromWeb(
          request,
          new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })
        )
      const failure = options.failAt?.get(index)
      if (failure !== undefined) return respond(failure.status, { error: failure.error })
      const limit = Number(url.searchParams.get("limit") ?? options.defaultLimit ?? 25)
      const after = url.searchParams.get("after")
      // An empty page's cursor names the same offset under a new cursor, as Graph's do.
      const offset = after === null ? 0 : Number(Buffer.from(after, "base64url").toString().split(":")[0])
      const cursor = (n: number, tag?: number) =>
        Buffer.from(tag === undefined ? String(n) : `${n}:${tag}`).toString("base64url")
      const nextUrl = (n: number) => {
        const next = new URL(url.toString())
        next.searchParams.set("after", cursor(n))
        next.searchParams.delete("appsecret_proof")
        return next.toString()
      }
      if (options.emptyPagesAt?.has(index)) {
        const next = new URL(url.toString())
        next.searchParams.set("after", cursor(offset, index))
        next.searchParams.delete("appsecret_proof")
        return respond(200, {
          data: [],
          paging: { cursors: { before: cursor(offset, index), after: cursor(offset, index) }, next: next.toString() }
        })
      }
      const slice = options.accounts.slice(offset, offset + limit)
      const end = offset + slice.length
      return respond(200, {
        data: slice,
        paging: {
          cursors: { before: cursor(offset), after: cursor(end) },
          ...(end < options.accounts.length ? { next: nextUrl(end) } : {})
        }
      })
    })
  )
  return { seen, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

export const graphLayer = (
  fake: { readonly layer: Layer.Layer<HttpClient.HttpClient> },
  config: Partial<GraphConfig.Options> = {}
) =>
  GraphClient.layer.pipe(
    Layer.provide(GraphConfig.layer({ accessToken: TOKEN, retry: false, ...config })),
    Layer.provide(fake.layer)
  )

export const makeAccounts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: String(100000 + i),
    name: `Account ${i}`,
    currency: "USD",
    timezone_id: "1",
    message_template_namespace: `ns_${i}`,
    creation_time: 1_600_000_000 + i * 3600
  }))
