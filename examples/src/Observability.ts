/**
 * Exporting the client's spans and metrics with the OpenTelemetry SDK, through `@effect/opentelemetry`.
 *
 * graph-core records everything with Effect's own tracer and metrics; `NodeSdk.layer` installs a tracer
 * that hands each span to an OpenTelemetry span processor, and a metric producer that an OpenTelemetry
 * reader collects from. Nothing in the application changes: the layer is added where the program is run.
 * On the console by default; to an OTLP collector when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (the OTLP
 * exporters read that variable themselves, e.g. `http://localhost:4318`).
 */
import type { GraphClient } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as NodeSdk from "@effect/opentelemetry/NodeSdk"
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http"
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http"
import {
  ConsoleMetricExporter,
  PeriodicExportingMetricReader,
  type PushMetricExporter
} from "@opentelemetry/sdk-metrics"
import { BatchSpanProcessor, ConsoleSpanExporter, type SpanExporter } from "@opentelemetry/sdk-trace-base"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

/** Where spans and metrics go. */
export interface Exporters {
  readonly spans: SpanExporter
  readonly metrics: PushMetricExporter
}

/** Spans and metrics printed on the console (stdout). */
export const consoleExporters = (): Exporters => ({
  spans: new ConsoleSpanExporter(),
  metrics: new ConsoleMetricExporter()
})

/** Spans and metrics sent as OTLP over HTTP to the collector `OTEL_EXPORTER_OTLP_ENDPOINT` names. */
export const otlpExporters = (): Exporters => ({
  spans: new OTLPTraceExporter(),
  metrics: new OTLPMetricExporter()
})

/** OTLP when a collector is configured, the console otherwise. */
export const exportersFromEnvironment = (environment: NodeJS.ProcessEnv = process.env): Exporters =>
  environment["OTEL_EXPORTER_OTLP_ENDPOINT"] ? otlpExporters() : consoleExporters()

/**
 * The OpenTelemetry SDK as a layer. Spans are exported in batches; metrics every `exportIntervalMillis`,
 * and once more when the layer is released, so a short program still exports its last figures.
 */
export const TelemetryLive = (
  exporters: Exporters,
  options: { readonly exportIntervalMillis?: number } = {}
): Layer.Layer<never> =>
  NodeSdk.layer(() => ({
    resource: { serviceName: "effect-waba-example", serviceVersion: "0.1.0" },
    spanProcessor: new BatchSpanProcessor(exporters.spans),
    metricReader: new PeriodicExportingMetricReader({
      exporter: exporters.metrics,
      exportIntervalMillis: options.exportIntervalMillis ?? 10_000
    })
  }))

/**
 * The work being observed: every account of a business with its phone numbers. Each page is one Graph
 * request, so one span and one sample of the request-duration histogram.
 */
export const readAccounts = (
  businessId: string
): Effect.Effect<
  { readonly accounts: number; readonly phoneNumbers: number },
  OwnedAccounts.OwnedAccountsError,
  GraphClient.GraphClient
> =>
  OwnedAccounts.stream(businessId, {
    fields: ["name"],
    limit: 50,
    expand: { phone_numbers: { fields: ["display_phone_number", "quality_rating"] } }
  }).pipe(
    Stream.runFold(
      { accounts: 0, phoneNumbers: 0 },
      (total, account) => ({
        accounts: total.accounts + 1,
        phoneNumbers: total.phoneNumbers + account.phone_numbers.length
      })
    ),
    Effect.withSpan("example.read_accounts", { attributes: { "business.id": businessId } })
  )
