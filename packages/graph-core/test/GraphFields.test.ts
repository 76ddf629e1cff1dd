import { GraphFields } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"

describe("GraphFields", () => {
  it("renders expansion with modifiers and nested selections, as Graph's syntax", () => {
    expect(GraphFields.render([
      { name: "id" },
      { name: "name" },
      {
        name: "phone_numbers",
        limit: 50,
        fields: [{ name: "id" }, { name: "display_phone_number" }, { name: "throughput", fields: [{ name: "level" }] }]
      }
    ])).toBe("id,name,phone_numbers.limit(50){id,display_phone_number,throughput{level}}")
  })

  it("parses what it renders", () => {
    const text = "id,name,phone_numbers.limit(50){id,display_phone_number},health_status{can_send_message}"
    expect(GraphFields.render(Either.getOrThrow(GraphFields.parse(text)))).toBe(text)
    expect(Either.getOrThrow(GraphFields.parse(" id , phone_numbers{ id } "))).toEqual([
      { name: "id" },
      { name: "phone_numbers", fields: [{ name: "id" }] }
    ])
  })

  it("refuses malformed braces, unknown modifiers and hostile nesting with a position", () => {
    for (const text of ["id,", "id{", "id}", "a.limit(x)", "a.since(1)", "a{b}}", "", "a,,b", "a.limit(5"]) {
      const parsed = GraphFields.parse(text)
      expect(Either.isLeft(parsed), text).toBe(true)
    }
    const deep = `${"a{".repeat(5000)}b${"}".repeat(5000)}`
    const parsed = GraphFields.parse(deep)
    expect(Either.isLeft(parsed) && parsed.left.message).toContain("nest at most")
  })
})
