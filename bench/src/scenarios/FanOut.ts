/**
 * Scenario 4: many small businesses (a partner listing its clients' accounts). With server latency,
 * reading several businesses at once is what makes it fast.
 */
import { OwnedAccounts } from "@effect-waba/waba"
import * as Stream from "effect/Stream"
import { ourRuntime, transportLabel } from "../Clients.js"
import { interleave, type Variant } from "../Harness.js"
import { count, type Section, speedupRows } from "../Report.js"
import { startServer } from "../ServerProcess.js"
import type { ScenarioContext } from "./Context.js"

export const run = async (context: ScenarioContext): Promise<Section> => {
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
