import { describe, expect, it } from "vitest"
import * as Batch from "../src/batch.js"

describe("pure batch format", () => {
  it("a call made with another business's token carries it in its relative URL, a call with the batch's does not", () => {
    expect(Batch.relativeUrl("1/owned", "limit=2", "EAAG+other", "EAAGbatch")).toBe(
      "1/owned?limit=2&access_token=EAAG%2Bother"
    )
    expect(Batch.relativeUrl("1/owned", "", "EAAGbatch", "EAAGbatch")).toBe("1/owned")
    expect(JSON.parse(Batch.batchField(["1/owned"]))).toEqual([{ method: "GET", relative_url: "1/owned" }])
  })

  it("an answer that is not one entry per call gives no entry at all", () => {
    expect(Batch.entries("[null, {\"code\": 200}]", 2)).toHaveLength(2)
    expect(Batch.entries("[null]", 2)).toEqual([])
    expect(Batch.entries("<html>", 2)).toEqual([])
  })

  it("reads an entry as its call's answer, without the headers that framed the batch's body", () => {
    const headers = [{ name: "Content-Length", value: "99" }, { name: "x-app-usage", value: "{}" }, { name: 1 }]
    expect(Batch.part({ code: 200, headers, body: "{\"id\":\"1\"}" })).toEqual({
      status: 200,
      headers: [["x-app-usage", "{}"]],
      body: "{\"id\":\"1\"}"
    })
    expect(Batch.part({ code: 204, body: "ignored" })).toEqual({ status: 204, headers: [], body: null })
  })

  it("anything Graph would not send is no answer", () => {
    expect(Batch.part({ code: 101, body: "" })).toBeUndefined()
    expect(Batch.part({ code: 600, body: "" })).toBeUndefined()
    expect(Batch.part({ code: "200" })).toBeUndefined()
    expect(Batch.part({ code: 200, headers: [null] })).toBeUndefined()
    expect(Batch.part("200")).toBeUndefined()
  })

  it("the form carries the batch's token and proof, asks for each call's headers, and lists the calls", () => {
    const form = Batch.form("EAAGbatch", [["appsecret_proof", "ab12"]], ["1/owned", "2/owned"])
    expect(form.map(([name]) => name)).toEqual(["access_token", "appsecret_proof", "include_headers", "batch"])
    expect(Object.fromEntries(form)).toMatchObject({ access_token: "EAAGbatch", appsecret_proof: "ab12" })
    expect(JSON.parse(form[3]![1]).map((call: { relative_url: string }) => call.relative_url)).toEqual([
      "1/owned",
      "2/owned"
    ])
    expect(Batch.bearer("Bearer EAAG123")).toBe("EAAG123")
    expect(Batch.bearer("Basic abc")).toBeUndefined()
    expect(Batch.bearer(undefined)).toBeUndefined()
  })

  it("splits an answer per call: a part, null to go alone, undefined for nothing Graph would send", () => {
    const scrub = (text: string) => text.replaceAll("EAAGsecret", "<redacted>")
    const text = JSON.stringify([{ code: 200, headers: [], body: "{}" }, null, { code: 99 }])
    expect(Batch.answers({ status: 200, headers: {}, text }, 3, scrub)).toEqual([
      { status: 200, headers: [], body: "{}" },
      null,
      undefined
    ])
    // Not one entry per call: no call has an answer.
    expect(Batch.answers({ status: 200, headers: {}, text }, 2, scrub)).toEqual([undefined, undefined])
    // Refused as a whole: each call's answer, without any call's secret.
    const refused = Batch.answers(
      { status: 401, headers: { "www-authenticate": "EAAGsecret" }, text: "{\"error\":\"EAAGsecret\"}" },
      2,
      scrub
    )
    expect(refused).toHaveLength(2)
    expect(refused[0]).toEqual({
      status: 401,
      headers: [["www-authenticate", "<redacted>"]],
      body: "{\"error\":\"<redacted>\"}"
    })
    expect(JSON.stringify(refused)).not.toContain("EAAGsecret")
  })
})
