/**
 * Faults beyond the retry budget: the stream fails with the typed error the fault calls for, carrying
 * the cursor of the last page it fully delivered; a new read from that cursor completes the set with
 * nothing lost or repeated.
 */
import type * as Faults from "@effect-waba/emulator/Faults"
import { OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { oracle, overTheWire } from "../utils/Emulated.js"

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
    it.live(`${name}: ${tag}${reason ? ` (${reason})` : ""} with resumeAfter; resuming completes the set`, () =>
      Effect.gen(function*() {
        const { accounts: truth, businessId, emulator } = yield* oracle()
        // Page 6 (requests 6, 7, 8 with two retries) keeps failing.
        yield* emulator.setFaults([{ ...fault, when: { requests: [6, 7, 8] } } as Faults.Rule])
        const delivered: Array<string> = []
        const error = yield* OwnedAccounts.stream(businessId, { limit: 50 }).pipe(
          Stream.runForEach((a) => Effect.sync(() => delivered.push(a.id))),
          Effect.flip
        )
        expect(error._tag).toBe(tag)
        if (reason !== undefined) expect((error as { readonly reason?: string }).reason).toBe(reason)
        expect((error as { readonly attempts?: number }).attempts).toBe(3)
        expect(delivered).toEqual(truth.slice(0, 250).map((a) => a.id))

        const resumeAfter = (error as { readonly resumeAfter?: string }).resumeAfter
        expect(resumeAfter).toEqual(expect.any(String))
        const rest = yield* OwnedAccounts.stream(businessId, { limit: 50, after: resumeAfter }).pipe(
          Stream.map((a) => a.id),
          Stream.runCollect,
          Effect.map(Chunk.toReadonlyArray)
        )
        expect([...delivered, ...rest]).toEqual(truth.map((a) => a.id))
      }).pipe(Effect.provide(overTheWire({ businesses: [1_000], rateLimit: false }, {
        timeout: "300 millis",
        retry: { maxRetries: 2, baseDelay: "2 millis", jitter: false }
      }))))
  }
})
