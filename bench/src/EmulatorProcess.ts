/**
 * The emulator server in its own process, so that serving pages does not share an event loop (or a
 * garbage collector) with the client being measured.
 *
 *   node dist/EmulatorProcess.js '{"businesses":[100000],"latencyMs":20}'
 *
 * Prints one line of JSON (`ServerInfo`) once listening, and stays up until it gets SIGTERM/SIGINT or
 * its stdin closes (the parent died), so a crashed benchmark leaves no server behind.
 */
import { startEmulator } from "@effect-waba/emulator/PromiseApi"
import type { ServerInfo, ServerSpec } from "./ServerProcess.js"

const spec = JSON.parse(process.argv[2] ?? "{}") as ServerSpec

const emulator = await startEmulator({
  seed: "effect-waba-bench",
  businesses: spec.businesses,
  // A benchmark pulls far more than Graph's hourly budget would allow, unless the scenario sets budgets.
  rateLimit: spec.rateLimit ?? false,
  // The log is for tests; a short one keeps the server's memory and work per request small.
  requestLogLimit: 16,
  faults: spec.latencyMs !== undefined && spec.latencyMs > 0
    ? [{ kind: "latency", ms: spec.latencyMs, when: { rate: 1 } }]
    : []
})

const info: ServerInfo = {
  url: emulator.url,
  token: emulator.token,
  businessIds: emulator.businessIds,
  pid: process.pid
}
process.stdout.write(`${JSON.stringify(info)}\n`)

let stopping = false
const stop = () => {
  if (stopping) return
  stopping = true
  emulator.stop().then(() => process.exit(0), () => process.exit(1))
}
process.on("SIGTERM", stop)
process.on("SIGINT", stop)
process.stdin.on("end", stop)
process.stdin.resume()
