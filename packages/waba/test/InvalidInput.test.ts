import { Filter, OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { fakeGraph, graphLayer, makeAccounts } from "./utils/FakeGraph.js"

type AnyOptions = OwnedAccounts.Options<ReadonlyArray<any>, string>

// Each row: what a caller passes, the parameter the error must name, and words the message must hold.
const cases: ReadonlyArray<readonly [string, string, AnyOptions, string, string]> = [
  ["empty business id", "", {}, "businessId", "numeric"],
  ["non-numeric business id", "acme", {}, "businessId", "\"acme\""],
  ["path traversal", "../123", {}, "businessId", "numeric"],
  ["query injection", "123?fields=x", {}, "businessId", "numeric"],
  ["huge business id", "9".repeat(40), {}, "businessId", "25 digits"],
  ["unknown field", "123", { fields: ["nmae"] }, "fields", "\"nmae\" is not a field"],
  ["duplicated field", "123", { fields: ["name", "name"] }, "fields", "twice"],
  ["empty fields", "123", { fields: [] }, "fields", "empty"],
  ["extra field that is known", "123", { extraFields: ["name"] }, "extraFields", "known field"],
  ["extra field with braces", "123", { extraFields: ["owner{id}"] }, "extraFields", "not a valid field name"],
  [
    "wrong operator",
    "123",
    { filtering: { field: "creation_time", operator: "IN", value: [1] } as any },
    "filtering",
    "does not support IN"
  ],
  [
    "reversed range",
    "123",
    { filtering: Filter.creationTime.inRange(new Date("2025-01-01"), new Date("2024-01-01")) },
    "filtering",
    "in order"
  ],
  ["invalid date", "123", { filtering: Filter.creationTime.greaterThan(new Date("x")) }, "filtering", "invalid"],
  ["limit 0", "123", { limit: 0 }, "limit", "1 to 100"],
  ["negative limit", "123", { limit: -5 }, "limit", "-5"],
  ["fractional limit", "123", { limit: 2.5 }, "limit", "2.5"],
  ["limit over 100", "123", { limit: 101 }, "limit", "101"],
  ["NaN limit", "123", { limit: Number.NaN }, "limit", "NaN"],
  ["unknown sort", "123", { sort: "name_ascending" as any }, "sort", "name_ascending"],
  ["empty cursor", "123", { after: "" }, "after", "cursor"],
  ["cursor with a newline", "123", { after: "abc\ndef" }, "after", "cursor"],
  ["prefetch 0", "123", { prefetch: 0 }, "prefetch", "1 to 16"]
]

describe("bad input is refused before any request", () => {
  for (const [name, businessId, options, parameter, words] of cases) {
    it.effect(name, () => {
      const fake = fakeGraph({ accounts: makeAccounts(3) })
      return Effect.gen(function*() {
        const fromStream = yield* Effect.flip(Stream.runDrain(OwnedAccounts.stream(businessId, options)))
        const fromPages = yield* Effect.flip(Stream.runDrain(OwnedAccounts.pages(businessId, options)))
        for (const error of [fromStream, fromPages]) {
          expect(error._tag).toBe("InvalidRequestError")
          expect(error).toMatchObject({ parameter })
          expect(error.message).toContain(words)
        }
        expect(Option.getOrThrow(OwnedAccounts.validate(businessId, options)).parameter).toBe(parameter)
        expect(fake.seen).toHaveLength(0)
      }).pipe(Effect.provide(graphLayer(fake)))
    })
  }

  it.effect("valid input passes validate()", () =>
    Effect.sync(() => {
      expect(Option.isNone(OwnedAccounts.validate("123", { fields: ["name"], limit: 100, prefetch: true }))).toBe(true)
    }))
})
