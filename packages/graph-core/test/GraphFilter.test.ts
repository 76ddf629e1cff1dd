import { GraphFilter, GraphOperator } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as FastCheck from "effect/FastCheck"
import * as Schema from "effect/Schema"

const Ownership = Schema.String
const declarations = {
  creation_time: GraphFilter.time(["LESS_THAN", "GREATER_THAN", "IN_RANGE"]),
  ownership_type: GraphFilter.string(Ownership, ["IN"]),
  is_official: GraphFilter.boolean(["EQUAL"])
}
const created = GraphFilter.timeBuilders("creation_time")
const ownership = GraphFilter.stringBuilders("ownership_type", Ownership)
const decode = Schema.decodeUnknownEither(GraphFilter.filteringSchema(declarations))

/** What a clause means, evaluated directly on a creation time in whole seconds. */
const means = (clause: GraphFilter.TimeClause, seconds: number): boolean => {
  const t = seconds * 1000
  switch (clause.operator) {
    case "EQUAL":
      return t === clause.value.getTime()
    case "NOT_EQUAL":
      return t !== clause.value.getTime()
    case "GREATER_THAN":
      return t > clause.value.getTime()
    case "GREATER_THAN_OR_EQUAL":
      return t >= clause.value.getTime()
    case "LESS_THAN":
      return t < clause.value.getTime()
    case "LESS_THAN_OR_EQUAL":
      return t <= clause.value.getTime()
    case "IN_RANGE":
      return t >= clause.value[0].getTime() && t <= clause.value[1].getTime()
    case "NOT_IN_RANGE":
      return t < clause.value[0].getTime() || t > clause.value[1].getTime()
  }
}

describe("GraphFilter.plan", () => {
  it("sends only documented operators, and wire + local together select exactly what the clause means", () => {
    const base = 1_700_000_000
    const millis = FastCheck.integer({ min: (base - 50) * 1000, max: (base + 50) * 1000 })
    const clause: FastCheck.Arbitrary<GraphFilter.TimeClause> = FastCheck.oneof(
      FastCheck.tuple(
        FastCheck.constantFrom(
          ...([
            "EQUAL",
            "NOT_EQUAL",
            "GREATER_THAN",
            "GREATER_THAN_OR_EQUAL",
            "LESS_THAN",
            "LESS_THAN_OR_EQUAL"
          ] as const)
        ),
        millis
      ).map(([operator, ms]) => ({ field: "creation_time", operator, value: new Date(ms) })),
      FastCheck.tuple(FastCheck.constantFrom(...(["IN_RANGE", "NOT_IN_RANGE"] as const)), millis, millis).map((
        [operator, a, b]
      ) => ({
        field: "creation_time",
        operator,
        value: [new Date(Math.min(a, b)), new Date(Math.max(a, b))] as const
      }))
    )
    FastCheck.assert(
      FastCheck.property(clause, FastCheck.integer({ min: base - 60, max: base + 60 }), (c, seconds) => {
        const checked = decode(c)
        // A sub-second EQUAL or a range without a whole second is refused before anything is sent.
        if (Either.isLeft(checked)) return
        const plan = GraphFilter.plan(declarations, checked.right)
        for (const wire of plan.wire) {
          expect(declarations.creation_time.pushdown).toContain(wire.operator)
        }
        const selected = plan.wire.every((wire) => GraphOperator.holds(wire.operator, seconds, wire.value)) &&
          plan.local.every((predicate) => predicate.test({ creation_time: new Date(seconds * 1000) }))
        expect(selected).toBe(means(c, seconds))
      }),
      { numRuns: 3_000 }
    )
  })

  it("string and boolean clauses: IN and EQUAL go out as documented; negations stay local", () => {
    const plan = GraphFilter.plan(declarations, [
      ownership.equal("SELF"),
      ownership.notIn("ON_BEHALF_OF"),
      { field: "is_official", operator: "EQUAL", value: true },
      { field: "is_official", operator: "NOT_EQUAL", value: false }
    ])
    expect(plan.wire).toEqual([
      { field: "ownership_type", operator: "IN", value: ["SELF"] },
      { field: "is_official", operator: "EQUAL", value: true }
    ])
    expect(plan.local.map((p) => p.field)).toEqual(["ownership_type", "is_official"])
    expect(plan.localFields).toEqual(["ownership_type", "is_official"])
    const item = { ownership_type: "SELF", is_official: true }
    expect(plan.local.every((p) => p.test(item))).toBe(true)
    expect(plan.local.every((p) => p.test({ ...item, ownership_type: "ON_BEHALF_OF" }))).toBe(false)
    // An item without the field a local clause reads does not match it.
    expect(plan.local[0]!.test({})).toBe(false)
  })

  it("an unchecked clause is sent as written and never evaluated by the client", () => {
    const raw = GraphFilter.unchecked({ field: "business_type", operator: "EQUAL", value: "ENTERPRISE" })
    const checked = Either.getOrThrow(decode([raw]))
    const plan = GraphFilter.plan(declarations, checked)
    expect(plan.wire).toEqual([{ field: "business_type", operator: "EQUAL", value: "ENTERPRISE" }])
    expect(plan.local).toEqual([])
    expect(Either.isLeft(decode([GraphFilter.unchecked({ field: "x{y}", operator: "EQUAL", value: 1 })]))).toBe(true)
    expect(Either.isLeft(decode([GraphFilter.unchecked({ field: "x", operator: "equal", value: 1 })]))).toBe(true)
  })

  it("refuses with the path of the bad value", () => {
    const refused = decode([created.greaterThan(new Date()), { field: "creation_time", operator: "IN", value: [1] }])
    expect(Either.isLeft(refused)).toBe(true)
    if (Either.isLeft(refused)) expect(refused.left.message).toContain("does not support IN")
  })
})

describe("GraphFilter.parseWire (the server's side)", () => {
  it("accepts exactly the documented clauses, refusing the rest with a reason a server can word", () => {
    const ok = GraphFilter.parseWire(
      declarations,
      JSON.stringify([{ field: "creation_time", operator: "IN_RANGE", value: ["1569783261", "1604542049"] }])
    )
    expect(Either.getOrThrow(ok)).toHaveLength(1)
    const refusal = (raw: unknown) => {
      const result = GraphFilter.parseWire(declarations, typeof raw === "string" ? raw : JSON.stringify(raw))
      return Either.isLeft(result) ? result.left._tag : "accepted"
    }
    expect(refusal("{not json")).toBe("NotAnArray")
    expect(refusal({ field: "creation_time" })).toBe("NotAnArray")
    expect(refusal([{ field: "creation_time", operator: "GREATER_THAN" }])).toBe("BadClause")
    expect(refusal([{ field: "creation_time", operator: "SOON", value: 1 }])).toBe("UnknownOperator")
    expect(refusal([{ field: "name", operator: "EQUAL", value: "x" }])).toBe("UnknownField")
    expect(refusal([{ field: "creation_time", operator: "GREATER_THAN_OR_EQUAL", value: 1 }])).toBe(
      "UnsupportedOperator"
    )
    expect(refusal([{ field: "ownership_type", operator: "EQUAL", value: "SELF" }])).toBe("UnsupportedOperator")
    expect(refusal([{ field: "creation_time", operator: "IN_RANGE", value: [5, 1] }])).toBe("BadValue")
  })

  it("with acceptUndocumented, undocumented clauses are dropped instead (a server that ignores them)", () => {
    const result = GraphFilter.parseWire(
      declarations,
      JSON.stringify([
        { field: "creation_time", operator: "GREATER_THAN_OR_EQUAL", value: 1 },
        { field: "creation_time", operator: "GREATER_THAN", value: 2 }
      ]),
      { acceptUndocumented: true }
    )
    expect(Either.getOrThrow(result)).toEqual([{ field: "creation_time", operator: "GREATER_THAN", value: 2 }])
  })
})
