import { describe, expect, it } from "vitest"
import * as Workable from "../src/config.js"

const given = (more: Partial<Workable.Given> = {}): Workable.Given => ({
  secrets: [["accessToken", "access token", "EAAGtoken"]],
  apiVersion: "v27.0",
  exampleVersion: "v27.0",
  baseUrl: "https://graph.facebook.com",
  timeoutIsValid: true,
  appSecretProof: "plain",
  userAgent: "effect-waba/0.1.0",
  maxResponseBytes: 1024,
  ...more
})

describe("pure settings check", () => {
  it("accepts workable settings, and plain HTTP on loopback only", () => {
    expect(Workable.problem(given())).toBeUndefined()
    expect(Workable.problem(given({ baseUrl: "http://127.0.0.1:8080" }))).toBeUndefined()
    expect(Workable.problem(given({ baseUrl: "http://graph.example.com" }))?.[0]).toBe("baseUrl")
  })

  it("names the setting at fault without repeating a secret", () => {
    const pasted = Workable.problem(given({ secrets: [["appSecret", "app secret", "s3cret\n"]] }))
    expect(pasted?.[0]).toBe("appSecret")
    expect(pasted?.[1]).not.toContain("s3cret")
    const withCredentials = Workable.problem(given({ baseUrl: "https://user:pass@graph.facebook.com/?access_token=x" }))
    expect(withCredentials).toEqual([
      "baseUrl",
      "The base URL \"https://graph.facebook.com/\" must not contain credentials."
    ])
  })

  it("refuses a version, a User-Agent or a size Meta would not take", () => {
    expect(Workable.problem(given({ apiVersion: "27" }))?.[1]).toBe(
      "The API version \"27\" is not vNN.N (for example v27.0)."
    )
    expect(Workable.problem(given({ userAgent: "my app" }))?.[0]).toBe("userAgent")
    expect(Workable.problem(given({ maxResponseBytes: 0 }))?.[0]).toBe("maxResponseBytes")
    expect(Workable.problem(given({ timeoutIsValid: false }))?.[0]).toBe("timeout")
  })

  it("uses a base URL without its trailing slashes", () => {
    expect(Workable.baseUrlOf("http://localhost:3000/graph//")).toBe("http://localhost:3000/graph")
  })
})
