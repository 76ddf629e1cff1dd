/**
 * Canned pages: one real page of the emulator's, served again and again from memory as a chain that a
 * stream can follow to its end, each time in a fresh web `Response` (so every reader does the same body
 * reading). The measurements without a network use it: our CPU alone.
 */
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { apiVersion } from "./Clients.js"

/** A page as the emulator served it. */
export interface CannedPage {
  readonly body: string
  readonly headers: ReadonlyArray<readonly [string, string]>
}

interface RawPage {
  readonly paging?: { readonly cursors?: { readonly after?: string | undefined } | undefined } | undefined
}

/** The `after` cursor of a link, if any. */
export const afterOf = (link: string | undefined): string | undefined =>
  link === undefined ? undefined : new URL(link).searchParams.get("after") ?? undefined

/**
 * `pageCount` copies of a page: the cursor swapped for a page number, `next` dropped on the last, and a
 * responder that answers any link of the chain with its page.
 */
export const chain = (page: CannedPage, pageCount: number) => {
  const cursor = (JSON.parse(page.body) as RawPage).paging?.cursors?.after
  if (cursor === undefined) throw new Error("The canned page has no cursor to follow")
  const bodies = Array.from({ length: pageCount }, (_, n) => {
    const body = page.body.replaceAll(cursor, `p${n}`)
    return n + 1 < pageCount ? body : body.replace(/,"next":"[^"]*"/, "")
  })
  const headers = page.headers.map(([name, value]): [string, string] => [name, value])
  const respond = (link: string): Response => {
    const after = afterOf(link)
    const n = after === undefined ? 0 : Number(after.slice(1)) + 1
    return new Response(bodies[n], { status: 200, headers })
  }
  return { bodies, respond }
}

/** A `GraphClient` as a user builds it, on an `HttpClient` that answers from memory. */
export const cannedRuntime = (
  target: { readonly url: string; readonly token: string },
  respond: (link: string) => Response
) => {
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => HttpClientResponse.fromWeb(request, respond(url.href)))
  )
  const graph = GraphClient.layer.pipe(
    Layer.provide(GraphConfig.layer({ accessToken: target.token, baseUrl: target.url, apiVersion })),
    Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, client))
  )
  return ManagedRuntime.make(graph)
}
