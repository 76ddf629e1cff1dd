/**
 * Progress on stderr while accounts stream: pages and accounts so far, and any wait before a retry with
 * its reason (throttling above all). Shown only when stderr is a terminal, as one line redrawn in
 * place; silent otherwise, so logs and pipes get nothing but what they asked for.
 *
 * Retries are learned from graph-core's retry log (annotated `graph.retry_in_ms`, `graph.error`,
 * `graph.error_code`, `graph.attempt`): the CLI's logger turns them into progress, and replaces Effect's
 * default logger, which would print to stdout.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import { Output } from "./Output.js"

/**
 * A wait before another attempt.
 *
 * @since 0.1.0
 * @category models
 */
export interface Retry {
  /** The failed attempt's error tag, e.g. `GraphRateLimitError`. */
  readonly error: string
  /** Graph's error code, when there was one. */
  readonly code: number | undefined
  readonly waitMillis: number
  /** The attempt that failed (1 for the first). */
  readonly attempt: number
}

/**
 * @since 0.1.0
 * @category models
 */
export interface State {
  readonly pages: number
  readonly accounts: number
  readonly retry: Retry | undefined
}

const reasons: Record<string, string> = {
  GraphRateLimitError: "rate limited",
  GraphTransientError: "Graph had a temporary error",
  GraphTransportError: "network or server problem"
}

/**
 * Why a retry waits, in words.
 *
 * @since 0.1.0
 * @category rendering
 */
export const reason = (retry: Retry): string =>
  `${reasons[retry.error] ?? retry.error}${retry.code !== undefined && retry.code >= 0 ? ` (code ${retry.code})` : ""}`

/**
 * The progress line for a state.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (state: State): string => {
  const counts = `waba: ${state.pages} page${state.pages === 1 ? "" : "s"}, ${state.accounts} account${
    state.accounts === 1 ? "" : "s"
  } so far`
  if (state.retry === undefined) return counts
  const millis = Math.max(0, Math.round(state.retry.waitMillis))
  const wait = millis < 1000 ? `${millis}ms` : Duration.format(Duration.millis(Math.round(millis / 1000) * 1000))
  return `${counts}; ${reason(state.retry)}, retrying in ${wait} (attempt ${state.retry.attempt + 1})`
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Whether anything is shown. */
  readonly enabled: boolean
  /** A page arrived. */
  readonly page: (number: number) => Effect.Effect<void>
  /** `total` accounts have been written. */
  readonly delivered: (total: number) => Effect.Effect<void>
  /** A request is about to be retried; called from the logger. */
  readonly retrying: (retry: Retry) => void
  /** Runs a write to stdout with the progress line out of its way (they may share a terminal). */
  readonly around: <A, E, R>(write: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Clears the line for good. */
  readonly finish: Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Progress extends Context.Tag("@effect-waba/cli/Progress")<Progress, Service>() {}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: {
  readonly enabled: boolean
  readonly write: (text: string) => void
}): Service => {
  let state: State = { pages: 0, accounts: 0, retry: undefined }
  let shown = false
  const draw = () => {
    if (!options.enabled) return
    options.write(`\r\x1b[2K${render(state)}`)
    shown = true
  }
  const clear = () => {
    if (!shown) return
    options.write("\r\x1b[2K")
    shown = false
  }
  return {
    enabled: options.enabled,
    page: (number) =>
      Effect.sync(() => {
        state = { ...state, pages: number, retry: undefined }
        draw()
      }),
    delivered: (total) =>
      Effect.sync(() => {
        state = { ...state, accounts: total }
        draw()
      }),
    retrying: (retry) => {
      state = { ...state, retry }
      draw()
    },
    around: (write) =>
      options.enabled
        ? Effect.acquireUseRelease(Effect.sync(clear), () => write, () => Effect.sync(draw))
        : write,
    finish: Effect.sync(clear)
  }
}

const numberAnnotation = (annotations: HashMap.HashMap<string, unknown>, key: string): number | undefined => {
  const value = HashMap.get(annotations, key)
  return Option.isSome(value) && typeof value.value === "number" ? value.value : undefined
}

const messageText = (message: unknown): string =>
  Array.isArray(message) ? message.map((part) => String(part)).join(" ") : String(message)

/**
 * The CLI's logger: graph-core's retry logs become progress; other logs at warning level or above go to
 * stderr as plain lines; everything else is dropped.
 *
 * @since 0.1.0
 * @category loggers
 */
export const logger = (progress: Service, stderr: (text: string) => void): Logger.Logger<unknown, void> =>
  Logger.make(({ annotations, logLevel, message }) => {
    const waitMillis = numberAnnotation(annotations, "graph.retry_in_ms")
    if (waitMillis !== undefined) {
      const error = HashMap.get(annotations, "graph.error")
      progress.retrying({
        error: Option.isSome(error) ? String(error.value) : "error",
        code: numberAnnotation(annotations, "graph.error_code"),
        waitMillis,
        attempt: numberAnnotation(annotations, "graph.attempt") ?? 1
      })
      return
    }
    if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) {
      stderr(`waba: ${logLevel.label.toLowerCase()}: ${messageText(message)}\n`)
    }
  })

/**
 * Progress on the `Output`'s stderr (shown when it is a terminal), with the CLI's logger in place of
 * Effect's default one.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Progress, never, Output> = Layer.unwrapEffect(
  Effect.map(Output, (output) => {
    const progress = make({ enabled: output.stderr.isTTY, write: output.stderr.unsafeWrite })
    return Layer.merge(
      Layer.succeed(Progress, progress),
      Logger.replace(Logger.defaultLogger, logger(progress, output.stderr.unsafeWrite))
    )
  })
)
