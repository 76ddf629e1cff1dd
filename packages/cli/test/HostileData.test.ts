/**
 * The built `waba` against a scripted server on loopback whose data and errors carry terminal escapes,
 * control characters, bidirectional overrides and spreadsheet formulas: tables, CSV and error reports
 * neutralise them; JSON keeps the exact values.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Http from "node:http"
import type * as Net from "node:net"
import { jsonLines, parseCsv, requireBuild, runCli } from "./utils/runCli.js"

const token = "EAA-hostile-test-token-7f20"

const names = [
  "Clear\u001b[2J\u001b[HScreen",
  "=HYPERLINK(\"http://evil.example\",\"click\")",
  "Title\u001b]0;owned\u0007",
  "8bit\u009b31mred",
  "abc\u202egnp.exe",
  "line\r\noverwrite",
  "-1+cmd|' /C calc'!A0"
]

let server: Http.Server
let url: string
let answer: { status: number; body: unknown }

beforeAll(async () => {
  requireBuild()
  server = Http.createServer((_request, response) => {
    response.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  url = `http://127.0.0.1:${(server.address() as Net.AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

const page = () => ({
  status: 200,
  body: {
    data: names.map((name, i) => ({ id: String(1000 + i), name })),
    paging: { cursors: { before: "b", after: "a" } }
  }
})

const accounts = (format: string) =>
  runCli(["accounts", "123456", "--fields", "name", "--format", format], {
    GRAPH_BASE_URL: url,
    GRAPH_ACCESS_TOKEN: token
  })

// C0 controls (but the newlines of the output itself), DEL, C1 and bidirectional controls.
// eslint-disable-next-line no-control-regex
const unsafe = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

describe("hostile server data", () => {
  it("table: every control character and escape shows as a visible stand-in", async () => {
    answer = page()
    const result = await accounts("table")
    expect(result.code).toBe(0)
    expect(result.stdout).not.toMatch(unsafe)
    expect(result.stdout).toContain("Clear\u241b[2J\u241b[HScreen")
    expect(result.stdout).toContain("line\u240d\u240aoverwrite")
    expect(result.stdout.trimEnd().split("\n")).toHaveLength(2 + names.length + 1)
  })

  it("csv: neutralised, and no cell a spreadsheet would run as a formula", async () => {
    answer = page()
    const result = await accounts("csv")
    expect(result.code).toBe(0)
    expect(result.stdout.replace(/\r\n/g, "")).not.toMatch(unsafe)
    const cells = parseCsv(result.stdout).slice(1).map((record) => record[1]!)
    expect(cells[1]).toBe("'=HYPERLINK(\"http://evil.example\",\"click\")")
    expect(cells[6]).toBe("'-1+cmd|' /C calc'!A0")
    for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
  })

  it("jsonl: the exact values, with nothing a terminal would act on written raw", async () => {
    answer = page()
    const result = await accounts("jsonl")
    expect(result.code).toBe(0)
    expect(jsonLines(result.stdout).map((a) => a.name)).toEqual(names)
    expect(result.stdout.replace(/\n/g, "")).not.toMatch(unsafe)
  })

  it("an error whose message and trace id carry escapes is reported neutralised", async () => {
    answer = {
      status: 400,
      body: {
        error: {
          message: "Error validating access token\u001b[2J\u001b]0;pwned\u0007",
          type: "OAuthException",
          code: 190,
          error_subcode: 463,
          fbtrace_id: "T\u009b1m"
        }
      }
    }
    const result = await accounts("jsonl")
    expect(result.code).toBe(3)
    expect(result.stderr).toContain("Graph said: Error validating access token\u241b[2J\u241b]0;pwned\u2407")
    expect(result.stderr.replace(/\n/g, "")).not.toMatch(unsafe)
  })
})
