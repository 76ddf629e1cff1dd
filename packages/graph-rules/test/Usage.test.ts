import { describe, expect, it } from "vitest"
import * as Usage from "../src/usage.js"

const business = (value: unknown) => ({ "x-business-use-case-usage": JSON.stringify(value) })

describe("pure usage headers", () => {
  it("a business that is throttled for 12 minutes yields a 12 minute wait, for it and not for another", () => {
    const usage = Usage.fromHeaders(business({
      "111": [{ type: "whatsapp_business_management", call_count: 100, estimated_time_to_regain_access: 12 }],
      "222": [{ type: "whatsapp_business_management", call_count: 20 }]
    }))
    expect(Usage.regainAccessMillis(usage, "111")).toBe(720_000)
    expect(Usage.regainAccessMillis(usage, "222")).toBeUndefined()
    expect(Usage.highestPercentage(usage, "222")).toBe(20)
  })

  it("a request about a business answered with its accounts' usage takes every entry as its own", () => {
    const usage = Usage.fromHeaders(business({
      "333": [{ call_count: 70, estimated_time_to_regain_access: 2 }],
      "444": [{ call_count: 85 }]
    }))
    expect(Usage.forRequest(usage, "111").map((entry) => entry.businessId)).toEqual(["333", "444"])
    expect(Usage.highestPercentage(usage, "111")).toBe(85)
    expect(Usage.regainAccessMillis(usage, "111")).toBe(120_000)
  })

  it("reads numeric strings and nulls, and one malformed entry does not hide the others", () => {
    const usage = Usage.fromHeaders(business({
      "1": [{ call_count: "91", total_time: null }, { call_count: "lots" }, { type: 7, call_count: 99 }, null]
    }))
    expect(usage.businessUseCase).toEqual([{ businessId: "1", callCount: 91 }])
  })

  it("an absent, unparseable or wrongly shaped header means unknown, never zero", () => {
    expect(Usage.fromHeaders({})).toEqual({})
    expect(Usage.fromHeaders({ "x-app-usage": "{oops", "x-business-use-case-usage": "[1]" })).toEqual({})
    expect(Usage.fromHeaders(business({ "1": [{ call_count: 5 }], "2": "not a list" }))).toEqual({})
    expect(Usage.highestPercentage({})).toBeUndefined()
  })

  it("negative and infinite figures say nothing", () => {
    const usage = Usage.fromHeaders({
      "x-app-usage": JSON.stringify({ call_count: -5, total_cputime: "Infinity", total_time: 30 }),
      ...business({ "1": [{ estimated_time_to_regain_access: -3 }] })
    })
    expect(Usage.highestPercentage(usage)).toBe(30)
    expect(Usage.regainAccessMillis(usage)).toBeUndefined()
  })
})
