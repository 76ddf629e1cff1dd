import { GraphEvents } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as TestClock from "effect/TestClock"
import * as Noun from "../src/Noun.js"
import { Output } from "../src/Output.js"
import * as Progress from "../src/Progress.js"
import { memoryOutput } from "./utils/output.js"

const withOutput = (options: { readonly stderrIsTTY: boolean; readonly columns?: number }) => {
  const output = memoryOutput(options)
  return { output, layer: Progress.layer.pipe(Layer.provideMerge(output.layer)) }
}

const drawn = (stderr: string) => stderr.split("\r\x1b[2K").filter((line) => line !== "")

const retry = (error: string, code: number | undefined, millis: number, attempt: number) =>
  GraphEvents.RetryScheduled({ route: "/{business-id}/x", error, code, delay: Duration.millis(millis), attempt })

describe("Progress.render", () => {
  const state = (pages: number, items: number): Progress.State => ({ ...Progress.initial, pages, items })

  it("counts pages and items, and says why and how long a retry waits", () => {
    expect(Progress.render(state(1, 25), 0)).toBe("waba: 1 page, 25 accounts so far")
    expect(Progress.render(Progress.withEvent(state(3, 1), retry("GraphRateLimitError", 80008, 61_400, 1), 0), 0))
      .toBe("waba: 3 pages, 1 account so far; rate limited (code 80008), retrying in 1m 1s (attempt 2)")
    expect(Progress.render(Progress.withEvent(state(0, 0), retry("GraphTransientError", 2, 480.4, 1), 0), 0))
      .toBe("waba: 0 pages, 0 accounts so far; Graph had a temporary error (code 2), retrying in 480ms (attempt 2)")
    expect(Progress.render({ ...state(2, 1), noun: { one: "phone number", many: "phone numbers" } }, 0))
      .toBe("waba: 2 pages, 1 phone number so far")
  })

  it("a hold for the rate budget counts down, and is gone when its time is up", () => {
    const held = Progress.withEvent(
      state(2, 50),
      GraphEvents.Held({ scope: "1234567890", reason: "pacing", wait: Duration.seconds(42), usagePercent: 96 }),
      10_000
    )
    expect(Progress.render(held, 10_000)).toBe(
      "waba: 2 pages, 50 accounts so far; waiting 42s for the rate budget of business 1234567890"
    )
    expect(Progress.render(held, 22_000)).toContain("waiting 30s for the rate budget of business 1234567890")
    expect(Progress.render(held, 52_000)).toBe("waba: 2 pages, 50 accounts so far")
    const ceiling = Progress.withEvent(
      state(0, 0),
      GraphEvents.Held({ scope: "app", reason: "ceiling", wait: Duration.minutes(2), usagePercent: 100 }),
      0
    )
    expect(Progress.render(ceiling, 0)).toContain("waiting up to 2m for the rate budget of the app")
  })
})

describe("Progress on a terminal", () => {
  it.effect("shows pages, items and the waits graph-core's events announce", () => {
    const { layer, output } = withOutput({ stderrIsTTY: true, columns: 120 })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      yield* progress.begin(Noun.accounts)
      yield* progress.page(1)
      yield* progress.delivered(25)
      yield* progress.event(retry("GraphRateLimitError", 80008, 12_000, 1))
      yield* progress.page(2)
      yield* progress.finish
      expect(drawn(output.stderr())).toEqual([
        "waba: 0 pages, 0 accounts so far",
        "waba: 1 page, 0 accounts so far",
        "waba: 1 page, 25 accounts so far",
        "waba: 1 page, 25 accounts so far; rate limited (code 80008), retrying in 12s (attempt 2)",
        "waba: 2 pages, 25 accounts so far"
      ])
      // Finishing clears the line.
      expect(output.stderr().endsWith("\r\x1b[2K")).toBe(true)
      expect(output.stdout()).toBe("")
    }).pipe(Effect.provide(layer))
  })

  it.effect("redraws every second while it ticks, so a wait counts down", () => {
    const { layer, output } = withOutput({ stderrIsTTY: true })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      yield* progress.begin(Noun.accounts)
      yield* progress.ticking
      yield* progress.event(
        GraphEvents.Held({ scope: "77", reason: "regain", wait: Duration.seconds(3), usagePercent: 100 })
      )
      yield* TestClock.adjust("1 second")
      yield* TestClock.adjust("1 second")
      yield* TestClock.adjust("1 second")
      expect(drawn(output.stderr()).slice(-4)).toEqual([
        "waba: 0 pages, 0 accounts so far; waiting 3s for the rate budget of business 77",
        "waba: 0 pages, 0 accounts so far; waiting 2s for the rate budget of business 77",
        "waba: 0 pages, 0 accounts so far; waiting 1s for the rate budget of business 77",
        "waba: 0 pages, 0 accounts so far"
      ])
    }).pipe(Effect.scoped, Effect.provide(layer))
  })

  it.effect("fits the line to the terminal, one column short", () =>
    Effect.gen(function*() {
      for (
        const [columns, shown] of [[80, "waba: 12 pages, 300 accounts so far"], [20, "waba: 12 pages, 30…"]] as const
      ) {
        const { layer, output } = withOutput({ stderrIsTTY: true, columns })
        yield* Effect.gen(function*() {
          const progress = yield* Progress.Progress
          yield* progress.begin(Noun.accounts)
          yield* progress.page(12)
          yield* progress.delivered(300)
          expect(drawn(output.stderr()).at(-1)).toBe(shown)
        }).pipe(Effect.provide(layer))
      }
    }))

  it.effect("never wraps: the line is cut to the terminal's width", () => {
    const { layer, output } = withOutput({ stderrIsTTY: true, columns: 40 })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      yield* progress.begin(Noun.accounts)
      yield* progress.event(retry("GraphTransientError", 2, 3000, 4))
      for (const line of drawn(output.stderr())) expect(line.length).toBeLessThan(40)
    }).pipe(Effect.provide(layer))
  })

  it.effect("moves out of the way of data and of lines of its own", () => {
    const { layer, output } = withOutput({ stderrIsTTY: true })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      const out = yield* Output
      yield* progress.begin(Noun.accounts)
      yield* progress.around(out.stdout.write("row\n"))
      progress.note("waba: a line\u001b[2J")
      expect(output.stderr()).toBe(
        "\r\x1b[2Kwaba: 0 pages, 0 accounts so far\r\x1b[2K\r\x1b[2Kwaba: 0 pages, 0 accounts so far" +
          "\r\x1b[2Kwaba: a line\u241b[2J\n\r\x1b[2Kwaba: 0 pages, 0 accounts so far"
      )
      expect(output.stdout()).toBe("row\n")
    }).pipe(Effect.provide(layer))
  })
})

describe("Progress of a fan-out", () => {
  const figures = { businesses: 400, businessesDone: 12, businessesFailed: 0, accounts: 300, pages: 57 }

  it.effect("shows businesses done of the total, accounts, requests and holds, with the wait", () => {
    const { layer, output } = withOutput({ stderrIsTTY: true, columns: 200 })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      yield* progress.begin(Noun.accounts)
      yield* progress.fanOut(figures)
      yield* progress.delivered(340)
      yield* progress.event(
        GraphEvents.Held({ scope: "1234567890", reason: "pacing", wait: Duration.seconds(42), usagePercent: 96 })
      )
      yield* progress.fanOut({ ...figures, businessesDone: 13, businessesFailed: 1, pages: 58 })
      expect(drawn(output.stderr()).slice(-3)).toEqual([
        "waba: 12/400 businesses done, 340 accounts, 57 requests, 0 holds so far",
        "waba: 12/400 businesses done, 340 accounts, 57 requests, 1 hold so far; waiting 42s for the rate budget " +
        "of business 1234567890",
        // Other businesses go on while one is held: the wait stays until its time is up.
        "waba: 13/400 businesses done (1 failed), 340 accounts, 58 requests, 1 hold so far; waiting 42s for the " +
        "rate budget of business 1234567890"
      ])
    }).pipe(Effect.provide(layer))
  })
})

describe("Progress off a terminal: pauses", () => {
  const held = (scope: string, seconds: number, reason: "pacing" | "ceiling" | "regain" = "regain") =>
    GraphEvents.Held({ scope, reason, wait: Duration.seconds(seconds), usagePercent: 100 })

  it.effect("a wait longer than a few seconds is said once, with what it waits for and until when", () => {
    const { layer, output } = withOutput({ stderrIsTTY: false })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      yield* progress.begin(Noun.accounts)
      yield* TestClock.adjust("1 hour")
      // A short wait is not a pause worth a line.
      yield* progress.pause(held("111", 4))
      yield* progress.pause(held("111", 180))
      // The same pause, announced again by another request of the same business: said already.
      yield* progress.pause(held("111", 178, "ceiling"))
      yield* progress.pause(held("app", 60, "pacing"))
      yield* progress.pause(retry("GraphRateLimitError", 80008, 42_000, 2))
      yield* TestClock.adjust("3 minutes")
      // A new pause of the same business, after the first ended.
      yield* progress.pause(held("111", 30, "ceiling"))
      expect(output.stderr()).toBe(
        "waba: paused until 1970-01-01T01:03:00Z: waiting 3m for the rate budget of business 111 (usage 100%, the " +
          "time Graph gave for access to return)\n" +
          "waba: paused until 1970-01-01T01:01:00Z: waiting 1m for the rate budget of the app (usage 100%, calls " +
          "spaced out as usage nears the limit)\n" +
          "waba: paused until 1970-01-01T01:00:42Z: /{business-id}/x: rate limited (code 80008), retrying in 42s " +
          "(attempt 3)\n" +
          "waba: paused until 1970-01-01T01:03:30Z: waiting up to 30s for the rate budget of business 111 (usage " +
          "100%, at the limit, until usage drops)\n"
      )
    }).pipe(Effect.provide(layer))
  })

  it.effect("on a terminal the progress line says it: no line of its own", () => {
    const { layer, output } = withOutput({ stderrIsTTY: true })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      yield* progress.pause(held("111", 180))
      expect(output.stderr()).toBe("")
    }).pipe(Effect.provide(layer))
  })
})

describe("Progress elsewhere", () => {
  it.effect("is silent when stderr is not a terminal, and info logs are dropped by default", () => {
    const { layer, output } = withOutput({ stderrIsTTY: false })
    return Effect.gen(function*() {
      const progress = yield* Progress.Progress
      yield* progress.begin(Noun.accounts)
      yield* progress.page(1)
      yield* progress.delivered(25)
      yield* progress.event(retry("GraphTransientError", 2, 500, 1))
      yield* Effect.logInfo("chatter")
      yield* progress.finish
      expect(output.stderr()).toBe("")
      expect(output.stdout()).toBe("")
    }).pipe(Effect.provide(layer))
  })

  it.effect("warnings reach stderr as plain lines, and a lower log level lets more through", () => {
    const { layer, output } = withOutput({ stderrIsTTY: false })
    return Effect.gen(function*() {
      yield* Effect.logWarning("disk almost full")
      yield* Effect.logDebug("not shown")
      // What @effect/cli's --log-level does.
      yield* Effect.logDebug("shown").pipe(Logger.withMinimumLogLevel(LogLevel.Debug))
      expect(output.stderr()).toBe("waba: warn: disk almost full\nwaba: debug: shown\n")
    }).pipe(Effect.provide(layer))
  })
})
