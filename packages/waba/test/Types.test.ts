import type { GraphClient } from "@effect-waba/graph-core"
import { Filter, OwnedAccounts } from "@effect-waba/waba"
import { describe, expectTypeOf, it } from "@effect/vitest"
import type * as Stream from "effect/Stream"

type ElementOf<S> = S extends Stream.Stream<infer A, any, any> ? A : never

describe("field narrowing (types)", () => {
  it("without fields, the element has Graph's default fields", () => {
    const stream = OwnedAccounts.stream("1")
    expectTypeOf<ElementOf<typeof stream>>().toEqualTypeOf<{
      readonly id: string
      readonly name?: string
      readonly currency?: string
      readonly timezone_id?: string
      readonly message_template_namespace?: string
    }>()
    expectTypeOf(stream).toEqualTypeOf<
      Stream.Stream<ElementOf<typeof stream>, OwnedAccounts.OwnedAccountsError, GraphClient.GraphClient>
    >()
  })

  it("with fields, the element has exactly those plus id", () => {
    const stream = OwnedAccounts.stream("1", { fields: ["name", "creation_time"], sort: "creation_time_ascending" })
    expectTypeOf(stream).toEqualTypeOf<
      Stream.Stream<
        { readonly id: string; readonly name?: string; readonly creation_time?: Date },
        OwnedAccounts.OwnedAccountsError,
        GraphClient.GraphClient
      >
    >()
  })

  it("extraFields are typed unknown", () => {
    const stream = OwnedAccounts.stream("1", { fields: ["country"], extraFields: ["new_thing"] })
    expectTypeOf(stream).toEqualTypeOf<
      Stream.Stream<
        { readonly id: string; readonly country?: string; readonly new_thing?: unknown },
        OwnedAccounts.OwnedAccountsError,
        GraphClient.GraphClient
      >
    >()
  })

  it("pages carry the same element type", () => {
    const pages = OwnedAccounts.pages("1", { fields: ["health_status"] })
    type Element = ElementOf<typeof pages>["accounts"][number]
    expectTypeOf<Element>().toHaveProperty("health_status")
    expectTypeOf<Element>().not.toHaveProperty("name")
    expectTypeOf(pages).toMatchTypeOf<Stream.Stream<OwnedAccounts.Page<Element>, unknown, unknown>>()
  })

  it("unknown fields and impossible filters do not compile", () => {
    // @ts-expect-error not a field of the node
    OwnedAccounts.stream("1", { fields: ["nmae"] })
    // @ts-expect-error ownership_type has no LESS_THAN
    Filter.make({ field: "ownership_type", operator: "LESS_THAN", value: "SELF" })
    // @ts-expect-error IN_RANGE takes two dates
    Filter.make({ field: "creation_time", operator: "IN_RANGE", value: new Date() })
    // @ts-expect-error not a sort Graph knows
    OwnedAccounts.stream("1", { sort: "name_ascending" })
  })
})
