import { describe, expect, it } from "vitest"
import * as Health from "../src/tokenHealth.js"

const day = 86_400_000
const now = Date.UTC(2026, 0, 1)
const token = (facts: Partial<Health.TokenFacts> = {}): Health.TokenFacts => ({
  isValid: true,
  scopes: ["whatsapp_business_management", "business_management"],
  granularScopes: [],
  ...facts
})

describe("pure token judgement", () => {
  it("a valid token with every scope, expiring after the deadline, is valid", () => {
    expect(Health.judge(token({ expiresAt: new Date(now + 30 * day) }), now + 7 * day, ["business_management"]))
      .toMatchObject({ status: "Valid", missingScopes: [] })
  })

  it("the earlier of the token's and its data access's expiry counts", () => {
    const judged = Health.judge(
      token({ expiresAt: new Date(now + 30 * day), dataAccessExpiresAt: new Date(now + 2 * day) }),
      now + 7 * day,
      []
    )
    expect(judged).toMatchObject({ status: "Expiring", expiresAt: new Date(now + 2 * day) })
  })

  it("an invalid token is invalid before anything else; a missing scope comes before expiry", () => {
    expect(Health.judge(token({ isValid: false, scopes: [] }), now, ["x"]).status).toBe("Invalid")
    const missing = Health.judge(token({ expiresAt: new Date(now) }), now + day, ["whatsapp_business_messaging"])
    expect(missing).toMatchObject({ status: "MissingScope", missingScopes: ["whatsapp_business_messaging"] })
  })

  it("a scope granted for some accounts only limits the token to them", () => {
    const limited = token({
      granularScopes: [
        { scope: "whatsapp_business_management", targetIds: ["11"] },
        { scope: "whatsapp_business_management", targetIds: ["22"] }
      ]
    })
    expect(Health.judge(limited, now, []).accountIds).toEqual(["11", "22"])
    expect(Health.grants(limited, "whatsapp_business_management", "22")).toBe(true)
    expect(Health.grants(limited, "whatsapp_business_management", "33")).toBe(false)
    expect(Health.grants(token(), "whatsapp_business_management", "33")).toBe(true)
    expect(Health.grants(token(), "ads_management")).toBe(false)
  })

  it("an invalid token with 190 and 458, 460, 463 or 467 is one only its business can mend", () => {
    for (const subcode of [458, 460, 463, 467]) {
      expect(Health.judge(token({ isValid: false, error: { code: 190, subcode } }), now, []).reauthorize).toBe(true)
    }
    expect(Health.judge(token({ isValid: false, error: { code: 190, subcode: 464 } }), now, []).reauthorize).toBe(false)
    expect(Health.judge(token({ isValid: false, error: { code: 102 } }), now, []).reauthorize).toBe(false)
    // A valid token is not to be re-authorised, whatever error it carries.
    expect(Health.judge(token({ error: { code: 190, subcode: 463 } }), now, []).reauthorize).toBe(false)
  })

  it("reads debug_token's data: 0 as never, granular scopes with and without targets", () => {
    const info = Health.tokenInfo({
      is_valid: true,
      app_id: "1000000000000001",
      expires_at: new Date(0),
      data_access_expires_at: new Date(1_767_225_600_000),
      scopes: ["whatsapp_business_management", "business_management"],
      granular_scopes: [
        { scope: "whatsapp_business_management", target_ids: ["303", "301"] },
        { scope: "business_management" },
        { target_ids: ["9"] }
      ]
    })
    expect(info).toEqual({
      isValid: true,
      appId: "1000000000000001",
      dataAccessExpiresAt: new Date(1_767_225_600_000),
      scopes: ["whatsapp_business_management", "business_management"],
      granularScopes: [
        { scope: "whatsapp_business_management", targetIds: ["303", "301"] },
        { scope: "business_management" }
      ]
    })
    expect(Health.grants(info, "whatsapp_business_management", "301")).toBe(true)
    expect(Health.grants(info, "business_management", "999")).toBe(true)
    expect(Health.tokenInfo({ error: { code: 190, subcode: 460 } })).toEqual({
      isValid: false,
      scopes: [],
      granularScopes: [],
      error: { code: 190, subcode: 460 }
    })
  })
})
