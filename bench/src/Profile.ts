/**
 * One variant on its own, for a profiler:
 *
 *   node --cpu-prof --cpu-prof-dir=.results/prof dist/Profile.js ours-fetch 100000 5
 *   valgrind --tool=callgrind node dist/Profile.js bare 20000 1
 *
 * Variants: `ours-<transport>` (fetch, node-http, node-http-keepalive, undici), `bare`, `sdk`. Starts its
 * own emulator process (so the profile holds only the client), runs the variant `runs` times and prints
 * each run's time.
 */
import { OwnedAccounts } from "@effect-waba/waba"
import * as Stream from "effect/Stream"
import { bareLoop, fields, firstPageUrl, ourRuntime, type Transport, transports } from "./Clients.js"
import { timeOnce } from "./Harness.js"
import { sdkLoop } from "./MetaSdk.js"
import { startServer } from "./ServerProcess.js"

const [variant = "ours-fetch", accountsArg = "100000", runsArg = "3"] = process.argv.slice(2)
const accounts = Number(accountsArg)
const runs = Number(runsArg)
const limit = 100
const server = await startServer({ businesses: [accounts] })
const businessId = server.businessIds[0]!
const transport = variant.replace(/^ours-/, "") as Transport
const runtime = variant.startsWith("ours-") && transports.includes(transport)
  ? ourRuntime(transport, server)
  : undefined
const run = (): Promise<number> => {
  if (runtime !== undefined) {
    return runtime.runPromise(Stream.runCount(OwnedAccounts.stream(businessId, { fields, limit })))
  }
  if (variant === "bare") {
    const query = { fields: ["id", ...fields].join(","), limit: String(limit) }
    return bareLoop(server, firstPageUrl(server, businessId, query))
  }
  if (variant === "sdk") return sdkLoop(server, businessId, fields, limit)
  throw new Error(`Unknown variant ${variant}`)
}
for (let i = 0; i < runs; i++) {
  const { clientCpuMs, count, ms, serverCpuMs } = await timeOnce(run, server.pid)
  const pages = count / limit
  const perPage = (total: number | undefined) => (total === undefined ? "?" : ((total * 1000) / pages).toFixed(0))
  console.log(
    `${variant}: ${count} accounts in ${ms.toFixed(0)} ms; per page ${perPage(ms)} µs wall, CPU ${
      perPage(clientCpuMs)
    } µs client + ${perPage(serverCpuMs)} µs server`
  )
}
await runtime?.dispose()
await server.stop()
process.exit(0)
