import { describe, expect, it } from "vitest"
import * as ReadPlan from "../src/readPlan.js"

const edge: ReadPlan.Edge = {
  name: "OwnedAccounts",
  filters: { creation_time: { kind: "time", pushdown: ["LESS_THAN", "GREATER_THAN", "IN_RANGE"] } },
  resume: { field: "creation_time", ascending: "creation_time_ascending" }
}

const plan = (options: ReadPlan.Options) => {
  const filtering = ReadPlan.filtering(edge, options)
  return { filtering, start: ReadPlan.start(edge, options, filtering, { fields: "id,name" }) }
}

describe("pure read planning", () => {
  it("a checkpoint resumes only an ascending read by creation time, and not with a cursor besides", () => {
    const checkpoint = { at: 100, ids: ["1"] }
    expect(ReadPlan.checkpointProblem(edge, { checkpoint })).toBeUndefined()
    expect(ReadPlan.checkpointProblem(edge, { checkpoint, after: "c" })).toBe("Give checkpoint or after, not both.")
    expect(ReadPlan.checkpointProblem(edge, { checkpoint, sort: "creation_time_descending" })).toBe(
      "A read resumed from a checkpoint is sorted creation_time_ascending."
    )
    expect(ReadPlan.checkpointProblem({ ...edge, resume: undefined }, { checkpoint })).toContain("use after")
  })

  it("requests the fields the client needs for itself and takes them out again", () => {
    expect(ReadPlan.fieldNames(["id", "name"], undefined, ["currency"], ["creation_time", "name"])).toEqual({
      names: ["id", "name", "currency", "creation_time"],
      strip: ["creation_time"]
    })
  })

  it("a checkpoint without a cursor asks for everything from its second on, sorted ascending", () => {
    const { filtering, start } = plan({ checkpoint: { at: 1_700_000_000, ids: ["7"] }, limit: 25 })
    expect(filtering).toMatchObject({ sort: "creation_time_ascending", checkpointField: "creation_time" })
    expect(filtering.needed).toEqual(["creation_time"])
    expect(start.query).toEqual({
      fields: "id,name",
      filtering: JSON.stringify([{ field: "creation_time", operator: "GREATER_THAN", value: 1_699_999_999 }]),
      sort: "creation_time_ascending",
      limit: "25"
    })
    expect(start.after).toBeUndefined()
    expect(start.resumeFrom).toEqual({ at: 1_700_000_000, ids: new Set(["7"]) })
  })

  it("a checkpoint with a cursor continues by the cursor and keeps the data query for a stale one", () => {
    const { start } = plan({ checkpoint: { at: 1_700_000_000, ids: [], after: "QVFI" } })
    expect(start.after).toBe("QVFI")
    expect(start.query.filtering).toBeUndefined()
    expect(start.fallback?.filtering).toContain("GREATER_THAN")
  })

  it("a plain read sends its options as they are", () => {
    const { filtering, start } = plan({ after: "c2", prefetch: 2, sort: "creation_time_descending" })
    expect(filtering).toMatchObject({ sort: "creation_time_descending", checkpointField: undefined, needed: [] })
    expect(start).toMatchObject({ after: "c2", prefetch: 2, resumeFrom: undefined, fallback: undefined })
  })
})
