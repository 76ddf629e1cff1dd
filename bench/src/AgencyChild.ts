/**
 * One run of the agency job in a fresh process: every account (owned and shared) of the businesses
 * `0 … businesses-1` (ids and tokens from `AgencyData.ts`), with their phone numbers,
 * each business read with its own token. Either effect-waba (`ManagedAccounts.stream`, a `GraphCredentials`
 * map, expanded phone numbers, batched or not) or Meta's Node SDK the way its docs show (a loop over the
 * businesses: `FacebookAdsApi.init(token)`, both edges, then each account's phone numbers).
 *
 *   node dist/AgencyChild.js '{"client":"ours","url":"…","partnerToken":"…","businesses":200,"concurrency":32,"batch":false}'
 *
 * Prints one line of JSON (`AgencyResult`).
 */
import { GraphClient, GraphConfig, GraphCredentials } from "@effect-waba/graph-core"
import { ManagedAccounts } from "@effect-waba/waba"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
import { accountFields, businessId, phoneFields, tokenOf } from "./AgencyData.js"
import { apiVersion } from "./Clients.js"

export interface AgencyJob {
  readonly client: "ours" | "bare" | "sdk"
  readonly url: string
  /** The partner's own token (the config's): what a batch request is sent with at its top. */
  readonly partnerToken: string
  readonly businesses: number
  readonly concurrency: number
  readonly batch: boolean
}

export interface AgencyResult {
  readonly accounts: number
  readonly phoneNumbers: number
  readonly failures: number
  readonly businessesDone: number
  /** From the start of the read to the first account handed to the consumer. */
  readonly firstAccountMs: number
  readonly ms: number
  readonly maxRssKiB: number
}

const job = JSON.parse(process.argv[2] ?? "{}") as AgencyJob
const ids = Array.from({ length: job.businesses }, (_, i) => businessId(i))

const ours = async (): Promise<Omit<AgencyResult, "maxRssKiB">> => {
  const GraphLive = GraphClient.layer.pipe(
    Layer.provideMerge(GraphCredentials.layer(Object.fromEntries(ids.map((id) => [id, tokenOf(id)])))),
    Layer.provide(GraphConfig.layer({ accessToken: job.partnerToken, baseUrl: job.url, apiVersion })),
    Layer.provide(FetchHttpClient.layer)
  )
  // Built before the clock starts, as a service would have it built before a job.
  const runtime = ManagedRuntime.make(GraphLive)
  await runtime.runtime()
  let accounts = 0
  let phoneNumbers = 0
  let failures = 0
  let businessesDone = 0
  let firstAccountMs = Number.NaN
  const start = performance.now()
  await runtime.runPromise(
    ManagedAccounts.stream(ids, {
      fields: accountFields,
      expand: { phone_numbers: { fields: phoneFields } },
      concurrency: job.concurrency,
      batch: job.batch
    }).pipe(
      Stream.runForEach((result) =>
        Effect.sync(() => {
          if (result._tag === "Account") {
            if (accounts++ === 0) firstAccountMs = performance.now() - start
            phoneNumbers += result.account.phone_numbers.length
          } else if (result._tag === "Failure") failures++
          else businessesDone++
        })
      )
    )
  )
  return { accounts, phoneNumbers, failures, businessesDone, firstAccountMs, ms: performance.now() - start }
}

// What the baseline loops keep: each account counted once, its phone numbers, when the first arrived.
const tally = () => {
  const seen = new Set<string>()
  let accounts = 0
  let phoneNumbers = 0
  let firstAccountMs = Number.NaN
  const start = performance.now()
  return {
    isNew: (id: string) => {
      const fresh = !seen.has(id)
      seen.add(id)
      return fresh
    },
    add: (numbers: number) => {
      if (accounts++ === 0) firstAccountMs = performance.now() - start
      phoneNumbers += numbers
    },
    result: (): Omit<AgencyResult, "maxRssKiB"> => ({
      accounts,
      phoneNumbers,
      failures: 0,
      businessesDone: ids.length,
      firstAccountMs,
      ms: performance.now() - start
    })
  }
}

// The baseline: the same requests as ours unbatched (both edges of each business, phone numbers expanded,
// pages of 100), `concurrency` at a time with plain `fetch` and `JSON.parse`; no paging past the first page
// (none is needed here), no retries, no checks. What the machine and the emulator allow a client at best.
const bare = async (): Promise<Omit<AgencyResult, "maxRssKiB">> => {
  const query = new URLSearchParams({
    fields: [...accountFields, `phone_numbers.limit(100){${phoneFields.join(",")}}`].join(","),
    limit: "100"
  })
  let next = 0
  const counted = tally()
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!
      for (const edge of ["owned", "client"]) {
        const response = await fetch(`${job.url}/${apiVersion}/${id}/${edge}_whatsapp_business_accounts?${query}`, {
          headers: { authorization: `Bearer ${tokenOf(id)}` }
        })
        const page = JSON.parse(await response.text()) as {
          data: Array<{ id: string; phone_numbers?: { data: Array<unknown> } }>
        }
        for (const account of page.data) {
          if (counted.isNew(account.id)) counted.add(account.phone_numbers?.data.length ?? 0)
        }
      }
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, worker))
  return counted.result()
}

const sdk = async (): Promise<Omit<AgencyResult, "maxRssKiB">> => {
  const { Business, FacebookAdsApi, WhatsAppBusinessAccount } = await import("facebook-nodejs-business-sdk")
  // First pages are built from the static `FacebookAdsApi.GRAPH`; point it at the emulator.
  Object.defineProperty(FacebookAdsApi, "GRAPH", { configurable: true, get: () => job.url })
  type Cursor = Awaited<ReturnType<InstanceType<typeof Business>["getOwnedWhatsAppBusinessAccounts"]>>
  const all = async (first: Promise<Cursor> | Cursor) => {
    let cursor = await first
    const items = [...cursor]
    while (cursor.hasNext()) {
      cursor = await cursor.next()
      items.push(...cursor)
    }
    return items
  }
  const counted = tally()
  for (const id of ids) {
    // crash_log = false: otherwise the SDK installs a process-wide handler that reports to Meta.
    FacebookAdsApi.init(tokenOf(id), "en_US", false)
    const business = new Business(id)
    const owned = await all(business.getOwnedWhatsAppBusinessAccounts([...accountFields], { limit: 100 }) as Cursor)
    const shared = await all(business.getClientWhatsAppBusinessAccounts([...accountFields], { limit: 100 }) as Cursor)
    for (const account of [...owned, ...shared]) {
      if (!counted.isNew(account.id)) continue
      const numbers = await all(
        new WhatsAppBusinessAccount(account.id).getPhoneNumbers([...phoneFields], { limit: 100 }) as Cursor
      )
      counted.add(numbers.length)
    }
  }
  return counted.result()
}

const measured = await (job.client === "ours" ? ours() : job.client === "bare" ? bare() : sdk())
const result: AgencyResult = { ...measured, maxRssKiB: process.resourceUsage().maxRSS }
process.stdout.write(`${JSON.stringify(result)}\n`)
// The SDK's axios agent would otherwise hold the process open for a while.
process.exit(0)
