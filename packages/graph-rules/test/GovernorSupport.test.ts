import { describe, expect, it } from "vitest"
import * as Decision from "../src/governor.js"
import * as Aliases from "../src/governorAliases.js"
import * as Checked from "../src/governorSettings.js"
import * as Memory from "../src/governorStore.js"
import * as Text from "../src/governorText.js"

// What both lines' governors share besides the decision: the settings check, the ids a key's responses
// named, the in-memory store, and the wording.

const wbm = "whatsapp_business_management"
const millisOf = (value: unknown) => typeof value === "number" ? value : NaN

describe("governor settings", () => {
  it("fills in the defaults, and the default settings are those of no options", () => {
    expect(Checked.settings({}, millisOf)).toEqual({ _tag: "Success", success: Checked.defaultSettings })
    expect(Checked.defaultSettings).toMatchObject({
      ceiling: 90,
      paceFrom: 50,
      calls: 200,
      maxProbeIntervalMillis: 360_000
    })
    const low = Checked.settings({ ceiling: 40, types: [wbm, "whatsapp", wbm] }, millisOf)
    expect(low).toMatchObject({ success: { ceiling: 40, paceFrom: 20, types: [wbm, "whatsapp"] } })
  })

  it("refuses each option that cannot work, naming it", () => {
    for (
      const [given, setting] of [
        [{ ceiling: 101 }, "rateGovernor.ceiling"],
        [{ ceiling: 80, paceFrom: 85 }, "rateGovernor.paceFrom"],
        [{ budget: { calls: Infinity } }, "rateGovernor.budget.calls"],
        [{ budget: { window: "an hour" } }, "rateGovernor.budget.window"],
        [{ maxProbeInterval: -1 }, "rateGovernor.maxProbeInterval"],
        [{ types: [] }, "rateGovernor.types"]
      ] as const
    ) {
      const checked = Checked.settings(given, millisOf)
      expect(checked._tag === "Failure" && checked.failure.setting).toBe(setting)
    }
  })
})

describe("governor wording", () => {
  it("durations read as Effect writes them, and a refusal says whose budget, why and for how long", () => {
    expect([0, 1, 1_500, 3_725_000, 90_061_001].map(Text.formatMillis)).toEqual([
      "0",
      "1ms",
      "1s 500ms",
      "1h 2m 5s",
      "1d 1h 1m 1s 1ms"
    ])
    const message = Text.refusalMessage({
      scope: "app",
      reason: "ceiling",
      waitMillis: 899_400,
      maxWaitMillis: 1_000,
      usagePercent: 100,
      businessId: "42"
    })
    expect(message).toBe(
      "The rate governor did not send this request: for the app's budget as business 42, at 100%, usage is at " +
        "the ceiling and the next probe may go in 14m 59s, longer than the 1s the request may wait."
    )
  })

  it("a hold is told (INFO and an event) only past 2 seconds, naming the budget and its type", () => {
    const hold = { scope: Decision.budgetScope("111", wbm), reason: "pacing", millis: 10_000, usage: 70 } as const
    const told = Text.describe("111", hold)
    expect(told.line).toBe(`Rate governor: holding a request for business 111 (${wbm}) for 10s (usage 70%, pacing)`)
    expect(told).toMatchObject({ told: true, event: { scope: "111", reason: "pacing", waitMillis: 10_000 } })
    expect(Text.describe(undefined, { ...hold, scope: Decision.appScopeOf("9"), millis: 2_000 })).toMatchObject({
      told: false,
      line: "Rate governor: holding a request for the app as business 9 for 2s (usage 70%, pacing)",
      annotations: { "graph.usage_key": "app", "rate_governor.scope": "app" }
    })
  })
})

describe("the in-memory store", () => {
  it("spaces places by each caller's interval, takes none beyond the limit, and forgets what expired", () => {
    const store = Memory.make()
    expect(store.take("s", 1_000, undefined, 0)).toBe(0)
    expect(store.take("s", 1_000, undefined, 0)).toBe(1_000)
    // Further than the caller accepts: not taken, so the next caller gets the same place.
    expect(store.take("s", 1_000, 500, 0)).toBe(2_000)
    expect(store.take("s", 1_000, undefined, 0)).toBe(2_000)
    const observation = { usage: 95, observedAt: 0, holdUntil: 0, streak: 1 }
    store.write("a", observation, 60_000, 0)
    expect(store.read(["a", "b"], 59_999)).toEqual([observation, undefined])
    expect(store.read(["a"], 60_000)).toEqual([undefined])
  })

  it("past its cap the least recently written scopes go first", () => {
    const store = Memory.make({ maxScopes: 2 })
    const observation = { usage: 95, observedAt: 0, holdUntil: 0, streak: 1 }
    for (const scope of ["a", "b", "c"]) store.write(scope, observation, 60_000, 0)
    expect(store.read(["a", "b", "c"], 1)).toEqual([undefined, observation, observation])
    expect(store.sizes()).toEqual({ observations: 2, places: 0 })
  })
})

describe("the ids a key's responses named", () => {
  it("govern the key for a window, at most 16 per key", () => {
    const aliases = Aliases.make({ windowMillis: 3_600_000, types: [wbm] })
    aliases.remember("111", ["222"], 0)
    expect(aliases.budgetsOf("111")).toEqual([Decision.budgetScope("111", wbm), Decision.budgetScope("222", wbm)])
    expect(aliases.budgetsOf(undefined)).toEqual([])
    for (let i = 0; i < 40; i++) aliases.remember("111", [String(500 + i)], 1)
    expect(aliases.sizes()).toEqual({ keys: 1, aliases: 16 })
    aliases.remember("111", [], 3_600_001)
    expect(aliases.budgetsOf("111")).toEqual([Decision.budgetScope("111", wbm)])
  })
})

describe("what a response teaches", () => {
  const settings = Checked.defaultSettings
  it("nothing without usage headers, unless it was a throttling error: then the key's known budgets are at the ceiling", () => {
    expect(Decision.heard(settings, "111", { usage: {} }, () => ["x"], "app")).toBeUndefined()
    expect(Decision.heard(settings, "111", { usage: {}, errorCode: 100 }, () => ["x"], "app")).toBeUndefined()
    const throttled = Decision.heard(settings, "111", { usage: {}, errorCode: 80008, retryAfterMillis: 5_000 }, () => [
      Decision.budgetScope("111", wbm)
    ], "app")
    expect(throttled?.readings).toEqual([{ scope: Decision.budgetScope("111", wbm), level: 90, holdMillis: 5_000 }])
  })
})
