import { describe, expect, it } from "vitest"
import * as Errors from "../src/errors.js"

describe("pure error classification", () => {
  it("maps Graph's codes and subcodes to kinds, never looking at the HTTP status", () => {
    const cases: ReadonlyArray<readonly [number | undefined, boolean, number | undefined, Errors.ResponseTag]> = [
      [80008, false, undefined, "GraphRateLimitError"],
      [4, true, 2446079, "GraphRateLimitError"],
      [190, false, 463, "GraphAuthError"],
      [200, false, 1349174, "GraphPermissionError"],
      [104, false, undefined, "GraphSignatureError"],
      [368, false, undefined, "GraphPolicyError"],
      [100, false, 33, "GraphNotFoundError"],
      [803, false, undefined, "GraphNotFoundError"],
      [100, false, undefined, "GraphInvalidParameterError"],
      [2, false, undefined, "GraphTransientError"],
      [131000, true, undefined, "GraphTransientError"],
      [131000, false, undefined, "GraphApiError"],
      [undefined, true, undefined, "GraphApiError"]
    ]
    for (const [code, transient, subcode, tag] of cases) expect(Errors.classify(code, transient, subcode)).toBe(tag)
  })

  it("an expired or invalidated token means the business must authorise the app again", () => {
    expect(Errors.needsReauthorization(190, 463)).toBe(true)
    expect(Errors.needsReauthorization(190, 458)).toBe(true)
    expect(Errors.needsReauthorization(190, undefined)).toBe(false)
    expect(Errors.needsReauthorization(102, 463)).toBe(false)
  })

  it("retries throttling, transient failures and what Graph marked transient, nothing else", () => {
    expect(Errors.isRetryable({ _tag: "GraphRateLimitError" })).toBe(true)
    expect(Errors.isRetryable({ _tag: "GraphTransportError", retryable: true })).toBe(true)
    expect(Errors.isRetryable({ _tag: "GraphTransportError", retryable: false })).toBe(false)
    expect(Errors.isRetryable({ _tag: "GraphApiError", isTransient: true })).toBe(true)
    expect(Errors.isRetryable({ _tag: "GraphAuthError", isTransient: true })).toBe(false)
  })

  it("keeps the envelope's text scrubbed of secrets and bounded in size", () => {
    const scrub = (text: string) => text.split("EAAGsecret").join("<redacted>")
    const { code, fields, tag } = Errors.fromErrorBody(
      {
        message: "Invalid token EAAGsecret",
        code: 190,
        error_subcode: 460,
        error_data: JSON.stringify({ token: "EAAGsecret" }),
        error_user_msg: "x".repeat(5_000)
      },
      scrub,
      "trace-from-header"
    )
    expect({ code, tag }).toEqual({ code: 190, tag: "GraphAuthError" })
    expect(fields.message).toBe("Invalid token <redacted>")
    expect(fields.errorData).toEqual({ token: "<redacted>" })
    expect(fields.fbtraceId).toBe("trace-from-header")
    expect(fields.userMessage).toMatch(/^x{2000}… \(5000 characters\)$/)
  })

  it("replaces error_data nested too deep to copy safely by a note", () => {
    let deep: unknown = "leaf"
    for (let i = 0; i < 40; i++) deep = { deep }
    const { fields } = Errors.fromErrorBody({ code: 1, error_data: deep }, (text) => text)
    expect(fields.errorData).toMatch(/^<error_data omitted/)
    expect(Errors.fromErrorBody({}, (text) => text).fields.message).toBe(
      "Graph sent an error without a code or message."
    )
  })
})
