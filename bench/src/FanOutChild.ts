/**
 * One fan-out measurement in a fresh process (the agency job): both edges of every business given, each
 * edge a stream, at most `concurrency` at once, on a default `GraphClient` (rate governor on). Reports
 * the time, the requests sent, the 80008 errors received (retried or not), the peak RSS, how the V8 heap
 * moved during the run (sampled) and, with `--expose-gc`, the heap still in use after one full GC at the
 * end (what the client retained, the runtime still alive).
 *
 *   node --expose-gc dist/FanOutChild.js '{"url":"…","token":"…","businessIds":["…"],"concurrency":32,"limit":25,"transport":"undici"}'
 */
import { GraphMetrics } from "@effect-waba/graph-core"
import { ClientAccounts, OwnedAccounts } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricState from "effect/MetricState"
import * as Stream from "effect/Stream"
import { constants, performance, PerformanceObserver } from "node:perf_hooks"
import { ourRuntime, type Transport } from "./Clients.js"

export interface FanOutJob {
  readonly url: string
  readonly token: string
  readonly businessIds: ReadonlyArray<string>
  readonly concurrency: number
  readonly limit: number
  readonly transport: Transport
}

export interface FanOutResult {
  readonly accounts: number
  readonly ms: number
  readonly requests: number
  /** Throttling responses with code 80008 (business use case limit), as graph-core counted them. */
  readonly throttled80008: number
  /** Throttling responses of any code. */
  readonly throttled: number
  readonly baselineMaxRssKiB: number
  readonly maxRssKiB: number
  /** The largest `heapTotal` (what V8 had reserved for the JS heap) sampled during the run, KiB. */
  readonly heapTotalMaxKiB: number
  /** The largest `heapUsed` sampled during the run (live objects and garbage not yet collected), KiB. */
  readonly heapUsedMaxKiB: number
  /** The largest `external` (memory of C++ objects bound to JS ones, sockets' buffers included), KiB. */
  readonly externalMaxKiB: number
  /** Full (mark-compact) collections during the run. */
  readonly majorGcs: number
  /** Heap still in use after a full GC at the end, the client still alive, KiB; needs `--expose-gc`. */
  readonly heapRetainedKiB: number | undefined
}

const job = JSON.parse(process.argv[2] ?? "{}") as FanOutJob
const runtime = ourRuntime(job.transport, job)
await runtime.runtime()
const baselineMaxRssKiB = process.resourceUsage().maxRSS

// Each business's two streams are built when the merge asks for them, as a job over a list of ids would
// do: 4,000 stream values built up front and kept to the end would be memory of the bench's own.
const reads = Stream.fromIterable(job.businessIds).pipe(
  Stream.flatMap((id) =>
    Stream.make(OwnedAccounts.stream(id, { limit: job.limit }), ClientAccounts.stream(id, { limit: job.limit }))
  )
)
// `GraphMetrics.rateLimitedResponses`, by name: a metric's key is not part of its public type.
const rateLimitedName = "effect_waba_graph_rate_limited_responses_total"
const throttledByCode = Effect.map(Metric.snapshot, (pairs) => {
  const byCode = new Map<string, number>()
  for (const pair of pairs) {
    if (
      pair.metricKey.name === rateLimitedName && MetricState.isCounterState(pair.metricState)
    ) {
      const code = pair.metricKey.tags.find((tag) => tag.key === "code")?.value ?? "?"
      byCode.set(code, (byCode.get(code) ?? 0) + Number(pair.metricState.count))
    }
  }
  return byCode
})

const kib = (bytes: number) => Math.round(bytes / 1024)
let heapTotalMax = 0
let heapUsedMax = 0
let externalMax = 0
const sample = () => {
  const usage = process.memoryUsage()
  heapTotalMax = Math.max(heapTotalMax, usage.heapTotal)
  heapUsedMax = Math.max(heapUsedMax, usage.heapUsed)
  externalMax = Math.max(externalMax, usage.external)
}
let majorGcs = 0
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const detail = (entry as { readonly detail?: { readonly kind?: number } }).detail
    if (detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++
  }
})
gcObserver.observe({ entryTypes: ["gc"] })
const sampler = setInterval(sample, 100)

const start = performance.now()
const accounts = await runtime.runPromise(
  reads.pipe(
    Stream.flatMap((read) => read, { concurrency: job.concurrency }),
    Stream.runCount
  )
)
const ms = performance.now() - start
const maxRssKiB = process.resourceUsage().maxRSS
clearInterval(sampler)
sample()
// Entries are delivered asynchronously: let the last ones in before counting.
await new Promise((resolve) => setImmediate(resolve))
gcObserver.disconnect()
const gc = (globalThis as { gc?: () => void }).gc
gc?.()
const heapRetainedKiB = gc === undefined ? undefined : kib(process.memoryUsage().heapUsed)
const requests = await runtime.runPromise(GraphMetrics.requestsSent)
const byCode = await runtime.runPromise(throttledByCode)
await runtime.dispose()
const result: FanOutResult = {
  accounts,
  ms,
  requests,
  throttled80008: byCode.get("80008") ?? 0,
  throttled: [...byCode.values()].reduce((a, b) => a + b, 0),
  baselineMaxRssKiB,
  maxRssKiB,
  heapTotalMaxKiB: kib(heapTotalMax),
  heapUsedMaxKiB: kib(heapUsedMax),
  externalMaxKiB: kib(externalMax),
  majorGcs,
  heapRetainedKiB
}
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
