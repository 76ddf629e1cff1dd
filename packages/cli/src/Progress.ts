/**
 * Progress on stderr while a read streams: pages and items so far (for a fan-out: businesses done of the
 * total, accounts, requests and holds), and what the client is waiting for (a retry's back-off, a hold for
 * the rate budget). Shown only when stderr is a terminal, as one line redrawn in place and cut to the
 * terminal's width. Off a terminal, logs and pipes get nothing but what they asked for, with one exception:
 * a pause longer than a few seconds is always said, in one line with what it waits for and until when
 * ({@link Service.pause}), so that a quiet run is never a mystery.
 *
 * Waits come from graph-core's typed events (`GraphEvents`), which the read hands to {@link Service.event};
 * {@link line} words each one for `--verbose`. The same service writes plain lines (`--verbose`, log
 * messages) above the progress line, and its layer installs the CLI's logger in place of Effect's default
 * one, which would print to stdout.
 */
import type * as GraphEvents from "@effect-waba/graph-core/GraphEvents"
import type * as ManagedAccounts from "@effect-waba/waba/ManagedAccounts"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Noun from "./Noun.js"
import { type Channel, Output } from "./Output.js"
import * as TerminalText from "./TerminalText.js"

const reasons: Record<string, string> = {
  GraphRateLimitError: "rate limited",
  GraphTransientError: "Graph had a temporary error",
  GraphTransportError: "network or server problem"
}

// `480ms` under a second, else whole seconds (`42s`, `1m 1s`).
const waitText = (wait: Duration.Duration): string => {
  const millis = Math.max(0, Math.round(Duration.toMillis(wait)))
  return millis < 1000 ? `${millis}ms` : Duration.format(Duration.seconds(Math.round(millis / 1000)))
}

const retrying = (retry: Extract<GraphEvents.GraphEvent, { _tag: "RetryScheduled" }>, remaining: Duration.Duration) =>
  `${reasons[retry.error] ?? retry.error}${
    retry.code !== undefined && retry.code >= 0 ? ` (code ${retry.code})` : ""
  }` +
  `, retrying in ${waitText(remaining)} (attempt ${retry.attempt + 1})`

// A hold at the ceiling ends as soon as a probe shows the usage dropped: "up to".
const holding = (hold: Extract<GraphEvents.GraphEvent, { _tag: "Held" }>, remaining: Duration.Duration) =>
  `waiting ${hold.reason === "ceiling" ? "up to " : ""}${waitText(remaining)} for the rate budget of ${
    hold.scope === "app" ? "the app" : `business ${hold.scope}`
  }`

const holdReasons: Record<Extract<GraphEvents.GraphEvent, { _tag: "Held" }>["reason"], string> = {
  pacing: "calls spaced out as usage nears the limit",
  ceiling: "at the limit, until usage drops",
  regain: "the time Graph gave for access to return"
}

// A moment as ISO-8601 UTC to the second, as the listings write dates.
const isoTime = (millis: number) => new Date(millis).toISOString().replace(/\.\d{3}Z$/, "Z")

/**
 * A pause as a line of its own: what it waits for and until when (`now` is when the event arrived). For
 * stderr off a terminal, where no progress line counts it down.
 */
export const pauseLine = (event: GraphEvents.GraphEvent, now: number): string | undefined => {
  switch (event._tag) {
    case "RetryScheduled":
      return `waba: paused until ${isoTime(now + Duration.toMillis(event.delay))}: ${event.route}: ${
        retrying(event, event.delay)
      }`
    case "Held":
      return `waba: paused until ${isoTime(now + Duration.toMillis(event.wait))}: ${holding(event, event.wait)} ` +
        `(usage ${event.usagePercent}%, ${holdReasons[event.reason]})`
    case "VersionMismatch":
      return undefined
  }
}

/** How long a wait must be for {@link Service.pause} to say it: "a pause longer than a few seconds". */
export const pauseThreshold = Duration.seconds(5)

/** One event as a line of its own, for `--verbose`. */
export const line = (event: GraphEvents.GraphEvent): string => {
  switch (event._tag) {
    case "RetryScheduled":
      return `waba: ${event.route}: ${retrying(event, event.delay)}`
    case "Held":
      return `waba: ${holding(event, event.wait)} (usage ${event.usagePercent}%, ${event.reason})`
    case "VersionMismatch":
      return `waba: ${event.route}: Graph answered with API version ${event.served}, not the ${event.requested} asked for`
  }
}

export interface State {
  readonly pages: number
  readonly items: number
  readonly noun: Noun.Noun
  /** A fan-out's figures, once it reported them: shown in place of the pages. */
  readonly fanOut: ManagedAccounts.Progress | undefined
  /** The holds of the rate governor so far. */
  readonly holds: number
  /** What the client is waiting for, in words for the time left, and until when (epoch milliseconds). */
  readonly wait: { readonly until: number; readonly words: (remaining: Duration.Duration) => string } | undefined
}

/** The state before the first page. */
export const initial: State = { pages: 0, items: 0, noun: Noun.accounts, fanOut: undefined, holds: 0, wait: undefined }

/** The state after an event arrived at `now`. */
export const withEvent = (state: State, event: GraphEvents.GraphEvent, now: number): State =>
  event._tag === "RetryScheduled"
    ? { ...state, wait: { until: now + Duration.toMillis(event.delay), words: (left) => retrying(event, left) } }
    : event._tag === "Held"
    ? {
      ...state,
      holds: state.holds + 1,
      wait: { until: now + Duration.toMillis(event.wait), words: (left) => holding(event, left) }
    }
    : state

/** The progress line for a state at `now`. A wait whose time is up is no longer shown. */
export const render = (state: State, now: number): string => {
  const { fanOut } = state
  const counts = fanOut === undefined
    ? `waba: ${state.pages} page${state.pages === 1 ? "" : "s"}, ${Noun.count(state.items, state.noun)} so far`
    : `waba: ${fanOut.businessesDone}/${fanOut.businesses} businesses done${
      fanOut.businessesFailed === 0 ? "" : ` (${fanOut.businessesFailed} failed)`
    }, ${Noun.count(state.items, state.noun)}, ${Noun.count(fanOut.pages, Noun.requests)}, ${
      Noun.count(state.holds, Noun.holds)
    } so far`
  const wait = state.wait
  return wait === undefined || wait.until <= now
    ? counts
    : `${counts}; ${wait.words(Duration.millis(wait.until - now))}`
}

export type Service = ReturnType<typeof make>

export class Progress extends Context.Tag("@effect-waba/cli/Progress")<Progress, Service>() {}

const clearLine = "\r\x1b[2K"

const make = (stderr: Channel) => {
  let state = initial
  let shown = false
  let finished = false
  let now = 0
  // When the pause last said for each scope (a business, the app, a route retried) ends.
  const said = new Map<string, number>()
  const draw = () => {
    if (!stderr.isTTY || finished) return
    const columns = stderr.columns()
    const text = render(state, now)
    // One column short: a line that fills the width wraps on some terminals.
    stderr.unsafeWrite(`${clearLine}${columns === undefined ? text : TerminalText.truncate(text, columns - 1)}`)
    shown = true
  }
  const clear = () => {
    if (shown) stderr.unsafeWrite(clearLine)
    shown = false
  }
  const update = (f: (state: State, now: number) => State) =>
    Effect.map(Clock.currentTimeMillis, (millis) => {
      now = millis
      state = f(state, millis)
      draw()
    })
  return {
    /** A new read of `noun`s starts; a fan-out's with its figures at the start. */
    begin: (noun: Noun.Noun, fanOut?: ManagedAccounts.Progress) =>
      update(() => {
        finished = false
        said.clear()
        return { ...initial, noun, fanOut }
      }),
    /** A page arrived; whatever was being waited for is over. */
    page: (number: number) => update((state) => ({ ...state, pages: number, wait: undefined })),
    /** `total` items have been written. */
    delivered: (total: number) => update((state) => ({ ...state, items: total })),
    /** Where a fan-out stands (`ManagedAccounts`' `onProgress`). */
    fanOut: (figures: ManagedAccounts.Progress) => update((state) => ({ ...state, fanOut: figures })),
    /** Something the client is doing, from graph-core's events. */
    event: (event: GraphEvents.GraphEvent) => update((state, now) => withEvent(state, event, now)),
    /**
     * Off a terminal, says a wait longer than {@link pauseThreshold} in a line of its own
     * ({@link pauseLine}); on one, the progress line shows it already. A pause already said for the same
     * scope is not said again unless it now ends more than the threshold later.
     */
    pause: (event: GraphEvents.GraphEvent) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        if (stderr.isTTY || event._tag === "VersionMismatch") return
        const wait = Duration.toMillis(event._tag === "Held" ? event.wait : event.delay)
        const threshold = Duration.toMillis(pauseThreshold)
        const scope = event._tag === "Held" ? `held ${event.scope}` : `retry ${event.route}`
        if (wait <= threshold || (said.get(scope) ?? -Infinity) + threshold >= now + wait) return
        said.set(scope, now + wait)
        const line = pauseLine(event, now)
        if (line !== undefined) stderr.unsafeWrite(`${TerminalText.neutralise(line)}\n`)
      }),
    /** Writes a line of its own on stderr (neutralised), above the progress line. */
    note: (line: string) => {
      const wasShown = shown
      clear()
      stderr.unsafeWrite(`${TerminalText.neutralise(line)}\n`)
      if (wasShown) draw()
    },
    /** Runs a write to stdout with the progress line out of its way (they may share a terminal). */
    around: <A, E, R>(write: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
      Effect.acquireUseRelease(Effect.sync(clear), () => write, () => Effect.sync(draw)),
    /** Redraws the line every second while the read runs, so a wait counts down. */
    ticking: stderr.isTTY
      ? Effect.asVoid(Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep("1 second"), update((s) => s)))))
      : Effect.void,
    /** Clears the line for good. */
    finish: Effect.sync(() => {
      clear()
      finished = true
    })
  }
}

/**
 * Progress on the `Output`'s stderr, and the CLI's logger in place of Effect's default one: every message
 * that passes the minimum log level (warning, unless `--log-level` says otherwise) becomes a plain line on
 * stderr, `waba: <level>: <message>`.
 */
export const layer: Layer.Layer<Progress, never, Output> = Layer.unwrapEffect(
  Effect.map(Output, (output) => {
    const progress = make(output.stderr)
    const logger = Logger.make(({ logLevel, message }) =>
      progress.note(
        `waba: ${logLevel.label.toLowerCase()}: ${
          Array.isArray(message) ? message.map(String).join(" ") : String(message)
        }`
      )
    )
    return Layer.mergeAll(
      Layer.succeed(Progress, progress),
      Logger.replace(Logger.defaultLogger, logger),
      Logger.minimumLogLevel(LogLevel.Warning)
    )
  })
)
