import { Emulator } from "@effect-waba/emulator"
import { GraphError } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { CheckpointStore, inMemoryCheckpoints, readResuming, syncWithCheckpoints } from "../src/CheckpointResume.js"
import { GraphEmulated } from "../src/Layers.js"

// Retries off, so that an injected fault ends a read and the example's own resuming is what is tested.
const graph = GraphEmulated({ seed: 2, businesses: [110], rateLimit: false }, { retry: false })

describe("example: checkpoint and resume", () => {
  it.effect("a run stopped by a fault is continued by the next run from the stored cursor", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const store = yield* CheckpointStore
      const [businessId] = emulator.businessIds as [string]
      const handled: Array<string> = []
      const handle = (accounts: ReadonlyArray<{ readonly id: string }>) =>
        Effect.sync(() => handled.push(...accounts.map((account) => account.id)))

      // The third page fails with a 503 (no retries): the first run handles two pages, then stops.
      yield* emulator.setFaults([{ kind: "httpError", status: 503, when: { requests: [3] } }])
      const first = yield* Effect.either(syncWithCheckpoints(businessId, handle))
      // A 503 with a Graph body marked transient.
      expect(Either.isLeft(first) && first.left._tag).toBe("GraphTransientError")
      expect(handled).toHaveLength(50)
      const stopped = yield* store.load
      expect(stopped.done).toBe(false)
      expect(stopped.after).toBeDefined()

      // The next run starts from the checkpoint and finishes.
      yield* emulator.clearFaults
      expect(yield* syncWithCheckpoints(businessId, handle)).toBe(60)
      expect(handled).toEqual((yield* emulator.accounts(businessId)).map((account) => account.id))
      expect((yield* store.load).done).toBe(true)

      // A finished sync sends nothing more.
      yield* emulator.resetRequests
      expect(yield* syncWithCheckpoints(businessId, handle)).toBe(0)
      expect(yield* emulator.requestCount).toBe(0)
    }).pipe(Effect.provide(inMemoryCheckpoints()), Effect.provide(graph)))

  it.effect("one read continues from each failure's resumeAfter: nothing lost, nothing repeated", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const [businessId] = emulator.businessIds as [string]
      // Two pages fail mid-read: a 503 and a connection cut part-way through the body.
      yield* emulator.setFaults([
        { kind: "httpError", status: 503, when: { requests: [2] } },
        { kind: "reset", when: { requests: [4] } }
      ])
      const ids = yield* readResuming(businessId, { maxResumes: 3, pause: 0 }).pipe(
        Stream.map((account) => account.id),
        Stream.runCollect
      )
      expect(Chunk.toReadonlyArray(ids)).toEqual((yield* emulator.accounts(businessId)).map((account) => account.id))
      expect((yield* emulator.injectedFaults).map((fault) => fault.kind)).toEqual(["httpError", "reset"])
      // 5 pages of 25, plus the 2 failed attempts.
      expect(yield* emulator.requestCount).toBe(7)
    }).pipe(Effect.provide(graph)))

  it.effect("gives up after maxResumes, with the error saying where to resume", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const [businessId] = emulator.businessIds as [string]
      // The first page arrives; every later request fails.
      yield* emulator.setFaults([{ kind: "httpError", status: 503, when: { requests: [2, 3, 4, 5] } }])
      const error = yield* readResuming(businessId, { maxResumes: 2, pause: 0 }).pipe(Stream.runDrain, Effect.flip)
      expect(error._tag).toBe("GraphTransientError")
      // The first page, the failed read, and two failed resumes.
      expect(yield* emulator.requestCount).toBe(4)
      const firstPage = (yield* emulator.requests)[0]!
      expect(firstPage.status).toBe(200)
      expect(GraphError.isGraphError(error) && error.resumeAfter).toEqual(expect.any(String))
    }).pipe(Effect.provide(graph)))
})
