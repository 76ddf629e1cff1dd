/**
 * Bad input, table-driven over every public entry point: each row gets its typed error with a message
 * naming the problem, and the emulator records zero requests.
 */
import { Testing } from "@effect-waba/emulator"
import { Emulator, EmulatorHttpClient } from "@effect-waba/emulator"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import { Filter, OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

type AnyOptions = OwnedAccounts.Options<ReadonlyArray<any>, string>

const date = (iso: string) => new Date(iso)

// [name, business id, options, parameter the error must name, words the message must hold]
const readCases: ReadonlyArray<readonly [string, string, AnyOptions, string, string]> = [
  ["empty business id", "", {}, "businessId", "numeric"],
  ["non-numeric business id", "acme", {}, "businessId", "\"acme\""],
  ["business id with ../", "../123", {}, "businessId", "numeric"],
  ["business id with ?", "123?fields=x", {}, "businessId", "numeric"],
  ["business id with a slash", "123/456", {}, "businessId", "numeric"],
  ["huge business id", "9".repeat(40), {}, "businessId", "25 digits"],
  ["negative business id", "-123", {}, "businessId", "numeric"],
  ["unknown field", "123", { fields: ["nmae"] }, "fields", "\"nmae\" is not a field"],
  ["duplicated field", "123", { fields: ["name", "name"] }, "fields", "twice"],
  ["empty fields", "123", { fields: [] }, "fields", "empty"],
  ["field expansion syntax", "123", { fields: ["health_status{can_send_message}"] }, "fields", "not a field"],
  ["extra field that is known", "123", { extraFields: ["name"] }, "extraFields", "known field"],
  ["extra field with braces", "123", { extraFields: ["owner{id}"] }, "extraFields", "not a valid field name"],
  ["duplicated extra field", "123", { extraFields: ["x_y", "x_y"] }, "extraFields", "twice"],
  [
    "field that cannot be filtered",
    "123",
    { filtering: { field: "name", operator: "EQUAL", value: "x" } as any },
    "filtering",
    "cannot be filtered"
  ],
  [
    "wrong operator for the field",
    "123",
    { filtering: { field: "creation_time", operator: "IN", value: [1] } as any },
    "filtering",
    "does not support IN"
  ],
  [
    "operator Graph does not have",
    "123",
    { filtering: { field: "creation_time", operator: "SOON", value: 1 } as any },
    "filtering",
    "\"SOON\""
  ],
  [
    "reversed range",
    "123",
    { filtering: Filter.creationTime.inRange(date("2025-01-01"), date("2024-01-01")) },
    "filtering",
    "in order"
  ],
  [
    "single-bound range",
    "123",
    { filtering: { field: "creation_time", operator: "IN_RANGE", value: [date("2024-01-01")] } as any },
    "filtering",
    "IN_RANGE"
  ],
  [
    "three-bound range",
    "123",
    {
      filtering: {
        field: "creation_time",
        operator: "IN_RANGE",
        value: [date("2024-01-01"), date("2024-02-01"), date("2024-03-01")]
      } as any
    },
    "filtering",
    "IN_RANGE"
  ],
  [
    "invalid date",
    "123",
    { filtering: Filter.creationTime.greaterThan(new Date("yesterday-ish")) },
    "filtering",
    "invalid"
  ],
  ["NaN date", "123", { filtering: Filter.creationTime.lessThan(new Date(Number.NaN)) }, "filtering", "invalid"],
  ["date before 1970", "123", { filtering: Filter.creationTime.lessThan(date("1960-01-01")) }, "filtering", "1970"],
  [
    "number instead of a date",
    "123",
    { filtering: { field: "creation_time", operator: "GREATER_THAN", value: 1700000000 } as any },
    "filtering",
    "GREATER_THAN"
  ],
  [
    "empty IN list",
    "123",
    { filtering: { field: "ownership_type", operator: "IN", value: [] } as any },
    "filtering",
    "IN"
  ],
  [
    "huge IN list",
    "123",
    { filtering: { field: "ownership_type", operator: "IN", value: Array(5000).fill("SELF") } as any },
    "filtering",
    "at most 50"
  ],
  ["empty filter list", "123", { filtering: [] }, "filtering", "empty"],
  [
    "too many clauses",
    "123",
    { filtering: Array(25).fill(Filter.ownershipType.equal("SELF")) },
    "filtering",
    "at most 20"
  ],
  ["limit 0", "123", { limit: 0 }, "limit", "1 to 100"],
  ["negative limit", "123", { limit: -5 }, "limit", "-5"],
  ["fractional limit", "123", { limit: 2.5 }, "limit", "2.5"],
  ["limit over 100", "123", { limit: 101 }, "limit", "101"],
  ["NaN limit", "123", { limit: Number.NaN }, "limit", "NaN"],
  ["Infinity limit", "123", { limit: Number.POSITIVE_INFINITY }, "limit", "Infinity"],
  ["unknown sort", "123", { sort: "name_ascending" as any }, "sort", "name_ascending"],
  ["empty cursor", "123", { after: "" }, "after", "cursor"],
  ["cursor with a newline", "123", { after: "abc\ndef" }, "after", "cursor"],
  ["prefetch 0", "123", { prefetch: 0 }, "prefetch", "1 to 16"],
  ["prefetch 100", "123", { prefetch: 100 }, "prefetch", "1 to 16"]
]

const TOKEN = Emulator.defaultToken

// [name, options, setting the error must name]
const configCases: ReadonlyArray<readonly [string, GraphConfig.Options, string]> = [
  ["empty token", { accessToken: "" }, "accessToken"],
  ["whitespace token", { accessToken: "   \t" }, "accessToken"],
  ["token with a trailing newline", { accessToken: `${TOKEN}\n` }, "accessToken"],
  ["token in quotes", { accessToken: `"${TOKEN}"` }, "accessToken"],
  ["empty app secret", { accessToken: TOKEN, appSecret: "" }, "appSecret"],
  ["version without v", { accessToken: TOKEN, apiVersion: "26.0" }, "apiVersion"],
  ["version without minor", { accessToken: TOKEN, apiVersion: "v26" }, "apiVersion"],
  ["version as a word", { accessToken: TOKEN, apiVersion: "latest" }, "apiVersion"],
  ["http:// on a public host", { accessToken: TOKEN, baseUrl: "http://graph.facebook.com" }, "baseUrl"],
  ["http:// on a private address", { accessToken: TOKEN, baseUrl: "http://10.0.0.8:8080" }, "baseUrl"],
  ["relative base URL", { accessToken: TOKEN, baseUrl: "/graph" }, "baseUrl"],
  ["base URL with a query", { accessToken: TOKEN, baseUrl: "https://graph.facebook.com?x=1" }, "baseUrl"],
  ["zero timeout", { accessToken: TOKEN, timeout: 0 }, "timeout"],
  ["negative retries", { accessToken: TOKEN, retry: { maxRetries: -1 } }, "retry"]
]

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })

// [name, path params, query, parameter]
const clientCases: ReadonlyArray<readonly [string, Record<string, string>, Record<string, string>, string]> = [
  ["path traversal in a path value", { "business-id": "../me" }, {}, "business-id"],
  ["query in a path value", { "business-id": "1?x=y" }, {}, "business-id"],
  ["empty path value", { "business-id": "" }, {}, "business-id"],
  ["unknown path parameter", { "business-id": "1", other: "2" }, {}, "other"],
  ["access_token passed as a query", { "business-id": "1" }, { access_token: "x" }, "access_token"],
  ["appsecret_proof passed as a query", { "business-id": "1" }, { appsecret_proof: "x" }, "appsecret_proof"]
]

let tried = 0
let refused = 0

describe("bad input is refused with a typed error and sends nothing", () => {
  describe("OwnedAccounts.stream / pages / all / validate", () => {
    for (const [name, businessId, options, parameter, words] of readCases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          const emulator = yield* Emulator.Emulator
          const errors = [
            yield* Effect.flip(Stream.runDrain(OwnedAccounts.stream(businessId, options))),
            yield* Effect.flip(Stream.runDrain(OwnedAccounts.pages(businessId, options))),
            yield* Effect.flip(OwnedAccounts.all(businessId, options)),
            Option.getOrThrow(OwnedAccounts.validate(businessId, options))
          ]
          for (const error of errors) {
            tried++
            expect(error._tag).toBe("InvalidRequestError")
            expect(error).toMatchObject({ parameter })
            expect(error.message).toContain(words)
            refused++
          }
          expect(yield* emulator.requestCount).toBe(0)
        }).pipe(Effect.provide(Testing.inProcess())))
    }
  })

  describe("Filter.validate on untyped input", () => {
    for (const [name, , options] of readCases.filter(([, , o]) => o.filtering !== undefined)) {
      it(name, () => {
        tried++
        const result = Filter.validate(options.filtering)
        expect(Either.isLeft(result) && result.left._tag).toBe("InvalidRequestError")
        refused++
      })
    }
  })

  describe("GraphConfig", () => {
    for (const [name, options, setting] of configCases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          const emulator = yield* Emulator.Emulator
          const graph = GraphClient.layer.pipe(
            Layer.provide(GraphConfig.layer(options)),
            Layer.provide(EmulatorHttpClient.layer)
          )
          tried++
          const error = yield* Effect.flip(
            Stream.runDrain(OwnedAccounts.stream(emulator.businessIds[0]!)).pipe(Effect.provide(graph))
          )
          expect(error._tag).toBe("GraphConfigError")
          expect(error).toMatchObject({ setting })
          expect(error.message).not.toContain(TOKEN)
          refused++
          expect(yield* emulator.requestCount).toBe(0)
        }).pipe(Effect.provide(Emulator.layer())))
    }

    it.effect("GraphConfig.layerConfig without GRAPH_ACCESS_TOKEN", () =>
      Effect.gen(function*() {
        tried++
        const error = yield* Effect.flip(
          Effect.provide(GraphConfig.GraphConfig, GraphConfig.layerConfig()).pipe(
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["GRAPH_API_VERSION", "v26.0"]])))
          )
        )
        expect(error.message).toContain("GRAPH_ACCESS_TOKEN")
        refused++
      }))
  })

  describe("GraphClient.get", () => {
    for (const [name, params, query, parameter] of clientCases) {
      it.effect(name, () =>
        Effect.gen(function*() {
          const emulator = yield* Emulator.Emulator
          tried++
          const error = yield* Effect.flip(GraphClient.get({
            route: "/{business-id}/owned_whatsapp_business_accounts",
            params,
            query,
            schema: Page
          }))
          expect(error._tag).toBe("InvalidRequestError")
          expect(error).toMatchObject({ parameter })
          refused++
          expect(yield* emulator.requestCount).toBe(0)
        }).pipe(Effect.provide(Testing.inProcess())))
    }
  })

  it("all of them were refused", () => {
    expect(refused).toBe(tried)
    expect(tried).toBeGreaterThan(150)
    console.log(`bad input: ${tried} tried, ${refused} refused, 0 requests sent`)
  })
})
