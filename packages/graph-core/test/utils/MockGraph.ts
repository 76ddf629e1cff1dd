import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/** What the mock server answers to one request. */
export type Reply =
  | { readonly status?: number; readonly body: unknown; readonly headers?: Record<string, string> }
  | { readonly raw: string; readonly status?: number; readonly headers?: Record<string, string> }
  | {
    readonly stream: () => ReadableStream<Uint8Array>
    readonly status?: number
    readonly headers?: Record<string, string>
  }
  | { readonly network: string }
  | { readonly hang: true }

export interface Seen {
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly method: string
  readonly hasBody: boolean
}

/**
 * A hand-written Graph server behind `HttpClient.make`: each request is recorded, then answered by
 * `reply(seen, index)`.
 */
export const mockHttpClient = (reply: (seen: Seen, index: number) => Reply) => {
  const seen: Array<Seen> = []
  // Hung requests that were given up on (interrupted), e.g. by a timeout.
  const abandoned = { count: 0 }
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const entry: Seen = {
        url: new URL(url.toString()),
        headers: { ...request.headers },
        method: request.method,
        hasBody: request.body._tag !== "Empty"
      }
      seen.push(entry)
      const answer = reply(entry, seen.length - 1)
      if ("hang" in answer) return Effect.onInterrupt(Effect.never, () => Effect.sync(() => abandoned.count++))
      if ("network" in answer) {
        return Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error(answer.network) })
        )
      }
      const body = "stream" in answer ? answer.stream() : "raw" in answer ? answer.raw : JSON.stringify(answer.body)
      return Effect.succeed(
        HttpClientResponse.fromWeb(
          request,
          new Response(body, {
            status: answer.status ?? 200,
            headers: { "content-type": "application/json", ...answer.headers }
          })
        )
      )
    })
  )
  return { seen, abandoned, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

export const TOKEN = "EAAGtestTOKENvalue1234567890abcdef"
export const SECRET = "app-secret-0123456789abcdef"

export const clientLayer = (
  reply: (seen: Seen, index: number) => Reply,
  options: Partial<GraphConfig.Options> = {},
  clientOptions: GraphClient.Options = {}
) => {
  const mock = mockHttpClient(reply)
  const layer = GraphClient.layerWith(clientOptions).pipe(
    Layer.provide(GraphConfig.layer({ accessToken: TOKEN, ...options })),
    Layer.provide(mock.layer)
  )
  return { seen: mock.seen, abandoned: mock.abandoned, layer }
}

export const graphError = (
  error: Record<string, unknown>,
  status = 400,
  headers: Record<string, string> = {}
): Reply => ({ status, body: { error }, headers })

export const page = (ids: ReadonlyArray<string>): Reply => ({
  body: { data: ids.map((id) => ({ id })), paging: { cursors: { before: "b", after: "a" } } }
})
