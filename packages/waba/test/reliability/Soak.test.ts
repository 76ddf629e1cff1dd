/**
 * A soak: many concurrent streams against one emulator server for a bounded time, with faults on.
 * Every completed read must deliver exactly its business's accounts, in order.
 */
import { Testing } from "@effect-waba/emulator"
import { Emulator } from "@effect-waba/emulator"
import { OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Stream from "effect/Stream"

const soakMillis = Number(process.env.SOAK_MS ?? 6_000)
const workers = 12
const sizes = [1_500, 800, 2_300, 450, 1_200]

describe("soak", () => {
  it.live(`${workers} concurrent readers for ${soakMillis} ms with faults on every kind`, () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const truth = new Map<string, ReadonlyArray<string>>()
      for (const id of emulator.businessIds) {
        truth.set(id, (yield* emulator.accounts(id)).map((a) => a.id))
      }
      yield* emulator.setFaults([
        { kind: "httpError", status: 503, when: { rate: 0.03 } },
        { kind: "httpError", status: 502, body: "empty", when: { rate: 0.02 } },
        { kind: "graphError", code: 2, when: { rate: 0.03 } },
        { kind: "graphError", code: "transient", when: { rate: 0.02 } },
        { kind: "reset", when: { rate: 0.03 } },
        { kind: "truncated", when: { rate: 0.03 } },
        { kind: "nonJson", when: { rate: 0.02 } },
        { kind: "latency", ms: 1, jitterMs: 4, when: { rate: 0.3 } }
      ])
      const deadline = Date.now() + soakMillis
      let reads = 0
      let delivered = 0
      let expected = 0
      const worker = (n: number) =>
        Effect.gen(function*() {
          let round = 0
          while (Date.now() < deadline) {
            const businessId = emulator.businessIds[(n + round++) % emulator.businessIds.length]!
            const limit = [25, 50, 100][(n + round) % 3]!
            const got = yield* OwnedAccounts.stream(businessId, { limit, prefetch: n % 2 === 0 ? 1 : false }).pipe(
              Stream.map((a) => a.id),
              Stream.runCollect,
              Effect.map(Chunk.toReadonlyArray)
            )
            const want = truth.get(businessId)!
            expect(got).toEqual(want)
            reads++
            delivered += got.length
            expected += want.length
          }
        })
      // Hundreds of retries are expected here; their info logs would drown the summary.
      yield* Effect.forEach(Array.from({ length: workers }, (_, i) => i), worker, { concurrency: "unbounded" }).pipe(
        Logger.withMinimumLogLevel(LogLevel.Warning)
      )

      const requests = yield* emulator.requestCount
      const faults = (yield* emulator.injectedFaults).filter((f) => f.kind !== "latency")
      const byKind = new Map<string, number>()
      for (const f of faults) byKind.set(f.kind, (byKind.get(f.kind) ?? 0) + 1)
      expect(reads).toBeGreaterThan(workers)
      expect(faults.length).toBeGreaterThan(50)
      expect(delivered).toBe(expected)
      yield* Effect.log(
        `soak: ${reads} reads, ${requests} requests, ${faults.length} faults survived (${
          [...byKind].map(([k, v]) => `${k} ${v}`).join(", ")
        }), ${delivered} accounts delivered of ${expected} expected`
      )
    }).pipe(Effect.provide(Testing.overTheWire({ businesses: sizes, rateLimit: false, seed: "soak" }, {
      timeout: "2 seconds",
      retry: { maxRetries: 8, baseDelay: "2 millis", maxDelay: "20 millis" }
    }))), 120_000)
})
