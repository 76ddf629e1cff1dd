/**
 * What the rate governor costs per request when no budget is near, in-process and without a network:
 *
 *   node bench/dist/GovernorCost.js [requests]
 *
 * Two families of rows, each printed as µs per request (median of several rounds, wall and user CPU):
 * - the governor alone: `acquire` then `observe` on the service, against `RateGovernor.unlimited` (the
 *   floor), the in-memory governor with no usage headers, with headers far below the pacing threshold,
 *   and with those headers spread over 2,000 businesses (the fan-out shape);
 * - `GraphClient.get` on a canned transport (a fresh web `Response` each time, with the same usage
 *   headers), governor disabled against the default in-memory governor.
 *
 * Figures are for comparing builds on one machine; nothing here is a pass/fail threshold.
 */
import { GraphClient, GraphConfig, GraphUsage, RateGovernor, RateGovernorStore } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Schema from "effect/Schema"
import { performance } from "node:perf_hooks"

const requests = Number(process.argv[2] ?? "100000")
const rounds = 7
const businesses = Array.from({ length: 2_000 }, (_, i) => String(1_000_000_000 + i))
const maxWait = Duration.minutes(15)

const headersAt = (businessId: string, percent: number) => ({
  "x-business-use-case-usage": JSON.stringify({
    [businessId]: [{
      type: "whatsapp_business_management",
      call_count: percent,
      total_cputime: 1,
      total_time: 1,
      estimated_time_to_regain_access: 0
    }]
  }),
  "x-app-usage": JSON.stringify({ call_count: percent, total_cputime: 1, total_time: 1 })
})

// Parsed once: the client parses headers whatever the governor does, so it is not the governor's cost.
const lowFacts = new Map(
  businesses.map((id) => [id, { usage: GraphUsage.fromHeaders(headersAt(id, 10)), status: 200 }] as const)
)
const noFacts: RateGovernor.Facts = { usage: GraphUsage.unknown, status: 200 }

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

interface Row {
  readonly name: string
  readonly run: () => Promise<unknown>
}

const measure = async (row: Row) => {
  const wall: Array<number> = []
  const cpu: Array<number> = []
  await row.run() // warm-up
  for (let round = 0; round < rounds; round++) {
    const usage = process.cpuUsage()
    const start = performance.now()
    await row.run()
    wall.push(((performance.now() - start) * 1000) / requests)
    cpu.push(process.cpuUsage(usage).user / requests)
  }
  return { name: row.name, wall: median(wall), cpu: median(cpu) }
}

async function interleaved(pair: ReadonlyArray<Row>) {
  const samples = pair.map(() => ({ wall: [] as Array<number>, cpu: [] as Array<number> }))
  for (const row of pair) await row.run() // warm-up
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < pair.length; i++) {
      const usage = process.cpuUsage()
      const start = performance.now()
      await pair[i]!.run()
      samples[i]!.wall.push(((performance.now() - start) * 1000) / requests)
      samples[i]!.cpu.push(process.cpuUsage(usage).user / requests)
    }
  }
  return pair.map((row, i) => ({ name: row.name, wall: median(samples[i]!.wall), cpu: median(samples[i]!.cpu) }))
}

const governorLoop = (
  governor: RateGovernor.Service,
  keyOf: (i: number) => string,
  factsOf: (key: string) => RateGovernor.Facts
) =>
  Effect.gen(function*() {
    for (let i = 0; i < requests; i++) {
      const key = keyOf(i)
      yield* governor.acquire(key, maxWait)
      yield* governor.observe(key, factsOf(key))
    }
  })

const freshGovernor = (): RateGovernor.Service =>
  Effect.runSync(RateGovernor.make().pipe(Effect.provide(RateGovernorStore.layerMemory)))
const memoryGovernor = freshGovernor()

const one = businesses[0]!
const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })
const body = JSON.stringify({ data: [{ id: "1" }] })
const canned = HttpClient.make((request) =>
  Effect.sync(() =>
    HttpClientResponse.fromWeb(
      request,
      new Response(body, { status: 200, headers: { "content-type": "application/json", ...headersAt(one, 10) } })
    )
  )
)
const clientRuntime = (governor: Layer.Layer<RateGovernor.RateGovernor, unknown>) =>
  ManagedRuntime.make(
    GraphClient.layer.pipe(
      Layer.provide(governor),
      Layer.provide(GraphConfig.layer({ accessToken: "bench-token", baseUrl: "http://127.0.0.1:1" })),
      Layer.provide(Layer.succeed(HttpClient.HttpClient, canned))
    )
  )
const disabledRuntime = clientRuntime(RateGovernor.disabled)
const governedRuntime = clientRuntime(RateGovernor.layerMemory())
const get = GraphClient.get({
  route: "/{business-id}/owned_whatsapp_business_accounts",
  params: { "business-id": one },
  schema: Page,
  usageKey: one
})
const getLoop = Effect.forEach(Array.from({ length: requests }), () => get, { discard: true })

const rows: ReadonlyArray<Row> = [
  {
    name: "governor: RateGovernor.unlimited (floor)",
    run: () => Effect.runPromise(governorLoop(RateGovernor.unlimited, () => one, () => noFacts))
  },
  {
    name: "governor: memory, no usage headers",
    run: () => Effect.runPromise(governorLoop(memoryGovernor, () => one, () => noFacts))
  },
  {
    name: "governor: memory, headers at 10%, one business",
    run: () => Effect.runPromise(governorLoop(freshGovernor(), () => one, (key) => lowFacts.get(key)!))
  },
  {
    name: "governor: memory, headers at 10%, 2,000 businesses",
    run: () =>
      Effect.runPromise(
        governorLoop(freshGovernor(), (i) => businesses[i % businesses.length]!, (key) => lowFacts.get(key)!)
      )
  },
  { name: "GraphClient.get, canned, governor disabled", run: () => disabledRuntime.runPromise(getLoop) },
  { name: "GraphClient.get, canned, default governor, 10%", run: () => governedRuntime.runPromise(getLoop) }
]

const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(2)}`

console.log(`${requests} requests per round, median of ${rounds} rounds; µs per request`)
const print = (result: { readonly name: string; readonly wall: number; readonly cpu: number }) =>
  console.log(
    `${result.name.padEnd(56)} ${result.wall.toFixed(2).padStart(8)} wall ${result.cpu.toFixed(2).padStart(8)} cpu`
  )
const alone = []
for (const row of rows.slice(0, 4)) {
  const result = await measure(row)
  alone.push(result)
  print(result)
}
// The two client rows take turns round by round, so that a change in the machine's load hits both.
const [disabled, governed] = await interleaved(rows.slice(4))
print(disabled!)
print(governed!)
const floor = alone[0]!
console.log(
  `governor alone, over the floor: ${
    alone.slice(1).map((r) => `${r.name.split(", ").slice(1).join(", ")} ${signed(r.wall - floor.wall)}`).join("; ")
  }`
)
console.log(
  `GraphClient.get, governor on minus off: ${signed(governed!.wall - disabled!.wall)} µs wall, ${
    signed(governed!.cpu - disabled!.cpu)
  } µs cpu per request`
)
await disabledRuntime.dispose()
await governedRuntime.dispose()
