/**
 * The clients under test, all pointed at the same emulator: effect-waba on each of the platform's HTTP
 * clients, a bare `fetch` loop (the floor), and Meta's Node business SDK.
 */
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { WhatsAppBusinessAccount } from "@effect-waba/waba"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"

/** Where a client reads from. */
export interface Target {
  readonly url: string
  readonly token: string
}

/** The Graph version every client asks for (graph-core's default). */
export const apiVersion = GraphConfig.defaultApiVersion

/**
 * The fields every throughput variant asks for: what a sync job typically stores. Asking for the same
 * list everywhere means every client receives the same bytes.
 */
export const fields = [
  "name",
  "currency",
  "timezone_id",
  "message_template_namespace",
  "account_review_status",
  "business_verification_status",
  "country",
  "creation_time",
  "ownership_type",
  "status"
] as const

/**
 * Graph's default fields for the owned edge (what a read without `fields` returns), minus `id`, which
 * every client asks for anyway: the narrow field set of the throughput scenario. Small pages weigh the
 * fixed cost per page more.
 */
export const defaultFields = WhatsAppBusinessAccount.defaultFields.filter(
  (field): field is Exclude<WhatsAppBusinessAccount.DefaultField, "id"> => field !== "id"
)

/** The HTTP clients effect-waba can run on. */
export type Transport = "fetch" | "node-http" | "node-http-keepalive" | "undici"

export const transports: ReadonlyArray<Transport> = ["fetch", "node-http", "node-http-keepalive", "undici"]

export const transportLabel: Record<Transport, string> = {
  fetch: "FetchHttpClient (global fetch)",
  "node-http": "NodeHttpClient.layer (node:http, default agent)",
  "node-http-keepalive": "NodeHttpClient + keep-alive agent",
  undici: "NodeHttpClient.layerUndici (undici 7)"
}

export const httpLayer = (transport: Transport): Layer.Layer<HttpClient.HttpClient> => {
  switch (transport) {
    case "fetch":
      return FetchHttpClient.layer
    case "node-http":
      return NodeHttpClient.layer
    case "node-http-keepalive":
      return NodeHttpClient.layerWithoutAgent.pipe(Layer.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true })))
    case "undici":
      return NodeHttpClient.layerUndici
  }
}

/**
 * A `GraphClient` as a user would build it (default timeout and retry policy), kept alive across a
 * variant's repetitions so that connection pools are reused as they would be in a long-lived service.
 */
export const ourRuntime = (transport: Transport, target: Target) =>
  ManagedRuntime.make(
    GraphClient.layer.pipe(
      Layer.provide(GraphConfig.layer({ accessToken: target.token, baseUrl: target.url, apiVersion })),
      Layer.provide(httpLayer(transport))
    )
  )

export type OurRuntime = ReturnType<typeof ourRuntime>

/** The first page's URL, with the query every client sends. */
export const firstPageUrl = (
  target: Target,
  businessId: string,
  query: Readonly<Record<string, string>>
): string =>
  `${target.url}/${apiVersion}/${businessId}/owned_whatsapp_business_accounts?${new URLSearchParams(query).toString()}`

interface BarePage {
  readonly data: ReadonlyArray<unknown>
  readonly paging?: { readonly next?: string }
}

/**
 * The floor: `fetch`, `JSON.parse`, follow `paging.next` verbatim. No validation, no retries, no
 * timeouts, no tracing; `onPage` sees each page's accounts.
 */
export const bareLoop = async (
  target: Target,
  firstUrl: string,
  onPage?: (accounts: ReadonlyArray<unknown>) => void | Promise<void>
): Promise<number> => {
  const headers = { authorization: `Bearer ${target.token}`, accept: "application/json" }
  let url: string | undefined = firstUrl
  let count = 0
  while (url !== undefined) {
    const response = await fetch(url, { headers })
    const body = JSON.parse(await response.text()) as BarePage
    count += body.data.length
    if (onPage !== undefined) await onPage(body.data)
    url = body.paging?.next
  }
  return count
}

/**
 * What a caller of `GraphClient.get` would write for this edge: the node's schema, picked to the
 * fields asked for.
 */
export const PageBody = Schema.Struct({
  data: Schema.Array(WhatsAppBusinessAccount.WhatsAppBusinessAccount.pipe(Schema.pick("id", ...fields))),
  paging: Schema.optional(Schema.Struct({
    cursors: Schema.optional(Schema.Struct({
      before: Schema.optional(Schema.String),
      after: Schema.optional(Schema.String)
    })),
    next: Schema.optional(Schema.String)
  }))
})
