/**
 * Every fault kind over the real loopback server: a 10,000-account business streamed with the fault
 * on a share of requests. Every account must arrive exactly once and in order, and the client must
 * have made exactly one extra request per fault injected.
 */
import { Testing } from "@effect-waba/emulator"
import type * as Faults from "@effect-waba/emulator/Faults"
import { OwnedAccounts } from "@effect-waba/waba"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const faults: ReadonlyArray<readonly [string, Faults.Fault]> = [
  ["HTTP 500", { kind: "httpError", status: 500 }],
  ["HTTP 502", { kind: "httpError", status: 502, body: "empty" }],
  ["HTTP 503", { kind: "httpError", status: 503 }],
  ["Graph code 1", { kind: "graphError", code: 1 }],
  ["Graph code 2", { kind: "graphError", code: 2 }],
  ["is_transient", { kind: "graphError", code: "transient" }],
  ["connection reset mid-body", { kind: "reset" }],
  ["truncated JSON", { kind: "truncated" }],
  ["non-JSON body", { kind: "nonJson" }],
  ["slower than the timeout", { kind: "slow", ms: 2_500 }]
]

const accounts = 10_000
const pageSize = 100
const pages = accounts / pageSize

const figures: Array<{ name: string; injected: number; requests: number; delivered: number; unique: number }> = []

describe("streams survive every fault kind", () => {
  afterAll(() => {
    // The figures behind docs/reliability.md.
    console.log(
      figures.map((f) =>
        `${f.name}: ${f.injected} injected, ${f.injected} survived, ${f.requests} requests, ${f.delivered} delivered (${f.unique} distinct) of ${accounts}`
      ).join("\n")
    )
  })

  for (const [name, fault] of faults) {
    // Slow responses cost a timeout each; a smaller share keeps the run short.
    const rate = fault.kind === "slow" ? 0.05 : 0.12
    it.live(`${name} on ${rate * 100}% of requests`, () =>
      Effect.gen(function*() {
        const { accounts: truth, businessId, emulator } = yield* Testing.ownedOracle()
        yield* emulator.setFaults([{ ...fault, when: { rate } } as Faults.Rule])
        const recorder = Testing.recorder()
        const got = yield* OwnedAccounts.stream(businessId, { limit: pageSize }).pipe(
          Stream.map((a) => a.id),
          Stream.runCollect,
          Effect.map(Chunk.toReadonlyArray),
          recorder.run
        )
        expect(got.length).toBe(accounts)
        expect(new Set(got).size).toBe(accounts)
        expect(got).toEqual(truth.map((a) => a.id))

        const injected = (yield* emulator.injectedFaults).filter((f) => f.kind === fault.kind)
        const requests = yield* emulator.requestCount
        expect(injected.length).toBeGreaterThan(2)
        // One retry per injected fault, no more, no less: counted by the server and by the client.
        expect(requests - pages).toBe(injected.length)
        expect(recorder.logs.filter((l) => l.message.includes("retrying"))).toHaveLength(injected.length)
        const aborted = (yield* emulator.requests).filter((r) => r.aborted).length
        if (fault.kind === "slow") expect(aborted).toBe(injected.length)
        figures.push({ name, injected: injected.length, requests, delivered: got.length, unique: new Set(got).size })
      }).pipe(Effect.provide(Testing.overTheWire({ businesses: [accounts], rateLimit: false, seed: `faults-${name}` }, {
        // Generous next to a loopback round trip (a few ms), so that only the injected slow responses
        // time out even on a loaded machine.
        timeout: "1 second",
        retry: { maxRetries: 6, baseDelay: "2 millis", maxDelay: "10 millis" }
      }))), 60_000)
  }
})
