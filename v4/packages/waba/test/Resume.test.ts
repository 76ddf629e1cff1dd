/**
 * Resuming an edge read on the Effect 4 line, against the emulator: a page's data checkpoint, kept as a
 * token, resumes a read after accounts were added and deleted in the middle, neither losing nor repeating
 * one; a fresh checkpoint continues by its cursor, a stale one from its data; a read resumed from a
 * checkpoint checkpoints in turn; and a checkpoint the read cannot take is refused before any request.
 */
import { GraphPaging } from "@effect-waba/graph-core"
import { OwnedAccounts } from "@effect-waba/waba"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { describe, expect, it } from "vitest"
import { useEmulator, value } from "./fixture.js"

const ascending = "creation_time_ascending"

describe("checkpoints (Effect 4)", () => {
  const { emulator, run } = useEmulator({ businesses: [137], rateLimit: false })
  const businessId = () => emulator().businessIds[0]!
  const firstPages = async (count: number, limit: number) =>
    value(
      await run(Stream.runCollect(Stream.take(OwnedAccounts.pages(businessId(), { limit, sort: ascending }), count)))
    )
  const ids = async (options: { readonly limit: number; readonly checkpoint: GraphPaging.Checkpoint }) =>
    value(await run(Stream.runCollect(OwnedAccounts.stream(businessId(), options)))).map((account) => account.id)

  it("a fresh checkpoint resumes by its cursor without re-reading; a stale one from its data, losing nothing", async () => {
    const truth = emulator().accounts(businessId()).map((account) => account.id)
    const [, second] = await firstPages(2, 25)
    const checkpoint = second!.checkpoint!
    expect(checkpoint.after).toBe(second!.nextAfter)

    emulator().resetRequests()
    expect(await ids({ limit: 25, checkpoint })).toEqual(truth.slice(50))
    // 137 accounts, 50 read: four pages to go, the first of them after the checkpoint's cursor.
    expect(emulator().requests()).toHaveLength(4)
    expect(emulator().requests()[0]!.query.after).toBe(checkpoint.after)

    // The account the cursor points at is deleted: Graph refuses the cursor, and the data takes over.
    emulator().deleteAccounts(businessId(), [truth[49]!])
    emulator().resetRequests()
    expect(await ids({ limit: 25, checkpoint })).toEqual(truth.slice(50))
    const log = emulator().requests()
    expect(log[0]!.errorCode).toBeDefined()
    expect(log[1]!.query.after).toBeUndefined()
    expect(JSON.parse(log[1]!.query.filtering!)).toEqual([
      { field: "creation_time", operator: "GREATER_THAN", value: checkpoint.at! - 1 }
    ])
    // Collected with all: the same fallback, the same accounts.
    emulator().resetRequests()
    const collected = value(await run(OwnedAccounts.all(businessId(), { limit: 25, checkpoint })))
    expect(collected.map((account) => account.id)).toEqual(truth.slice(50))
    expect(emulator().requests()[0]!.errorCode).toBeDefined()
    // A plain cursor that went stale is an error, not a silent restart.
    const stale = await run(Stream.runDrain(OwnedAccounts.stream(businessId(), { limit: 25, after: checkpoint.after })))
    expect(Exit.isFailure(stale) && String(stale.cause)).toMatch(/Graph\w+Error/)
  })

  it("resumed after deletions and additions mid-read, as a token: everything that still exists, exactly once", async () => {
    const before = emulator().accounts(businessId()).map((account) => account.id)
    const pages = await firstPages(3, 20)
    const delivered = pages.flatMap((page) => page.items.map((account) => account.id))
    const checkpoint = pages[2]!.checkpoint!
    expect(checkpoint.ids).toContain(delivered[delivered.length - 1])

    const later = before.find((id) => !delivered.includes(id) && before.indexOf(id) > 60)!
    emulator().deleteAccounts(businessId(), [delivered[delivered.length - 1]!, later])
    emulator().addAccounts(businessId(), 2, { creationTime: checkpoint.at })
    emulator().addAccounts(businessId(), 3)

    const token = Option.getOrThrow(GraphPaging.checkpointToken(checkpoint))
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/)
    const restored = Option.getOrThrow(GraphPaging.parseCheckpointToken(token))
    expect(restored).toEqual(checkpoint)
    const rest = await ids({ limit: 20, checkpoint: restored })
    const now = emulator().accounts(businessId()).map((account) => account.id)
    expect(new Set([...delivered, ...rest]).size).toBe(delivered.length + rest.length)
    expect(rest).not.toContain(later)
    expect(rest).toEqual(now.filter((id) => !delivered.includes(id)))
  })

  it("a read resumed from a checkpoint checkpoints in turn: resumed twice, nothing lost or repeated", async () => {
    const truth = emulator().accounts(businessId()).map((account) => account.id)
    const [first] = await firstPages(1, 30)
    const resumed = value(
      await run(
        Stream.runCollect(
          Stream.take(OwnedAccounts.pages(businessId(), { limit: 30, checkpoint: first!.checkpoint! }), 1)
        )
      )
    )
    // Drop the cursor: the last leg resumes from the data alone, as it would once the cursor is stale.
    const { after: _, ...data } = resumed[0]!.checkpoint!
    const last = await ids({ limit: 30, checkpoint: data })
    const all = [...first!.items, ...resumed[0]!.items].map((account) => account.id).concat(last)
    expect(all).toEqual(truth)
  })

  it("a descending read has no checkpoints; a checkpoint with it, or a malformed one, is refused before any request", async () => {
    const [page] = value(
      await run(
        Stream.runCollect(Stream.take(OwnedAccounts.pages(businessId(), { sort: "creation_time_descending" }), 1))
      )
    )
    expect(page!.checkpoint).toBeUndefined()
    expect(page!.nextAfter).toBeDefined()
    emulator().resetRequests()
    const refusals = [
      OwnedAccounts.stream(businessId(), { sort: "creation_time_descending", checkpoint: { at: 1, ids: [] } }),
      OwnedAccounts.stream(businessId(), { checkpoint: { at: 1, ids: [] }, after: "QVFI" }),
      OwnedAccounts.stream(businessId(), { checkpoint: { at: -1, ids: [] } }),
      OwnedAccounts.stream(businessId(), { checkpoint: { at: 1, ids: ["not-an-id"] } }),
      OwnedAccounts.stream(businessId(), { after: "has space" })
    ]
    for (const [i, read] of refusals.entries()) {
      const exit = await run(Stream.runDrain(read))
      expect(Exit.isFailure(exit) && String(exit.cause)).toContain("InvalidRequestError")
      expect(Exit.isFailure(exit) && String(exit.cause)).toContain(i === 4 ? "after" : "checkpoint")
    }
    // The same answers without running a read.
    const descending = { sort: "creation_time_descending", checkpoint: { at: 1, ids: [] } } as const
    expect(OwnedAccounts.validate(businessId(), descending)?.parameter).toBe("checkpoint")
    expect(OwnedAccounts.validate("12ab")?.parameter).toBe("business-id")
    expect(OwnedAccounts.validate(businessId(), { limit: 20, sort: ascending })).toBeUndefined()
    expect(emulator().requests()).toHaveLength(0)
  })
})

describe("a checkpoint in a busy second (Effect 4)", () => {
  const { emulator, run } = useEmulator({ businesses: [40], rateLimit: false, quirks: { filterAfterPaging: false } })

  it("skips exactly the ids it saw in that second, resumed by its cursor or from its data", async () => {
    const businessId = emulator().businessIds[0]!
    // Thirty accounts created in the same second: pages of 7 end inside it.
    const crowd = emulator().addAccounts(businessId, 30, { creationTime: 1_800_000_000 }).map((a) => String(a.id))
    const filtering = {
      field: "creation_time",
      operator: "GREATER_THAN_OR_EQUAL",
      value: new Date(1_800_000_000_000)
    } as const
    const pages = value(
      await run(
        Stream.runCollect(Stream.take(OwnedAccounts.pages(businessId, { limit: 7, sort: ascending, filtering }), 2))
      )
    )
    const checkpoint = pages[1]!.checkpoint!
    expect(checkpoint).toEqual({
      at: 1_800_000_000,
      ids: pages.flatMap((page) => page.items.map((account) => account.id)),
      after: pages[1]!.nextAfter
    })
    const { after: _, ...dataOnly } = checkpoint
    for (const from of [dataOnly, checkpoint]) {
      const rest = value(await run(Stream.runCollect(OwnedAccounts.stream(businessId, { limit: 7, checkpoint: from }))))
      expect([...checkpoint.ids, ...rest.map((account) => account.id)]).toEqual(crowd)
    }
    // Resumed by its cursor for one more page, still inside the second: that page's checkpoint holds every id
    // of the second delivered so far, so resuming from its data alone repeats none of them.
    const [third] = value(
      await run(Stream.runCollect(Stream.take(OwnedAccounts.pages(businessId, { limit: 7, checkpoint }), 1)))
    )
    expect(third!.checkpoint!.ids).toEqual(crowd.slice(0, 21))
    const { after: __, ...later } = third!.checkpoint!
    const rest = value(await run(Stream.runCollect(OwnedAccounts.stream(businessId, { limit: 7, checkpoint: later }))))
    expect(rest.map((account) => account.id)).toEqual(crowd.slice(21))
  })
})

describe("checkpoint tokens (Effect 4)", () => {
  it("are the checkpoint's JSON in base64url, as on the Effect 3 line; anything else reads as none", () => {
    const checkpoint = { at: 1_700_000_000, ids: ["123", "456"], after: "QVFIUmR5" }
    const token = Option.getOrThrow(GraphPaging.checkpointToken(checkpoint))
    expect(token).toBe(Buffer.from(JSON.stringify(checkpoint)).toString("base64url"))
    expect(Option.getOrThrow(GraphPaging.parseCheckpointToken(token))).toEqual(checkpoint)
    for (const bad of ["", "not base64!", Buffer.from("{\"ids\":[1]}").toString("base64url"), "x".repeat(1_000_001)]) {
      expect(Option.isNone(GraphPaging.parseCheckpointToken(bad))).toBe(true)
    }
    expect(Option.isNone(GraphPaging.checkpointToken({ ids: ["12a"] }))).toBe(true)
    expect(Option.isNone(GraphPaging.checkpointToken({ ids: Array.from({ length: 10_001 }, () => "1") }))).toBe(true)
  })
})
