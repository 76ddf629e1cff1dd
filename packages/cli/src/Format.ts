/**
 * Output formats: `table` for people, `jsonl`, `json` and `csv` for programs.
 *
 * Every format keeps Graph's field names and writes dates as ISO-8601 UTC. Rows are rendered as they
 * arrive: `jsonl`, `json` and `csv` hold nothing back; `table` holds back its first rows (100 by default)
 * to size its columns, then prints every later row as it comes, cut to those widths.
 *
 * Server data is never trusted with a terminal or a spreadsheet: `table` and `csv` cells have their control
 * characters neutralised, and a `csv` cell that a spreadsheet would run as a formula is escaped. `json` and
 * `jsonl` keep every value exact; the few characters JSON allows raw that a terminal would act on are
 * written as `\u` escapes, which every JSON reader turns back into the same text.
 */
import type { OutputFormat } from "./CommandLine.js"
import * as Noun from "./Noun.js"
import * as TerminalText from "./TerminalText.js"

/** An item as decoded: Graph field names to values (`Date` for times, nested objects as Graph sent them). */
export type Row = Readonly<Record<string, unknown>>

/** A record as a row: its keys in Graph's snake case (`runId` becomes `run_id`). */
export const snakeCase = (record: object): Row =>
  Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value])
  )

// ISO-8601 UTC, without milliseconds when they are zero (Graph's times are whole seconds).
const isoDate = (date: Date): string =>
  Number.isNaN(date.getTime()) ? "Invalid Date" : date.toISOString().replace(/\.000Z$/, "Z")

// `JSON.stringify` has already turned a date into its `toJSON` text; its holder still has the date.
const dates = function(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key]
  return original instanceof Date ? isoDate(original) : value
}

// JSON.stringify escapes C0 controls but leaves DEL, the C1 controls, the bidirectional controls and the
// line separators raw; as `\u` escapes they decode to the same strings and cannot act on a terminal.
const jsonRaw = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/** A value as one line of JSON text, dates as ISO strings, safe to show on a terminal and exact for any reader. */
export const jsonText = (value: unknown): string =>
  JSON.stringify(value, dates).replace(jsonRaw, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

// The given columns in order; an absent field is left out by JSON.stringify.
const toJson = (row: Row, columns: ReadonlyArray<string>) =>
  Object.fromEntries(columns.map((column) => [column, row[column]]))

/** A value as one piece of text: dates as ISO, objects and lists as compact JSON, nothing as "". */
export const text = (value: unknown): string =>
  value === undefined || value === null
    ? ""
    : typeof value === "string"
    ? value
    : value instanceof Date
    ? isoDate(value)
    : typeof value === "object"
    ? JSON.stringify(value, dates)
    : String(value)

// What a spreadsheet reads as the start of a formula (OWASP's CSV injection guidance), after any spaces.
const formulaStart = /^[ ]*[=+\-@\t\r]/
const plainNumber = /^[+-]?\d+(\.\d+)?$/

/**
 * A value as a CSV cell: its text with control characters neutralised, and a formula (`=`, `+`, `-`, `@`,
 * tab or carriage return first) prefixed with `'`, which spreadsheets take as "this is text". Plain numbers
 * such as `-12` cannot be formulas and are left as they are.
 */
export const csvCell = (value: unknown): string => {
  const field = TerminalText.neutralise(text(value))
  return formulaStart.test(field) && !plainNumber.test(field) ? `'${field}` : field
}

/** One CSV field per RFC 4180: quoted when it holds a comma, a double quote, CR or LF, inner quotes doubled. */
export const csvField = (field: string): string => /[",\r\n]/.test(field) ? `"${field.replace(/"/g, "\"\"")}"` : field

/** One CSV record, CRLF-terminated as RFC 4180 asks. */
export const csvRecord = (fields: ReadonlyArray<string>): string => `${fields.map(csvField).join(",")}\r\n`

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)

/**
 * A value as a table cell, summarised for a person: a list of phone numbers by its count, where an account
 * was found (`sources`, `first_seen_on`) as `business edge` pairs, `health_status` by its `can_send_message`, a business by its name and
 * id, anything else as {@link text}; control characters neutralised.
 */
export const cell = (column: string, value: unknown): string =>
  TerminalText.neutralise(
    Array.isArray(value) && column === "phone_numbers"
      ? String(value.length)
      : Array.isArray(value) && column === "sources"
      ? value.map((source: { business_id: string; edge: string }) => `${source.business_id} ${source.edge}`).join(", ")
      : isRecord(value) && column === "first_seen_on"
      ? `${value.business_id} ${value.edge}`
      : isRecord(value) && typeof value.can_send_message === "string"
      ? value.can_send_message
      : isRecord(value) && typeof value.name === "string"
      ? typeof value.id === "string" ? `${value.name} (${value.id})` : value.name
      : text(value)
  )

/**
 * Column widths that fit: each at most `maxCell`, and together (with `gap` between columns) at most
 * `maxTotal` when it is given, taking from the widest column first but never below its minimum.
 */
export const fitWidths = (
  natural: ReadonlyArray<number>,
  options: {
    readonly maxCell: number
    readonly minimum: ReadonlyArray<number>
    readonly maxTotal?: number | undefined
    readonly gap: number
  }
): ReadonlyArray<number> => {
  const minimum = (i: number) => options.minimum[i] ?? 1
  const widths = natural.map((w, i) => Math.max(Math.min(w, options.maxCell), Math.min(minimum(i), w)))
  let total = widths.reduce((a, b) => a + b, 0) + options.gap * Math.max(0, widths.length - 1)
  while (options.maxTotal !== undefined && total > options.maxTotal) {
    const widest = widths.reduce(
      (widest, w, i) => w > minimum(i) && (widest === -1 || w > widths[widest]!) ? i : widest,
      -1
    )
    if (widest === -1) break
    widths[widest]!--
    total--
  }
  return widths
}

/** Turns rows into output text, chunk by chunk. */
export interface Renderer {
  /** Text for the next rows (may be empty while a table is still sizing its columns). */
  readonly push: (rows: ReadonlyArray<Row>) => string
  /** The remaining text. `complete: false` when the read stopped part-way (an error, an interruption). */
  readonly end: (complete: boolean) => string
}

export interface RendererOptions {
  /** The fields to show, in order. */
  readonly columns: ReadonlyArray<string>
  /** The terminal's width, when writing to one; tables are fitted to it. */
  readonly terminalWidth?: number | undefined
  /** The widest a table cell may be. Default 40. */
  readonly maxCellWidth?: number | undefined
  /** How many rows a table holds back to size its columns. Default 100. */
  readonly sampleSize?: number | undefined
  /** What a row is, for a table's closing count. Default accounts. */
  readonly noun?: Noun.Noun | undefined
}

const jsonl = (columns: ReadonlyArray<string>): Renderer => ({
  push: (rows) => rows.map((row) => `${jsonText(toJson(row, columns))}\n`).join(""),
  end: () => ""
})

const json = (columns: ReadonlyArray<string>): Renderer => {
  let written = 0
  return {
    push: (rows) => rows.map((row) => `${written++ === 0 ? "[\n" : ",\n"}  ${jsonText(toJson(row, columns))}`).join(""),
    end: () => written === 0 ? "[]\n" : "\n]\n"
  }
}

const csv = (columns: ReadonlyArray<string>): Renderer => {
  let header = csvRecord(columns)
  const once = () => {
    const out = header
    header = ""
    return out
  }
  return {
    push: (rows) => once() + rows.map((row) => csvRecord(columns.map((column) => csvCell(row[column])))).join(""),
    end: once
  }
}

const gap = 2

// Ids and times are useless cut short.
const uncut: ReadonlySet<string> = new Set(["id", "creation_time"])

const table = (options: RendererOptions): Renderer => {
  const { columns, noun = Noun.accounts } = options
  const maxCell = Math.max(4, options.maxCellWidth ?? 40)
  const sampleSize = Math.max(1, options.sampleSize ?? 100)
  let held: Array<ReadonlyArray<string>> = []
  let widths: ReadonlyArray<number> | undefined
  let total = 0

  const line = (cells: ReadonlyArray<string>) =>
    `${
      cells.map((value, i) => TerminalText.pad(TerminalText.truncate(value, widths![i]!), widths![i]!))
        .join(" ".repeat(gap)).trimEnd()
    }\n`

  const start = () => {
    const natural = columns.map((column, i) =>
      Math.max(TerminalText.width(column), ...held.map((cells) => TerminalText.width(cells[i]!)))
    )
    const minimum = columns.map((column, i) => uncut.has(column) ? natural[i]! : Math.min(natural[i]!, 8))
    widths = fitWidths(natural, { maxCell, minimum, maxTotal: options.terminalWidth, gap })
    const out = line(columns) + line(widths.map((w) => "-".repeat(w))) + held.map(line).join("")
    held = []
    return out
  }

  return {
    push: (rows) => {
      total += rows.length
      // Cut now to what any width could show, so that a huge value costs no more than a short one.
      const cells = rows.map((row) =>
        columns.map((column) => TerminalText.truncate(cell(column, row[column]), uncut.has(column) ? 1000 : maxCell))
      )
      if (widths !== undefined) return cells.map(line).join("")
      held.push(...cells)
      return held.length >= sampleSize ? start() : ""
    },
    end: (complete) =>
      `${widths === undefined ? start() : ""}${total === 0 ? `No ${noun.many}` : Noun.count(total, noun)}${
        complete ? "" : " (incomplete: the read stopped part-way)"
      }\n`
  }
}

/** A renderer for a format. */
export const renderer = (format: OutputFormat, options: RendererOptions): Renderer =>
  format === "table" ? table(options) : { jsonl, json, csv }[format](options.columns)
