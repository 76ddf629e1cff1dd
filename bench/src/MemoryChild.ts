/**
 * One memory measurement in a fresh process: stream every account of a business, discard each, and
 * report the process's peak resident set size. A fresh process per measurement, because a process's
 * peak only ever grows and V8 rarely hands memory back.
 *
 *   node dist/MemoryChild.js '{"url":"…","token":"…","businessId":"…","accounts":100000,"client":"effect-waba","transport":"fetch"}'
 */
import { OwnedAccounts } from "@effect-waba/waba"
import * as Stream from "effect/Stream"
import { performance } from "node:perf_hooks"
import { bareLoop, fields, firstPageUrl, ourRuntime, type Transport } from "./Clients.js"

export interface MemoryJob {
  readonly url: string
  readonly token: string
  readonly businessId: string
  readonly accounts: number
  readonly client: "effect-waba" | "bare"
  readonly transport: Transport
}

export interface MemoryResult {
  readonly count: number
  readonly ms: number
  /** Peak RSS before the first request (modules loaded, client built), KiB. */
  readonly baselineMaxRssKiB: number
  /** Peak RSS over the whole process, KiB. */
  readonly maxRssKiB: number
  readonly heapUsedEndKiB: number
  /** Heap still in use after a full GC at the end (what the run retained), KiB; needs `--expose-gc`. */
  readonly heapRetainedKiB: number | undefined
}

const job = JSON.parse(process.argv[2] ?? "{}") as MemoryJob
const limit = 100
const target = { url: job.url, token: job.token }
const runtime = job.client === "effect-waba" ? ourRuntime(job.transport, target) : undefined
// Builds the client before the baseline is taken, so the baseline holds everything but the stream.
if (runtime !== undefined) await runtime.runtime()
const baselineMaxRssKiB = process.resourceUsage().maxRSS
const start = performance.now()
const count = runtime !== undefined
  ? await runtime.runPromise(Stream.runCount(OwnedAccounts.stream(job.businessId, { fields, limit })))
  : await bareLoop(
    target,
    firstPageUrl(target, job.businessId, { fields: ["id", ...fields].join(","), limit: String(limit) })
  )
const ms = performance.now() - start
const maxRssKiB = process.resourceUsage().maxRSS
const heapUsedEndKiB = Math.round(process.memoryUsage().heapUsed / 1024)
const gc = (globalThis as { gc?: () => void }).gc
gc?.()
const result: MemoryResult = {
  count,
  ms,
  baselineMaxRssKiB,
  maxRssKiB,
  heapUsedEndKiB,
  heapRetainedKiB: gc === undefined ? undefined : Math.round(process.memoryUsage().heapUsed / 1024)
}
process.stdout.write(`${JSON.stringify(result)}\n`)
process.exit(0)
