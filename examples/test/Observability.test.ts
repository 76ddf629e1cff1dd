/**
 * The OpenTelemetry wiring of `src/Observability.ts`, with in-memory exporters in place of the console:
 * what a user would chart after one read, as the SDK received it. Live clock: the retry after the
 * injected 503 really waits its back-off (under a second).
 */
import { Emulator } from "@effect-waba/emulator"
import { AppSecretProof } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  type ResourceMetrics
} from "@opentelemetry/sdk-metrics"
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { GraphEmulated } from "../src/Layers.js"
import { readAccounts, TelemetryLive } from "../src/Observability.js"

const token = "EAAG-otel-example-token-0123456789"
const appSecret = "otel-example-app-secret-abcdef"

// Keeps every span it is given, also after the SDK shuts down (the SDK's in-memory exporter forgets them
// on shutdown, which is when the batch processor hands over the last ones).
const collectingSpanExporter = () => {
  const spans: Array<ReadableSpan> = []
  const exporter: SpanExporter = {
    export: (batch, done) => {
      spans.push(...batch)
      done({ code: 0 })
    },
    shutdown: () => Promise.resolve()
  }
  return { spans, exporter }
}

interface Observed {
  readonly spans: ReadonlyArray<ReadableSpan>
  readonly metrics: ReadonlyArray<ResourceMetrics>
  readonly result: { readonly accounts: number; readonly phoneNumbers: number }
  readonly requests: number
  /** How many accounts the emulator holds for the business read. */
  readonly stored: number
}

// One read of the first demo business (some of its accounts have more phone numbers than one nested page), with a 503 on the first request, exported when the SDK's layer
// is released.
const observeOneRead = Effect.gen(function*() {
  const traces = collectingSpanExporter()
  const metrics = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const graph = GraphEmulated(
    { token, appSecret, faults: [{ kind: "httpError", status: 503, when: { requests: [1] } }] },
    { appSecret }
  )
  const { requests, result, stored } = yield* Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const businessId = emulator.businessIds[0]!
    const result = yield* readAccounts(businessId)
    const stored = yield* emulator.accounts(businessId)
    return { result, requests: yield* emulator.requestCount, stored: stored.length }
  }).pipe(
    Effect.provide(Layer.merge(graph, TelemetryLive({ spans: traces.exporter, metrics }))),
    Effect.orDie
  )
  return { spans: traces.spans, metrics: metrics.getMetrics(), result, requests, stored } satisfies Observed
})

const lastMetric = (observed: Observed, name: string) => {
  const found = observed.metrics.flatMap((batch) => batch.scopeMetrics.flatMap((scope) => scope.metrics))
    .filter((metric) => metric.descriptor.name === name)
  return found[found.length - 1]
}

describe("example: exporting spans and metrics with the OpenTelemetry SDK", () => {
  it.live("a span per Graph request, named by route template, with the host and nothing secret", () =>
    Effect.gen(function*() {
      const observed = yield* observeOneRead
      const graphSpans = observed.spans.filter((span) => span.name.startsWith("GET "))
      // Every request the emulator answered is inside one call's span; the 503 and its retry share one.
      expect(graphSpans.length).toBe(observed.requests - 1)
      expect(new Set(graphSpans.map((span) => span.name))).toEqual(
        new Set(["GET /{business-id}/owned_whatsapp_business_accounts", "GET /{waba-id}/phone_numbers"])
      )
      for (const span of graphSpans) {
        expect(span.attributes["server.address"]).toBe("graph.facebook.com")
        expect(span.attributes["http.response.status_code"]).toBe(200)
      }
      const retried = graphSpans.filter((span) => span.attributes["graph.retry_count"] === 1)
      expect(retried).toHaveLength(1)
      expect(retried[0]!.events.map((event) => event.name)).toContain("graph.retry")
      // Every Graph span is in the trace of the application's own span.
      const parent = observed.spans.find((span) => span.name === "example.read_accounts")!
      expect(graphSpans.every((span) => span.spanContext().traceId === parent.spanContext().traceId)).toBe(true)

      const proof = Redacted.value(
        yield* AppSecretProof.make(Redacted.make(token), Redacted.make(appSecret))
      )
      const everything = JSON.stringify(
        observed.spans.map((span) => ({ name: span.name, attributes: span.attributes, events: span.events }))
      )
      for (const secret of [token, appSecret, proof]) expect(everything).not.toContain(secret)
    }))

  it.live("request counts and durations by route and status class, and the retry", () =>
    Effect.gen(function*() {
      const observed = yield* observeOneRead
      expect(observed.result.accounts).toBe(observed.stored)

      const requests = lastMetric(observed, "effect_waba_graph_requests_total")!
      const byTags = Object.fromEntries(
        requests.dataPoints.map((
          point
        ) => [`${point.attributes["route"]} ${point.attributes["status_class"]}`, point.value])
      )
      const sent = Object.values(byTags).reduce<number>((sum, value) => sum + Number(value), 0)
      // The counter is process-wide: at least this read's requests, the 503 among them under 5xx.
      expect(sent).toBeGreaterThanOrEqual(observed.requests)
      expect(byTags["/{business-id}/owned_whatsapp_business_accounts 5xx"]).toBeGreaterThanOrEqual(1)
      expect(byTags["/{waba-id}/phone_numbers 2xx"]).toBeGreaterThanOrEqual(1)

      const duration = lastMetric(observed, "effect_waba_graph_request_duration_milliseconds")!
      expect(duration.dataPointType).toBe(DataPointType.HISTOGRAM)
      const samples = duration.dataPoints.reduce(
        (sum, point) => sum + (point.value as { readonly count: number }).count,
        0
      )
      expect(samples).toBeGreaterThanOrEqual(observed.requests)
      expect(duration.dataPoints.every((point) => typeof point.attributes["route"] === "string")).toBe(true)

      const retries = lastMetric(observed, "effect_waba_graph_retries_total")!
      const ownedRetries = retries.dataPoints.filter((point) =>
        point.attributes["route"] === "/{business-id}/owned_whatsapp_business_accounts"
      )
      expect(ownedRetries.reduce((sum, point) => sum + Number(point.value), 0)).toBeGreaterThanOrEqual(1)
    }))
})
