/**
 * Resuming without cursors: a read checkpointed by the data (creation second + ids seen in it) and
 * resumed later, after the emulator added and deleted accounts in the middle, neither loses nor repeats
 * an account — where a stored cursor goes stale.
 */
import { Testing } from "@effect-waba/emulator"
import { GraphPaging } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

const idsOf = <E, R>(stream: Stream.Stream<{ readonly id: string }, E, R>) =>
  Effect.map(Stream.runCollect(Stream.map(stream, (a) => a.id)), Chunk.toReadonlyArray)

describe("resume from a data checkpoint", () => {
  it.effect("after deletions and additions mid-read: everything that still exists is delivered exactly once", () =>
    Effect.gen(function*() {
      const { accounts: before, businessId, emulator } = yield* Testing.ownedOracle()
      // Read three pages, keeping the last page's checkpoint.
      const firstPages = yield* OwnedAccounts.pages(businessId, { limit: 20, sort: "creation_time_ascending" }).pipe(
        Stream.take(3),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
      const delivered = firstPages.flatMap((page) => page.accounts.map((a) => a.id))
      const checkpoint = firstPages[2]!.checkpoint!
      expect(checkpoint.ids).toContain(delivered[delivered.length - 1])

      // Meanwhile: the last account delivered (the one the cursor points at) and a later one are
      // deleted, and accounts are added, some in the very second the checkpoint stopped in.
      const later = before[45]!.id
      yield* emulator.deleteAccounts(businessId, [delivered[delivered.length - 1]!, later])
      yield* emulator.addAccounts(businessId, 2, { creationTime: checkpoint.at })
      yield* emulator.addAccounts(businessId, 3)

      // A stored cursor is stale now.
      const stale = yield* Effect.flip(
        Stream.runDrain(OwnedAccounts.stream(businessId, { limit: 20, after: firstPages[2]!.nextAfter }))
      )
      expect(stale._tag).not.toBe("InvalidRequestError")

      // The checkpoint is not, even as a token kept in a database.
      const token = Option.getOrThrow(GraphPaging.checkpointToken(checkpoint))
      const restored = Option.getOrThrow(GraphPaging.parseCheckpointToken(token))
      const rest = yield* idsOf(OwnedAccounts.stream(businessId, { limit: 20, checkpoint: restored }))
      const now = (yield* emulator.accounts(businessId)).map((a) => a.id)
      const all = [...delivered, ...rest]
      expect(new Set(all).size).toBe(all.length)
      // Every account that exists now is delivered; the deleted one after the checkpoint is not.
      expect(now.every((id) => all.includes(id))).toBe(true)
      expect(rest).not.toContain(later)
      expect(rest).toEqual(now.filter((id) => !delivered.includes(id)))
    }).pipe(Effect.provide(Testing.inProcess({ businesses: [137], rateLimit: false }))))

  it.effect("a checkpoint taken in the middle of a busy second skips exactly the ids it saw", () =>
    Effect.gen(function*() {
      const { businessId, emulator } = yield* Testing.ownedOracle()
      // Thirty accounts created in the same second: pages of 7 end inside it.
      const crowd = yield* emulator.addAccounts(businessId, 30, { creationTime: 1_800_000_000 })
      const pages = yield* OwnedAccounts.pages(businessId, {
        limit: 7,
        sort: "creation_time_ascending",
        filtering: { field: "creation_time", operator: "GREATER_THAN_OR_EQUAL", value: new Date(1_800_000_000_000) }
      }).pipe(Stream.take(2), Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
      const checkpoint = pages[1]!.checkpoint!
      expect(checkpoint).toMatchObject({
        at: 1_800_000_000,
        ids: pages.flatMap((p) => p.accounts.map((a) => a.id)),
        after: pages[1]!.nextAfter
      })
      // Resumed from the data alone (as when the cursor went stale), and from the checkpoint as given.
      const { after: _, ...dataOnly } = checkpoint
      for (const from of [dataOnly, checkpoint]) {
        const rest = yield* idsOf(OwnedAccounts.stream(businessId, { limit: 7, checkpoint: from }))
        expect([...checkpoint.ids, ...rest]).toEqual(crowd.map((a) => String(a.id)))
      }
      // Resumed by its cursor for one more page, still inside the second: that page's checkpoint holds every id
      // of the second delivered so far, so resuming from its data alone repeats none of them.
      const [third] = yield* OwnedAccounts.pages(businessId, { limit: 7, checkpoint }).pipe(
        Stream.take(1),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
      expect(third!.checkpoint!.ids).toEqual(crowd.slice(0, 21).map((a) => String(a.id)))
      const { after: __, ...later } = third!.checkpoint!
      const rest = yield* idsOf(OwnedAccounts.stream(businessId, { limit: 7, checkpoint: later }))
      expect(rest).toEqual(crowd.slice(21).map((a) => String(a.id)))
    }).pipe(
      Effect.provide(Testing.inProcess({ businesses: [40], rateLimit: false, quirks: { filterAfterPaging: false } }))
    ))

  it.effect("a fresh checkpoint resumes by its cursor (no re-reading); a stale one from its data, losing nothing", () =>
    Effect.gen(function*() {
      const { accounts: truth, businessId, emulator } = yield* Testing.ownedOracle()
      const [, second] = yield* OwnedAccounts.pages(businessId, { limit: 25, sort: "creation_time_ascending" }).pipe(
        Stream.take(2),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
      const checkpoint = second!.checkpoint!
      const ids = truth.map((a) => a.id)

      // Fresh: the cursor continues where the read stopped: 137 accounts, 50 read, 4 pages to go.
      yield* emulator.resetRequests
      const rest = yield* idsOf(OwnedAccounts.stream(businessId, { limit: 25, checkpoint }))
      expect(rest).toEqual(ids.slice(50))
      expect(yield* emulator.requestCount).toBe(4)
      expect((yield* emulator.requests)[0]!.query.after).toBe(checkpoint.after)

      // Stale: the account the cursor points at is deleted; Graph refuses the cursor and the data takes over.
      yield* emulator.deleteAccounts(businessId, [ids[49]!])
      yield* emulator.resetRequests
      const again = yield* idsOf(OwnedAccounts.stream(businessId, { limit: 25, checkpoint }))
      expect(again).toEqual(ids.slice(50))
      const log = yield* emulator.requests
      expect(log[0]!.errorCode).toBeDefined()
      expect(log[1]!.query.after).toBeUndefined()
      expect(JSON.parse(log[1]!.query.filtering!)).toEqual([
        { field: "creation_time", operator: "GREATER_THAN", value: checkpoint.at! - 1 }
      ])

      // Collected with all (one effect, no stream): the same fallback, the same accounts.
      yield* emulator.resetRequests
      const collected = yield* OwnedAccounts.all(businessId, { limit: 25, checkpoint })
      expect(collected.map((a) => a.id)).toEqual(ids.slice(50))
      expect((yield* emulator.requests)[0]!.errorCode).toBeDefined()
    }).pipe(Effect.provide(Testing.inProcess({ businesses: [137], rateLimit: false }))))

  it.effect("checkpoints need the ascending sort; a descending read has none, and a checkpoint is refused with it", () =>
    Effect.gen(function*() {
      const { businessId, emulator } = yield* Testing.ownedOracle()
      const [page] = yield* OwnedAccounts.pages(businessId, { sort: "creation_time_descending" }).pipe(
        Stream.take(1),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
      expect(page!.checkpoint).toBeUndefined()
      yield* emulator.resetRequests
      const refused = yield* Effect.flip(Stream.runDrain(OwnedAccounts.stream(businessId, {
        sort: "creation_time_descending",
        checkpoint: { at: 1, ids: [] }
      })))
      expect(refused).toMatchObject({ _tag: "InvalidRequestError", parameter: "checkpoint" })
      expect(yield* emulator.requestCount).toBe(0)
    }).pipe(Effect.provide(Testing.inProcess({ businesses: [40], rateLimit: false }))))
})
