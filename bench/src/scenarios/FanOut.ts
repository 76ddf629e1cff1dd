/**
 * Scenario 4: many small businesses (a partner listing its clients' accounts). With server latency,
 * reading several businesses at once is what makes it fast.
 */
import { OwnedAccounts } from "@effect-waba/waba"
import * as Stream from "effect/Stream"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { ourRuntime, transportLabel } from "../Clients.js"
import type { FanOutJob, FanOutResult } from "../FanOutChild.js"
import { interleave, type Variant } from "../Harness.js"
import { count, ms, range, ratio, type Section, speedupRows } from "../Report.js"
import { startServer } from "../ServerProcess.js"
import { summarize } from "../Stats.js"
import type { ScenarioContext } from "./Context.js"

const childScript = fileURLToPath(new URL("../FanOutChild.js", import.meta.url))

const measureChild = (job: FanOutJob): Promise<FanOutResult> =>
  new Promise((resolve, reject) => {
    execFile(process.execPath, [childScript, JSON.stringify(job)], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) return reject(new Error(`fan-out child failed: ${stderr}`, { cause: error }))
      resolve(JSON.parse(stdout.trim()) as FanOutResult)
    })
  })

// The targets for the agency job.
const minEfficiency = 0.85
const maxRssRatio = 1.2

/**
 * The agency job at scale: 2,000 businesses × both edges, 100 ms per response, concurrency 32, the
 * governor on, against 200 businesses; every measurement a fresh process.
 */
const agency = async (context: ScenarioContext): Promise<Section> => {
  const latencyMs = 100
  const concurrency = 32
  const limit = 25
  const sizes = [200, 2_000] as const
  const rounds = context.settings.quick ? 1 : 2
  const server = await startServer({
    businesses: Array.from({ length: sizes[1] }, () => ({ accounts: 10, clientAccounts: 5 })),
    latencyMs,
    // Graph's budgets per business (200 calls an hour) with usage headers on every answer, so the
    // governor reads them; the app budget raised, since the runs together exceed an hour's 5,000.
    rateLimit: { businessCalls: 200, appCalls: 10_000_000, usageHeadersFrom: 1 }
  })
  try {
    const results = new Map<number, Array<FanOutResult>>(sizes.map((n) => [n, []]))
    context.log(
      `fan-out at scale: ${sizes.join(" and ")} businesses × 2 edges, ${latencyMs} ms, concurrency ${concurrency}`
    )
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? sizes : [...sizes].reverse()
      for (const n of order) {
        const result = await measureChild({
          url: server.url,
          token: server.token,
          businessIds: server.businessIds.slice(0, n),
          concurrency,
          limit,
          transport: context.headline
        })
        results.get(n)!.push(result)
        context.log(
          `  ${n} businesses: ${ms(result.ms)} ms, ${result.requests} requests, peak RSS ${
            (result.maxRssKiB / 1024).toFixed(1)
          } MiB, ${result.throttled80008} × 80008`
        )
      }
    }
    const efficiencyOf = (r: FanOutResult) => (r.requests * latencyMs) / concurrency / r.ms
    const rows = sizes.map((n) => {
      const list = results.get(n)!
      const time = summarize(list.map((r) => r.ms))
      const efficiency = summarize(list.map(efficiencyOf))
      const rss = summarize(list.map((r) => r.maxRssKiB / 1024))
      return [
        count(n),
        count(summarize(list.map((r) => r.requests)).median),
        ms(time.median),
        range(time, ms),
        ms(summarize(list.map((r) => (r.requests * latencyMs) / concurrency)).median),
        `${(efficiency.median * 100).toFixed(1)}%`,
        rss.median.toFixed(1),
        range(rss, (v) => v.toFixed(1)),
        count(list.reduce((a, r) => a + r.throttled80008, 0)),
        count(summarize(list.map((r) => r.accounts)).median)
      ]
    })
    const large = results.get(sizes[1])!
    const small = results.get(sizes[0])!
    const efficiency = summarize(large.map(efficiencyOf)).median
    const errors80008 = [...large, ...small].reduce((a, r) => a + r.throttled80008, 0)
    const rssRatio = summarize(large.map((r) => r.maxRssKiB)).median / summarize(small.map((r) => r.maxRssKiB)).median
    const expectedRequests = sizes[1] * 2
    return {
      id: "fanout-scale",
      title: "Fan-out at scale (the agency job)",
      setup: `${
        count(sizes[1])
      } businesses, each owning 10 accounts and with 5 shared with it; both edges of each (\`OwnedAccounts.stream\` and \`ClientAccounts.stream\`, page size ${limit}: one request per edge, ${
        count(expectedRequests)
      } requests in all) as ${
        count(expectedRequests)
      } streams merged by \`Stream.flatMap(..., { concurrency: ${concurrency} })\` on one default \`GraphClient\` (in-memory rate governor on) over ${
        transportLabel[context.headline]
      }. The emulator delays every response by ${latencyMs} ms and rate-limits as Graph does (200 calls an hour per business, usage headers on every answer; the app budget raised so that repeated runs fit). Ideal time = requests × ${latencyMs} ms / ${concurrency}; efficiency = ideal / measured. The same read of the first ${
        sizes[0]
      } businesses is the memory baseline. Each measurement is a fresh Node process (peak RSS from \`process.resourceUsage().maxRSS\`; requests and 80008 responses from graph-core's own metrics); ${rounds} round(s), sizes alternated.`,
      tables: [{
        headers: [
          "businesses",
          "requests",
          "median ms",
          "min–max ms",
          "ideal ms",
          "efficiency (median)",
          "peak RSS MiB (median)",
          "min–max MiB",
          "80008 received",
          "accounts read"
        ],
        rows
      }],
      targets: [
        {
          description: `${count(sizes[1])} businesses × both edges: ≥ ${minEfficiency * 100}% of the ideal throughput`,
          met: efficiency >= minEfficiency,
          detail: `${(efficiency * 100).toFixed(1)}% (${ms(summarize(large.map((r) => r.ms)).median)} ms against ${
            ms((summarize(large.map((r) => r.requests)).median * latencyMs) / concurrency)
          } ms ideal)`
        },
        { description: "0 × 80008", met: errors80008 === 0, detail: `${errors80008} in all runs` },
        {
          description: `peak RSS flat from ${sizes[0]} to ${count(sizes[1])} businesses (within ${maxRssRatio}×)`,
          met: rssRatio <= maxRssRatio,
          detail: ratio(rssRatio)
        }
      ],
      notes: [],
      raw: Object.fromEntries(results)
    }
  } finally {
    await server.stop()
  }
}

export const run = async (context: ScenarioContext): Promise<ReadonlyArray<Section>> => [
  await concurrent(context),
  await agency(context)
]

const concurrent = async (context: ScenarioContext): Promise<Section> => {
  const { accounts, businesses, concurrency, limit, serverMs } = context.settings.fanout
  const server = await startServer({
    businesses: Array.from({ length: businesses }, () => accounts),
    latencyMs: serverMs
  })
  const runtime = ourRuntime(context.headline, server)
  try {
    const total = businesses * accounts
    const pagesPerBusiness = Math.ceil(accounts / limit)
    const variants: ReadonlyArray<Variant> = concurrency.map((n) => ({
      name: n === 1 ? "one business after another" : `concurrency ${n}`,
      expect: total,
      run: () =>
        runtime.runPromise(
          Stream.fromIterable(server.businessIds).pipe(
            Stream.flatMap((id) => OwnedAccounts.stream(id, { limit }), { concurrency: n }),
            Stream.runCount
          )
        )
    }))
    context.log(`fan-out: ${businesses} businesses x ${accounts} accounts, server ${serverMs} ms/page`)
    const samples = await interleave(variants, {
      repetitions: context.settings.repetitions,
      warmup: 1,
      log: context.log
    })
    const rows = speedupRows(samples, (median) => count(total / (median / 1000)))
    const requests = businesses * pagesPerBusiness
    return {
      id: "fanout",
      title: "Fan-out over many businesses",
      setup:
        `${businesses} businesses × ${accounts} accounts, page size ${limit} (${pagesPerBusiness} pages each, ${requests} requests in all); the emulator delays every response by ${serverMs} ms. \`Stream.fromIterable(ids).pipe(Stream.flatMap((id) => OwnedAccounts.stream(id, { limit }), { concurrency }), Stream.runCount)\` on ${
          transportLabel[context.headline]
        }. One after another, the floor is ${requests} × ${serverMs} ms = ${
          requests * serverMs
        } ms of latency alone. ${context.settings.repetitions} runs per variant after one warm-up round, interleaved.`,
      tables: [{
        headers: [
          "variant",
          "median ms",
          "min–max ms",
          "IQR ms",
          "accounts/s",
          "speed-up (medians)",
          "speed-up per round"
        ],
        rows
      }],
      targets: [],
      notes: [],
      raw: samples
    }
  } finally {
    await runtime.dispose()
    await server.stop()
  }
}
