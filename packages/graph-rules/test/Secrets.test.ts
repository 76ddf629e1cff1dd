import { describe, expect, it } from "vitest"
import * as Proof from "../src/appSecretProof.js"
import * as Redaction from "../src/redaction.js"
import { secretProblem } from "../src/secret.js"

describe("pure secrets", () => {
  it("computes HMAC-SHA256 as RFC 4231 gives it", async () => {
    expect(await Proof.hmacSha256Hex("Jefe", "what do ya want for nothing?")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
    expect(Proof.signed("token", 1_700_000_000)).toBe("token|1700000000")
    expect(Proof.signed("token")).toBe("token")
  })

  it("masks a secret echoed plain, URL-encoded or JSON-escaped, and leaves short words alone", () => {
    const scrub = Redaction.scrubberOf(["EAAG/tok+en\"x", "abc"])
    const text = `a EAAG/tok+en"x b ${encodeURIComponent("EAAG/tok+en\"x")} c ${JSON.stringify("EAAG/tok+en\"x")} abc`
    expect(scrub(text)).toBe("a <redacted> b <redacted> c \"<redacted>\" abc")
  })

  it("masks credential parameters and user info in URLs, and keeps only origin and path where asked", () => {
    expect(Redaction.scrubUrl("https://u:p@graph.facebook.com/v23.0/me?access_token=EAAG&after=x")).toBe(
      "https://graph.facebook.com/v23.0/me?access_token=%3Credacted%3E&after=x"
    )
    expect(Redaction.safeUrl("https://graph.facebook.com/v23.0/me?access_token=EAAG#f")).toBe(
      "https://graph.facebook.com/v23.0/me"
    )
  })

  it("names what is wrong with a pasted secret without repeating it", () => {
    expect(secretProblem("access token", "  ")).toBe("The access token is empty.")
    const problem = secretProblem("access token", "EAAG secret\n")
    expect(problem).toContain("whitespace")
    expect(problem).not.toContain("EAAG")
    expect(secretProblem("access token", "EAAGvalid")).toBeUndefined()
  })
})
