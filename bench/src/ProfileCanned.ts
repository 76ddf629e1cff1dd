/**
 * Our CPU per page without a network, for a profiler: a real page of the emulator's (100 accounts, the
 * throughput fields) is fetched once, then served from memory through a fresh web `Response` each time.
 *
 *   node --cpu-prof dist/ProfileCanned.js get 5000
 *
 * Modes: `parse` (Response + text + JSON.parse: the floor), `decode` (JSON.parse + the page Schema's
 * decode, no client), `platform` (@effect/platform HttpClient + JSON.parse), `get` (GraphClient.get with
 * the page Schema).
 */
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
import { apiVersion, fields, firstPageUrl, PageBody } from "./Clients.js"
import { startServer } from "./ServerProcess.js"

const [mode = "get", timesArg = "2000", limitArg = "100"] = process.argv.slice(2)
const paged = mode === "stream" || mode === "bare-loop"
// Paged modes read 1000 pages per round, whatever `times` says.
const times = paged ? 1000 : Number(timesArg)
const server = await startServer({ businesses: [1000] })
const businessId = server.businessIds[0]!
const url = firstPageUrl(server, businessId, { fields: ["id", ...fields].join(","), limit: limitArg })
const canned = await fetch(url, { headers: { authorization: `Bearer ${server.token}` } })
const body = await canned.text()
const headers = [...canned.headers.entries()]
await server.stop()

const respond = () => new Response(body, { status: 200, headers })
// For paging: the canned page with its cursor swapped for a page number, so a stream can follow it.
const pageCount = 1000
const afterOf = (link: string) => new URL(link).searchParams.get("after")
const original = JSON.parse(body) as { paging: { next: string; cursors: { after: string } } }
const cursor = original.paging.cursors.after
const pageBody = (n: number) =>
  n + 1 >= pageCount
    ? body.replaceAll(cursor, `p${n}`).replace(/,"next":"[^"]*"/, "")
    : body.replaceAll(cursor, `p${n}`)
const bodies = Array.from({ length: pageCount }, (_, n) => pageBody(n))
const respondPaged = (link: string) => {
  const after = afterOf(link)
  const n = after === null ? 0 : Number(after.slice(1)) + 1
  return new Response(bodies[n], { status: 200, headers })
}
const decode = Schema.decodeUnknownSync(PageBody)
const client = HttpClient.make((request, link) =>
  Effect.sync(() => HttpClientResponse.fromWeb(request, mode === "stream" ? respondPaged(link.href) : respond()))
)
const runtime = ManagedRuntime.make(
  GraphClient.layer.pipe(
    Layer.provide(GraphConfig.layer({ accessToken: server.token, baseUrl: server.url, apiVersion })),
    Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, client))
  )
)
const get = GraphClient.get({
  route: "/{business-id}/owned_whatsapp_business_accounts",
  params: { "business-id": businessId },
  query: { fields: ["id", ...fields].join(","), limit: 100 },
  schema: PageBody,
  usageKey: businessId
})
const platform = client.get(url).pipe(Effect.flatMap((r) => r.text), Effect.map((text) => JSON.parse(text) as unknown))
const loop = (effect: Effect.Effect<unknown, unknown, any>) =>
  Effect.forEach(Array.from({ length: times }), () => effect, { discard: true })

const once = async (): Promise<void> => {
  switch (mode) {
    case "parse":
      for (let i = 0; i < times; i++) JSON.parse(await respond().text())
      return
    case "decode":
      for (let i = 0; i < times; i++) decode(JSON.parse(await respond().text()))
      return
    case "platform":
      return runtime.runPromise(loop(platform))
    case "get":
      return runtime.runPromise(loop(get))
    case "bare-loop": {
      let link: string | undefined = url
      while (link !== undefined) {
        const page = JSON.parse(await respondPaged(link).text()) as { paging?: { next?: string } }
        link = page.paging?.next
      }
      return
    }
    case "stream":
      await runtime.runPromise(Stream.runCount(OwnedAccounts.stream(businessId, { fields, limit: 100 })))
      return
  }
  throw new Error(`unknown mode ${mode}`)
}
for (let round = 0; round < 3; round++) {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await once()
  const ms = performance.now() - start
  const { user } = process.cpuUsage(cpu)
  console.log(`${mode}: ${((ms * 1000) / times).toFixed(1)} µs wall, ${(user / times).toFixed(1)} µs user per page`)
}
await runtime.dispose()
process.exit(0)
