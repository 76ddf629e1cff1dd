import { describe, expect, it } from "@effect/vitest"
import * as Format from "../src/Format.js"
import * as TerminalText from "../src/TerminalText.js"
import { parseCsv } from "./utils/runCli.js"

const created = new Date("2024-05-01T10:20:30Z")

const rows: ReadonlyArray<Format.Row> = [
  {
    id: "1001",
    name: "Shrub, \"Green\" & Co\nSupport",
    creation_time: created,
    health_status: { can_send_message: "LIMITED", entities: [{ entity_type: "WABA", id: "1001" }] },
    owner_business_info: { id: "77", name: "Owner Ltd" }
  },
  { id: "1002", name: "Plain", is_enabled_for_insights: false }
]

const columns = ["id", "name", "creation_time", "health_status", "owner_business_info", "is_enabled_for_insights"]

describe("Format.csv", () => {
  it("quotes fields with commas, quotes and newlines, and doubles inner quotes", () => {
    expect(Format.csvField("plain")).toBe("plain")
    expect(Format.csvField("a,b")).toBe("\"a,b\"")
    expect(Format.csvField("say \"hi\"")).toBe("\"say \"\"hi\"\"\"")
    expect(Format.csvField("two\nlines")).toBe("\"two\nlines\"")
    expect(Format.csvField("cr\r")).toBe("\"cr\r\"")
    expect(Format.csvRecord(["a", "b,c"])).toBe("a,\"b,c\"\r\n")
  })

  it("renders a header and CRLF records that an RFC 4180 reader gets back, control characters made visible", () => {
    const csv = Format.renderer("csv", { columns })
    const text = csv.push(rows.slice(0, 1)) + csv.push(rows.slice(1)) + csv.end(true)
    expect(parseCsv(text)).toEqual([
      columns,
      [
        "1001",
        "Shrub, \"Green\" & Co\u240aSupport",
        "2024-05-01T10:20:30Z",
        JSON.stringify({ can_send_message: "LIMITED", entities: [{ entity_type: "WABA", id: "1001" }] }),
        JSON.stringify({ id: "77", name: "Owner Ltd" }),
        ""
      ],
      ["1002", "Plain", "", "", "", "false"]
    ])
  })

  it("escapes cells a spreadsheet would run as formulas (OWASP), but not plain numbers", () => {
    for (const formula of ["=HYPERLINK(\"http://evil\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "  =1+1"]) {
      expect(Format.csvCell(formula)).toBe(`'${formula}`)
    }
    expect(Format.csvCell("\t=1+1")).toBe("\u2409=1+1")
    for (const plain of ["-12", "+3.5", "42", "Shrub", "a=b", ""]) expect(Format.csvCell(plain)).toBe(plain)
    const csv = Format.renderer("csv", { columns: ["id", "name"] })
    const text = csv.push([{ id: "1", name: "=cmd|' /C calc'!A0" }, { id: "2", name: "\u001b]0;owned\u0007x" }]) +
      csv.end(true)
    expect(parseCsv(text).slice(1)).toEqual([["1", "'=cmd|' /C calc'!A0"], ["2", "\u241b]0;owned\u2407x"]])
    expect(text).not.toContain("\u001b")
  })

  it("writes the header even when there are no accounts", () => {
    expect(Format.renderer("csv", { columns: ["id", "name"] }).end(true)).toBe("id,name\r\n")
  })
})

describe("Format.jsonl and json", () => {
  it("jsonl writes one object per row, Graph names in column order, dates as ISO, absent fields left out", () => {
    const jsonl = Format.renderer("jsonl", { columns })
    const first = jsonl.push(rows.slice(0, 1))
    expect(first.endsWith("\n")).toBe(true)
    const lines = (first + jsonl.push(rows.slice(1)) + jsonl.end(true)).trimEnd().split("\n")
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        id: "1001",
        name: "Shrub, \"Green\" & Co\nSupport",
        creation_time: "2024-05-01T10:20:30Z",
        health_status: { can_send_message: "LIMITED", entities: [{ entity_type: "WABA", id: "1001" }] },
        owner_business_info: { id: "77", name: "Owner Ltd" }
      },
      { id: "1002", name: "Plain", is_enabled_for_insights: false }
    ])
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(columns.slice(0, 5))
  })

  it("jsonl keeps every value exact, and writes what a terminal would act on as \\u escapes", () => {
    const name = "evil\u001b[2J\u009b31m\u202eabc\u2028end\u007f"
    const text = Format.renderer("jsonl", { columns: ["id", "name"] }).push([{ id: "1", name }])
    expect(JSON.parse(text)).toEqual({ id: "1", name })
    expect(text).toMatch(/^[\x20-\x7e]*\n$/)
    expect(text).toContain("\\u009b")
    expect(Format.jsonText({ name })).toBe(
      JSON.stringify({ name }).replace(
        /[\u007f-\u009f\u2028\u202e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`
      )
    )
  })

  it("json streams one array, valid however the rows are chunked", () => {
    const json = Format.renderer("json", { columns: ["id"] })
    const text = json.push([]) + json.push(rows.slice(0, 1)) + json.push(rows.slice(1)) + json.end(true)
    expect(JSON.parse(text)).toEqual([{ id: "1001" }, { id: "1002" }])
    expect(Format.renderer("json", { columns: ["id"] }).end(true)).toBe("[]\n")
  })
})

describe("Format.table", () => {
  it("widths are display widths: wide characters count two columns, accents none; cuts never split one", () => {
    expect(TerminalText.truncate("abcdef", 6)).toBe("abcdef")
    expect(TerminalText.truncate("abcdefg", 6)).toBe("abcde…")
    expect(TerminalText.truncate("ééééé", 3)).toBe("éé…")
    expect(TerminalText.width("😀ab")).toBe(4)
    expect(TerminalText.width("日本語")).toBe(6)
    expect(TerminalText.width("e\u0301")).toBe(1)
    expect(TerminalText.truncate("日本語テキスト", 6)).toBe("日本…")
    expect(TerminalText.truncate("👍🏽👍🏽👍🏽", 5)).toBe("👍🏽👍🏽…")
    expect(TerminalText.pad("日本", 6)).toBe("日本  ")
  })

  it("aligns columns holding wide characters", () => {
    const table = Format.renderer("table", { columns: ["id", "name", "currency"] })
    const text = table.push([
      { id: "1", name: "Shrub", currency: "USD" },
      { id: "2", name: "日本の会社", currency: "JPY" },
      { id: "3", name: "Café 😀", currency: "EUR" }
    ]) + table.end(true)
    const lines = text.trimEnd().split("\n").filter((_, i) => i === 0 || (i >= 2 && i <= 4))
    const starts = lines.map((line) => TerminalText.width(line.slice(0, line.search(/(USD|JPY|EUR|currency)$/))))
    expect(new Set(starts).size).toBe(1)
  })

  it("fitWidths caps cells, then takes from the widest column until the total fits", () => {
    expect(Format.fitWidths([10, 60, 5], { maxCell: 40, minimum: [10, 8, 5], gap: 2 })).toEqual([10, 40, 5])
    expect(Format.fitWidths([10, 60, 30], { maxCell: 40, minimum: [10, 8, 8], gap: 2, maxTotal: 50 }))
      .toEqual([10, 18, 18])
    // Nothing shrinks below its minimum, even if the total cannot fit.
    expect(Format.fitWidths([15, 20], { maxCell: 40, minimum: [15, 8], gap: 2, maxTotal: 10 })).toEqual([15, 8])
  })

  it("cells: dates ISO, health by its status, businesses by name and id, control characters removed", () => {
    expect(Format.cell("creation_time", created)).toBe("2024-05-01T10:20:30Z")
    expect(Format.cell("health_status", rows[0]!.health_status)).toBe("LIMITED")
    expect(Format.cell("owner_business_info", rows[0]!.owner_business_info)).toBe("Owner Ltd (77)")
    expect(Format.cell("name", "evil\u001b[2Jname\ttab\u009b\u202e")).toBe("evil\u241b[2Jname\u2409tab\ufffd\ufffd")
    expect(Format.cell("name", undefined)).toBe("")
    expect(Format.cell("is_enabled_for_insights", true)).toBe("true")
  })

  it("aligns columns under a header, truncates long cells and counts the accounts", () => {
    const long = "x".repeat(100)
    const table = Format.renderer("table", { columns: ["id", "name"], maxCellWidth: 20 })
    const text = table.push([{ id: "1", name: long }, { id: "22", name: "short" }]) + table.end(true)
    expect(text).toBe(
      [
        "id  name",
        "--  --------------------",
        `1   ${"x".repeat(19)}…`,
        "22  short",
        "2 accounts",
        ""
      ].join("\n")
    )
  })

  it("fits a terminal's width but never cuts ids or creation times", () => {
    const table = Format.renderer("table", { columns: ["id", "name", "currency"], terminalWidth: 40 })
    const id = "123456789012345678"
    const text = table.push([{ id, name: "A rather long account name", currency: "USD" }]) + table.end(true)
    const lines = text.trimEnd().split("\n")
    for (const line of lines.slice(0, 3)) expect(TerminalText.width(line)).toBeLessThanOrEqual(40)
    expect(lines[2]).toContain(id)
    expect(lines[2]).toContain("…")
    const dated = Format.renderer("table", { columns: ["id", "creation_time", "name"], terminalWidth: 30 })
    const row = (dated.push([{ id: "1", creation_time: new Date("2024-05-01T10:20:30Z"), name: "Shrub" }]) +
      dated.end(true)).split("\n")[2]
    expect(row).toContain("2024-05-01T10:20:30Z")
  })

  it("holds rows back only until it has its sample, then streams them with the same widths", () => {
    const table = Format.renderer("table", { columns: ["id", "name"], sampleSize: 2 })
    expect(table.push([{ id: "1", name: "ab" }])).toBe("")
    const header = table.push([{ id: "2", name: "cd" }])
    expect(header.split("\n")).toHaveLength(5) // header, rule, two rows, and the trailing newline
    expect(table.push([{ id: "3", name: "a much longer name" }])).toBe("3   a m…\n")
    expect(table.end(false)).toBe("3 accounts (incomplete: the read stopped part-way)\n")
  })

  it("says so when there are no accounts", () => {
    expect(Format.renderer("table", { columns: ["id", "name"] }).end(true)).toBe("id  name\n--  ----\nNo accounts\n")
  })
})
