import { ClientAccounts, Filter, OwnedAccounts, PhoneNumbers } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"

const at = (iso: string) => new Date(iso)
/** What a read of the owned edge would send. */
const wire = (
  filters: ReadonlyArray<Filter.Filter>,
  edge: typeof OwnedAccounts.edge | typeof ClientAccounts.edge = OwnedAccounts.edge
) => {
  const planned = Either.getOrThrow(Filter.toWire(edge, filters))
  return planned.filtering === undefined ? [] : JSON.parse(planned.filtering)
}
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

  it("sends ownership_type sets where they are documented (the client edge), and evaluates them locally elsewhere", () => {
    const selfOrClient = Filter.ownershipType.in("SELF", "CLIENT_OWNED")
    expect(wire(valid(selfOrClient), ClientAccounts.edge)).toEqual([
      { field: "ownership_type", operator: "IN", value: ["SELF", "CLIENT_OWNED"] }
    ])
    expect(wire(valid(Filter.ownershipType.equal("SELF")), ClientAccounts.edge)).toEqual([
      { field: "ownership_type", operator: "IN", value: ["SELF"] }
    ])
    expect(wire(valid(selfOrClient))).toEqual([])
    expect(Either.getOrThrow(Filter.toWire(OwnedAccounts.edge, [selfOrClient])).local).toEqual([
      "ownership_type IN SELF,CLIENT_OWNED"
    ])
  })

  it("compiles the friendly operators down to the ones the owned edge documents", () => {
    const t = at("2024-05-01T00:00:00Z")
    const s = t.getTime() / 1000
    expect(wire([Filter.creationTime.greaterThanOrEqual(t)])).toEqual([
      { field: "creation_time", operator: "GREATER_THAN", value: s - 1 }
    ])
    expect(wire([Filter.creationTime.lessThanOrEqual(t)])).toEqual([
      { field: "creation_time", operator: "LESS_THAN", value: s + 1 }
    ])
    expect(wire([Filter.creationTime.equal(t)])).toEqual([
      { field: "creation_time", operator: "IN_RANGE", value: [String(s), String(s)] }
    ])
    expect(wire([Filter.creationTime.between(t, new Date((s + 60) * 1000))])).toEqual([
      { field: "creation_time", operator: "IN_RANGE", value: [String(s), String(s + 60)] }
    ])
    // Never sent: no edge documents NOT_EQUAL or NOT_IN_RANGE.
    const local = Either.getOrThrow(
      Filter.toWire(OwnedAccounts.edge, [Filter.creationTime.notEqual(t), Filter.creationTime.notInRange(t, t)])
    )
    expect(local.filtering).toBeUndefined()
    expect(local.local).toHaveLength(2)
  })

  it("phone-number filters: the spec's fields go out with EQUAL, the rest is evaluated locally", () => {
    const planned = Either.getOrThrow(Filter.toWire(PhoneNumbers.edge, [
      Filter.accountMode.equal("LIVE"),
      Filter.isOfficialBusinessAccount.isTrue(),
      Filter.messagingLimitTier.in("TIER_2K"),
      Filter.qualityRating.in("RED", "YELLOW")
    ]))
    expect(JSON.parse(planned.filtering!)).toEqual([
      { field: "account_mode", operator: "EQUAL", value: "LIVE" },
      { field: "is_official_business_account", operator: "EQUAL", value: true },
      { field: "messaging_limit_tier", operator: "EQUAL", value: "TIER_2K" }
    ])
    expect(planned.local).toEqual(["quality_rating IN RED,YELLOW"])
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
      ])).map((c: { operator: string; value: unknown }) => [c.operator, c.value])
    ).toEqual([
      // > 10.5 s is > 10 s; >= 10.5 s is > 10 s; < 10.5 s is < 11 s; <= 10.5 s is < 11 s
      ["GREATER_THAN", 1_700_000_000],
      ["GREATER_THAN", 1_700_000_000],
      ["LESS_THAN", 1_700_000_001],
      ["LESS_THAN", 1_700_000_001],
      ["IN_RANGE", ["1700000001", "1700000010"]]
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
