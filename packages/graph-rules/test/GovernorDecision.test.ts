import { describe, expect, it } from "vitest"
import * as Decision from "../src/governor.js"
import * as GraphUsage from "../src/usage.js"

// The governor's decisions as plain data in, plain data out: no clock, no store, no fibers.

const wbm = "whatsapp_business_management"
const settings: Decision.Settings = {
  ceiling: 90,
  paceFrom: 50,
  calls: 200,
  windowMillis: 3_600_000,
  maxProbeIntervalMillis: 360_000,
  types: [wbm]
}
const biz = Decision.budgetScope("111", wbm)
const waba = Decision.budgetScope("222", wbm)
const now = 1_000_000

const observation = (
  usage: number,
  extra: Partial<{ observedAt: number; holdUntil: number; streak: number }> = {}
) => ({
  usage,
  observedAt: extra.observedAt ?? now - 1_000,
  holdUntil: extra.holdUntil ?? 0,
  streak: extra.streak ?? (usage >= 90 ? 1 : 0)
})

interface Input {
  readonly known: ReadonlyArray<Decision.Known>
  readonly maxWaitMillis: number | undefined
  readonly bookedAt: number | undefined
}

const input = (
  known: ReadonlyArray<Decision.Known>,
  extra: Partial<{ maxWaitMillis: number; bookedAt: number }> = {}
): Input => ({ known, maxWaitMillis: extra.maxWaitMillis, bookedAt: extra.bookedAt })

const decide = ({ bookedAt, known, maxWaitMillis }: Input) =>
  Decision.decide(settings, known, now, maxWaitMillis, bookedAt)

describe("governorDecision.decide", () => {
  const cases: ReadonlyArray<readonly [string, Input, Decision.Next]> = [
    ["nothing known: go", input([]), Decision.go],
    ["far below paceFrom: go, nothing booked", input([{ scope: biz, observation: observation(10) }]), Decision.go],
    [
      "at paceFrom exactly: go (the gap is zero there)",
      input([{ scope: biz, observation: observation(50) }]),
      Decision.go
    ],
    [
      "70%: claim a place 10 s after the previous one (20 s × 20/40)",
      input([{ scope: biz, observation: observation(70) }]),
      { _tag: "Claim", claims: [{ scope: biz, gate: false, intervalMillis: 10_000, usage: 70 }] }
    ],
    [
      "two budgets paced: a place in each, each with its own gap",
      input([{ scope: biz, observation: observation(60) }, { scope: "app", observation: observation(80) }]),
      {
        _tag: "Claim",
        claims: [
          { scope: biz, gate: false, intervalMillis: 5_000, usage: 60 },
          { scope: "app", gate: false, intervalMillis: 15_000, usage: 80 }
        ]
      }
    ],
    [
      "a regain hint in the future: hold until then, whatever the usage",
      input([{ scope: biz, observation: observation(10, { holdUntil: now + 180_000 }) }]),
      { _tag: "Wait", hold: { scope: biz, reason: "regain", millis: 180_000, usage: 10 } }
    ],
    [
      "the longest regain hint of all budgets wins",
      input([
        { scope: biz, observation: observation(100, { holdUntil: now + 60_000 }) },
        { scope: waba, observation: observation(100, { holdUntil: now + 120_000 }) }
      ]),
      { _tag: "Wait", hold: { scope: waba, reason: "regain", millis: 120_000, usage: 100 } }
    ],
    [
      "a regain hint longer than the caller accepts: refuse",
      input([{ scope: biz, observation: observation(100, { holdUntil: now + 3_600_000 }) }], {
        maxWaitMillis: 900_000
      }),
      { _tag: "Refuse", hold: { scope: biz, reason: "regain", millis: 3_600_000, usage: 100 } }
    ],
    [
      "at the ceiling, answered 1 s ago: hold until the probe interval (6 min) has passed since that answer",
      input([{ scope: biz, observation: observation(90) }]),
      { _tag: "Wait", hold: { scope: biz, reason: "ceiling", millis: 359_000, usage: 90 } }
    ],
    [
      "at the ceiling, the probe not due within the caller's limit: refuse",
      input([{ scope: biz, observation: observation(90) }], { maxWaitMillis: 60_000 }),
      { _tag: "Refuse", hold: { scope: biz, reason: "ceiling", millis: 359_000, usage: 90 } }
    ],
    [
      "at the ceiling, the probe due: claim the gate, and a place with no gap",
      input([{ scope: biz, observation: observation(90, { observedAt: now - 360_000 }) }]),
      {
        _tag: "Claim",
        claims: [
          { scope: biz, gate: true, intervalMillis: 360_000, usage: 90 },
          { scope: biz, gate: false, intervalMillis: 0, usage: 90 }
        ]
      }
    ],
    [
      "a regain time that has come: probe at once",
      input([{ scope: biz, observation: observation(100, { observedAt: now - 60_000, holdUntil: now }) }]),
      {
        _tag: "Claim",
        claims: [
          { scope: biz, gate: true, intervalMillis: 900_000, usage: 100 },
          { scope: biz, gate: false, intervalMillis: 0, usage: 100 }
        ]
      }
    ],
    [
      "booked and waited, nothing new: go without booking again",
      input([{ scope: biz, observation: observation(70, { observedAt: now - 5_000 }) }], { bookedAt: now - 4_000 }),
      Decision.go
    ],
    [
      "booked and waited, but a regain hint arrived meanwhile: hold for it",
      input([{ scope: biz, observation: observation(100, { holdUntil: now + 30_000 }) }], { bookedAt: now - 4_000 }),
      { _tag: "Wait", hold: { scope: biz, reason: "regain", millis: 30_000, usage: 100 } }
    ],
    [
      "booked and waited, but the budget reached the ceiling since: decide afresh",
      input([{ scope: biz, observation: observation(95, { observedAt: now - 1_000 }) }], { bookedAt: now - 4_000 }),
      // 95%: 5% of 200 calls left, half of it for probes: one per 12 minutes.
      { _tag: "Wait", hold: { scope: biz, reason: "ceiling", millis: 719_000, usage: 95 } }
    ]
  ]
  for (const [name, given, expected] of cases) {
    it(name, () => expect(decide(given)).toEqual(expected))
  }

  it("no hold is ever negative, nor fractional", () => {
    for (const usage of [51, 63.3, 89.99, 90, 99.5, 100, 250]) {
      for (const observedAt of [now - 10_000_000, now - 1, now, now + 5_000]) {
        const next = decide(input([{ scope: biz, observation: observation(usage, { observedAt }) }]))
        if (next._tag === "Wait" || next._tag === "Refuse") {
          expect(next.hold.millis).toBeGreaterThanOrEqual(0)
          expect(Number.isInteger(next.hold.millis)).toBe(true)
        }
        if (next._tag === "Claim") {
          for (const claim of next.claims) expect(claim.intervalMillis).toBeGreaterThanOrEqual(0)
        }
      }
    }
  })
})

describe("governorDecision.settle: after the store's answers", () => {
  const probe: ReadonlyArray<Decision.Claim> = [
    { scope: biz, gate: true, intervalMillis: 360_000, usage: 90 },
    { scope: waba, gate: true, intervalMillis: 360_000, usage: 95 },
    { scope: biz, gate: false, intervalMillis: 0, usage: 90 },
    { scope: waba, gate: false, intervalMillis: 0, usage: 95 }
  ]

  it.each(
    [
      ["every gate opens and the places are now: go", [0, 0, 0, 0], undefined, Decision.go],
      [
        "the second gate is closed: hold until it opens (or news comes)",
        [0, 42_000],
        undefined,
        { _tag: "Wait", hold: { scope: waba, reason: "ceiling", millis: 42_000, usage: 95 } }
      ],
      [
        "a closed gate further than the caller accepts: refuse",
        [120_000],
        60_000,
        { _tag: "Refuse", hold: { scope: biz, reason: "ceiling", millis: 120_000, usage: 90 } }
      ]
    ] as const
  )("%s", (_, waits, maxWait, expected) => {
    expect(Decision.settle(probe, waits, maxWait)).toEqual(expected)
  })

  const places: ReadonlyArray<Decision.Claim> = [
    { scope: biz, gate: false, intervalMillis: 10_000, usage: 70 },
    { scope: "app", gate: false, intervalMillis: 5_000, usage: 60 }
  ]
  it.each(
    [
      ["both places are now: go", [0, 0], undefined, Decision.go],
      [
        "hold for the furthest place",
        [10_000, 25_000],
        undefined,
        { _tag: "Wait", hold: { scope: "app", reason: "pacing", millis: 25_000, usage: 60 } }
      ],
      [
        "a place further than the caller accepts: refuse",
        [10_000, 25_000],
        20_000,
        { _tag: "Refuse", hold: { scope: "app", reason: "pacing", millis: 25_000, usage: 60 } }
      ],
      [
        "exactly the caller's limit is accepted",
        [20_000],
        20_000,
        { _tag: "Wait", hold: { scope: biz, reason: "pacing", millis: 20_000, usage: 70 } }
      ]
    ] as const
  )("%s", (_, waits, maxWait, expected) => {
    expect(Decision.settle(places, waits, maxWait)).toEqual(expected)
  })
})

describe("governorDecision.read: which budgets a response speaks for", () => {
  const facts = (
    headers: Record<string, unknown>,
    refusal: Partial<{ appThrottled: boolean; retryAfterMillis: number }> | undefined = undefined
  ) => ({
    usage: GraphUsage.fromHeaders(
      Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, JSON.stringify(value)]))
    ),
    refusal: refusal === undefined
      ? undefined
      : { app: refusal.appThrottled ?? false, retryAfterMillis: refusal.retryAfterMillis }
  })
  const read = (given: ReturnType<typeof facts>, fallback: ReadonlyArray<string>) =>
    Decision.read(settings, "111", given.usage, given.refusal, fallback)
  const usageHeader = "x-business-use-case-usage"

  it("absent headers say nothing (unknown, not zero)", () => {
    expect(read(facts({}), [])).toEqual({ readings: [], aliases: [] })
  })

  it("one budget per (id, type); types that do not govern are left out; the highest figure counts", () => {
    const found = read(
      facts({
        [usageHeader]: {
          "111": [
            { type: wbm, call_count: 20, total_cputime: 35, total_time: 5 },
            { type: "whatsapp", call_count: 100, estimated_time_to_regain_access: 30 }
          ]
        }
      }),
      []
    )
    expect(found).toEqual({ readings: [{ scope: biz, level: 35, holdMillis: 0 }], aliases: [] })
  })

  it("a header keyed by WABA ids: those budgets, and the ids as aliases of the key", () => {
    const found = read(
      facts({
        [usageHeader]: {
          "222": [{ type: wbm, call_count: 80 }],
          "333": [{ call_count: 40, estimated_time_to_regain_access: 2 }]
        }
      }),
      []
    )
    expect(found).toEqual({
      readings: [
        { scope: waba, level: 80, holdMillis: 0 },
        // Without a type, an entry counts as the first governing type.
        { scope: Decision.budgetScope("333", wbm), level: 40, holdMillis: 120_000 }
      ],
      aliases: ["222", "333"]
    })
  })

  it("negative, infinite or non-numeric figures are ignored; absurd regain hints are capped at a day", () => {
    // 1e400 parses as Infinity.
    const usage = GraphUsage.fromHeaders({
      [usageHeader]:
        `{"111":[{"type":"${wbm}","call_count":-5,"total_cputime":null,"total_time":1e400,"estimated_time_to_regain_access":1e12}]}`
    })
    const found = read({ usage, refusal: undefined }, [])
    expect(found.readings).toEqual([{ scope: biz, level: undefined, holdMillis: Decision.longestHoldMillis }])
  })

  it("a refusal puts what the response reported at the ceiling at least, with the hinted hold", () => {
    const found = read(
      facts({ [usageHeader]: { "222": [{ type: wbm, call_count: 40 }] } }, { retryAfterMillis: 60_000 }),
      [biz]
    )
    expect(found.readings).toEqual([{ scope: waba, level: 90, holdMillis: 60_000 }])
  })

  it("a refusal without headers falls back on the budgets the key is known to count against", () => {
    const found = read(facts({}, {}), [biz, waba])
    expect(found.readings).toEqual([
      { scope: biz, level: 90, holdMillis: 0 },
      { scope: waba, level: 90, holdMillis: 0 }
    ])
  })

  it("code 4 is the app's limit: it holds the app's budget and the key's, in the request's business scope", () => {
    const found = read(facts({}, { appThrottled: true, retryAfterMillis: 5_000 }), [biz])
    expect(found.readings).toEqual([
      { scope: "app", level: 90, holdMillis: 5_000 },
      { scope: biz, level: 90, holdMillis: 5_000 }
    ])
    const scoped = Decision.read(
      settings,
      undefined,
      {},
      { app: true, retryAfterMillis: 0 },
      [],
      "app/7"
    )
    expect(scoped.readings).toEqual([{ scope: "app/7", level: 90, holdMillis: 0 }])
    expect(Decision.budgetOf("app/7")).toEqual({ scope: "app" })
  })
})

describe("governorDecision.update: what to store after a response", () => {
  const reading = (level: number | undefined, holdMillis = 0): Decision.Reading => ({ scope: biz, level, holdMillis })

  it.each(
    [
      ["unknown before, no figure now: nothing to store", undefined, reading(undefined), undefined],
      [
        "first sight of 70%: store it for a window and book the send just answered",
        undefined,
        reading(70),
        {
          observation: { usage: 70, observedAt: now, holdUntil: 0, streak: 0 },
          timeToLiveMillis: 3_600_000,
          book: true
        }
      ],
      ["quiet before and after: nothing stored", undefined, reading(10), undefined],
      [
        "quiet after a high reading: stored, so that the high one no longer holds anyone",
        observation(95),
        reading(10),
        {
          observation: { usage: 10, observedAt: now, holdUntil: 0, streak: 0 },
          timeToLiveMillis: 3_600_000,
          book: false
        }
      ],
      [
        "still at the ceiling: the streak grows; no booking (the probe was booked)",
        observation(92, { streak: 2 }),
        reading(93),
        {
          observation: { usage: 93, observedAt: now, holdUntil: 0, streak: 3 },
          timeToLiveMillis: 3_600_000,
          book: false
        }
      ],
      [
        "a two-hour hint: kept for as long as it lasts",
        observation(60),
        reading(100, 7_200_000),
        {
          observation: { usage: 100, observedAt: now, holdUntil: now + 7_200_000, streak: 1 },
          timeToLiveMillis: 7_200_000,
          book: false
        }
      ],
      [
        "a hold still running is kept when a later answer has none",
        observation(100, { holdUntil: now + 60_000 }),
        reading(100),
        {
          observation: { usage: 100, observedAt: now, holdUntil: now + 60_000, streak: 2 },
          timeToLiveMillis: 3_600_000,
          book: false
        }
      ]
    ] as const
  )("%s", (_, before, given, expected) => {
    expect(Decision.update(settings, before, given, now)).toEqual(expected)
  })
})

describe("governorDecision pacing and probe intervals", () => {
  it.each([
    [40, 0],
    [50, 0],
    [55, 2_500],
    [70, 10_000],
    [85, 17_500],
    [90, 20_000],
    [99, 20_000]
  ])("pacing at %d%% is %d ms", (usage, millis) => {
    expect(Decision.pacingMillis(settings, usage)).toBeCloseTo(millis, 6)
  })

  it.each([
    // 10% of 200 calls left, half for probes: 10 per hour, one per 6 minutes.
    [90, 1, 360_000],
    // 2% left: 2 calls for probes, capped at a quarter of the window.
    [98, 1, 900_000],
    [90, 30, 360_000]
  ])("probes at %d%% with streak %d are %d ms apart", (usage, streak, millis) => {
    expect(Decision.probeMillis(settings, usage, streak)).toBe(millis)
  })
})
