// What a user watching the client sees: spans, metrics, events, warnings, and the request on the wire.
import { Testing } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, GraphEvents, GraphMetrics } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Metric from "effect/Metric"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { readFileSync } from "node:fs"
import { version } from "../src/internal/version.js"

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })

// A route of its own per test, so that the process-wide metrics of one test do not mix with another's.
const get = (route: string) =>
  GraphClient.get({ route: `${route}/{business-id}`, params: { "business-id": "1234567890" }, schema: Page })

const script = (...replies: ReadonlyArray<Testing.Reply>) => (_: unknown, i: number) =>
  replies[Math.min(i, replies.length - 1)]!

const count = (metric: Metric.Metric.Counter<number>, tags: Record<string, string>) =>
  Effect.map(
    Metric.value(Object.entries(tags).reduce((m, [key, value]) => Metric.tagged(m, key, value), metric)),
    (state) => state.count
  )

describe("GraphClient telemetry", () => {
  it.effect("the request is spec-valid: GET without a body, Bearer auth, JSON, effect-waba/<version>", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]))
    return Effect.gen(function*() {
      yield* get("/spec")
      const [request] = seen
      expect(request!.method).toBe("GET")
      expect(request!.hasBody).toBe(false)
      expect(request!.headers.authorization).toMatch(/^Bearer /)
      expect(request!.headers.accept).toBe("application/json")
      expect(request!.headers["user-agent"]).toBe(`effect-waba/${version}`)
      expect(request!.headers["user-agent"]).toMatch(GraphConfig.userAgentPattern)
      const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
        readonly version: string
      }
      expect(version).toBe(manifest.version)
    }).pipe(Effect.provide(layer))
  })

  it.effect("transformClient adds a step of the user's own, seeing the finished request", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]), {}, {
      transformClient: HttpClient.mapRequest((request) =>
        HttpClientRequest.setHeader(request, "x-seen-url", request.url)
      )
    })
    return Effect.gen(function*() {
      yield* get("/transform")
      expect(seen[0]!.headers["x-seen-url"]).toBe("https://graph.facebook.com/v27.0/transform/1234567890")
    }).pipe(Effect.provide(layer))
  })

  it.effect("the span names the host and port, not a URL; counts are never negative; no sentinel values", () => {
    const { layer } = Testing.scriptedClient(script({ network: "ECONNRESET" }, Testing.page([])), {
      baseUrl: "https://graph.example.com:8443"
    })
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(get("/span").pipe(recorder.run))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      const [span] = recorder.spans
      expect(span!.name).toBe("GET /span/{business-id}")
      expect(Object.fromEntries(span!.attributes)).toMatchObject({
        "server.address": "graph.example.com",
        "server.port": 8443,
        "graph.route": "/span/{business-id}",
        "graph.attempts": 2,
        "graph.retry_count": 1,
        "http.response.status_code": 200
      })
      expect(span!.attributes.has("graph.error_code")).toBe(false)
      expect(span!.attributes.has("graph.fbtrace_id")).toBe(false)
      const retry = span!.events.find((event) => event.name === "graph.retry")!
      expect(retry.attributes).toMatchObject({ "graph.error": "GraphTransportError", "graph.attempt": 1 })
      expect("graph.error_code" in retry.attributes).toBe(false)
    }).pipe(Effect.provide(layer))
  })

  it.effect("metrics: requests and durations by route and status class, retries and errors by error tag", () => {
    const route = "/metrics"
    const { layer } = Testing.scriptedClient(
      script(
        Testing.graphError({ message: "busy", code: 2, is_transient: true }, 503),
        Testing.page([]),
        Testing.graphError({ message: "bad", code: 100 }, 400)
      ),
      { retry: { baseDelay: "1 second", jitter: false } }
    )
    const template = `${route}/{business-id}`
    return Effect.gen(function*() {
      const fiber = yield* Effect.fork(Effect.zip(get(route), Effect.flip(get(route))))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      expect(yield* count(GraphMetrics.requests, { route: template, status_class: "2xx" })).toBe(1)
      expect(yield* count(GraphMetrics.requests, { route: template, status_class: "5xx" })).toBe(1)
      expect(yield* count(GraphMetrics.requests, { route: template, status_class: "4xx" })).toBe(1)
      expect(yield* count(GraphMetrics.retries, { route: template, error: "GraphTransientError" })).toBe(1)
      expect(
        yield* count(GraphMetrics.errors, { route: template, status_class: "4xx", error: "GraphInvalidParameterError" })
      ).toBe(1)
      const durations = yield* Metric.value(
        GraphMetrics.requestDuration.pipe(Metric.tagged("route", template), Metric.tagged("status_class", "2xx"))
      )
      expect(durations.count).toBe(1)
      expect(yield* GraphMetrics.requestsSent).toBeGreaterThanOrEqual(3)
    }).pipe(Effect.provide(layer))
  })

  it.scoped("retries are announced as GraphEvents.RetryScheduled and in the log", () => {
    const { layer } = Testing.scriptedClient(
      script(Testing.graphError({ message: "slow down", code: 80008 }, 400, { "retry-after": "3" }), Testing.page([]))
    )
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      const events = yield* GraphEvents.make()
      const received = yield* events.subscribe
      const fiber = yield* Effect.fork(
        get("/events").pipe(Effect.provideService(GraphEvents.GraphEvents, events), recorder.run)
      )
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      const [event] = Chunk.toReadonlyArray(yield* received.pipe(Stream.take(1), Stream.runCollect))
      expect(event).toMatchObject({
        _tag: "RetryScheduled",
        route: "/events/{business-id}",
        attempt: 1,
        error: "GraphRateLimitError",
        code: 80008
      })
      expect(Duration.toMillis((event as { delay: Duration.Duration }).delay)).toBeGreaterThanOrEqual(3000)
      expect(recorder.logs.filter((log) => log.message.includes("retrying in"))).toHaveLength(1)
    }).pipe(Effect.provide(layer))
  })

  it.scoped("a served version other than the requested one is warned about once per client", () => {
    const { layer } = Testing.scriptedClient(() => ({
      body: { data: [] },
      headers: { "facebook-api-version": "v28.0" }
    }))
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      const events = yield* GraphEvents.make()
      const received = yield* events.subscribe
      const pages = yield* Effect.all([get("/v"), get("/v"), get("/v")]).pipe(
        Effect.provideService(GraphEvents.GraphEvents, events),
        recorder.run
      )
      expect(pages.map((response) => response.apiVersion)).toEqual(["v28.0", "v28.0", "v28.0"])
      const warnings = recorder.logs.filter((log) => log.level === "WARN")
      expect(warnings).toHaveLength(1)
      expect(warnings[0]!.message).toContain("v28.0")
      expect(warnings[0]!.message).toContain("v27.0")
      // A marker published after the reads: the next event after the one warning must be it.
      const marker = GraphEvents.Held({ scope: "marker", reason: "pacing", wait: Duration.zero, usagePercent: 0 })
      yield* events.publish(marker)
      const got = Chunk.toReadonlyArray(yield* received.pipe(Stream.take(2), Stream.runCollect))
      expect(got).toEqual([
        GraphEvents.VersionMismatch({ route: "/v/{business-id}", requested: "v27.0", served: "v28.0" }),
        marker
      ])
    }).pipe(Effect.provide(layer))
  })

  it.effect("codes 0 (AuthException) and 3 (capability) are classified and never retried", () =>
    Effect.gen(function*() {
      for (
        const [code, tag] of [[0, "GraphAuthError"], [3, "GraphPermissionError"]] as const
      ) {
        const { layer, seen } = Testing.scriptedClient(() =>
          Testing.graphError({ message: "no", type: "AuthException", code }, 400)
        )
        const fiber = yield* Effect.fork(Effect.flip(get("/codes")).pipe(Effect.provide(layer)))
        yield* TestClock.adjust("1 hour")
        expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: tag, code, attempts: 1 })
        expect(seen).toHaveLength(1)
      }
    }))
})
