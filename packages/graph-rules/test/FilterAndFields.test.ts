import { describe, expect, it } from "vitest"
import * as Fields from "../src/fields.js"
import * as Clauses from "../src/filterClause.js"
import * as Plan from "../src/filterPlan.js"
import * as Wire from "../src/filterWire.js"
import * as Operator from "../src/operator.js"

const declarations: Clauses.Filterables = {
  creation_time: { kind: "time", pushdown: ["LESS_THAN", "GREATER_THAN", "IN_RANGE"] },
  status: { kind: "string", pushdown: ["IN"] },
  verified: { kind: "boolean", pushdown: [] }
}

describe("pure filter planning", () => {
  it("sends what the edge documents, rounded to whole seconds, and evaluates the rest on the items", () => {
    const created = Clauses.timeBuilders("creation_time")
    const plan = Plan.plan(declarations, [
      created.greaterThanOrEqual(new Date(1_704_067_200_500)),
      created.notEqual(new Date(1_709_251_200_000)),
      Clauses.stringBuilders("status").equal("APPROVED"),
      Clauses.booleanBuilders("verified").isTrue()
    ])
    expect(plan.wire).toEqual([
      { field: "creation_time", operator: "GREATER_THAN", value: 1_704_067_200 },
      { field: "status", operator: "IN", value: ["APPROVED"] }
    ])
    expect(plan.localFields).toEqual(["creation_time", "verified"])
    const keep = (item: Record<string, unknown>) => plan.local.every((predicate) => predicate.test(item))
    expect(keep({ creation_time: 1_709_251_200, verified: true })).toBe(false)
    expect(keep({ creation_time: 1_709_251_201, verified: true })).toBe(true)
    expect(keep({ creation_time: 1_709_251_201 })).toBe(false)
  })

  it("a strict server refuses what the edge does not document, and says where", () => {
    const read = (raw: string) => Wire.parseWire(declarations, raw)
    expect(read("{}")).toEqual({ _tag: "Failure", failure: { _tag: "NotAnArray" } })
    expect(read(JSON.stringify([{ field: "status", operator: "EQUAL", value: "A" }]))).toMatchObject({
      failure: { _tag: "UnsupportedOperator", index: 0, supported: ["IN"] }
    })
    expect(read(JSON.stringify([{ field: "creation_time", operator: "IN_RANGE", value: ["9", "1"] }]))).toMatchObject({
      failure: { _tag: "BadValue", expected: "[min, max]: two unix timestamps with min <= max" }
    })
    const lenient = Wire.parseWire(declarations, JSON.stringify([{ field: "name", operator: "EQUAL", value: "x" }]), {
      acceptUndocumented: true
    })
    expect(lenient).toEqual({ _tag: "Success", success: [] })
    const sent = Wire.encodeWire([{ field: "creation_time", operator: "LESS_THAN", value: 5 }])
    expect(read(sent)).toEqual({
      _tag: "Success",
      success: [{ field: "creation_time", operator: "LESS_THAN", value: 5 }]
    })
  })

  it("operators hold for present values only; numbers and numeric strings are one value", () => {
    expect(Operator.holds("IN_RANGE", 1_700_000_000, ["1690000000", "1710000000"])).toBe(true)
    expect(Operator.holds("NOT_EQUAL", undefined, "SELF")).toBe(false)
    expect(Operator.holds("NOT_IN", "A", ["B"])).toBe(true)
    expect(Operator.holds("CONTAIN", "abc", "b")).toBe(false)
    expect(Operator.isOperator("STEM_MATCH")).toBe(true)
    expect(Operator.isOperator("LIKE")).toBe(false)
  })
})

describe("pure field syntax", () => {
  it("writes and reads the same selection", () => {
    const selection = [{ name: "id" }, { name: "phone_numbers", limit: 50, fields: [{ name: "id" }] }]
    const text = Fields.render(selection)
    expect(text).toBe("id,phone_numbers.limit(50){id}")
    expect(Fields.parse(text)).toEqual({ _tag: "Success", success: selection })
  })

  it("refuses other modifiers and hostile nesting, saying where", () => {
    expect(Fields.parse("id,name.order(x)")).toMatchObject({
      failure: { _tag: "SyntaxError", position: 8, message: "Only the .limit(n) modifier is supported" }
    })
    const deep = "a{".repeat(Fields.maxDepth + 1) + "b" + "}".repeat(Fields.maxDepth + 1)
    expect(Fields.parse(deep)).toMatchObject({ failure: { message: "Field selections nest at most 8 levels deep" } })
  })
})
