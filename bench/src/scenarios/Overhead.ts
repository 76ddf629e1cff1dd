/**
 * Scenario 5: what one request costs us over a bare `fetch`: the Effect runtime, the platform's
 * `HttpClient`, graph-core (URL and auth, timeout, retry wrapper, span, usage headers, Schema decode) and
 * the waba stream. Measured twice: over the loopback socket (what a user sees), and in-process against a
 * canned response (our CPU alone, without the network's noise).
 */
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { OwnedAccounts, WhatsAppBusinessAccount } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { apiVersion, fields, firstPageUrl, httpLayer, ourRuntime, transportLabel } from "../Clients.js"
import { interleave, type Samples, type Variant } from "../Harness.js"
import { iqr, range, type Section, type Table, us } from "../Report.js"
import { startServer } from "../ServerProcess.js"
import { summarize } from "../Stats.js"
import type { ScenarioContext } from "./Context.js"

const route = "/{business-id}/owned_whatsapp_business_accounts"

// What a caller of GraphClient.get would write for this edge: the node's schema, picked to the fields asked for.
const PageBody = Schema.Struct({
  data: Schema.Array(WhatsAppBusinessAccount.WhatsAppBusinessAccount.pipe(Schema.pick("id", ...fields))),
  paging: Schema.optional(Schema.Struct({
    cursors: Schema.optional(
      Schema.Struct({ before: Schema.optional(Schema.String), after: Schema.optional(Schema.String) })
    ),
    next: Schema.optional(Schema.String)
  }))
})

interface Variants {
  readonly bare: () => Promise<unknown>
  readonly graph: Effect.Effect<unknown, unknown, GraphClient.GraphClient>
  readonly stream: Effect.Effect<unknown, unknown, GraphClient.GraphClient>
}

const perRequest = (samples: ReadonlyArray<Samples>, requests: number, names: ReadonlyArray<string>): Table => {
  const floor = summarize(samples[0]!.ms.map((t) => (t * 1000) / requests)).median
  return {
    headers: ["variant", "µs per request (median)", "min–max µs", "IQR µs", "added over bare fetch, µs"],
    rows: samples.map((s, i) => {
      const summary = summarize(s.ms.map((t) => (t * 1000) / requests))
      return [
        names[i]!,
        us(summary.median),
        range(summary, us),
        iqr(summary, us),
        i === 0 ? "" : `+${us(summary.median - floor)}`
      ]
    })
  }
}

const loop = (times: number, effect: Effect.Effect<unknown, unknown, any>) =>
  Effect.forEach(Array.from({ length: times }), () => effect, { discard: true })

export const run = async (context: ScenarioContext): Promise<Section> => {
  const requests = context.settings.overhead.requests
  const server = await startServer({ businesses: [1000] })
  const transport = context.headline
  const runtime = ourRuntime(transport, server)
  const platform = ManagedRuntime.make(httpLayer(transport))
  try {
    const businessId = server.businessIds[0]!
    const query = { fields: ["id", ...fields].join(","), limit: "1" }
    const url = firstPageUrl(server, businessId, query)
    const headers = { authorization: `Bearer ${server.token}`, accept: "application/json" }
    const variants = (fetchText: () => Promise<string>): Variants => ({
      bare: async () => JSON.parse(await fetchText()),
      graph: GraphClient.get({
        route,
        params: { "business-id": businessId },
        query: { fields: query.fields, limit: 1 },
        schema: PageBody,
        usageKey: businessId
      }),
      stream: OwnedAccounts.pages(businessId, { fields, limit: 1 }).pipe(Stream.take(1), Stream.runDrain)
    })
    const names = [
      "bare fetch + JSON.parse",
      `@effect/platform HttpClient (${transportLabel[transport]}) + JSON.parse`,
      "graph-core GraphClient.get with a page Schema",
      "waba OwnedAccounts.pages, first page only"
    ]

    // Over the socket.
    const platformEffect = Effect.flatMap(HttpClient.HttpClient, (client) =>
      client.get(url, { headers }).pipe(
        Effect.flatMap((response) => response.text),
        Effect.map((text) => JSON.parse(text) as unknown)
      ))
    const wire = variants(async () => (await fetch(url, { headers })).text())
    const wireVariants: ReadonlyArray<Variant> = [
      {
        name: names[0]!,
        run: async () => {
          for (let i = 0; i < requests; i++) await wire.bare()
          return requests
        }
      },
      { name: names[1]!, run: () => platform.runPromise(Effect.as(loop(requests, platformEffect), requests)) },
      { name: names[2]!, run: () => runtime.runPromise(Effect.as(loop(requests, wire.graph), requests)) },
      { name: names[3]!, run: () => runtime.runPromise(Effect.as(loop(requests, wire.stream), requests)) }
    ]
    context.log(`overhead: ${requests} sequential requests of one account per run, over the socket`)
    const wireSamples = await interleave(wireVariants, {
      repetitions: context.settings.repetitions,
      warmup: 1,
      log: context.log
    })

    // In-process: every variant reads the same canned response (status, headers and body as the
    // emulator sent them), through a fresh web `Response` each time.
    const canned = await fetch(url, { headers })
    const cannedBody = await canned.text()
    const cannedHeaders = [...canned.headers.entries()]
    const respond = () => new Response(cannedBody, { status: 200, headers: cannedHeaders })
    const cannedClient = HttpClient.make((request) => Effect.sync(() => HttpClientResponse.fromWeb(request, respond())))
    const cannedHttp = Layer.succeed(HttpClient.HttpClient, cannedClient)
    const cannedRuntime = ManagedRuntime.make(
      GraphClient.layer.pipe(
        Layer.provide(GraphConfig.layer({ accessToken: server.token, baseUrl: server.url, apiVersion })),
        Layer.provideMerge(cannedHttp)
      )
    )
    const inProcess = variants(async () => respond().text())
    const iterations = requests * 10
    const cannedVariants: ReadonlyArray<Variant> = [
      {
        name: names[0]!,
        run: async () => {
          for (let i = 0; i < iterations; i++) await inProcess.bare()
          return iterations
        }
      },
      { name: names[1]!, run: () => cannedRuntime.runPromise(Effect.as(loop(iterations, platformEffect), iterations)) },
      {
        name: names[2]!,
        run: () => cannedRuntime.runPromise(Effect.as(loop(iterations, inProcess.graph), iterations))
      },
      {
        name: names[3]!,
        run: () => cannedRuntime.runPromise(Effect.as(loop(iterations, inProcess.stream), iterations))
      }
    ]
    context.log(`overhead: ${iterations} requests per run against a canned response, no socket`)
    const cannedSamples = await interleave(cannedVariants, {
      repetitions: context.settings.repetitions,
      warmup: 1,
      log: context.log
    })
    await cannedRuntime.dispose()

    return {
      id: "overhead",
      title: "Overhead per request",
      setup:
        `A page of one account (\`limit=1\`, the throughput fields; ${cannedBody.length} bytes of JSON), requested one after another. Four ways, each adding a layer: a bare \`fetch\` + \`JSON.parse\`; \`@effect/platform\`'s \`HttpClient\` (${
          transportLabel[transport]
        }) + \`JSON.parse\`; graph-core's \`GraphClient.get\` with a page Schema built from the node schema (auth header, timeout, retry policy, span, usage headers, Schema decode); and waba's \`OwnedAccounts.pages\` taking the first page (plus option checks, paging state and the stream). First over the loopback socket (${requests} requests per run), then in-process against a canned copy of the emulator's response wrapped in a fresh web \`Response\` per request (${iterations} per run): the second table is our CPU cost without the network. ${context.settings.repetitions} runs per variant after one warm-up round, interleaved.`,
      tables: [
        { ...perRequest(wireSamples, requests, names), caption: "Over the loopback socket:" },
        { ...perRequest(cannedSamples, iterations, names), caption: "In-process, canned response (CPU only):" }
      ],
      targets: [],
      notes: [],
      raw: { wire: wireSamples, canned: cannedSamples }
    }
  } finally {
    await platform.dispose()
    await runtime.dispose()
    await server.stop()
  }
}
