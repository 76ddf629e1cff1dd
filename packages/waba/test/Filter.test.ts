import { Filter } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"

const at = (iso: string) => new Date(iso)
const wire = (filters: ReadonlyArray<Filter.Filter>) => JSON.parse(Filter.encode(filters))
const valid = (input: unknown) => Either.getOrThrow(Filter.validate(input))
const problem = (input: unknown) => {
  const result = Filter.validate(input)
  if (Either.isRight(result)) throw new Error(`expected ${JSON.stringify(input)} to be refused`)
  expect(result.left._tag).toBe("InvalidRequestError")
  expect(result.left.parameter).toBe("filtering")
  return result.left.message
}

describe("Filter builders and encoding", () => {
  it("encodes creation_time comparisons as real JSON with unix seconds", () => {
    expect(wire(valid([
      Filter.creationTime.greaterThan(at("2024-01-01T00:00:00Z")),
      Filter.creationTime.lessThan(DateTime.unsafeMake("2025-01-01T00:00:00Z"))
    ]))).toEqual([
      { field: "creation_time", operator: "GREATER_THAN", value: 1704067200 },
      { field: "creation_time", operator: "LESS_THAN", value: 1735689600 }
    ])
  })

  it("encodes IN_RANGE as two numeric strings, like Meta's example", () => {
    expect(wire(valid(Filter.creationTime.inRange(new Date(1569783261_000), new Date(1604542049_000))))).toEqual([
      { field: "creation_time", operator: "IN_RANGE", value: ["1569783261", "1604542049"] }
    ])
  })

  it("encodes ownership_type sets", () => {
    expect(wire(valid(Filter.ownershipType.in("SELF", "CLIENT_OWNED")))).toEqual([
      { field: "ownership_type", operator: "IN", value: ["SELF", "CLIENT_OWNED"] }
    ])
  })

  it("Filter.make accepts every supported field/operator pair", () => {
    const clauses = [
      Filter.make({ field: "creation_time", operator: "EQUAL", value: at("2024-05-01T00:00:00Z") }),
      Filter.make({ field: "creation_time", operator: "NOT_EQUAL", value: at("2024-05-01T00:00:00Z") }),
      Filter.make({ field: "creation_time", operator: "GREATER_THAN_OR_EQUAL", value: at("2024-05-01T00:00:00Z") }),
      Filter.make({ field: "creation_time", operator: "LESS_THAN_OR_EQUAL", value: at("2024-05-01T00:00:00Z") }),
      Filter.make({
        field: "creation_time",
        operator: "NOT_IN_RANGE",
        value: [at("2024-01-01T00:00:00Z"), at("2024-02-01T00:00:00Z")]
      }),
      Filter.make({ field: "ownership_type", operator: "EQUAL", value: "SELF" }),
      Filter.make({ field: "ownership_type", operator: "NOT_IN", value: ["ON_BEHALF_OF"] })
    ]
    expect(valid(clauses)).toHaveLength(clauses.length)
  })

  it("rounds bounds with milliseconds to the whole second that keeps the meaning", () => {
    const t = new Date(1_700_000_000_500)
    expect(
      wire(valid([
        Filter.creationTime.greaterThan(t),
        Filter.creationTime.greaterThanOrEqual(t),
        Filter.creationTime.lessThan(t),
        Filter.creationTime.lessThanOrEqual(t),
        Filter.creationTime.inRange(t, new Date(1_700_000_010_500))
      ])).map((c: { value: unknown }) => c.value)
    ).toEqual([
      1_700_000_000,
      1_700_000_001,
      1_700_000_001,
      1_700_000_000,
      ["1700000001", "1700000010"]
    ])
  })

  it("decode(encode(filters)) gives the filters back", () => {
    const filters = valid([
      Filter.creationTime.inRange(at("2023-03-01T00:00:00Z"), at("2023-04-01T00:00:00Z")),
      Filter.creationTime.notEqual(at("2023-03-15T12:00:00Z")),
      Filter.ownershipType.notIn("AGENCY_OWNED", "SELF")
    ])
    expect(Either.getOrThrow(Filter.decode(Filter.encode(filters)))).toEqual(filters)
  })
})

describe("Filter validation", () => {
  it("refuses a field that cannot be filtered on, naming the filterable ones", () => {
    const message = problem({ field: "name", operator: "EQUAL", value: "x" })
    expect(message).toContain("\"name\"")
    expect(message).toContain("creation_time, ownership_type")
  })

  it("refuses an operator the field does not support", () => {
    expect(problem({ field: "ownership_type", operator: "LESS_THAN", value: "SELF" })).toContain(
      "ownership_type does not support LESS_THAN"
    )
    expect(problem({ field: "creation_time", operator: "IN", value: [1] })).toContain(
      "creation_time does not support IN"
    )
    expect(problem({ field: "creation_time", operator: "SOONISH", value: 1 })).toContain("\"SOONISH\"")
  })

  it("refuses reversed and single-bound ranges", () => {
    expect(problem(Filter.creationTime.inRange(at("2025-01-01T00:00:00Z"), at("2024-01-01T00:00:00Z")))).toContain(
      "in order"
    )
    expect(problem({ field: "creation_time", operator: "IN_RANGE", value: [at("2024-01-01T00:00:00Z")] })).toContain(
      "IN_RANGE"
    )
    expect(problem(Filter.creationTime.inRange(new Date(1000_100), new Date(1000_900)))).toContain("no whole second")
  })

  it("refuses invalid dates, NaN, and dates outside 1970–9999", () => {
    expect(problem(Filter.creationTime.greaterThan(new Date("not a date")))).toContain("invalid")
    expect(problem(Filter.creationTime.lessThan(new Date(Number.NaN)))).toContain("invalid")
    expect(problem(Filter.creationTime.lessThan(new Date(-1000)))).toContain("1970")
    expect(problem({ field: "creation_time", operator: "GREATER_THAN", value: 1700000000 })).toContain("GREATER_THAN")
    expect(problem(Filter.creationTime.equal(new Date(1_700_000_000_500)))).toContain("whole second")
  })

  it("refuses empty and huge lists, and lower-case or empty ownership types", () => {
    expect(problem({ field: "ownership_type", operator: "IN", value: [] })).toContain("IN")
    expect(problem({ field: "ownership_type", operator: "IN", value: Array(51).fill("SELF") })).toContain("at most 50")
    expect(problem(Filter.ownershipType.equal("self"))).toContain("capitals")
    expect(problem([])).toContain("empty")
    expect(problem(Array(21).fill(Filter.ownershipType.equal("SELF")))).toContain("at most 20")
  })

  it("names the clause at fault in a list", () => {
    expect(problem([Filter.ownershipType.equal("SELF"), { field: "x", operator: "EQUAL", value: 1 }])).toContain(
      "filtering[1]"
    )
  })

  it("decode refuses what encode never produces", () => {
    for (const text of ["not json", "{}", "[{\"field\":\"creation_time\",\"operator\":\"IN\",\"value\":[1]}]"]) {
      expect(Either.isLeft(Filter.decode(text))).toBe(true)
    }
  })
})
