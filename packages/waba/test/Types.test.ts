import type { GraphClient } from "@effect-waba/graph-core"
import { ClientAccounts, Filter, OwnedAccounts, PhoneNumbers, WhatsAppBusinessAccount } from "@effect-waba/waba"
import { describe, expectTypeOf, it } from "@effect/vitest"
import type * as Effect from "effect/Effect"
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

describe("expansion and the new reads (types)", () => {
  it("expanding phone_numbers adds a complete array of narrowed phone numbers", () => {
    const _stream = OwnedAccounts.stream("1", {
      fields: ["name"],
      expand: { phone_numbers: { fields: ["display_phone_number", "quality_rating"], limit: 50 } }
    })
    expectTypeOf<ElementOf<typeof _stream>>().toEqualTypeOf<{
      readonly id: string
      readonly name?: string
      readonly phone_numbers: ReadonlyArray<{
        readonly id: string
        readonly display_phone_number?: string
        readonly quality_rating?: "GREEN" | "YELLOW" | "RED" | "UNKNOWN" | "NA" | (string & {})
      }>
    }>()
  })

  it("pages: \"first\" gives the first nested page and its cursor", () => {
    const _stream = ClientAccounts.stream("1", {
      fields: ["permitted_tasks"],
      expand: { phone_numbers: { fields: ["status"], pages: "first" } }
    })
    type Element = ElementOf<typeof _stream>
    expectTypeOf<Element["phone_numbers"]["nextAfter"]>().toEqualTypeOf<string | undefined>()
    expectTypeOf<Element["phone_numbers"]["data"][number]>().toHaveProperty("status")
    expectTypeOf<Element>().toHaveProperty("permitted_tasks")
  })

  it("a node read is an Effect of the narrowed node", () => {
    const _read = WhatsAppBusinessAccount.get("1", { fields: ["status"], expand: { phone_numbers: {} } })
    type A = Effect.Effect.Success<typeof _read>
    expectTypeOf<A["status"]>().toEqualTypeOf<"ACTIVE" | "DISABLED" | "PENDING_DELETION" | (string & {}) | undefined>()
    expectTypeOf<A["phone_numbers"][number]>().toHaveProperty("verified_name")
  })

  it("each edge takes only its own filters and sorts", () => {
    PhoneNumbers.stream("1", { filtering: Filter.qualityRating.in("RED"), sort: "creation_time.desc" })
    ClientAccounts.stream("1", { filtering: Filter.ownershipType.in("CLIENT_OWNED") })
    // @ts-expect-error quality_rating is a phone-number field
    OwnedAccounts.stream("1", { filtering: Filter.qualityRating.in("RED") })
    // @ts-expect-error the owned edge's sorts are not the phone numbers'
    PhoneNumbers.stream("1", { sort: "creation_time_ascending" })
    // @ts-expect-error no sort is documented for the client edge
    ClientAccounts.stream("1", { sort: "creation_time_ascending" })
    // @ts-expect-error not a field of PhoneNumber
    OwnedAccounts.stream("1", { expand: { phone_numbers: { fields: ["nmae"] } } })
    // @ts-expect-error nothing else can be expanded
    OwnedAccounts.stream("1", { expand: { message_templates: {} } })
  })
})
