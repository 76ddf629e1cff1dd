/**
 * Progress on stderr while a read streams: pages and items so far, and what the client is waiting for (a
 * retry's back-off, a hold for the rate budget). Shown only when stderr is a terminal, as one line redrawn
 * in place and cut to the terminal's width; silent otherwise, so logs and pipes get nothing but what they
 * asked for.
 *
 * Waits come from graph-core's typed events ({@link GraphEvents}), which the read hands to
 * {@link Service.event}. The same service writes plain lines (`--verbose`, log messages) above the
 * progress line, and its layer installs the CLI's logger in place of Effect's default one, which would
 * print to stdout.
 *
 * @since 0.1.0
 */
import type * as GraphEvents from "@effect-waba/graph-core/GraphEvents"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Match from "effect/Match"
import type * as Scope from "effect/Scope"
import * as GraphActivity from "./GraphActivity.js"
import * as Noun from "./Noun.js"
import { Output } from "./Output.js"
import * as TerminalText from "./TerminalText.js"

/**
 * What the client is waiting for, and until when (epoch milliseconds).
 *
 * @since 0.2.0
 * @category models
 */
export type Wait =
  | {
    readonly _tag: "Retry"
    readonly error: string
    readonly code: number | undefined
    /** The attempt that failed (1 for the first). */
    readonly attempt: number
    readonly until: number
  }
  | {
    readonly _tag: "Hold"
    readonly scope: string
    readonly reason: GraphEvents.HoldReason
    readonly until: number
  }

/**
 * @since 0.1.0
 * @category models
 */
export interface State {
  readonly pages: number
  readonly items: number
  readonly noun: Noun.Noun
  readonly wait: Wait | undefined
}

/**
 * The state before the first page.
 *
 * @since 0.2.0
 * @category constructors
 */
export const initial: State = { pages: 0, items: 0, noun: Noun.accounts, wait: undefined }

/**
 * The state after an event arrived at `now`.
 *
 * @since 0.2.0
 * @category models
 */
export const withEvent = (state: State, event: GraphEvents.GraphEvent, now: number): State =>
  Match.typeTags<GraphEvents.GraphEvent, State>()({
    RetryScheduled: (retry) => ({
      ...state,
      wait: {
        _tag: "Retry",
        error: retry.error,
        code: retry.code,
        attempt: retry.attempt,
        until: now + Duration.toMillis(retry.delay)
      }
    }),
    Held: (held) => ({
      ...state,
      wait: { _tag: "Hold", scope: held.scope, reason: held.reason, until: now + Duration.toMillis(held.wait) }
    }),
    VersionMismatch: () => state
  })(event)

/**
 * The progress line for a state at `now`. A wait whose time is up is no longer shown.
 *
 * @since 0.1.0
 * @category rendering
 */
export const render = (state: State, now: number): string => {
  const counts = `waba: ${state.pages} page${state.pages === 1 ? "" : "s"}, ${
    Noun.count(state.items, state.noun)
  } so far`
  const wait = state.wait
  if (wait === undefined || wait.until <= now) return counts
  const remaining = Duration.millis(wait.until - now)
  return `${counts}; ${
    wait._tag === "Retry" ? GraphActivity.retrying(wait, remaining) : GraphActivity.holding(wait, remaining)
  }`
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** Whether the progress line is shown. */
  readonly enabled: boolean
  /** A new read of `noun`s starts. */
  readonly begin: (noun: Noun.Noun) => Effect.Effect<void>
  /** A page arrived; whatever was being waited for is over. */
  readonly page: (number: number) => Effect.Effect<void>
  /** `total` items have been written. */
  readonly delivered: (total: number) => Effect.Effect<void>
  /** Something the client is doing, from graph-core's events. */
  readonly event: (event: GraphEvents.GraphEvent) => Effect.Effect<void>
  /** Writes a line of its own on stderr (neutralised), above the progress line. */
  readonly note: (line: string) => void
  /** Runs a write to stdout with the progress line out of its way (they may share a terminal). */
  readonly around: <A, E, R>(write: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Redraws the line every second while the read runs, so a wait counts down. */
  readonly ticking: Effect.Effect<void, never, Scope.Scope>
  /** Clears the line for good. */
  readonly finish: Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class Progress extends Context.Tag("@effect-waba/cli/Progress")<Progress, Service>() {}

const clearLine = "\r\x1b[2K"

/**
 * The line cut to the terminal's width, one column short (a line that fills the width wraps on some
 * terminals). The line is this module's own words, numbers and ids, all one column per character, so
 * counting characters is counting columns; nothing here needs `DisplayWidth`.
 *
 * @since 0.2.0
 * @category rendering
 */
export const fit = (line: string, columns: number): string =>
  line.length <= columns - 1 ? line : `${line.slice(0, Math.max(0, columns - 2))}…`

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: {
  readonly enabled: boolean
  readonly write: (text: string) => void
  /** The terminal's width now. */
  readonly columns?: (() => number | undefined) | undefined
}): Service => {
  let state = initial
  let shown = false
  let finished = false
  let now = 0
  const draw = () => {
    if (!options.enabled || finished) return
    const columns = options.columns?.()
    const text = render(state, now)
    options.write(`${clearLine}${columns === undefined ? text : fit(text, columns)}`)
    shown = true
  }
  const clear = () => {
    if (!shown) return
    options.write(clearLine)
    shown = false
  }
  const update = (f: (state: State, now: number) => State) =>
    Effect.map(Clock.currentTimeMillis, (millis) => {
      now = millis
      state = f(state, millis)
      draw()
    })
  return {
    enabled: options.enabled,
    begin: (noun) =>
      update(() => {
        finished = false
        return { ...initial, noun }
      }),
    page: (number) => update((state) => ({ ...state, pages: number, wait: undefined })),
    delivered: (total) => update((state) => ({ ...state, items: total })),
    event: (event) => update((state, now) => withEvent(state, event, now)),
    note: (line) => {
      const wasShown = shown
      clear()
      options.write(`${TerminalText.neutralise(line)}\n`)
      if (wasShown) draw()
    },
    around: (write) =>
      options.enabled
        ? Effect.acquireUseRelease(Effect.sync(clear), () => write, () => Effect.sync(draw))
        : write,
    ticking: options.enabled
      ? Effect.asVoid(
        Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep("1 second"), update((state) => state))))
      )
      : Effect.void,
    finish: Effect.sync(() => {
      clear()
      finished = true
    })
  }
}

const messageText = (message: unknown): string =>
  Array.isArray(message) ? message.map((part) => String(part)).join(" ") : String(message)

/**
 * The CLI's logger: every message that passes the minimum log level (warning, unless `--log-level` says
 * otherwise) becomes a plain line on stderr, `waba: <level>: <message>`.
 *
 * @since 0.1.0
 * @category loggers
 */
export const logger = (progress: Service): Logger.Logger<unknown, void> =>
  Logger.make(({ logLevel, message }) => {
    progress.note(`waba: ${logLevel.label.toLowerCase()}: ${messageText(message)}`)
  })

/**
 * Progress on the `Output`'s stderr (shown when it is a terminal), the CLI's logger in place of Effect's
 * default one, and warnings as the minimum log level.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Progress, never, Output> = Layer.unwrapEffect(
  Effect.map(Output, (output) => {
    const progress = make({
      enabled: output.stderr.isTTY,
      write: output.stderr.unsafeWrite,
      columns: output.stderr.columns
    })
    return Layer.mergeAll(
      Layer.succeed(Progress, progress),
      Logger.replace(Logger.defaultLogger, logger(progress)),
      Logger.minimumLogLevel(LogLevel.Warning)
    )
  })
)
