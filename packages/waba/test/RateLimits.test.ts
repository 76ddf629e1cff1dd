import { Emulator, EmulatorHttpClient, type RequestLog } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, RateGovernor } from "@effect-waba/graph-core"
import { Filter, OwnedAccounts } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const budget = 200
const window = Duration.hours(1)
const accounts = 10_000
const pageSize = 25
const readers = 4
const latency = Duration.millis(250)

/**
 * The emulator's in-process transport, on Effect's clock: before each request the emulator's (frozen)
 * clock is moved to Effect's `Clock`, so `TestClock.adjust` drives Graph's rate-limit windows too.
 * Each answer takes `latency` to come back, as over a network. (The emulator has no Clock-following
 * mode of its own; it only moves when told.)
 */
const onEffectClock = (emulator: Emulator.EmulatorService): HttpClient.HttpClient => {
  const inner = EmulatorHttpClient.make(emulator)
  return HttpClient.make((request) =>
    Effect.gen(function*() {
      const lag = (yield* Clock.currentTimeMillis) - emulator.clock.now()
      if (lag > 0) emulator.clock.advance(Duration.millis(lag))
      const response = yield* inner.execute(request)
      yield* Effect.sleep(latency)
      return response
    })
  )
}

interface Run {
  readonly delivered: ReadonlyArray<string>
  readonly expected: ReadonlyArray<string>
  readonly log: ReadonlyArray<RequestLog.Entry>
  readonly elapsed: Duration.Duration
}

/**
 * Reads every account of one business with `readers` streams in parallel, one per slice of the
 * creation-time range, against an emulator with a budget of 200 calls an hour. The client has the
 * default retry policy (without jitter, so that runs repeat exactly), and like many a sync job the
 * caller restarts a throttled read a minute later from where it stopped (the last page's cursor). Both runs
 * are the same code; only the governor differs.
 */
const readEverything = (governor: Layer.Layer<RateGovernor.RateGovernor, GraphConfig.GraphConfigError>) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.make({
      businesses: [accounts],
      clock: { start: yield* Clock.currentTimeMillis, frozen: true },
      rateLimit: { businessCalls: budget, window },
      // Slices by creation time are only cheaper than one read if Graph filters before paging; the point
      // here is the governor, not that quirk.
      quirks: { filterAfterPaging: false }
    })
    const businessId = emulator.businessIds[0]!
    const all = yield* emulator.accounts(businessId)
    const expected = all.map((account) => String(account.id))
    // Slice boundaries at quantiles of creation_time: [b0, b1), [b1, b2), ...
    const bounds = Array.from(
      { length: readers - 1 },
      (_, i) => new Date(Number(all[Math.floor(((i + 1) * all.length) / readers)]!.creation_time) * 1000)
    )
    const slices = Array.from({ length: readers }, (_, i) => [
      ...(i > 0 ? [Filter.creationTime.greaterThanOrEqual(bounds[i - 1]!)] : []),
      ...(i < readers - 1 ? [Filter.creationTime.lessThan(bounds[i]!)] : [])
    ])

    const client = GraphClient.layer.pipe(
      Layer.provide(governor),
      Layer.provide(GraphConfig.layer({ accessToken: emulator.token, retry: { jitter: false } })),
      Layer.provide(Layer.succeed(HttpClient.HttpClient, onEffectClock(emulator)))
    )
    const delivered: Array<string> = []
    const readSlice = (
      filtering: ReadonlyArray<Filter.Filter>,
      after: string | undefined
    ): Effect.Effect<void, never, GraphClient.GraphClient> =>
      Effect.suspend(() => {
        let resumeAfter = after
        return OwnedAccounts.pages(businessId, { filtering, limit: pageSize, after }).pipe(
          Stream.runForEach((page) =>
            Effect.sync(() => {
              delivered.push(...page.accounts.map((account) => account.id))
              resumeAfter = page.nextAfter
            })
          ),
          Effect.catchTag(
            "GraphRateLimitError",
            () => Effect.zipRight(Effect.sleep("1 minute"), readSlice(filtering, resumeAfter))
          ),
          Effect.orDie
        )
      })
    const start = yield* Clock.currentTimeMillis
    const fiber = yield* Effect.fork(
      Effect.forEach(slices, (filtering) => readSlice(filtering, undefined), { concurrency: "unbounded" }).pipe(
        Effect.zipRight(Clock.currentTimeMillis),
        Effect.provide(client)
      )
    )
    yield* TestClock.adjust("1 day")
    const finishedAt = yield* Fiber.join(fiber)
    return {
      delivered,
      expected,
      log: yield* emulator.requests,
      elapsed: Duration.millis(finishedAt - start)
    } satisfies Run
  })

const refused = (run: Run) => run.log.filter((entry) => entry.errorCode === 80008).length

/** The most calls Graph counted (accepted ones) in any one-hour window. */
const peakWindow = (run: Run) => {
  const accepted = run.log.filter((entry) => entry.status === 200).map((entry) => entry.receivedAt)
  let peak = 0
  let start = 0
  for (let end = 0; end < accepted.length; end++) {
    while (accepted[end]! - accepted[start]! >= Duration.toMillis(window)) start++
    peak = Math.max(peak, end - start + 1)
  }
  return peak
}

const summary = (name: string, run: Run) =>
  `${name}: ${run.log.length} requests, ${refused(run)} answered 80008, ${run.delivered.length} accounts delivered, ` +
  `peak ${peakWindow(run)} accepted calls in one hour, finished after ${Duration.format(run.elapsed)}`

describe("against the emulator (200 calls an hour, clock driven by TestClock)", () => {
  it.effect("a naive client runs into 80008 again and again; the governed one never does, and delivers everything", () =>
    Effect.gen(function*() {
      const naive = yield* readEverything(RateGovernor.disabled)
      const governed = yield* readEverything(RateGovernor.layerMemory())
      console.log(summary("naive (governor off)", naive))
      console.log(summary("governed (default options)", governed))

      // The work needs about twice the hourly budget.
      expect(governed.log.length).toBeGreaterThanOrEqual(2 * budget)

      // Every minute of the blocked hour, every reader is refused again.
      expect(refused(naive)).toBeGreaterThan(100)
      expect(refused(governed)).toBe(0)

      for (const run of [naive, governed]) {
        expect(run.delivered.length).toBe(accounts)
        expect(new Set(run.delivered)).toEqual(new Set(run.expected))
        expect(peakWindow(run)).toBeLessThanOrEqual(budget)
      }
    }))
})
