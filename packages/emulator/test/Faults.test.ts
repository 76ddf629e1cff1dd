import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as TestClock from "effect/TestClock"
import type * as Emulator from "../src/Emulator.js"
import * as Faults from "../src/Faults.js"
import { lastEntry, once, send, sharedFaultChecks } from "./faultChecks.js"
import { inProcess } from "./helpers.js"

const options: Emulator.Options = { seed: "faults", businesses: [60], rateLimit: false }

describe("faults in process", () => {
  it.layer(inProcess(options))((it) => {
    const checks = sharedFaultChecks(Effect.succeed(undefined))

    it.effect("HTTP 500/502/503 with and without a Graph body", () => checks.httpErrors)
    it.effect("Graph transient errors: code 1, code 2, is_transient", () => checks.graphErrors)
    it.effect("connection reset mid-body: the body read fails", () => checks.reset)
    it.effect("truncated JSON", () => checks.truncated)
    it.effect("non-JSON", () => checks.nonJson)

    it.effect("latency follows the TestClock", () =>
      Effect.gen(function*() {
        yield* once({ kind: "latency", ms: 1000 })
        const fiber = yield* Effect.fork(send())
        yield* TestClock.adjust("999 millis")
        expect(fiber.unsafePoll()).toBeNull()
        yield* TestClock.adjust("1 millis")
        const response = yield* Fiber.join(fiber)
        expect(response.status).toBe(200)
      }))

    it.effect("a slow response trips the client's timeout and is logged aborted", () =>
      Effect.gen(function*() {
        yield* once({ kind: "slow", ms: 30_000 })
        const fiber = yield* Effect.fork(Effect.either(send().pipe(Effect.timeout("5 seconds"))))
        yield* TestClock.adjust("5 seconds")
        const result = yield* Fiber.join(fiber)
        expect(Either.isLeft(result) && result.left._tag).toBe("TimeoutException")
        expect(yield* lastEntry).toMatchObject({ aborted: true, faults: ["slow"] })
      }))
  })
})

describe("fault triggers", () => {
  it("are deterministic for a seed and honour rate, every, requests and next", () => {
    const rules: ReadonlyArray<Faults.Rule> = [
      { kind: "httpError", status: 500, when: { rate: 0.3 } },
      { kind: "reset", when: { every: 4 } },
      { kind: "latency", ms: 5, jitterMs: 10, when: { requests: [2, 3] } }
    ]
    const run = (seed: number) => Array.from({ length: 200 }, (_, i) => Faults.decide(rules, i + 1, seed))
    const a = run(7)
    expect(run(7)).toEqual(a)
    expect(run(8).map((d) => d.fault?.kind)).not.toEqual(a.map((d) => d.fault?.kind))
    const rate = a.filter((d) => d.kinds.includes("httpError")).length / 200
    expect(rate).toBeGreaterThan(0.2)
    expect(rate).toBeLessThan(0.4)
    // A request hit by both keeps the first rule's fault.
    a.forEach((d, i) => {
      if ((i + 1) % 4 === 0 && !d.kinds.includes("httpError")) expect(d.fault?.kind).toBe("reset")
    })
    expect(a[1]!.delayMs).toBeGreaterThanOrEqual(5)
    expect(a[1]!.delayMs).toBeLessThanOrEqual(15)
    expect(a[3]!.delayMs).toBe(0)
    expect(Faults.resolve({ kind: "nonJson", when: { next: 2 } }, 10).when).toEqual({ requests: [11, 12] })
  })
})
