/**
 * Scenario 3: peak memory while streaming 10× more accounts. A stream that holds only the page in hand
 * keeps the same peak whatever the total.
 */
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { transportLabel } from "../Clients.js"
import type { MemoryJob, MemoryResult } from "../MemoryChild.js"
import { count, ms, range, ratio, type Section } from "../Report.js"
import { startServer } from "../ServerProcess.js"
import { summarize } from "../Stats.js"
import type { ScenarioContext } from "./Context.js"

const script = fileURLToPath(new URL("../MemoryChild.js", import.meta.url))

const measure = (job: MemoryJob): Promise<MemoryResult> =>
  new Promise((resolve, reject) => {
    // --expose-gc only for the final GC that measures what the run retained; nothing is forced before.
    execFile(
      process.execPath,
      ["--expose-gc", script, JSON.stringify(job)],
      { maxBuffer: 1 << 20 },
      (error, stdout) => {
        if (error !== null) return reject(error)
        const result = JSON.parse(stdout.trim()) as MemoryResult
        if (result.count !== job.accounts) {
          return reject(new Error(`${job.client} streamed ${result.count} accounts, expected ${job.accounts}`))
        }
        resolve(result)
      }
    )
  })

const mib = (kib: number) => (kib / 1024).toFixed(1)

export const run = async (context: ScenarioContext): Promise<Section> => {
  const [small, large] = context.settings.memory.sizes
  const repetitions = context.settings.memory.repetitions
  const server = await startServer({ businesses: [small, large] })
  try {
    const clients: ReadonlyArray<"effect-waba" | "bare"> = context.settings.memory.bare
      ? ["effect-waba", "bare"]
      : ["effect-waba"]
    const results = new Map<string, Array<MemoryResult>>()
    const key = (client: string, size: number) => `${client}/${size}`
    context.log(`memory: ${small} vs ${large} accounts, ${repetitions} fresh process(es) each`)
    for (let round = 0; round < repetitions; round++) {
      // Alternate sizes and clients, and swap the order every round.
      const jobs = clients.flatMap((client) => [small, large].map((size) => ({ client, size })))
      if (round % 2 === 1) jobs.reverse()
      for (const { client, size } of jobs) {
        const result = await measure({
          url: server.url,
          token: server.token,
          businessId: server.businessIds[size === small ? 0 : 1]!,
          accounts: size,
          client,
          transport: context.headline
        })
        const list = results.get(key(client, size)) ?? []
        list.push(result)
        results.set(key(client, size), list)
        context.log(`  ${client} ${size}: peak RSS ${mib(result.maxRssKiB)} MiB in ${ms(result.ms)} ms`)
      }
    }
    const rows: Array<Array<string>> = []
    const ratios: Record<string, number> = {}
    for (const client of clients) {
      const peaks = [small, large].map((size) => summarize(results.get(key(client, size))!.map((r) => r.maxRssKiB)))
      for (const [i, size] of [small, large].entries()) {
        const list = results.get(key(client, size))!
        const peak = peaks[i]!
        const baseline = summarize(list.map((r) => r.baselineMaxRssKiB))
        const time = summarize(list.map((r) => r.ms))
        const retained = summarize(list.map((r) => r.heapRetainedKiB ?? Number.NaN))
        rows.push([
          client === "effect-waba" ? `effect-waba (${transportLabel[context.headline]})` : "bare fetch + JSON.parse",
          count(size),
          mib(peak.median),
          range(peak, mib),
          mib(baseline.median),
          mib(retained.median),
          ms(time.median),
          i === 0 ? "" : ratio(peak.median / peaks[0]!.median)
        ])
      }
      ratios[client] = peaks[1]!.median / peaks[0]!.median
    }
    const ours = ratios["effect-waba"]!
    return {
      id: "memory",
      title: "Memory: peak RSS against the total",
      setup: `Two businesses on one server, with ${count(small)} and ${
        count(large)
      } accounts. Each measurement is a fresh Node process that builds the client, notes its peak RSS so far (the baseline: modules and client), streams every account at 100 per page with the throughput fields, discards them, and reports \`process.resourceUsage().maxRSS\`, then runs one full GC and reports the heap still in use (what the run retained: flat means nothing accumulates). Default V8 heap settings, no forced GC during the run. ${repetitions} process(es) per cell, sizes and clients alternated.${
        clients.includes("bare")
          ? ""
          : " The bare loop is left out of the full run: at 10,000,000 accounts it would add minutes to a run kept under 15 (`BENCH_QUICK=1` measures it at small sizes)."
      }`,
      tables: [{
        headers: [
          "client",
          "accounts",
          "peak RSS MiB (median)",
          "min–max MiB",
          "baseline MiB",
          "heap retained after GC, MiB",
          "time ms",
          "peak ratio large/small"
        ],
        rows
      }],
      targets: [{
        description: `peak RSS at ${count(large)} within 1.2× of that at ${count(small)}`,
        met: ours <= 1.2,
        detail: `${ratio(ours)}${ratios["bare"] === undefined ? "" : ` (bare loop: ${ratio(ratios["bare"])})`}`
      }],
      notes: [],
      raw: Object.fromEntries(results)
    }
  } finally {
    await server.stop()
  }
}
