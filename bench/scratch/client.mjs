import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { ManagedAccounts } from "@effect-waba/waba"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { Effect, Layer, Stream } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"

const [n = "2000", batch = "false", latency = "100", secret = "0"] = process.argv.slice(2)
const server = spawn("node", ["server.mjs", n, latency], { stdio: ["pipe", "pipe", "inherit"] })
const info = JSON.parse(await new Promise((resolve) => createInterface({ input: server.stdout }).once("line", resolve)))
let trips = 0
const methods = {}
const counting = Layer.effect(HttpClient.HttpClient, Effect.map(HttpClient.HttpClient, (client) =>
  HttpClient.transform(client, (effect, r) => Effect.suspend(() => { trips++; methods[r.method] = (methods[r.method] ?? 0) + 1; return effect })))).pipe(Layer.provide(FetchHttpClient.layer))
const layer = GraphClient.layer.pipe(
  Layer.provide(GraphConfig.layer({ accessToken: info.token, baseUrl: info.url, ...(secret === "1" ? { appSecret: "effect-waba-emulator-app-secret" } : {}) })),
  Layer.provide(counting)
)
const start = performance.now()
let first, accounts = 0, failures = 0
await Effect.runPromise(ManagedAccounts.stream(info.businessIds, {
  concurrency: 32,
  batch: batch === "true",
  expand: { phone_numbers: { fields: ["display_phone_number", "quality_rating"] } }
}).pipe(
  Stream.runForEach((r) => Effect.sync(() => {
    if (r._tag === "Account") { accounts++; first ??= performance.now() - start }
    if (r._tag === "Failure") failures++
  })),
  Effect.provide(layer)
))
const wall = performance.now() - start
const cpu = process.cpuUsage(); console.log(JSON.stringify({ clientCpuMs: Math.round((cpu.user + cpu.system) / 1000), businesses: info.businessIds.length, batch, accounts, failures, trips, methods, wallMs: Math.round(wall), firstMs: Math.round(first) }))
server.stdin.end()
