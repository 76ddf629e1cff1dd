import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import * as Emulator from "../src/Emulator.js"
import * as Testing from "../src/Testing.js"

/** The in-process transport over a fresh emulator, both in context. */
export const inProcess = Testing.emulated

export interface Got {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: any
}

/** The edge's URL for a business, on Graph's real origin (the in-process client answers any origin). */
export const edgeUrl = (businessId: string, origin = "https://graph.facebook.com", version = "v23.0") =>
  `${origin}/${version}/${businessId}/owned_whatsapp_business_accounts`

/** GET through whatever HttpClient is in context, with the emulator's token as a Bearer header by default. */
export const get = (
  url: string,
  options: {
    readonly query?: Readonly<Record<string, string>> | undefined
    readonly token?: string | null | undefined
  } = {}
) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.get(url).pipe(HttpClientRequest.appendUrlParams(options.query ?? {}))
    const token = options.token === undefined ? emulator.token : options.token
    if (token !== null) request = HttpClientRequest.bearerToken(request, token)
    const response = yield* client.execute(request)
    const body: any = yield* response.json
    const got: Got = { status: response.status, headers: response.headers, body }
    return got
  })

/** Follows `paging.next` from `url` to the end; returns every page body. */
export const allPages = (
  url: string,
  options: { readonly query?: Readonly<Record<string, string>> | undefined; readonly maxPages?: number } = {}
) =>
  Effect.gen(function*() {
    const pages: Array<any> = []
    let first = yield* get(url, { query: options.query })
    pages.push(first.body)
    while (typeof first.body.paging?.next === "string") {
      if (pages.length > (options.maxPages ?? 10_000)) throw new Error("too many pages")
      first = yield* get(first.body.paging.next)
      if (first.status !== 200) throw new Error(`page failed: ${JSON.stringify(first.body)}`)
      pages.push(first.body)
    }
    return pages
  })

/** The ids of every page's `data`, in order. */
export const idsOf = (pages: ReadonlyArray<any>): Array<string> =>
  pages.flatMap((page) => page.data.map((account: { id: string }) => account.id))
