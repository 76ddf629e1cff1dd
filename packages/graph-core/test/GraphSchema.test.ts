import { GraphSchema } from "@effect-waba/graph-core"
import * as Shape from "@effect-waba/graph-rules/shape"
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

const account = {
  id: Shape.id,
  created: Shape.unixSeconds,
  onboarded: Shape.dateTime,
  tier: Shape.openEnum("TIER_50", "TIER_250"),
  owner: Shape.struct({ id: Shape.id, name: Shape.string }),
  tasks: Shape.array(Shape.openEnum("MANAGE")),
  commerce: Shape.reference,
  location: Shape.stringOrOpaque
} as const

const decode = Schema.decodeUnknownEither(GraphSchema.tolerant(Schema.Struct(GraphSchema.nodeFields(account))))

describe("GraphSchema.fromShape / nodeFields (node fields declared as data)", () => {
  it("decodes what Graph sends in each shape's drifting forms", () => {
    expect(Either.getOrThrow(decode({
      id: 102290129340398,
      created: "1700000000",
      onboarded: "2023-08-22T19:05:09+0000",
      tier: "TIER_NEW",
      owner: { id: 7, name: null },
      tasks: ["MANAGE", null, "SOMETHING_NEW"],
      commerce: "55",
      location: { city: "Lisbon" }
    }))).toEqual({
      id: "102290129340398",
      created: new Date(1_700_000_000_000),
      onboarded: new Date("2023-08-22T19:05:09Z"),
      tier: "TIER_NEW",
      owner: { id: "7" },
      tasks: ["MANAGE", "SOMETHING_NEW"],
      commerce: { id: "55" },
      location: { city: "Lisbon" }
    })
  })

  it("only id is required, and a field of the wrong form is refused", () => {
    expect(Either.getOrThrow(decode({ id: "1" }))).toEqual({ id: "1" })
    expect(Either.isLeft(decode({}))).toBe(true)
    expect(Either.isLeft(decode({ id: "1", onboarded: "not a time" }))).toBe(true)
    expect(Either.isLeft(decode({ id: "1", owner: "not an object" }))).toBe(true)
  })

  it("an enum keeps the values it knows", () => {
    expect(GraphSchema.fromShape(account.tier).known).toEqual(["TIER_50", "TIER_250"])
  })
})
