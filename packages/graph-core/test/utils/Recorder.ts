import * as Cause from "effect/Cause"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import type * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

export interface RecordedSpan {
  readonly name: string
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> }>
  exit?: Exit.Exit<unknown, unknown>
}

export interface RecordedLog {
  readonly level: string
  readonly message: string
  readonly annotations: Record<string, unknown>
}

/**
 * An in-memory tracer and logger: everything a run emits through Effect's telemetry, kept for
 * assertions. All log levels are recorded.
 */
export const makeRecorder = () => {
  const spans: Array<RecordedSpan> = []
  const logs: Array<RecordedLog> = []
  const tracer = Tracer.make({
    span(name, parent: Option.Option<Tracer.AnySpan>, context: Context.Context<never>, links, startTime, kind) {
      const recorded: RecordedSpan = { name, attributes: new Map(), events: [] }
      spans.push(recorded)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `span-${spans.length}`,
        traceId: parent._tag === "Some" ? parent.value.traceId : `trace-${spans.length}`,
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: recorded.attributes,
        links,
        sampled: true,
        kind,
        end(_endTime, exit) {
          recorded.exit = exit
        },
        attribute(key, value) {
          recorded.attributes.set(key, value)
        },
        event(eventName, _startTime, attributes) {
          recorded.events.push({ name: eventName, attributes: attributes ?? {} })
        },
        addLinks() {}
      }
      return span
    },
    context: (f) => f()
  })
  const logger = Logger.make(({ annotations, logLevel, message }) => {
    const annotationRecord: Record<string, unknown> = {}
    for (const [key, value] of annotations) annotationRecord[key] = value
    logs.push({
      level: logLevel.label,
      message: (Array.isArray(message) ? message : [message]).map(String).join(" "),
      annotations: annotationRecord
    })
  })
  const layer = Layer.mergeAll(
    Layer.setTracer(tracer),
    Logger.replace(Logger.defaultLogger, logger),
    Logger.minimumLogLevel(LogLevel.All)
  )
  /** Everything recorded, as one string to search for secrets. */
  const dump = () =>
    JSON.stringify({
      spans: spans.map((s) => ({
        name: s.name,
        attributes: Object.fromEntries(s.attributes),
        events: s.events,
        exit: s.exit === undefined ? undefined : String(s.exit)
      })),
      logs
    })
  return { spans, logs, layer, dump, run: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.provide(self, layer) }
}

/** Every way an error gets printed: where a secret must not show up. */
export const everyRendering = (error: unknown): string =>
  [
    String(error),
    (error as Error).message,
    (error as Error).stack ?? "",
    JSON.stringify(error),
    Inspectable.format(error),
    Cause.pretty(Cause.fail(error))
  ].join("\n")
