import { Filter } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FilterSyntax from "../src/FilterSyntax.js"

const seconds = (iso: string) => Date.parse(iso) / 1000

/** The `filtering` JSON the parsed clauses would send. */
const wire = (...inputs: Array<string>) =>
  JSON.parse(Filter.encode(Either.getOrThrow(FilterSyntax.parse(FilterSyntax.accounts, inputs))))

const refused = (...inputs: Array<string>) => {
  const result = FilterSyntax.parse(FilterSyntax.accounts, inputs)
  if (Either.isRight(result)) throw new Error(`expected ${inputs.join(" ")} to be refused`)
  return result.left
}

describe("FilterSyntax: creation_time", () => {
  it("a date alone is the whole UTC day: > after it ends, >= from its start", () => {
    expect(wire("creation_time>2024-01-01", "creation_time>=2024-03-01")).toEqual([
      { field: "creation_time", operator: "GREATER_THAN", value: seconds("2024-01-01T23:59:59Z") },
      { field: "creation_time", operator: "GREATER_THAN_OR_EQUAL", value: seconds("2024-03-01T00:00:00Z") }
    ])
  })

  it("< before the day starts, <= up to its end", () => {
    expect(wire("creation_time<2025-01-01", "creation_time<=2024-12-30")).toEqual([
      { field: "creation_time", operator: "LESS_THAN", value: seconds("2025-01-01T00:00:00Z") },
      { field: "creation_time", operator: "LESS_THAN_OR_EQUAL", value: seconds("2024-12-30T23:59:59Z") }
    ])
  })

  it("a range is IN_RANGE from the start of the first day to the end of the last, both included", () => {
    expect(wire("creation_time=2024-01-01..2024-06-30")).toEqual([
      {
        field: "creation_time",
        operator: "IN_RANGE",
        value: [String(seconds("2024-01-01T00:00:00Z")), String(seconds("2024-06-30T23:59:59Z"))]
      }
    ])
    expect(wire("creation_time!=2024-01-01..2024-01-31")[0].operator).toBe("NOT_IN_RANGE")
  })

  it("= and != with a day mean during it and not during it", () => {
    expect(wire("creation_time=2024-02-29", "creation_time!=2024-03-01")).toEqual([
      {
        field: "creation_time",
        operator: "IN_RANGE",
        value: [String(seconds("2024-02-29T00:00:00Z")), String(seconds("2024-02-29T23:59:59Z"))]
      },
      {
        field: "creation_time",
        operator: "NOT_IN_RANGE",
        value: [String(seconds("2024-03-01T00:00:00Z")), String(seconds("2024-03-01T23:59:59Z"))]
      }
    ])
  })

  it("a date with a time is an instant: UTC unless it carries an offset", () => {
    expect(
      wire(
        "creation_time>2024-01-01T09:30:00Z",
        "creation_time>=2024-01-01T09:30",
        "creation_time<2024-01-01T09:30:00+02:00",
        "creation_time<=2024-01-01 09:30:00-0130",
        "creation_time=2024-01-01T09:30:00.000z"
      ).map((clause: { value: number }) => clause.value)
    ).toEqual([
      seconds("2024-01-01T09:30:00Z"),
      seconds("2024-01-01T09:30:00Z"),
      seconds("2024-01-01T07:30:00Z"),
      seconds("2024-01-01T11:00:00Z"),
      seconds("2024-01-01T09:30:00Z")
    ])
  })

  it("@unixseconds is an instant, with EQUAL / NOT_EQUAL for = and !=", () => {
    expect(wire("creation_time=@1704067200", "creation_time!=@1704067201")).toEqual([
      { field: "creation_time", operator: "EQUAL", value: 1704067200 },
      { field: "creation_time", operator: "NOT_EQUAL", value: 1704067201 }
    ])
  })

  it("mixes a day and an instant in a range", () => {
    expect(wire("creation_time=2024-01-01T12:00:00Z..2024-01-02")[0].value).toEqual([
      String(seconds("2024-01-01T12:00:00Z")),
      String(seconds("2024-01-02T23:59:59Z"))
    ])
  })

  it("tolerates spaces around the operator and upper-case field names", () => {
    expect(wire(" CREATION_TIME >= 2024-01-01 ")[0].operator).toBe("GREATER_THAN_OR_EQUAL")
  })
})

describe("FilterSyntax: ownership_type", () => {
  it("= with a list is IN, != is NOT_IN; values are upper-cased", () => {
    expect(wire("ownership_type=SELF,client_owned", "ownership_type!=ON_BEHALF_OF")).toEqual([
      { field: "ownership_type", operator: "IN", value: ["SELF", "CLIENT_OWNED"] },
      { field: "ownership_type", operator: "NOT_IN", value: ["ON_BEHALF_OF"] }
    ])
  })
})

describe("FilterSyntax: errors name the exact problem", () => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ["", /it is empty/],
    ["creation_time", /has no comparison/],
    [">2024-01-01", /names no field/],
    ["creation_time>", /has no value/],
    ["name=Shrub", /"name" cannot be filtered on; the filterable fields are creation_time and ownership_type/],
    ["creation_time>2024-13-01", /month 13 does not exist/],
    ["creation_time>2023-02-29", /day 29 does not exist in 2023-02/],
    ["creation_time>2024-01-01T24:00", /not a time of day/],
    ["creation_time>yesterday", /"yesterday" is not a date; write 2024-01-01/],
    ["creation_time>@12.5", /not a unix time/],
    ["creation_time>2024-01-01..2024-02-01", /a range \(DATE..DATE\) takes = or !=, not >/],
    ["creation_time=2024-01-01..", /a date on both sides/],
    ["creation_time=2024-01-01..2024-02-01..2024-03-01", /one "\.\."/],
    ["creation_time=2024-06-30..2024-01-01", /the range starts \(2024-06-30\) after it ends \(2024-01-01\)/],
    ["ownership_type>SELF", /ownership_type takes = or !=/],
    ["ownership_type=SELF,,CLIENT_OWNED", /has an empty item/],
    [
      "ownership_type=self-owned",
      /"SELF-OWNED" is not an ownership type; known ones are SELF, CLIENT_OWNED, ON_BEHALF_OF/
    ]
  ]
  for (const [input, message] of cases) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const error = refused(input)
      expect(error._tag).toBe("FilterSyntaxError")
      expect(error.message).toMatch(message)
      expect(error.message).toContain(`--filter "${input}"`)
    })
  }

  it("values the syntax accepts but Graph cannot take are refused by Filter.validate", () => {
    const error = refused("creation_time>1969-12-31")
    expect(error._tag).toBe("InvalidRequestError")
    expect(error.message).toMatch(/between 1970-01-01 and 9999-12-31/)
    expect(
      refused("creation_time=@1704067200", ...Array.from({ length: 20 }, () => "creation_time>2024-01-01")).message
    )
      .toMatch(/at most 20/)
  })

  it("no --filter at all means no clauses", () => {
    expect(Either.getOrThrow(FilterSyntax.parse(FilterSyntax.accounts, []))).toEqual([])
  })

  it("the syntax help names every form", () => {
    for (const form of [">=", "<=", "!=", "..", "ownership_type=SELF,CLIENT_OWNED", "@1704067200", "UTC"]) {
      expect(FilterSyntax.accounts.syntax).toContain(form)
    }
  })
})

describe("FilterSyntax.parseTime", () => {
  it("days span their first to last second, instants are points", () => {
    const day = Either.getOrThrow(FilterSyntax.parseTime("2024-02-29"))
    expect([day.kind, day.start.toISOString(), day.end.toISOString()]).toEqual([
      "day",
      "2024-02-29T00:00:00.000Z",
      "2024-02-29T23:59:59.000Z"
    ])
    const instant = Either.getOrThrow(FilterSyntax.parseTime("2024-02-29T10:00:00.250+05:30"))
    expect([instant.kind, instant.start.toISOString()]).toEqual(["instant", "2024-02-29T04:30:00.250Z"])
  })
})

describe("FilterSyntax: phone numbers, read by each field's kind", () => {
  const phone = (...inputs: Array<string>) => FilterSyntax.parse(FilterSyntax.phoneNumbers, inputs)

  it("= with a value or a list is IN, != NOT_IN, upper-cased; a flag is true or false", () => {
    expect(
      JSON.parse(
        Filter.encode(
          Either.getOrThrow(phone("quality_rating=green,Yellow", "status!=BANNED", "is_official_business_account=TRUE"))
        )
      )
    ).toEqual([
      { field: "quality_rating", operator: "IN", value: ["GREEN", "YELLOW"] },
      { field: "status", operator: "NOT_IN", value: ["BANNED"] },
      { field: "is_official_business_account", operator: "EQUAL", value: true }
    ])
  })

  it("refuses what the field's kind cannot take, with the phone-number syntax", () => {
    for (
      const [input, message] of [
        ["quality_rating>GREEN", /quality_rating takes = or != \(a list means any of them\), not >/],
        ["quality_rating=GREEN-ISH", /"GREEN-ISH" is not a quality rating; known ones are GREEN, YELLOW, RED/],
        ["is_official_business_account=maybe", /is_official_business_account is true or false, not "maybe"/],
        ["creation_time>2024-01-01", /"creation_time" cannot be filtered on; the filterable fields are account_mode, /]
      ] as const
    ) {
      const result = phone(input)
      if (Either.isRight(result) || result.left._tag !== "FilterSyntaxError") {
        throw new Error(`expected ${input} refused`)
      }
      expect(result.left.message).toMatch(message)
      expect(result.left.syntax).toContain("Accepted --filter syntax for phone numbers")
    }
  })
})
