/**
 * Scenario 5: what one request costs us over a bare `fetch`, layer by layer: the Effect platform's
 * `HttpClient`, graph-core (URL and auth, rate governor, timeout, retry wrapper, span, usage headers,
 * Schema decode) and the waba stream. Measured over the loopback socket (what a user sees) and
 * in-process against canned responses (our CPU alone, without the network's noise), for a one-account
 * page and for pages of 100.
 */
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { apiVersion, fields, firstPageUrl, httpLayer, ourRuntime, PageBody, transportLabel } from "../Clients.js"
import { interleave, type Samples, type Variant } from "../Harness.js"
import { iqr, range, type Section, type Table, us } from "../Report.js"
import { startServer } from "../ServerProcess.js"
import { summarize } from "../Stats.js"
import type { ScenarioContext } from "./Context.js"

const route = "/{business-id}/owned_whatsapp_business_accounts"

const decodePage = Schema.decodeUnknown(PageBody)

interface RawPage {
  readonly data: ReadonlyArray<unknown>
  readonly paging?:
    | { readonly next?: string | undefined; readonly cursors?: { readonly after?: string | undefined } | undefined }
    | undefined
}

const afterOf = (link: string | undefined): string | undefined =>
  link === undefined ? undefined : new URL(link).searchParams.get("after") ?? undefined

const perUnit = (samples: ReadonlyArray<Samples>, units: number, names: ReadonlyArray<string>): Table => {
  const floor = summarize(samples[0]!.ms.map((t) => (t * 1000) / units)).median
  return {
    headers: ["variant", "µs (median)", "min–max µs", "IQR µs", "added over the first row, µs", "CPU µs (median)"],
    rows: samples.map((s, i) => {
      const summary = summarize(s.ms.map((t) => (t * 1000) / units))
      const cpu = summarize(s.clientCpuMs.map((t) => (t * 1000) / units))
      return [
        names[i]!,
        us(summary.median),
        range(summary, us),
        iqr(summary, us),
        i === 0 ? "" : `${summary.median >= floor ? "+" : "−"}${us(Math.abs(summary.median - floor))}`,
        us(cpu.median)
      ]
    })
  }
}

const repeat = (times: number, effect: Effect.Effect<unknown, unknown, any>) =>
  Effect.as(Effect.forEach(Array.from({ length: times }), () => effect, { discard: true }), times)

const repeatAsync = async (times: number, run: () => Promise<unknown>): Promise<number> => {
  for (let i = 0; i < times; i++) await run()
  return times
}

export const run = async (context: ScenarioContext): Promise<ReadonlyArray<Section>> => {
  const requests = context.settings.overhead.requests
  const server = await startServer({ businesses: [1000] })
  const transport = context.headline
  const runtime = ourRuntime(transport, server)
  // The platform's client as graph-core uses it: its own span turned off.
  const platform = ManagedRuntime.make(httpLayer(transport))
  const withoutTracing = Effect.map(HttpClient.HttpClient, HttpClient.withTracerDisabledWhen(() => true))
  const runtimes: Array<{ readonly dispose: () => Promise<void> }> = [runtime, platform]
  try {
    const businessId = server.businessIds[0]!
    const headers = { authorization: `Bearer ${server.token}`, accept: "application/json" }
    const query = (limit: number) => ({ fields: ["id", ...fields].join(","), limit: String(limit) })
    const tinyUrl = firstPageUrl(server, businessId, query(1))
    const names = [
      "bare fetch + JSON.parse",
      `@effect/platform HttpClient (${transportLabel[transport]}) + JSON.parse`,
      "graph-core GraphClient.get with a page Schema",
      "waba OwnedAccounts.pages, first page only"
    ]
    const platformGet = (url: string) =>
      Effect.flatMap(withoutTracing, (client) =>
        client.get(url, { headers }).pipe(
          Effect.flatMap((response) => response.text),
          Effect.map((text) => JSON.parse(text) as RawPage)
        ))
    const graphGet = (limit: number, after?: string) =>
      GraphClient.get({
        route,
        params: { "business-id": businessId },
        query: { fields: query(limit).fields, limit, after },
        schema: PageBody,
        usageKey: businessId
      })
    const firstPage = OwnedAccounts.pages(businessId, { fields, limit: 1 }).pipe(Stream.take(1), Stream.runDrain)

    // 1. Over the socket, one account per request.
    const wireVariants: ReadonlyArray<Variant> = [
      {
        name: names[0]!,
        run: () => repeatAsync(requests, async () => JSON.parse(await (await fetch(tinyUrl, { headers })).text()))
      },
      { name: names[1]!, run: () => platform.runPromise(repeat(requests, platformGet(tinyUrl))) },
      { name: names[2]!, run: () => runtime.runPromise(repeat(requests, graphGet(1))) },
      { name: names[3]!, run: () => runtime.runPromise(repeat(requests, firstPage)) }
    ]
    context.log(`overhead: ${requests} sequential one-account requests per run, over the socket`)
    const wireSamples = await interleave(wireVariants, {
      repetitions: context.settings.repetitions,
      warmup: 1,
      log: context.log
    })

    // Canned responses: the emulator's own status, headers and bodies, each wrapped in a fresh web
    // `Response` per request, so that every variant does the same body reading.
    const canned = async (limit: number) => {
      const response = await fetch(firstPageUrl(server, businessId, query(limit)), { headers })
      return { body: await response.text(), headers: [...response.headers.entries()] }
    }
    const tiny = await canned(1)
    const full = await canned(100)
    const pageCount = context.settings.quick ? 100 : 500
    // A chain of `pageCount` pages: the first page's cursor swapped for a page number, `next` dropped on the last.
    const cursor = (JSON.parse(full.body) as RawPage).paging!.cursors!.after!
    const chain = Array.from(
      { length: pageCount },
      (_, n) =>
        n + 1 < pageCount
          ? full.body.replaceAll(cursor, `p${n}`)
          : full.body.replaceAll(cursor, `p${n}`).replace(/,"next":"[^"]*"/, "")
    )
    const respondTiny = () => new Response(tiny.body, { status: 200, headers: tiny.headers })
    const respondPage = (link: string) => {
      const after = afterOf(link)
      const n = after === undefined ? 0 : Number(after.slice(1)) + 1
      return new Response(chain[n], { status: 200, headers: full.headers })
    }
    const cannedRuntime = (respond: (link: string) => Response) => {
      const client = HttpClient.make((request, url) =>
        Effect.sync(() => HttpClientResponse.fromWeb(request, respond(url.href)))
      )
      const made = ManagedRuntime.make(
        GraphClient.layer.pipe(
          Layer.provide(GraphConfig.layer({ accessToken: server.token, baseUrl: server.url, apiVersion })),
          Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, client))
        )
      )
      runtimes.push(made)
      return made
    }

    // 2. In-process, one account per request.
    const tinyRuntime = cannedRuntime(respondTiny)
    const iterations = requests * 10
    const tinyVariants: ReadonlyArray<Variant> = [
      { name: names[0]!, run: () => repeatAsync(iterations, async () => JSON.parse(await respondTiny().text())) },
      { name: names[1]!, run: () => tinyRuntime.runPromise(repeat(iterations, platformGet(tinyUrl))) },
      { name: names[2]!, run: () => tinyRuntime.runPromise(repeat(iterations, graphGet(1))) },
      { name: names[3]!, run: () => tinyRuntime.runPromise(repeat(iterations, firstPage)) }
    ]
    context.log(`overhead: ${iterations} one-account requests per run, canned, no socket`)
    const tinySamples = await interleave(tinyVariants, {
      repetitions: context.settings.repetitions,
      warmup: 1,
      log: context.log
    })

    // 3. In-process, pages of 100 accounts followed to the end, each layer added in turn.
    const pageRuntime = cannedRuntime(respondPage)
    const firstFull = firstPageUrl(server, businessId, query(100))
    const follow = <E, R>(get: (after: string | undefined) => Effect.Effect<RawPage, E, R>) =>
      Stream.paginateEffect(undefined as string | undefined, (after) =>
        Effect.map(get(after), (page) => {
          const next = afterOf(page.paging?.next)
          return [page.data, next === undefined ? Option.none() : Option.some(next)] as const
        })).pipe(Stream.mapConcat((data) => data), Stream.runCount)
    const withAfter = (after: string | undefined) =>
      after === undefined ? firstFull : `${firstFull}&after=${encodeURIComponent(after)}`
    const pageNames = [
      "bare: Response + text + JSON.parse, following next",
      "@effect/platform HttpClient + JSON.parse, as a Stream",
      "… + Schema decode of the page (node schema)",
      "graph-core GraphClient.get, as a Stream",
      "waba OwnedAccounts.stream"
    ]
    const total = pageCount * 100
    const pageVariants: ReadonlyArray<Variant> = [
      {
        name: pageNames[0]!,
        expect: total,
        run: async () => {
          let link: string | undefined = firstFull
          let seen = 0
          while (link !== undefined) {
            const page = JSON.parse(await respondPage(link).text()) as RawPage
            seen += page.data.length
            link = page.paging?.next
          }
          return seen
        }
      },
      {
        name: pageNames[1]!,
        expect: total,
        run: () => pageRuntime.runPromise(follow((after) => platformGet(withAfter(after))))
      },
      {
        name: pageNames[2]!,
        expect: total,
        run: () => pageRuntime.runPromise(follow((after) => Effect.flatMap(platformGet(withAfter(after)), decodePage)))
      },
      {
        name: pageNames[3]!,
        expect: total,
        run: () => pageRuntime.runPromise(follow((after) => Effect.map(graphGet(100, after), (r) => r.body)))
      },
      {
        name: pageNames[4]!,
        expect: total,
        run: () => pageRuntime.runPromise(Stream.runCount(OwnedAccounts.stream(businessId, { fields, limit: 100 })))
      }
    ]
    context.log(`overhead: ${pageCount} pages of 100 accounts per run, canned, no socket`)
    const pageSamples = await interleave(pageVariants, {
      repetitions: context.settings.repetitions,
      warmup: 1,
      log: context.log
    })

    const overheadSection: Section = {
      id: "overhead",
      title: "Overhead per request",
      setup: `Each layer added in turn: a bare \`fetch\` + \`JSON.parse\`; \`@effect/platform\`'s \`HttpClient\` (${
        transportLabel[transport]
      }, its span off as graph-core uses it) + \`JSON.parse\`; graph-core's \`GraphClient.get\` with a page Schema built from the node schema (auth header, rate governor, 30 s timeout per attempt, retry policy, span, usage headers, Schema decode); and waba's \`OwnedAccounts\` (option checks, paging state, the stream). First a page of one account (\`limit=1\`, the throughput fields, ${tiny.body.length} bytes of JSON) over the loopback socket, ${requests} requests per run; then the same in-process against a canned copy of the emulator's response (status, headers, body) in a fresh web \`Response\` per request, ${iterations} per run: our CPU without the network. (The platform row runs on the headline transport, which can be cheaper than \`fetch\`; that row may then come out below the bare one.) Last, pages of 100 accounts (${full.body.length} bytes each), ${pageCount} pages per run followed to the end, in-process: where a page's client time goes. ${context.settings.repetitions} runs per variant after one warm-up round, interleaved. "CPU" is this process's user + system time.`,
      tables: [
        {
          ...perUnit(wireSamples, requests, names),
          caption: "One account per request, over the loopback socket (µs per request):"
        },
        {
          ...perUnit(tinySamples, iterations, names),
          caption: "One account per request, in-process, canned (µs per request):"
        },
        {
          ...perUnit(pageSamples, pageCount, pageNames),
          caption: "Pages of 100 accounts, in-process, canned (µs per page):"
        }
      ],
      targets: [],
      notes: [],
      raw: { wire: wireSamples, tiny: tinySamples, pages: pageSamples }
    }
    return [overheadSection]
  } finally {
    for (const made of runtimes) await made.dispose()
    await server.stop()
  }
}
