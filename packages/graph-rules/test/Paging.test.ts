import { describe, expect, it } from "vitest"
import * as Paging from "../src/paging.js"

const route = "/{business-id}/owned_whatsapp_business_accounts"

describe("pure paging rules", () => {
  it("continues with the after parameter of the next link, else with cursors.after", () => {
    expect(Paging.nextCursor("https://graph.facebook.com/v23.0/1/x?limit=2&after=QVFI", "other")).toBe("QVFI")
    expect(Paging.nextCursor("https://graph.facebook.com/v23.0/1/x?limit=2&after=", "fallback")).toBe("fallback")
    expect(Paging.nextCursor("not a url at all", undefined)).toBeUndefined()
  })

  it("a next link without a cursor, or a cursor seen before, ends paging with the reason", () => {
    expect(Paging.brokenPaging(route, 3, new Map(), undefined)).toMatchObject({ reason: "MissingCursor", page: 3 })
    const seen = new Map([["A", 0], ["B", 1], ["C", 2]])
    expect(Paging.brokenPaging(route, 3, seen, "D")).toBeUndefined()
    expect(Paging.brokenPaging(route, 3, seen, "C")).toMatchObject({ reason: "CursorCycle", cycleLength: 1 })
    const cycle = Paging.brokenPaging(route, 3, seen, "A")
    expect(cycle).toMatchObject({ reason: "CursorCycle", cycleLength: 3 })
    expect(cycle?.message).toContain("cursor of page 1: a cycle of 3 pages")
  })

  it("a checkpoint gathers every id of the last second reached, across pages", () => {
    const first = Paging.advance("creation_time", { ids: [] }, [
      { id: "1", creation_time: 100 },
      { id: "2", creation_time: 200 }
    ], "c1")
    expect(first).toEqual({ at: 200, ids: ["2"], after: "c1" })
    const second = Paging.advance("creation_time", first, [{ id: "3", creation_time: new Date(200_500) }])
    expect(second).toEqual({ at: 200, ids: ["2", "3"] })
    expect(Paging.advance("creation_time", second, [])).toEqual(second)
  })

  it("a resumed read's checkpoints start from the one it resumed from: same-second ids kept once, an empty page keeps it", () => {
    const from = Paging.seed({ at: 200, ids: new Set(["2"]) })
    expect(from).toEqual({ at: 200, ids: ["2"] })
    // Resumed by its cursor: the page holds only what is new.
    expect(Paging.advance("creation_time", from, [{ id: "3", creation_time: 200 }], "c2")).toEqual({
      at: 200,
      ids: ["2", "3"],
      after: "c2"
    })
    // Resumed from its data: the second is read again, and its ids are not counted twice.
    const again = [{ id: "2", creation_time: 200 }, { id: "3", creation_time: 200 }]
    expect(Paging.advance("creation_time", from, again)).toEqual({ at: 200, ids: ["2", "3"] })
    expect(Paging.advance("creation_time", from, [])).toEqual(from)
    expect(Paging.seed(undefined)).toEqual({ ids: [] })
  })

  it("a read resumed from a checkpoint skips what it delivered and nothing else", () => {
    const visibility = {
      checkpointField: "creation_time",
      local: [],
      resumeFrom: { at: 200, ids: new Set(["2"]) },
      strip: ["creation_time"]
    }
    const data = [
      { id: "1", creation_time: 150 },
      { id: "2", creation_time: 200 },
      { id: "3", creation_time: 200 },
      { id: "4", creation_time: 300 }
    ]
    expect(Paging.visible(visibility, data)).toEqual([{ id: "3" }, { id: "4" }])
  })

  it("a read passes each id on once, the first arrival in its place; items without an id always pass", () => {
    const delivered = new Set<string>()
    expect(Paging.dropRepeats(delivered, [{ id: "1" }, { id: "2", name: "first" }, { id: "1" }])).toEqual([
      { id: "1" },
      { id: "2", name: "first" }
    ])
    // A later page of the same read: its repeats are dropped, its new items kept in order.
    const later = [{ id: "3" }, { id: "2", name: "again" }, { value: 7 }, { value: 7 }, { id: 4 }, { id: "4" }]
    expect(Paging.dropRepeats(delivered, later)).toEqual([{ id: "3" }, { value: 7 }, { value: 7 }, { id: 4 }])
    expect([...delivered]).toEqual(["1", "2", "3", "4"])
    // Another read starts with nothing delivered.
    expect(Paging.dropRepeats(new Set(), [{ id: "2" }])).toEqual([{ id: "2" }])
  })

  it("tells a stale cursor from other refusals", () => {
    expect(Paging.isStaleCursor(2642, "Invalid cursors values")).toBe(true)
    expect(Paging.isStaleCursor(100, "The After Cursor specified exceeds the max limit")).toBe(true)
    expect(Paging.isStaleCursor(100, "Tried accessing nonexisting field")).toBe(false)
    expect(Paging.isStaleCursor(190, "cursor")).toBe(false)
  })

  it("accepts cursors as Graph returns them and nothing else", () => {
    expect(Paging.isCursor("QVFIUmR5")).toBe(true)
    expect(Paging.isCursor("")).toBe(false)
    expect(Paging.isCursor("has space")).toBe(false)
    expect(Paging.isCursor("x".repeat(4097))).toBe(false)
  })
})
