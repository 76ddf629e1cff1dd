import { GraphUsage } from "@effect-waba/graph-core"
import * as Usage from "@effect-waba/graph-rules/usage"
import { describe, expect, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"

// The pure centre reads the usage headers by hand; the published Schemas describe them. Decoding each header
// with the Schemas must give what the pure reader gives, for well-formed and hostile values alike.
const app = Schema.decodeUnknownOption(Schema.parseJson(GraphUsage.AppUsage))
const lists = Schema.decodeUnknownOption(
  Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.Unknown) }))
)
const entry = Schema.decodeUnknownOption(GraphUsage.BusinessUseCaseEntry)

const bySchemas = (business: string | undefined, appHeader: string | undefined) => {
  const entries = business === undefined ?
    Option.none() :
    Option.map(
      lists(business),
      (record) =>
        Object.entries(record).flatMap(([businessId, list]) =>
          list.flatMap((item) => Option.match(entry(item), { onNone: () => [], onSome: (e) => [{ businessId, ...e }] }))
        )
    )
  const appUsage = appHeader === undefined ? Option.none() : app(appHeader)
  return {
    ...Option.match(entries, { onNone: () => ({}), onSome: (businessUseCase) => ({ businessUseCase }) }),
    ...Option.match(appUsage, { onNone: () => ({}), onSome: (app) => ({ app }) })
  }
}

const values: ReadonlyArray<string> = [
  JSON.stringify({
    "111": [{ type: "whatsapp_business_management", call_count: 40, total_cputime: 5, total_time: 7 }]
  }),
  JSON.stringify({ "1": [{ call_count: "12" }, { call_count: " 7 " }, { call_count: "" }, { call_count: "x" }] }),
  JSON.stringify({ "1": [{ call_count: "NaN" }, { total_time: "Infinity" }, { total_time: "-Infinity" }] }),
  JSON.stringify({ "1": [{ call_count: "0x10" }, { call_count: "1e2" }, { call_count: true }, { call_count: [] }] }),
  JSON.stringify({ "1": [{ type: null, call_count: null, estimated_time_to_regain_access: 3 }] }),
  JSON.stringify({ "1": [{ type: 5 }, null, 7, "s", [], { other: 1 }] }),
  JSON.stringify({ "1": [{ call_count: 1 }], "2": "not a list" }),
  JSON.stringify({ "1": [], "2": [{ estimated_time_to_regain_access: -4 }] }),
  JSON.stringify([[{ call_count: 3 }]]),
  JSON.stringify([]),
  JSON.stringify({}),
  JSON.stringify({ call_count: 95, total_cputime: "12", total_time: null }),
  JSON.stringify({ call_count: "high" }),
  "null",
  "42",
  "\"text\"",
  "{not json",
  ""
]

describe("pure usage reading and the GraphUsage Schemas", () => {
  it("read every header value alike", () => {
    for (const business of values) {
      expect(Usage.fromHeaders({ "x-business-use-case-usage": business })).toEqual(bySchemas(business, undefined))
    }
    for (const appHeader of values) {
      expect(Usage.fromHeaders({ "x-app-usage": appHeader })).toEqual(bySchemas(undefined, appHeader))
    }
  })
})
