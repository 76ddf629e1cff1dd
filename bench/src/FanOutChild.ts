/**
 * One fan-out measurement in a fresh process (the agency job): both edges of every business given, each
 * edge a stream, at most `concurrency` at once, on a default `GraphClient` (rate governor on). Reports
 * the time, the requests sent, the 80008 errors received (retried or not) and the peak RSS.
 *
 *   node dist/FanOutChild.js '{"url":"…","token":"…","businessIds":["…"],"concurrency":32,"limit":25,"transport":"undici"}'
 */
import { GraphMetrics } from "@effect-waba/graph-core"
import { ClientAccounts, OwnedAccounts } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricState from "effect/MetricState"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
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
}

const job = JSON.parse(process.argv[2] ?? "{}") as FanOutJob
const runtime = ourRuntime(job.transport, job)
await runtime.runtime()
const baselineMaxRssKiB = process.resourceUsage().maxRSS

const reads = job.businessIds.flatMap((id) => [
  OwnedAccounts.stream(id, { limit: job.limit }),
  ClientAccounts.stream(id, { limit: job.limit })
])
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

const start = performance.now()
const accounts = await runtime.runPromise(
  Stream.fromIterable(reads).pipe(
    Stream.flatMap((read) => read, { concurrency: job.concurrency }),
    Stream.runCount
  )
)
const ms = performance.now() - start
const maxRssKiB = process.resourceUsage().maxRSS
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
  maxRssKiB
}
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
