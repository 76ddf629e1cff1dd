import { GraphOperator } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"

describe("GraphOperator.holds (the one meaning of each operator, for client and emulator)", () => {
  it("compares unix times whether they come as numbers or numeric strings", () => {
    expect(GraphOperator.holds("GREATER_THAN", 1_700_000_001, "1700000000")).toBe(true)
    expect(GraphOperator.holds("GREATER_THAN", 1_700_000_000, 1_700_000_000)).toBe(false)
    expect(GraphOperator.holds("GREATER_THAN_OR_EQUAL", 1_700_000_000, 1_700_000_000)).toBe(true)
    expect(GraphOperator.holds("LESS_THAN", "1699999999", 1_700_000_000)).toBe(true)
    expect(GraphOperator.holds("LESS_THAN_OR_EQUAL", 1_700_000_001, 1_700_000_000)).toBe(false)
    expect(GraphOperator.holds("EQUAL", 1_700_000_000, "1700000000")).toBe(true)
  })

  it("takes both ends of a range as inclusive", () => {
    const range = ["100", "200"]
    expect([99, 100, 150, 200, 201].map((t) => GraphOperator.holds("IN_RANGE", t, range)))
      .toEqual([false, true, true, true, false])
    expect([99, 100, 150, 200, 201].map((t) => GraphOperator.holds("NOT_IN_RANGE", t, range)))
      .toEqual([true, false, false, false, true])
  })

  it("matches strings and booleans exactly, and lists by membership", () => {
    expect(GraphOperator.holds("EQUAL", "SELF", "SELF")).toBe(true)
    expect(GraphOperator.holds("EQUAL", "SELF", "self")).toBe(false)
    expect(GraphOperator.holds("NOT_EQUAL", true, false)).toBe(true)
    expect(GraphOperator.holds("IN", "CLIENT_OWNED", ["SELF", "CLIENT_OWNED"])).toBe(true)
    expect(GraphOperator.holds("NOT_IN", "CLIENT_OWNED", ["SELF", "CLIENT_OWNED"])).toBe(false)
    expect(GraphOperator.holds("NOT_IN", "ON_BEHALF_OF", ["SELF", "CLIENT_OWNED"])).toBe(true)
  })

  it("lets a missing value satisfy nothing, negations included", () => {
    for (const operator of ["EQUAL", "NOT_EQUAL", "GREATER_THAN", "IN", "NOT_IN", "IN_RANGE", "NOT_IN_RANGE"]) {
      expect(GraphOperator.holds(operator, undefined, "x")).toBe(false)
      expect(GraphOperator.holds(operator, null, ["1", "2"])).toBe(false)
    }
  })

  it("holds for nothing on an operator outside the vocabulary or a value of the wrong kind", () => {
    expect(GraphOperator.holds("STEM_MATCH", "abc", "abc")).toBe(false)
    expect(GraphOperator.holds("GREATER_THAN", "GREEN", 3)).toBe(false)
    expect(GraphOperator.holds("IN_RANGE", 150, "not a range")).toBe(false)
  })
})
