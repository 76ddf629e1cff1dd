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

const measureChild = (job: FanOutJob, nodeFlags: ReadonlyArray<string>): Promise<FanOutResult> =>
  new Promise((resolve, reject) => {
    // --expose-gc only for the one full GC after the run that measures what the client retained.
    execFile(
      process.execPath,
      ["--expose-gc", ...nodeFlags, childScript, JSON.stringify(job)],
      { maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error !== null) return reject(new Error(`fan-out child failed: ${stderr}`, { cause: error }))
        resolve(JSON.parse(stdout.trim()) as FanOutResult)
      }
    )
  })

// The targets for the agency job.
const minEfficiency = 0.85
const maxRssRatio = 1.2

/**
 * How the child's V8 heap is sized: Node's defaults (what the targets are judged on), and an old space
 * capped at a few times what the run keeps alive, which a user who cares about the peak can set.
 */
interface HeapSetting {
  readonly label: string
  readonly flags: ReadonlyArray<string>
}
const defaultHeap: HeapSetting = { label: "V8 defaults", flags: [] }
const cappedHeap: HeapSetting = { label: "`--max-old-space-size=96`", flags: ["--max-old-space-size=96"] }

const mib = (kib: number) => (kib / 1024).toFixed(1)

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
  const settings = [defaultHeap, cappedHeap] as const
  const server = await startServer({
    businesses: Array.from({ length: sizes[1] }, () => ({ accounts: 10, clientAccounts: 5 })),
    latencyMs,
    // Graph's budgets per business (200 calls an hour) with usage headers on every answer, so the
    // governor reads them; the app budget raised, since the runs together exceed an hour's 5,000.
    rateLimit: { businessCalls: 200, appCalls: 10_000_000, usageHeadersFrom: 1 }
  })
  try {
    const cell = (heap: HeapSetting, n: number) => `${heap.label} ${n}`
    const results = new Map<string, Array<FanOutResult>>(
      settings.flatMap((heap) => sizes.map((n) => [cell(heap, n), []]))
    )
    context.log(
      `fan-out at scale: ${sizes.join(" and ")} businesses × 2 edges, ${latencyMs} ms, concurrency ${concurrency}`
    )
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? sizes : [...sizes].reverse()
      for (const heap of settings) {
        for (const n of order) {
          const result = await measureChild({
            url: server.url,
            token: server.token,
            businessIds: server.businessIds.slice(0, n),
            concurrency,
            limit,
            transport: context.headline
          }, heap.flags)
          results.get(cell(heap, n))!.push(result)
          context.log(
            `  ${n} businesses, ${heap.label}: ${ms(result.ms)} ms, ${result.requests} requests, peak RSS ${
              mib(result.maxRssKiB)
            } MiB, heap ${mib(result.heapTotalMaxKiB)} MiB at most, ${
              mib(result.heapRetainedKiB ?? Number.NaN)
            } MiB retained, ${result.majorGcs} full GCs, ${result.throttled80008} × 80008`
          )
        }
      }
    }
    const efficiencyOf = (r: FanOutResult) => (r.requests * latencyMs) / concurrency / r.ms
    const median = (list: ReadonlyArray<FanOutResult>, of: (r: FanOutResult) => number) =>
      summarize(list.map(of)).median
    const rows = settings.flatMap((heap) =>
      sizes.map((n) => {
        const list = results.get(cell(heap, n))!
        const time = summarize(list.map((r) => r.ms))
        const rss = summarize(list.map((r) => r.maxRssKiB / 1024))
        return [
          count(n),
          heap.label,
          count(median(list, (r) => r.requests)),
          ms(time.median),
          range(time, ms),
          ms(median(list, (r) => (r.requests * latencyMs) / concurrency)),
          `${(median(list, efficiencyOf) * 100).toFixed(1)}%`,
          rss.median.toFixed(1),
          range(rss, (v) => v.toFixed(1)),
          mib(median(list, (r) => r.heapTotalMaxKiB)),
          mib(median(list, (r) => r.heapRetainedKiB ?? Number.NaN)),
          count(median(list, (r) => r.majorGcs)),
          count(list.reduce((a, r) => a + r.throttled80008, 0)),
          count(median(list, (r) => r.accounts))
        ]
      })
    )
    const large = results.get(cell(defaultHeap, sizes[1]))!
    const efficiency = median(large, efficiencyOf)
    const errors80008 = [...results.values()].flat().reduce((a, r) => a + r.throttled80008, 0)
    const ratioOf = (heap: HeapSetting, of: (r: FanOutResult) => number) =>
      median(results.get(cell(heap, sizes[1]))!, of) / median(results.get(cell(heap, sizes[0]))!, of)
    const rssRatio = ratioOf(defaultHeap, (r) => r.maxRssKiB)
    const retainedRatio = ratioOf(defaultHeap, (r) => r.heapRetainedKiB ?? Number.NaN)
    const heapRatio = ratioOf(defaultHeap, (r) => r.heapTotalMaxKiB)
    const cappedRssRatio = ratioOf(cappedHeap, (r) => r.maxRssKiB)
    const cappedEfficiency = median(results.get(cell(cappedHeap, sizes[1]))!, efficiencyOf)
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
      } streams, built as the merge asks for them, merged by \`Stream.flatMap(..., { concurrency: ${concurrency} })\` on one default \`GraphClient\` (in-memory rate governor on) over ${
        transportLabel[context.headline]
      }. The emulator delays every response by ${latencyMs} ms and rate-limits as Graph does (200 calls an hour per business, usage headers on every answer; the app budget raised so that repeated runs fit). Ideal time = requests × ${latencyMs} ms / ${concurrency}; efficiency = ideal / measured. The same read of the first ${
        sizes[0]
      } businesses is the memory baseline. Each measurement is a fresh Node process: peak RSS from \`process.resourceUsage().maxRSS\`; peak V8 heap = the largest \`heapTotal\` sampled every 100 ms; heap retained = \`heapUsed\` after one full GC once the run is over, the client still alive (its governor state included); full GCs = mark-compacts during the run; requests and 80008 responses from graph-core's own metrics. Targets are judged with V8's default heap settings; the same runs with the old space capped (\`node --max-old-space-size=96\`) show what a user can do about the peak. ${rounds} round(s), sizes alternated.`,
      tables: [{
        headers: [
          "businesses",
          "V8 heap",
          "requests",
          "median ms",
          "min–max ms",
          "ideal ms",
          "efficiency (median)",
          "peak RSS MiB (median)",
          "min–max MiB",
          "peak V8 heap MiB",
          "heap retained after GC, MiB",
          "full GCs",
          "80008 received",
          "accounts read"
        ],
        rows
      }],
      targets: [
        {
          description: `${count(sizes[1])} businesses × both edges: ≥ ${minEfficiency * 100}% of the ideal throughput`,
          met: efficiency >= minEfficiency,
          detail: `${(efficiency * 100).toFixed(1)}% (${ms(median(large, (r) => r.ms))} ms against ${
            ms((median(large, (r) => r.requests) * latencyMs) / concurrency)
          } ms ideal)`
        },
        { description: "0 × 80008", met: errors80008 === 0, detail: `${errors80008} in all runs` },
        {
          description: `peak RSS flat from ${sizes[0]} to ${count(sizes[1])} businesses (within ${maxRssRatio}×)`,
          met: rssRatio <= maxRssRatio,
          detail: `${ratio(rssRatio)} (peak V8 heap ${ratio(heapRatio)}, heap retained after GC ${
            ratio(retainedRatio)
          }; with \`--max-old-space-size=96\` peak RSS ${ratio(cappedRssRatio)} at ${
            (cappedEfficiency * 100).toFixed(1)
          }% efficiency)`
        }
      ],
      notes: [
        `What the run keeps alive hardly grows with the number of businesses (heap retained after GC ${
          ratio(retainedRatio)
        }); the peak follows from V8's heap sizing. With ${concurrency} requests waiting ${latencyMs} ms each, a good part of what a request allocates (fibers, scopes, the response while it is read) outlives a young-generation collection and moves to the old space, which V8 lets grow to a few times the live heap before a full GC: a run of ${
          (median(results.get(cell(defaultHeap, sizes[0]))!, (r) => r.ms) / 1000).toFixed(1)
        } s (${sizes[0]} businesses) ends before it gets there, one of ${
          (median(large, (r) => r.ms) / 1000).toFixed(1)
        } s does not. Capping the old space keeps the peak near the live heap at the cost of more full GCs.`
      ],
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
