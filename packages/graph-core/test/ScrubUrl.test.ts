import { Redaction } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"

const base = "https://graph.facebook.com/v24.0/1/owned_whatsapp_business_accounts"

describe("Redaction.scrubUrl", () => {
  it("returns an ordinary paging link as it is", () => {
    const link = `${base}?fields=id%2Cname&limit=100&after=QVFIUjRGc2x3`
    expect(Redaction.scrubUrl(link)).toBe(link)
  })

  it("masks a secret parameter however its name is spelled", () => {
    const spellings = [
      "access_token",
      "ACCESS_TOKEN",
      "acc%65ss_token", // a percent-encoded letter
      "access%5Ftoken", // a percent-encoded underscore
      "access_to\tken", // the URL parser drops tabs
      "access_to\nken", // and newlines
      "access_to\u212Aen", // the Kelvin sign lower-cases to "k"
      "appsecret_proof",
      "client_secret",
      "input_token"
    ]
    for (const name of spellings) {
      const scrubbed = Redaction.scrubUrl(`${base}?fields=id&${name}=EAAGsecretvalue&after=x`)
      expect(scrubbed, name).not.toContain("EAAGsecretvalue")
      expect(scrubbed, name).toContain("after=x")
    }
  })

  it("drops user info from a link", () => {
    const scrubbed = Redaction.scrubUrl("https://user:hunter2secret@graph.facebook.com/v24.0/1?after=x")
    expect(scrubbed).not.toContain("hunter2secret")
  })
})
