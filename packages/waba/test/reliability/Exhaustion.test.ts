/**
 * Faults beyond the retry budget: the read fails with the typed error the fault calls for; the last page
 * it fully delivered says where to continue (its checkpoint, and its cursor), and a new read from there
 * completes the set with nothing lost or repeated.
 */
import { Testing } from "@effect-waba/emulator"
import type * as Faults from "@effect-waba/emulator/Faults"
import { OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const cases: ReadonlyArray<readonly [string, Faults.Fault, string, string | undefined]> = [
  ["HTTP 503 with Graph's body", { kind: "httpError", status: 503 }, "GraphTransientError", undefined],
  ["HTTP 502, empty", { kind: "httpError", status: 502, body: "empty" }, "GraphTransportError", "UnexpectedStatus"],
  ["Graph code 1", { kind: "graphError", code: 1 }, "GraphTransientError", undefined],
  ["connection reset", { kind: "reset" }, "GraphTransportError", "Network"],
  ["truncated JSON", { kind: "truncated" }, "GraphTransportError", "InvalidBody"],
  ["slow response", { kind: "slow", ms: 1_000 }, "GraphTransportError", "Timeout"]
]

describe("faults beyond the retry budget", () => {
  for (const [name, fault, tag, reason] of cases) {
    it.live(`${name}: ${tag}${reason ? ` (${reason})` : ""}; resuming from the last checkpoint completes the set`, () =>
      Effect.gen(function*() {
        const { accounts: truth, businessId, emulator } = yield* Testing.ownedOracle()
        // Page 6 (requests 6, 7, 8 with two retries) keeps failing.
        yield* emulator.setFaults([{ ...fault, when: { requests: [6, 7, 8] } } as Faults.Rule])
        const delivered: Array<string> = []
        let last: OwnedAccounts.Page<{ readonly id: string }> | undefined
        const error = yield* OwnedAccounts.pages(businessId, { limit: 50, sort: "creation_time_ascending" }).pipe(
          Stream.runForEach((page) =>
            Effect.sync(() => {
              delivered.push(...page.accounts.map((a) => a.id))
              last = page
            })
          ),
          Effect.flip
        )
        expect(error._tag).toBe(tag)
        if (reason !== undefined) expect((error as { readonly reason?: string }).reason).toBe(reason)
        expect((error as { readonly attempts?: number }).attempts).toBe(3)
        expect(delivered).toEqual(truth.slice(0, 250).map((a) => a.id))
        expect(last?.number).toBe(5)

        const idsOf = <R>(stream: Stream.Stream<{ readonly id: string }, unknown, R>) =>
          stream.pipe(Stream.map((a) => a.id), Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
        const fromCheckpoint = yield* idsOf(
          OwnedAccounts.stream(businessId, { limit: 50, checkpoint: last!.checkpoint })
        )
        expect([...delivered, ...fromCheckpoint]).toEqual(truth.map((a) => a.id))
        const fromCursor = yield* idsOf(
          OwnedAccounts.stream(businessId, { limit: 50, sort: "creation_time_ascending", after: last!.nextAfter })
        )
        expect([...delivered, ...fromCursor]).toEqual(truth.map((a) => a.id))
      }).pipe(Effect.provide(Testing.overTheWire({ businesses: [1_000], rateLimit: false }, {
        timeout: "300 millis",
        retry: { maxRetries: 2, baseDelay: "2 millis", jitter: false }
      }))))
  }
})
