/**
 * Scenario 2: slow pages and a slow consumer. Sequential paging pays both delays per page; prefetch
 * fetches the next page while the consumer works, so the ideal is twice as fast.
 */
import { OwnedAccounts } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { ourRuntime, transportLabel } from "../Clients.js"
import { interleave, type Variant } from "../Harness.js"
import { count, ms, ratio, type Section, speedupRows } from "../Report.js"
import { startServer } from "../ServerProcess.js"
import { summarize } from "../Stats.js"
import type { ScenarioContext } from "./Context.js"

export const run = async (context: ScenarioContext): Promise<Section> => {
  const { consumerMs, pages, serverMs } = context.settings.latency
  const limit = 100
  const accounts = pages * limit
  const server = await startServer({ businesses: [accounts], latencyMs: serverMs })
  const runtime = ourRuntime(context.headline, server)
  try {
    const businessId = server.businessIds[0]!
    const slowConsumer = (prefetch: boolean | number) =>
      runtime.runPromise(
        OwnedAccounts.pages(businessId, { limit, prefetch }).pipe(
          // Stands for writing the page somewhere: asynchronous work that leaves the event loop free.
          Stream.mapEffect((page) => Effect.as(Effect.sleep(consumerMs), page.accounts.length)),
          Stream.runFold(0, (n, size) => n + size)
        )
      )
    const variants: ReadonlyArray<Variant> = [
      { name: "sequential (no prefetch)", expect: accounts, run: () => slowConsumer(false) },
      { name: "prefetch: true (1 page ahead)", expect: accounts, run: () => slowConsumer(true) },
      { name: "prefetch: 2", expect: accounts, run: () => slowConsumer(2) }
    ]
    context.log(`latency hiding: ${pages} pages, server ${serverMs} ms/page, consumer ${consumerMs} ms/page`)
    const samples = await interleave(variants, {
      repetitions: context.settings.repetitions,
      warmup: 1,
      log: context.log
    })
    const seqMedian = summarize(samples[0]!.ms).median
    const rows = speedupRows(samples, (median) => ms(median / pages))
    const prefetch = summarize(samples[1]!.ms).median
    const speedup = seqMedian / prefetch
    const ideal = (pages * (serverMs + consumerMs)) /
      (pages * Math.max(serverMs, consumerMs) + Math.min(serverMs, consumerMs))
    return {
      id: "latency",
      title: "Latency hiding (prefetch)",
      setup: `One business with ${
        count(accounts)
      } accounts read as ${pages} pages of ${limit}; the emulator delays every response by ${serverMs} ms (latency fault) and the consumer spends ${consumerMs} ms on each page (\`Effect.sleep\`, standing for a database write). \`OwnedAccounts.pages(...)\` on ${
        transportLabel[context.headline]
      }. Ideal times: sequential ≈ ${pages} × (${serverMs} + ${consumerMs}) ms = ${
        pages * (serverMs + consumerMs)
      } ms; with prefetch ≈ ${pages} × ${Math.max(serverMs, consumerMs)} + ${Math.min(serverMs, consumerMs)} ms = ${
        pages * Math.max(serverMs, consumerMs) + Math.min(serverMs, consumerMs)
      } ms, a speed-up of at most ${
        ratio(ideal)
      }. ${context.settings.repetitions} runs per variant after one warm-up round, interleaved.`,
      tables: [{
        headers: [
          "variant",
          "median ms",
          "min–max ms",
          "IQR ms",
          "ms per page",
          "speed-up (medians)",
          "speed-up per round"
        ],
        rows
      }],
      targets: [{
        description: "prefetch at least 1.7× faster than sequential",
        met: speedup >= 1.7,
        detail: `${ratio(speedup)} (ideal ${ratio(ideal)})`
      }],
      notes: [],
      raw: samples
    }
  } finally {
    await runtime.dispose()
    await server.stop()
  }
}
