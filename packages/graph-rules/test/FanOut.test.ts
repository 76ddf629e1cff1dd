import { describe, expect, it } from "vitest"
import * as FanOut from "../src/fanOut.js"

const digits = (id: unknown) => typeof id === "string" && /^\d+$/.test(id) ? undefined : "not a business id."

describe("the fan-out's rules", () => {
  it("checks the options and the ids, and keeps the distinct ids in order with those left to read", () => {
    const checked = FanOut.check(["3", "1", "3", "2"], { done: new Set(["1"]), edges: ["client", "client"] }, digits)
    expect(checked).toEqual({
      _tag: "Success",
      success: {
        businessIds: ["3", "1", "2"],
        todo: ["3", "2"],
        edges: ["client"],
        concurrency: 8,
        batch: false,
        failFast: false
      }
    })
    expect(FanOut.startProgress(checked._tag === "Success" ? checked.success : (undefined as never))).toEqual({
      businesses: 3,
      businessesDone: 1,
      businessesFailed: 0,
      accounts: 0,
      pages: 0
    })
    const refused = (ids: unknown, options: FanOut.Options) => {
      const result = FanOut.check(ids, options, digits)
      return result._tag === "Failure" ? result.failure : undefined
    }
    expect(refused([], {})?.parameter).toBe("businessIds")
    expect(refused(["1", "x2"], {})).toEqual({
      parameter: "businessIds",
      message: "businessIds holds \"x2\": not a business id."
    })
    expect(refused(["1"], { edges: [] })?.parameter).toBe("edges")
    expect(refused(["1"], { concurrency: 65 })?.parameter).toBe("concurrency")
    expect(refused(["1"], { done: "1" })?.parameter).toBe("done")
    expect(refused(["1"], { done: [1] })?.parameter).toBe("done")
    expect(refused(["1"], { onProgress: 5 })?.parameter).toBe("onProgress")
    expect(refused(["1"], { failFast: "yes" })?.parameter).toBe("failFast")
    expect(refused(Array.from({ length: FanOut.maxBusinesses + 1 }, (_, i) => String(i)), {})?.parameter).toBe(
      "businessIds"
    )
  })

  it("a client edge's permitted tasks belong to the source, not the account", () => {
    const item = { id: "9", name: "W9", permitted_tasks: ["MANAGE"] }
    expect(FanOut.sighting(item, "1", "client")).toEqual({
      account: { id: "9", name: "W9" },
      source: { businessId: "1", edge: "client", permittedTasks: ["MANAGE"] }
    })
    expect(FanOut.sighting({ id: "9" }, "1", "client").source).toEqual({ businessId: "1", edge: "client" })
    expect(FanOut.sighting(item, "1", "owned")).toEqual({ account: item, source: { businessId: "1", edge: "owned" } })
  })

  it("merges sightings in the order of the businesses given, the owned edge first, then Graph's", () => {
    const merged = FanOut.merger<{ readonly id: string }>(["1", "2"])
    // Arrival under concurrency: business 2 answers first.
    merged.add("b", { businessId: "2", edge: "owned" }, { id: "b" })
    merged.add("a", { businessId: "2", edge: "client" }, { id: "a" })
    merged.add("a", { businessId: "1", edge: "client" })
    merged.add("c", { businessId: "1", edge: "client" }, { id: "c" })
    merged.add("b", { businessId: "1", edge: "owned" })
    expect(merged.result().map(({ account, sources }) => [account.id, sources.map((s) => `${s.businessId} ${s.edge}`)]))
      .toEqual([
        ["b", ["1 owned", "2 owned"]],
        ["a", ["1 client", "2 client"]],
        ["c", ["1 client"]]
      ])
  })
})
