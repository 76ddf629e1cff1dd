import { Testing } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, GraphMetrics, RateGovernor, RateGovernorStore } from "@effect-waba/graph-core"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"

const { RateGovernorStoreError } = RateGovernorStore

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })
const route = "/{business-id}/owned_whatsapp_business_accounts"
const alpha = "1111111111"
const beta = "2222222222"

const get = (businessId: string) =>
  GraphClient.get({ route, params: { "business-id": businessId }, schema: Page, usageKey: businessId })

interface Answer {
  readonly status?: number
  readonly body?: unknown
  /** `X-Business-Use-Case-Usage` for the requested business: call_count and regain minutes. */
  readonly business?: { readonly callCount: number; readonly regainMinutes?: number }
  /** `X-App-Usage` call_count. */
  readonly app?: number
  /** `X-Business-Use-Case-Usage` as sent, keyed by any ids (instead of `business`). */
  readonly usage?: Record<string, ReadonlyArray<Record<string, unknown>>>
}

interface Sent {
  readonly businessId: string
  readonly at: number
}

/**
 * A Graph server that answers the n-th request (0-based) with `answer(n, businessId)` and remembers
 * when (on Effect's clock) each request arrived.
 */
const server = (answer: (n: number, businessId: string) => Answer) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const businessId = url.pathname.split("/")[2]!
      sent.push({ businessId, at: yield* Clock.currentTimeMillis })
      const reply = answer(sent.length - 1, businessId)
      const headers: Record<string, string> = { "content-type": "application/json" }
      if (reply.business !== undefined) {
        headers["x-business-use-case-usage"] = JSON.stringify({
          [businessId]: [{
            type: "whatsapp_business_management",
            call_count: reply.business.callCount,
            total_cputime: 1,
            total_time: 1,
            estimated_time_to_regain_access: reply.business.regainMinutes ?? 0
          }]
        })
      }
      if (reply.usage !== undefined) headers["x-business-use-case-usage"] = JSON.stringify(reply.usage)
      if (reply.app !== undefined) {
        headers["x-app-usage"] = JSON.stringify({ call_count: reply.app, total_cputime: 1, total_time: 1 })
      }
      return HttpClientResponse.fromWeb(
        request,
        new Response(JSON.stringify(reply.body ?? { data: [] }), { status: reply.status ?? 200, headers })
      )
    })
  )
  return { sent, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

const throttled = (regainMinutes: number): Answer => ({
  status: 400,
  body: { error: { message: "Too many calls to this WhatsApp Business account", code: 80008, type: "OAuthException" } },
  business: { callCount: 100, regainMinutes }
})

/** A client over `http`, governed by `governor`, with its store in context too. */
const governed = (
  http: Layer.Layer<HttpClient.HttpClient>,
  options: {
    readonly governor?: RateGovernor.Options
    readonly config?: Partial<GraphConfig.Options>
  } = {}
) =>
  GraphClient.layer.pipe(
    Layer.provideMerge(RateGovernor.layer(options.governor).pipe(Layer.provideMerge(RateGovernorStore.layerMemory))),
    Layer.provide(GraphConfig.layer({ accessToken: Testing.token, retry: false, ...options.config })),
    Layer.provide(http)
  )

/** Runs `count` requests one after the other in the background, lets `time` pass, and waits for them. */
const sequentially = (count: number, businessId: string, time: Duration.DurationInput) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(
      Effect.forEach(Array.from({ length: count }), () => Effect.either(get(businessId)))
    )
    yield* TestClock.adjust(time)
    return yield* Fiber.join(fiber)
  })

const gaps = (sent: ReadonlyArray<Sent>) => sent.slice(1).map((s, i) => s.at - sent[i]!.at)

const counter = (metric: Metric.Metric.Counter<number>) => Effect.map(Metric.value(metric), (state) => state.count)

describe("RateGovernor", () => {
  it.effect("without usage headers it never waits and keeps no state", () => {
    const graph = server(() => ({}))
    return Effect.gen(function*() {
      // No TestClock.adjust: any wait at all would leave these requests hanging.
      for (let i = 0; i < 300; i++) yield* get(alpha)
      expect(graph.sent).toHaveLength(300)
      const store = yield* RateGovernorStore.RateGovernorStore
      const known = yield* store.read([RateGovernor.budgetScope(alpha), RateGovernor.appScope])
      expect(known.every(Option.isNone)).toBe(true)
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("below paceFrom calls go out at once; between paceFrom and the ceiling the gap grows with usage", () => {
    // Usage climbs 5 points per call: 5, 10, ... 85.
    const graph = server((n) => ({ business: { callCount: 5 * (n + 1) } }))
    return Effect.gen(function*() {
      yield* sequentially(17, alpha, "1 hour")
      expect(graph.sent).toHaveLength(17)
      const spacing = gaps(graph.sent)
      // After answers of 5..50% nothing waits.
      expect(spacing.slice(0, 10)).toEqual(Array(10).fill(0))
      // Then the gap is 20 s (3600 s / 180 calls) × (usage − 50) / 40: 55% → 2.5 s, 60% → 5 s, ... 85% → 17.5 s.
      const paced = spacing.slice(10)
      expect(paced).toEqual([2_500, 5_000, 7_500, 10_000, 12_500, 15_000])
      for (let i = 1; i < paced.length; i++) expect(paced[i]!).toBeGreaterThan(paced[i - 1]!)
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("at the ceiling requests are held; probes go out at growing intervals until usage drops", () => {
    // 90% for seven answers, then 40%.
    const graph = server((n) => ({ business: { callCount: n < 7 ? 90 : 40 } }))
    return Effect.gen(function*() {
      yield* sequentially(10, alpha, "2 hours")
      expect(graph.sent).toHaveLength(10)
      // 2,000 calls an hour: half the 10% left (100 calls) per hour is one probe per 36 s; the doubling
      // (2 s, 4 s, ... from the 2 s sustainable gap) takes over past that. Then usage is 40%: no wait.
      expect(gaps(graph.sent)).toEqual([36_000, 36_000, 36_000, 36_000, 36_000, 64_000, 128_000, 0, 0])
    }).pipe(Effect.provide(governed(graph.layer, { governor: { budget: { calls: 2_000 } } })))
  })

  it.effect("the doubling stops at maxProbeInterval", () => {
    const graph = server(() => ({ business: { callCount: 90 } }))
    return Effect.gen(function*() {
      yield* sequentially(8, alpha, "1 hour")
      expect(gaps(graph.sent)).toEqual([36_000, 36_000, 36_000, 36_000, 36_000, 60_000, 60_000])
    }).pipe(
      Effect.provide(governed(graph.layer, { governor: { maxProbeInterval: "1 minute", budget: { calls: 2_000 } } }))
    )
  })

  it.effect("with the default budget of 200 calls an hour, a probe every 6 minutes at 90%", () => {
    const graph = server(() => ({ business: { callCount: 90 } }))
    return Effect.gen(function*() {
      yield* sequentially(4, alpha, "1 hour")
      expect(gaps(graph.sent)).toEqual([360_000, 360_000, 360_000])
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("near 100% probes are rarer still: what is left is spread over the window", () => {
    const graph = server(() => ({ business: { callCount: 98 } }))
    return Effect.gen(function*() {
      yield* sequentially(3, alpha, "1 hour")
      // 2% of 200 calls = 4 calls left in the hour, half of them for probes: at most one per 15 minutes.
      expect(gaps(graph.sent)).toEqual([900_000, 900_000])
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("concurrent requests share one schedule: each is spaced from the send booked before it", () => {
    const graph = server(() => ({ business: { callCount: 70 } }))
    return Effect.gen(function*() {
      yield* get(alpha)
      const fibers = yield* Effect.fork(Effect.all(Array.from({ length: 4 }, () => get(alpha)), { concurrency: 4 }))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fibers)
      // 70%: a 10 s gap (20 s × 20/40), from the first send and then from each other.
      expect(graph.sent.map((s) => s.at)).toEqual([0, 10_000, 20_000, 30_000, 40_000])
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("a regain hint holds every request for that business until then, then releases them", () => {
    const graph = server((
      n
    ) => (n === 0 ? { business: { callCount: 100, regainMinutes: 3 } } : { business: { callCount: 10 } }))
    return Effect.gen(function*() {
      yield* get(alpha)
      const waiting = yield* Effect.fork(Effect.all([get(alpha), get(alpha), get(alpha)], { concurrency: "unbounded" }))
      yield* TestClock.adjust(Duration.subtract(Duration.minutes(3), Duration.millis(1)))
      expect(graph.sent).toHaveLength(1)
      yield* TestClock.adjust("1 millis")
      // One probe at 3 minutes; its answer (10%) releases the other two at once.
      yield* Fiber.join(waiting)
      expect(graph.sent.map((s) => s.at)).toEqual([0, 180_000, 180_000, 180_000])
      // Another business is not held.
      yield* get(beta)
      expect(graph.sent.at(-1)).toEqual({ businessId: beta, at: 180_000 })
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("a regain hint longer than retry.maxHintedWait fails at once, without sending", () => {
    const graph = server(() => ({ business: { callCount: 100, regainMinutes: 60 } }))
    return Effect.gen(function*() {
      yield* get(alpha)
      const error = yield* Effect.flip(get(alpha))
      // A local refusal, as itself: not a Graph error with a made-up code.
      expect(error).toMatchObject({ _tag: "HoldTooLongError", scope: alpha, reason: "regain" })
      expect(error._tag === "HoldTooLongError" && Duration.toMillis(error.wait)).toBe(3_600_000)
      expect(graph.sent).toHaveLength(1)
    }).pipe(Effect.provide(governed(graph.layer, { config: { retry: { maxHintedWait: "15 minutes" } } })))
  })

  it.effect("within maxHintedWait the same hint is waited out", () => {
    const graph = server((n) => n === 0 ? { business: { callCount: 100, regainMinutes: 60 } } : {})
    return Effect.gen(function*() {
      yield* get(alpha)
      const fiber = yield* Effect.fork(get(alpha))
      yield* TestClock.adjust("59 minutes")
      expect(graph.sent).toHaveLength(1)
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      expect(graph.sent.map((s) => s.at)).toEqual([0, 3_600_000])
    }).pipe(Effect.provide(governed(graph.layer, { config: { retry: { maxHintedWait: "2 hours" } } })))
  })

  it.effect("app usage at the ceiling holds requests without a usage key, never those counted against a business", () => {
    const graph = server((n) => (n === 0 ? { app: 96 } : {}))
    return Effect.gen(function*() {
      yield* get(alpha)
      // A business's read is governed by its business-use-case budgets: app usage does not hold it.
      yield* get(beta)
      const unkeyed = yield* Effect.fork(GraphClient.get({ route, params: { "business-id": beta }, schema: Page }))
      // 4% of the budget left, half of it for probes: one per 15 minutes.
      yield* TestClock.adjust("899 seconds")
      expect(graph.sent).toHaveLength(2)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(unkeyed)
      expect(graph.sent).toEqual([
        { businessId: alpha, at: 0 },
        { businessId: beta, at: 0 },
        { businessId: beta, at: 900_000 }
      ])
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("80008 with a retry: the retry waits the hint once (not hint + hold), and is an attempt; the hold is not", () => {
    const graph = server((n) => (n === 0 ? throttled(2) : { business: { callCount: 20 } }))
    return Effect.gen(function*() {
      const first = yield* Effect.fork(get(alpha))
      yield* TestClock.adjust("1 second")
      // Meanwhile another request for the same business is held rather than sent and refused.
      const second = yield* Effect.fork(get(alpha))
      yield* TestClock.adjust("2 minutes")
      const response = yield* Fiber.join(first)
      yield* Fiber.join(second)
      expect(response.attempts).toBe(2)
      // The retry goes at hint + backoff (2 min + 0.5 s); the held request right when the hold ends.
      expect(graph.sent.map((s) => s.at)).toEqual([0, 120_000, 120_500])
    }).pipe(
      Effect.provide(
        governed(graph.layer, {
          config: { retry: { jitter: false, baseDelay: "500 millis", maxHintedWait: "1 hour" } }
        })
      )
    )
  })

  it.effect("a throttling error without a hint puts the business at the ceiling: the next request is a probe", () => {
    const graph = server((n) =>
      n === 0
        ? { status: 400, body: { error: { message: "Too many calls", code: 80008 } } }
        : { business: { callCount: 30 } }
    )
    return Effect.gen(function*() {
      yield* Effect.either(get(alpha))
      const next = yield* Effect.fork(get(alpha))
      yield* TestClock.adjust("6 minutes")
      yield* Fiber.join(next)
      expect(graph.sent.map((s) => s.at)).toEqual([0, 360_000])
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("every wait is logged at INFO with key, reason and duration, marked on the span, and counted", () => {
    const recorder = Testing.recorder()
    const graph = server((
      n
    ) => (n === 0 ? { business: { callCount: 100, regainMinutes: 1 } } : { business: { callCount: 70 } }))
    return Effect.gen(function*() {
      const regainWaits = Metric.tagged(RateGovernor.metrics.waits, "reason", "regain")
      const pacingWaits = Metric.tagged(RateGovernor.metrics.waits, "reason", "pacing")
      const before = {
        regain: yield* counter(regainWaits),
        pacing: yield* counter(pacingWaits),
        waited: yield* counter(RateGovernor.metrics.waitedMilliseconds),
        requests: yield* GraphMetrics.requestsSent
      }
      yield* sequentially(4, alpha, "1 hour")
      // 0 s: 100% with a 1-minute hint → held 60 s; 60 s: probe → 70%; then paced 10 s twice.
      expect(graph.sent.map((s) => s.at)).toEqual([0, 60_000, 70_000, 80_000])

      const waits = recorder.logs.filter((log) => log.message.startsWith("Rate governor"))
      expect(
        waits.map((
          log
        ) => [log.level, log.annotations["rate_governor.reason"], log.annotations["rate_governor.wait_ms"]])
      )
        .toEqual([["INFO", "regain", 60_000], ["INFO", "pacing", 10_000], ["INFO", "pacing", 10_000]])
      for (const log of waits) {
        expect(log.annotations["graph.usage_key"]).toBe(alpha)
        expect(log.annotations["rate_governor.scope"]).toBe(alpha)
      }
      expect(waits[0]!.message).toContain(`business ${alpha}`)
      expect(waits[0]!.message).toContain("1m")

      const spans = recorder.spans.filter((span) => span.name === `GET ${route}`)
      expect(spans).toHaveLength(4)
      expect(spans.map((span) => span.events.filter((e) => e.name === "graph.rate_governor.wait").length)).toEqual([
        0,
        1,
        1,
        1
      ])
      expect(spans[1]!.events[0]!.attributes).toMatchObject({
        "rate_governor.reason": "regain",
        "rate_governor.wait_ms": 60_000,
        "graph.usage_key": alpha
      })

      expect((yield* counter(regainWaits)) - before.regain).toBe(1)
      expect((yield* counter(pacingWaits)) - before.pacing).toBe(2)
      expect((yield* counter(RateGovernor.metrics.waitedMilliseconds)) - before.waited).toBe(80_000)
      expect((yield* GraphMetrics.requestsSent) - before.requests).toBe(4)
    }).pipe(Effect.provide(governed(graph.layer)), recorder.run)
  })

  it.effect("80008 responses are counted by code", () => {
    const graph = server(() => throttled(0))
    return Effect.gen(function*() {
      const metric = Metric.tagged(RateGovernor.metrics.rateLimitedResponses, "code", "80008")
      const before = yield* counter(metric)
      yield* sequentially(3, alpha, "1 hour")
      expect((yield* counter(metric)) - before).toBe(3)
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("RateGovernor.disabled never waits, whatever the headers say", () => {
    const graph = server(() => ({ business: { callCount: 100, regainMinutes: 60 }, app: 100 }))
    const layer = GraphClient.layer.pipe(
      Layer.provide(RateGovernor.disabled),
      Layer.provide(GraphConfig.layer({ accessToken: Testing.token, retry: false })),
      Layer.provide(graph.layer)
    )
    return Effect.gen(function*() {
      for (let i = 0; i < 5; i++) yield* get(alpha)
      expect(graph.sent.map((s) => s.at)).toEqual([0, 0, 0, 0, 0])
    }).pipe(Effect.provide(layer))
  })

  it.effect("GraphClient governs by default, with an in-memory governor of its own", () => {
    const graph = server((n) => (n === 0 ? { business: { callCount: 100, regainMinutes: 1 } } : {}))
    const layer = GraphClient.layer.pipe(
      Layer.provide(GraphConfig.layer({ accessToken: Testing.token, retry: false })),
      Layer.provide(graph.layer)
    )
    return Effect.gen(function*() {
      yield* sequentially(2, alpha, "2 minutes")
      expect(graph.sent.map((s) => s.at)).toEqual([0, 60_000])
    }).pipe(Effect.provide(layer))
  })

  it.effect("a failing store lets requests through and says so once per outage", () => {
    const recorder = Testing.recorder()
    const graph = server(() => ({ business: { callCount: 100, regainMinutes: 60 } }))
    let down = true
    const failing = <A>(value: A) =>
      Effect.suspend(() =>
        down
          ? Effect.fail(new RateGovernorStoreError({ message: "connection refused" }))
          : Effect.succeed(value)
      )
    const flaky = Layer.succeed(RateGovernorStore.RateGovernorStore, {
      read: (scopes) => failing(scopes.map(() => Option.none())),
      write: () => failing(undefined),
      take: () => failing(Duration.zero)
    })
    const layer = GraphClient.layer.pipe(
      Layer.provide(RateGovernor.layer().pipe(Layer.provide(flaky))),
      Layer.provide(GraphConfig.layer({ accessToken: Testing.token, retry: false })),
      Layer.provide(graph.layer)
    )
    const lines = () => recorder.logs.filter((log) => log.message.includes("store")).map((log) => log.level)
    return Effect.gen(function*() {
      for (let i = 0; i < 5; i++) yield* get(alpha)
      expect(graph.sent).toHaveLength(5)
      // Ten failed store operations, one line.
      expect(lines()).toEqual(["WARN"])
      expect(recorder.logs.find((log) => log.level === "WARN")!.message).toContain("connection refused")
      down = false
      yield* get(alpha)
      expect(lines()).toEqual(["WARN", "INFO"])
      down = true
      yield* get(alpha)
      yield* get(alpha)
      expect(lines()).toEqual(["WARN", "INFO", "WARN"])
    }).pipe(Effect.provide(layer), recorder.run)
  })

  it.effect("invalid options fail when the layer is built", () =>
    Effect.gen(function*() {
      for (
        const [options, setting] of [
          [{ ceiling: 0 }, "rateGovernor.ceiling"],
          [{ ceiling: 101 }, "rateGovernor.ceiling"],
          [{ ceiling: 80, paceFrom: 80 }, "rateGovernor.paceFrom"],
          [{ budget: { calls: 0 } }, "rateGovernor.budget.calls"],
          [{ budget: { window: "0 seconds" } }, "rateGovernor.budget.window"],
          [{ maxProbeInterval: Duration.infinity }, "rateGovernor.maxProbeInterval"],
          [{ types: [] }, "rateGovernor.types"],
          [{ types: ["Whatsapp Business"] }, "rateGovernor.types"]
        ] as const
      ) {
        const error = yield* Effect.flip(RateGovernor.makeSettings(options))
        expect(error).toMatchObject({ _tag: "GraphConfigError", setting })
      }
      const settings = yield* RateGovernor.makeSettings({ ceiling: 40 })
      expect(settings).toMatchObject({ ceiling: 40, paceFrom: 20, calls: 200 })
      expect(Duration.toMillis(settings.maxProbeInterval)).toBe(360_000)
    }))
})

describe("RateGovernor budgets: keys and types as Meta sends them", () => {
  const waba = "3333333333"
  const wbm = "whatsapp_business_management"

  it.effect("a business answered with the usage of its WABA is paced by that budget from then on", () => {
    // Requests are about businesses; the header names the WABA whose budget they count against.
    const graph = server((n, businessId) =>
      businessId === beta
        ? {}
        : { usage: { [waba]: [{ type: wbm, call_count: n === 0 ? 95 : 40, total_cputime: 3, total_time: 2 }] } }
    )
    return Effect.gen(function*() {
      yield* get(alpha)
      const next = yield* Effect.fork(get(alpha))
      // Another business, never answered with that WABA, is not held.
      yield* get(beta)
      // A request counted against the WABA itself is held by the same budget.
      const direct = yield* Effect.fork(get(waba))
      // 95%: 5% of 200 calls left, half for probes: one per 12 minutes after the answer.
      yield* TestClock.adjust("719 seconds")
      expect(graph.sent.map((s) => s.businessId)).toEqual([alpha, beta])
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(next)
      yield* Fiber.join(direct)
      // One of them went as the probe; its answer (the WABA at 40%) released the other at once.
      expect(graph.sent.slice(2).map((s) => s.at)).toEqual([720_000, 720_000])
      const store = yield* RateGovernorStore.RateGovernorStore
      const [own, ofWaba] = yield* store.read([RateGovernor.budgetScope(alpha), RateGovernor.budgetScope(waba)])
      // Nothing is stored under the business itself; the WABA's budget is back down to 40%.
      expect(Option.isNone(own!)).toBe(true)
      expect(Option.map(ofWaba!, (o) => o.usage)).toEqual(Option.some(40))
    }).pipe(Effect.provide(governed(graph.layer)))
  })

  it.effect("several types in one array are separate budgets; only the governing types hold requests", () => {
    const spentMessaging = {
      usage: {
        [alpha]: [
          { type: wbm, call_count: 12, total_cputime: 1, total_time: 1 },
          {
            type: "whatsapp",
            call_count: 100,
            total_cputime: 100,
            total_time: 100,
            estimated_time_to_regain_access: 30
          }
        ]
      }
    }
    const byDefault = server(() => spentMessaging)
    const withMessaging = server(() => spentMessaging)
    return Effect.gen(function*() {
      // The messaging budget is spent, but management reads do not count against it.
      yield* Effect.gen(function*() {
        for (let i = 0; i < 3; i++) yield* get(alpha)
        expect(byDefault.sent.map((s) => s.at)).toEqual([0, 0, 0])
      }).pipe(Effect.provide(governed(byDefault.layer)))
      // Told to keep to the messaging budget too, the governor waits its 30 minutes.
      yield* Effect.gen(function*() {
        yield* sequentially(2, alpha, "1 hour")
        expect(withMessaging.sent.map((s) => s.at)).toEqual([0, 1_800_000])
      }).pipe(
        Effect.provide(
          governed(withMessaging.layer, {
            governor: { types: [wbm, "whatsapp"] },
            config: { retry: { maxHintedWait: "1 hour" } }
          })
        )
      )
    })
  })

  it.effect("responses without usage headers teach nothing: a known budget is neither cleared nor zeroed", () => {
    const graph = server((n) => (n === 0 ? { business: { callCount: 70 } } : {}))
    return Effect.gen(function*() {
      yield* sequentially(4, alpha, "1 minute")
      // 70% stays the last word: every request is spaced by 10 s.
      expect(gaps(graph.sent)).toEqual([10_000, 10_000, 10_000])
    }).pipe(Effect.provide(governed(graph.layer)))
  })
})
