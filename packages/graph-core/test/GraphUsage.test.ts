import { GraphUsage } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"

const header = (value: unknown) => ({ "x-business-use-case-usage": JSON.stringify(value) })

describe("GraphUsage.fromHeaders", () => {
  it("reads every business entry of X-Business-Use-Case-Usage, keyed by business id", () => {
    const usage = GraphUsage.fromHeaders(header({
      "111": [{ type: "whatsapp_business_management", call_count: 40, total_cputime: 5, total_time: 7 }],
      "222": [
        {
          type: "whatsapp_business_management",
          call_count: 100,
          total_cputime: 20,
          total_time: 30,
          estimated_time_to_regain_access: 12
        },
        { type: "ads_management", call_count: 3 }
      ]
    }))
    expect(usage.businessUseCase).toHaveLength(3)
    expect(GraphUsage.forRequest(usage, "222").map((e) => e.type)).toEqual([
      "whatsapp_business_management",
      "ads_management"
    ])
    expect(GraphUsage.highestPercentage(usage, "111")).toBe(40)
    expect(GraphUsage.highestPercentage(usage)).toBe(100)
    expect(GraphUsage.regainAccessIn(usage, "222")).toEqual(Duration.minutes(12))
    expect(GraphUsage.regainAccessIn(usage, "111")).toBeUndefined()
  })

  it("reads X-App-Usage and numeric strings", () => {
    const usage = GraphUsage.fromHeaders({
      "x-app-usage": "{\"call_count\":\"55\",\"total_cputime\":1,\"total_time\":9}"
    })
    expect(usage.app).toEqual({ callCount: 55, totalCputime: 1, totalTime: 9 })
    expect(GraphUsage.highestPercentage(usage)).toBe(55)
  })

  it("absent headers mean unknown, not zero", () => {
    const usage = GraphUsage.fromHeaders({})
    expect(usage).toEqual(GraphUsage.unknown)
    expect(GraphUsage.highestPercentage(usage)).toBeUndefined()
    expect(GraphUsage.regainAccessIn(usage)).toBeUndefined()
  })

  it("malformed headers are unknown; one malformed entry does not hide the others", () => {
    for (const bad of ["", "not json", "[]", "42", "{\"1\": 5}", "{\"1\": [1,2]}"]) {
      const usage = GraphUsage.fromHeaders({ "x-business-use-case-usage": bad, "x-app-usage": bad })
      expect(GraphUsage.highestPercentage(usage)).toBeUndefined()
    }
    const mixed = GraphUsage.fromHeaders(header({ "1": [{ call_count: "lots" }, { call_count: 12 }] }))
    expect(mixed.businessUseCase).toEqual([{ businessId: "1", callCount: 12 }])
  })

  it("a header keyed by WABA ids speaks for a request about the business, with every type it holds", () => {
    // A request on /111/owned_whatsapp_business_accounts, answered with the usage of WABAs 222 and 333.
    const usage = GraphUsage.fromHeaders(header({
      "222": [
        { type: "whatsapp_business_management", call_count: 30, total_cputime: 4, total_time: 6 },
        { type: "whatsapp", call_count: 100, estimated_time_to_regain_access: 45 }
      ],
      "333": [{ type: "whatsapp_business_management", call_count: 72, estimated_time_to_regain_access: 3 }]
    }))
    expect(usage.businessUseCase!.filter((e) => e.businessId === "111")).toEqual([])
    expect(GraphUsage.forRequest(usage, "111").map((e) => [e.businessId, e.type])).toEqual([
      ["222", "whatsapp_business_management"],
      ["222", "whatsapp"],
      ["333", "whatsapp_business_management"]
    ])
    expect(GraphUsage.highestPercentage(usage, "111")).toBe(100)
    expect(GraphUsage.regainAccessIn(usage, "111")).toEqual(Duration.minutes(45))
    // Where the key itself is named, only its own entries speak for it.
    expect(GraphUsage.forRequest(usage, "333").map((e) => e.callCount)).toEqual([72])
    expect(GraphUsage.regainAccessIn(usage, "333")).toEqual(Duration.minutes(3))
  })

  it("null figures and types read as absent; negative figures are not percentages", () => {
    const usage = GraphUsage.fromHeaders(header({
      "1": [{ type: null, call_count: null, total_cputime: 12, total_time: -3, estimated_time_to_regain_access: -1 }]
    }))
    expect(usage.businessUseCase).toEqual([{
      businessId: "1",
      totalCputime: 12,
      totalTime: -3,
      estimatedTimeToRegainAccess: -1
    }])
    expect(GraphUsage.highestPercentage(usage)).toBe(12)
    expect(GraphUsage.regainAccessIn(usage)).toBeUndefined()
  })
})
