/**
 * What a user watching the Effect 4 client sees, against the emulator: retries announced as events, log
 * lines and metrics; requests counted by route and status class; calls that failed for good counted by error;
 * a version other than the one asked for warned about once. Names and wording are the Effect 3 line's.
 */
import { defaultToken } from "@effect-waba/emulator/Emulator"
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import { GraphClient, GraphConfig, GraphEvents, GraphMetrics } from "@effect-waba/graph-core"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Metric from "effect/Metric"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const business = "1234567890"
const route = "/{id}"
let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({ host: "127.0.0.1" })
})
afterAll(() => emulator.stop())

const Business = Schema.Struct({ id: Schema.String, name: Schema.String })

const read = (id: string) =>
  Effect.gen(function*() {
    const client = yield* GraphClient.GraphClient
    return yield* client.get({ route, params: { id }, query: { fields: "id,name" }, schema: Business, usageKey: id })
  })

const clientOn = (baseUrl: string) =>
  GraphClient.layer.pipe(
    Layer.provide(
      GraphConfig.layer({ accessToken: defaultToken, baseUrl, retry: { baseDelay: "1 millis", jitter: false } })
    ),
    Layer.provide(FetchHttpClient.layer)
  )

const counted = (metric: Metric.Metric<number, Metric.CounterState<number>>, attributes: Record<string, string>) =>
  Effect.map(Metric.value(Metric.withAttributes(metric, attributes)), (state) => state.count)

/** The counters this file looks at, as they stand. */
const counters = Effect.all({
  ok: counted(GraphMetrics.requests, { route, status_class: "2xx" }),
  unavailable: counted(GraphMetrics.requests, { route, status_class: "5xx" }),
  retried: counted(GraphMetrics.retries, { route, error: "GraphTransientError" }),
  notFound: counted(GraphMetrics.errors, { route, status_class: "4xx", error: "GraphNotFoundError" }),
  sent: GraphMetrics.requestsSent
})

const lines: Array<{ readonly level: string; readonly text: string }> = []
const recording = Logger.layer([
  Logger.make(({ logLevel, message }) => {
    lines.push({ level: logLevel, text: (Array.isArray(message) ? message : [message]).map(String).join(" ") })
  })
])

describe("GraphClient telemetry (Effect 4)", () => {
  it("a retry is announced as GraphEvents.RetryScheduled, a log line and a metric; attempts are counted by status class", async () => {
    lines.length = 0
    emulator.resetRequests()
    emulator.setFaults([{ kind: "graphError", code: 2, when: { next: 1 } }])
    try {
      const result = await Effect.runPromise(
        Effect.scoped(Effect.gen(function*() {
          const events = yield* GraphEvents.make()
          const received = yield* events.subscribe
          const before = yield* counters
          const response = yield* read(business).pipe(Effect.provideService(GraphEvents.GraphEvents, events))
          const after = yield* counters
          const [event] = yield* received.pipe(Stream.take(1), Stream.runCollect)
          return { response, event, before, after }
        })).pipe(Effect.provide(clientOn(emulator.url)), Effect.provide(recording))
      )

      expect(result.response.attempts).toBe(2)
      expect(result.event).toMatchObject({
        _tag: "RetryScheduled",
        route,
        attempt: 1,
        error: "GraphTransientError",
        code: 2
      })
      expect(Duration.toMillis((result.event as { readonly delay: Duration.Duration }).delay)).toBeGreaterThan(0)
      const retryLines = lines.filter((line) => line.text.includes("retrying in"))
      expect(retryLines).toHaveLength(1)
      expect(retryLines[0]!.text).toBe(
        `Graph request ${route} failed with GraphTransientError (code 2); retrying in 1ms`
      )
      expect(result.after.unavailable - result.before.unavailable).toBe(1)
      expect(result.after.ok - result.before.ok).toBe(1)
      expect(result.after.retried - result.before.retried).toBe(1)
      expect(result.after.sent - result.before.sent).toBe(2)
      expect(emulator.requests()).toHaveLength(2)
    } finally {
      emulator.setFaults([])
    }
  })

  it("a call that fails for good is counted once, by status class and error tag", async () => {
    const result = await Effect.runPromise(
      Effect.gen(function*() {
        const before = yield* counters
        const exit = yield* Effect.exit(read("999999999999"))
        return { exit, before, after: yield* counters }
      }).pipe(Effect.provide(clientOn(emulator.url)))
    )
    expect(Exit.isFailure(result.exit)).toBe(true)
    expect(result.after.notFound - result.before.notFound).toBe(1)
    expect(result.after.retried - result.before.retried).toBe(0)
  })

  it("GraphEvents.publish without a GraphEvents in context does nothing and never fails", async () => {
    await Effect.runPromise(
      GraphEvents.publish(
        GraphEvents.Held({ scope: business, reason: "regain", wait: Duration.seconds(3), usagePercent: 100 })
      )
    )
  })

  it("a version other than the one asked for is warned about once per client, and published", async () => {
    lines.length = 0
    // A server that answers every read with a newer version than asked for, as Graph does past a version's end.
    const server = Http.createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "facebook-api-version": "v99.0" })
      response.end(JSON.stringify({ id: business, name: "Blue Foods S.A." }))
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    const { port } = server.address() as AddressInfo
    try {
      const result = await Effect.runPromise(
        Effect.scoped(Effect.gen(function*() {
          const events = yield* GraphEvents.make()
          const received = yield* events.subscribe
          const responses = yield* Effect.all([read(business), read(business), read(business)]).pipe(
            Effect.provideService(GraphEvents.GraphEvents, events)
          )
          const marker = GraphEvents.Held({ scope: "marker", reason: "pacing", wait: Duration.zero, usagePercent: 0 })
          yield* events.publish(marker)
          const got = yield* received.pipe(Stream.take(2), Stream.runCollect)
          return { responses, got, marker }
        })).pipe(Effect.provide(clientOn(`http://127.0.0.1:${port}`)), Effect.provide(recording))
      )

      expect(result.responses.map((response) => response.apiVersion)).toEqual(["v99.0", "v99.0", "v99.0"])
      const warnings = lines.filter((line) => line.level === "Warn")
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.text).toContain(`with API version v99.0, not the requested ${GraphConfig.defaultApiVersion}`)
      // The next event after the one warning is the marker published after the reads.
      expect(result.got).toEqual([
        GraphEvents.VersionMismatch({ route, requested: GraphConfig.defaultApiVersion, served: "v99.0" }),
        result.marker
      ])
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
