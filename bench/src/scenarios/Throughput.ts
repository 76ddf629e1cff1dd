/**
 * Scenario 1: how fast one business's accounts can be pulled, against the floor (a bare `fetch` loop)
 * and Meta's SDK.
 */
import { OwnedAccounts } from "@effect-waba/waba"
import * as Stream from "effect/Stream"
import {
  bareLoop,
  fields,
  firstPageUrl,
  type OurRuntime,
  ourRuntime,
  type Transport,
  transportLabel,
  transports
} from "../Clients.js"
import { interleave, type Variant } from "../Harness.js"
import { sdkLoop } from "../MetaSdk.js"
import { count, iqr, ms, range, ratio, type Section, us } from "../Report.js"
import { startServer } from "../ServerProcess.js"
import { pairedRatios, summarize } from "../Stats.js"
import type { ScenarioContext } from "./Context.js"

export const run = async (context: ScenarioContext): Promise<Section> => {
  const { accounts, limit } = context.settings.throughput
  const server = await startServer({ businesses: [accounts] })
  const runtimes = new Map<Transport, OurRuntime>()
  try {
    const businessId = server.businessIds[0]!
    const query = { fields: ["id", ...fields].join(","), limit: String(limit) }
    const ours = (transport: Transport): Variant => {
      const runtime = ourRuntime(transport, server)
      runtimes.set(transport, runtime)
      return {
        name: `effect-waba: ${transportLabel[transport]}`,
        expect: accounts,
        run: () => runtime.runPromise(Stream.runCount(OwnedAccounts.stream(businessId, { fields, limit })))
      }
    }
    const bare: Variant = {
      name: "bare fetch + JSON.parse (floor)",
      expect: accounts,
      run: () => bareLoop(server, firstPageUrl(server, businessId, query))
    }
    const sdk: Variant = {
      name: "Meta facebook-nodejs-business-sdk 24.0.1",
      expect: accounts,
      run: () => sdkLoop(server, businessId, fields, limit)
    }
    const variants = [...transports.map(ours), bare, sdk]
    context.log(`throughput: ${accounts} accounts, page size ${limit}, ${variants.length} variants`)
    const samples = await interleave(variants, {
      repetitions: context.settings.repetitions,
      warmup: 1,
      log: context.log,
      serverPid: server.pid
    })

    const floor = samples.find((s) => s.name === bare.name)!.ms
    const pages = Math.ceil(accounts / limit)
    const perPage = (values: ReadonlyArray<number>) =>
      values.length === 0 ? "?" : us((summarize(values).median * 1000) / pages)
    const rows = samples.map((s) => {
      const summary = summarize(s.ms)
      const ratios = summarize(pairedRatios(s.ms, floor))
      return {
        name: s.name,
        summary,
        ratios,
        row: [
          s.name,
          ms(summary.median),
          range(summary, ms),
          iqr(summary, ms),
          count(accounts / (summary.median / 1000)),
          ratio(summary.median / summarize(floor).median),
          range(ratios, ratio),
          perPage(s.clientCpuMs),
          perPage(s.serverCpuMs)
        ]
      }
    })
    const ourRows = rows.slice(0, transports.length)
    const best = ourRows.reduce((a, b) => (b.summary.median < a.summary.median ? b : a))
    const headline = transports[ourRows.indexOf(best)]!
    context.headline = headline
    const sdkRow = rows.find((r) => r.name === sdk.name)!
    const withinFloor = best.summary.median / summarize(floor).median
    return {
      id: "throughput",
      title: "Throughput",
      setup: `One business with ${count(accounts)} accounts, page size ${limit}, the same ${
        fields.length + 1
      } fields for every client (\`id,${
        fields.join(",")
      }\`). Each run streams every account and discards it. effect-waba runs \`OwnedAccounts.stream(...).pipe(Stream.runCount)\` on each of the platform's HTTP clients, with graph-core's defaults (30 s timeout per attempt, retry policy, span per request, in-memory rate governor) and no prefetch. The floor is a \`fetch\` + \`JSON.parse\` loop that follows \`paging.next\` with no validation. Meta's SDK pages with its own \`Cursor\` (\`Business.getOwnedWhatsAppBusinessAccounts\`, axios underneath). ${context.settings.repetitions} runs per variant after one warm-up round, interleaved. CPU columns: this process's user + system time (\`process.cpuUsage\`) and the server process's (\`/proc\`, 10 ms ticks) during the run, per page, medians.`,
      tables: [{
        headers: [
          "variant",
          "median ms",
          "min–max ms",
          "IQR ms",
          "accounts/s",
          "ratio to floor (medians)",
          "ratio per round, min–max",
          "client CPU µs/page",
          "server CPU µs/page"
        ],
        rows: rows.map((r) => r.name === best.name ? [`**${r.row[0]}** (headline)`, ...r.row.slice(1)] : r.row)
      }],
      targets: [
        {
          description: "effect-waba within 1.25× of the bare loop's time",
          met: withinFloor <= 1.25,
          detail: `${ratio(withinFloor)} with ${transportLabel[headline]} (the fastest of ours, used as the headline)`
        },
        {
          description: "effect-waba faster than Meta's SDK",
          met: best.summary.median < sdkRow.summary.median,
          detail: `${ms(best.summary.median)} ms vs ${ms(sdkRow.summary.median)} ms (${
            ratio(sdkRow.summary.median / best.summary.median)
          } faster)`
        }
      ],
      notes: [
        `Headline transport: **${
          transportLabel[headline]
        }**, the lowest median of effect-waba's variants; the other scenarios use it.`
      ],
      raw: samples
    }
  } finally {
    for (const runtime of runtimes.values()) await runtime.dispose()
    await server.stop()
  }
}
