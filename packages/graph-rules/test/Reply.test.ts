import { describe, expect, it } from "vitest"
import * as FilterCheck from "../src/filterCheck.js"
import * as Reply from "../src/reply.js"
import * as Request from "../src/request.js"
import * as RetryPolicy from "../src/retryPolicy.js"
import * as Shape from "../src/shape.js"
import { edges } from "../src/whatsapp.js"

const context: Reply.Context = {
  route: "/{business-id}",
  attempt: 1,
  scrub: (text) => text.replaceAll("SECRET-TOKEN", "<redacted>"),
  usageKey: "42",
  now: Date.parse("2026-01-01T00:00:00Z")
}

describe("what a reply means", () => {
  it("an answer keeps its JSON, usage, trace id and version", () => {
    const outcome = Reply.interpret({
      status: 200,
      headers: { "x-fb-trace-id": "T1", "facebook-api-version": "v27.0", "x-app-usage": "{\"call_count\":12}" },
      text: "{\"id\":\"42\"}"
    }, context)
    expect(outcome).toEqual({
      _tag: "Answer",
      json: { id: "42" },
      status: 200,
      usage: { app: { callCount: 12 } },
      fbtraceId: "T1",
      apiVersion: "v27.0",
      attempts: 1
    })
  })

  it("a redirect is never followed, and its location keeps no query", () => {
    const outcome = Reply.interpret({
      status: 302,
      headers: { location: "https://elsewhere.example/x?access_token=SECRET-TOKEN" },
      text: ""
    }, context)
    expect(outcome).toMatchObject({ _tag: "Transport", reason: "Redirect", retryable: false })
    expect(JSON.stringify(outcome)).not.toContain("SECRET-TOKEN")
  })

  it("80008 waits the longer of Retry-After and the usage header's time to regain access", () => {
    const usage = JSON.stringify({
      "42": [{ type: "WHATSAPP_BUSINESS_MANAGEMENT", call_count: 100, estimated_time_to_regain_access: 2 }]
    })
    const outcome = Reply.interpret({
      status: 429,
      headers: { "retry-after": "30", "x-business-use-case-usage": usage },
      text: JSON.stringify({ error: { code: 80008, message: "too many calls for SECRET-TOKEN", is_transient: true } })
    }, context)
    expect(outcome).toMatchObject({
      _tag: "Response",
      error: { tag: "GraphRateLimitError", code: 80008 },
      facts: { retryAfterMillis: 120_000 }
    })
    expect(JSON.stringify(outcome)).not.toContain("SECRET-TOKEN")
  })

  it("an error body of the wrong shape is still an error, and a body that is not JSON a transport failure", () => {
    expect(Reply.interpret({ status: 400, headers: {}, text: "{\"error\":{\"code\":{}}}" }, context)).toMatchObject({
      _tag: "Response",
      error: { tag: "GraphApiError", fields: { message: "Graph returned an error body that could not be read." } }
    })
    expect(Reply.interpret({ status: 200, headers: {}, text: "<html>" }, context)).toMatchObject({
      _tag: "Transport",
      reason: "InvalidBody",
      retryable: true
    })
    expect(Reply.interpret({ status: 503, headers: {}, text: "" }, context)).toMatchObject({
      _tag: "Transport",
      reason: "UnexpectedStatus",
      retryable: true
    })
    expect(Reply.errorBody({ code: "190", error_subcode: 463, message: null })).toEqual({
      code: 190,
      error_subcode: 463
    })
  })
})

describe("the request checks", () => {
  it("ids that could leave the path, and query secrets given as plain text, are refused", () => {
    expect(Request.path("/{id}", { id: "../me" })).toMatchObject({ _tag: "Failure", failure: { parameter: "id" } })
    expect(Request.path("/{id}/x?y", { id: "1" })).toMatchObject({ _tag: "Failure", failure: { parameter: "route" } })
    expect(Request.path("/{id}", { id: "1", other: "2" })).toMatchObject({
      _tag: "Failure",
      failure: { parameter: "other" }
    })
    expect(Request.path("/{id}/phone_numbers", { id: "123" })).toEqual({
      _tag: "Success",
      success: "/123/phone_numbers"
    })
    const none = () => undefined
    expect(Request.query({ input_token: "abc" }, none)).toMatchObject({
      _tag: "Failure",
      failure: { parameter: "input_token" }
    })
    expect(Request.query({ access_token: "abc" }, none)).toMatchObject({
      _tag: "Failure",
      failure: { parameter: "access_token" }
    })
    expect(Request.query({ limit: 25, fields: "id", after: undefined }, none)).toEqual({
      _tag: "Success",
      success: [["limit", "25"], ["fields", "id"]]
    })
  })
})

describe("the filtering check", () => {
  const owned = edges.owned.filters
  it("names the first problem by where it is", () => {
    expect(FilterCheck.check(owned, [])).toMatchObject({
      _tag: "Failure",
      failure: expect.stringContaining("empty list")
    })
    expect(FilterCheck.check(owned, [{ field: "creation_time", operator: "IN", value: [] }])).toMatchObject({
      failure: expect.stringContaining("filtering[0].operator: creation_time does not support IN")
    })
    expect(FilterCheck.check(owned, { field: "ownership_type", operator: "EQUAL", value: "self" })).toMatchObject({
      failure: expect.stringContaining("filtering.value: ownership_type EQUAL has an invalid value")
    })
    expect(FilterCheck.check(owned, { field: "creation_time", operator: "EQUAL", value: new Date(1_500) }))
      .toMatchObject({
        failure: expect.stringContaining("whole second")
      })
    expect(
      FilterCheck.check(
        owned,
        Array.from({ length: 21 }, () => ({ field: "ownership_type", operator: "EQUAL", value: "SELF" }))
      )
    ).toMatchObject({
      failure: "filtering may hold at most 20 clauses"
    })
  })

  it("passes good clauses through, and an unchecked one as written", () => {
    const clauses = [
      { field: "creation_time", operator: "IN_RANGE", value: [new Date(0), new Date(10_000)] },
      { _tag: "Unchecked", field: "name", operator: "CONTAIN", value: "Blue" }
    ]
    expect(FilterCheck.check(owned, clauses)).toEqual({ _tag: "Success", success: clauses })
  })
})

describe("field shapes", () => {
  it("times are read from Unix seconds, digits, or ISO text with Graph's offset", () => {
    expect(Shape.dateOf(1_700_000_000)?.toISOString()).toBe("2023-11-14T22:13:20.000Z")
    expect(Shape.dateOf("1700000000")?.toISOString()).toBe("2023-11-14T22:13:20.000Z")
    expect(Shape.dateOf("2023-11-14T22:13:20+0000")?.toISOString()).toBe("2023-11-14T22:13:20.000Z")
    expect(Shape.dateOf("yesterday")).toBeUndefined()
    expect(Shape.dateOf(null)).toBeUndefined()
  })
})

describe("the retry policy check", () => {
  it("refuses what no schedule can run, with the setting's name", () => {
    const given = { maxRetries: 4, baseDelay: 500, maxDelay: 30_000, maxHintedWait: 900_000 }
    expect(RetryPolicy.problem(given)).toBeUndefined()
    expect(RetryPolicy.problem({ ...given, maxRetries: 1.5 })).toBe(
      "retry.maxRetries must be an integer from 0 to 100."
    )
    expect(RetryPolicy.problem({ ...given, maxDelay: Infinity })).toBe(
      "retry.maxDelay must be a finite, non-negative duration."
    )
    expect(RetryPolicy.problem({ ...given, baseDelay: NaN })).toBe(
      "retry.baseDelay must be a finite, non-negative duration."
    )
    expect(RetryPolicy.problem({ ...given, maxDelay: 100 })).toBe(
      "retry.maxDelay must not be shorter than retry.baseDelay."
    )
  })
})
