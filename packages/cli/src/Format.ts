/**
 * Output formats for accounts: `table` for people, `jsonl`, `json` and `csv` for programs.
 *
 * Every format keeps Graph's field names and writes dates (`creation_time`) as ISO-8601 UTC. Rows are
 * rendered as they arrive: `jsonl`, `json` and `csv` hold nothing back; `table` holds back its first
 * rows (100 by default) to size its columns, then prints every later row as it comes, cut to those widths.
 *
 * Server data is never trusted with a terminal or a spreadsheet: `table` and `csv` cells have their control
 * characters neutralised ({@link TerminalText.neutralise}), and a `csv` cell that a spreadsheet would run
 * as a formula is escaped ({@link csvFormulaGuard}). `json` and `jsonl` keep every value exact; the few
 * characters JSON allows raw that a terminal would act on are written as `\u` escapes, which every JSON
 * reader turns back into the same text.
 *
 * @since 0.1.0
 */
import * as DisplayWidth from "./DisplayWidth.js"
import * as Noun from "./Noun.js"
import type { OutputFormat } from "./OutputFormat.js"
import * as TerminalText from "./TerminalText.js"

/**
 * An account as decoded: Graph field names to values (`Date` for times, nested objects as Graph sent them).
 *
 * @since 0.1.0
 * @category models
 */
export type Row = Readonly<Record<string, unknown>>

/**
 * A `Date` as ISO-8601 UTC, without milliseconds when they are zero (creation times are whole seconds).
 *
 * @since 0.1.0
 * @category formatting
 */
export const isoDate = (date: Date): string =>
  Number.isNaN(date.getTime()) ? "Invalid Date" : date.toISOString().replace(/\.000Z$/, "Z")

const toJsonValue = (value: unknown): unknown => {
  if (value instanceof Date) return isoDate(value)
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      if (inner !== undefined) out[key] = toJsonValue(inner)
    }
    return out
  }
  return value
}

/**
 * The JSON object for a row: the given columns in order, absent fields left out, dates as ISO strings.
 *
 * @since 0.1.0
 * @category formatting
 */
export const toJson = (row: Row, columns: ReadonlyArray<string>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const column of columns) {
    const value = row[column]
    if (value !== undefined) out[column] = toJsonValue(value)
  }
  return out
}

// JSON.stringify escapes C0 controls but leaves DEL, the C1 controls, the bidirectional controls and the
// line separators raw; as `\u` escapes they decode to the same strings and cannot act on a terminal.
const jsonRaw = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

const jsonEscape = (character: string): string => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`

/**
 * A JSON value as one line of JSON text, safe to show on a terminal and exact for any JSON reader.
 *
 * @since 0.2.0
 * @category formatting
 */
export const jsonText = (value: unknown): string => JSON.stringify(value).replace(jsonRaw, jsonEscape)

/**
 * A value as one piece of text: strings as they are, dates as ISO, objects and lists as compact JSON,
 * an absent value as the empty string.
 *
 * @since 0.1.0
 * @category formatting
 */
export const text = (value: unknown): string => {
  if (value === undefined || value === null) return ""
  if (typeof value === "string") return value
  if (value instanceof Date) return isoDate(value)
  if (typeof value === "object") return JSON.stringify(toJsonValue(value))
  return String(value)
}

// What a spreadsheet reads as the start of a formula (OWASP's CSV injection guidance), after any spaces.
const formulaStart = /^[ ]*[=+\-@\t\r]/
const plainNumber = /^[+-]?\d+(\.\d+)?$/

/**
 * A CSV cell that a spreadsheet would evaluate as a formula (`=`, `+`, `-`, `@`, tab or carriage return
 * first) prefixed with `'`, which spreadsheets take as "this is text". Plain numbers such as `-12` are left
 * as they are: they cannot be formulas.
 *
 * @since 0.2.0
 * @category csv
 */
export const csvFormulaGuard = (field: string): string =>
  formulaStart.test(field) && !plainNumber.test(field) ? `'${field}` : field

/**
 * A value as a CSV cell: its text with control characters neutralised and formulas defused.
 *
 * @since 0.2.0
 * @category csv
 */
export const csvCell = (value: unknown): string => csvFormulaGuard(TerminalText.neutralise(text(value)))

/**
 * One CSV field per RFC 4180: quoted when it holds a comma, a double quote, CR or LF, with inner double
 * quotes doubled.
 *
 * @since 0.1.0
 * @category csv
 */
export const csvField = (field: string): string => /[",\r\n]/.test(field) ? `"${field.replace(/"/g, "\"\"")}"` : field

/**
 * One CSV record, CRLF-terminated as RFC 4180 asks.
 *
 * @since 0.1.0
 * @category csv
 */
export const csvRecord = (fields: ReadonlyArray<string>): string => `${fields.map(csvField).join(",")}\r\n`

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date)

/**
 * A value as a table cell: like {@link text}, but nested objects are summarised (`health_status` by
 * its `can_send_message`, a business by its name and id) and control characters are neutralised.
 *
 * @since 0.1.0
 * @category table
 */
export const cell = (value: unknown): string => {
  let out: string
  if (isRecord(value) && typeof value.can_send_message === "string") {
    out = value.can_send_message
  } else if (isRecord(value) && typeof value.name === "string") {
    out = typeof value.id === "string" ? `${value.name} (${value.id})` : value.name
  } else {
    out = text(value)
  }
  return TerminalText.neutralise(out)
}

/**
 * Column widths that fit: each at most `maxCell`, and together (with `gap` between columns) at most
 * `maxTotal` when it is given, taking from the widest column first but never below its minimum.
 *
 * @since 0.1.0
 * @category table
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
  const widths = natural.map((w, i) => Math.max(Math.min(w, options.maxCell), Math.min(options.minimum[i] ?? 1, w)))
  if (options.maxTotal === undefined) return widths
  const total = () => widths.reduce((a, b) => a + b, 0) + options.gap * Math.max(0, widths.length - 1)
  while (total() > options.maxTotal) {
    let widest = -1
    for (let i = 0; i < widths.length; i++) {
      if (widths[i]! > (options.minimum[i] ?? 1) && (widest === -1 || widths[i]! > widths[widest]!)) widest = i
    }
    if (widest === -1) break
    widths[widest]!--
  }
  return widths
}

/**
 * Turns rows into output text, chunk by chunk.
 *
 * @since 0.1.0
 * @category models
 */
export interface Renderer {
  /** Text for the next rows (may be empty while a table is still sizing its columns). */
  readonly push: (rows: ReadonlyArray<Row>) => string
  /** The remaining text. `complete: false` when the read stopped part-way (an error, an interruption). */
  readonly end: (complete: boolean) => string
}

/**
 * @since 0.1.0
 * @category models
 */
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
  let started = false
  const header = () => {
    if (started) return ""
    started = true
    return csvRecord(columns)
  }
  return {
    push: (rows) => header() + rows.map((row) => csvRecord(columns.map((column) => csvCell(row[column])))).join(""),
    end: () => header()
  }
}

const gap = 2

const uncut: ReadonlySet<string> = new Set(["id", "creation_time"])

const table = (options: RendererOptions): Renderer => {
  const columns = options.columns
  const maxCell = Math.max(4, options.maxCellWidth ?? 40)
  const sampleSize = Math.max(1, options.sampleSize ?? 100)
  let held: Array<ReadonlyArray<string>> = []
  let widths: ReadonlyArray<number> | undefined
  let total = 0

  const noun = options.noun ?? Noun.accounts
  const line = (cells: ReadonlyArray<string>) =>
    `${
      cells.map((value, i) => DisplayWidth.pad(DisplayWidth.truncate(value, widths![i]!), widths![i]!)).join(
        " ".repeat(gap)
      ).trimEnd()
    }\n`

  const start = () => {
    const natural = columns.map((column, i) =>
      Math.max(DisplayWidth.width(column), ...held.map((cells) => DisplayWidth.width(cells[i]!)))
    )
    // Ids and times are useless cut short; other columns may shrink to eight characters.
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
        columns.map((column) => DisplayWidth.truncate(cell(row[column]), uncut.has(column) ? 1000 : maxCell))
      )
      if (widths !== undefined) return cells.map(line).join("")
      held.push(...cells)
      return held.length >= sampleSize ? start() : ""
    },
    end: (complete) => {
      const body = widths === undefined ? start() : ""
      const summary = total === 0 ? `No ${noun.many}` : Noun.count(total, noun)
      return `${body}${summary}${complete ? "" : " (incomplete: the read stopped part-way)"}\n`
    }
  }
}

/**
 * A renderer for a format.
 *
 * @example
 * ```ts
 * import * as Format from "@effect-waba/cli/Format"
 *
 * const csv = Format.renderer("csv", { columns: ["id", "name"] })
 * csv.push([{ id: "1", name: "Shrub, Inc" }]) + csv.end(true)
 * // 'id,name\r\n1,"Shrub, Inc"\r\n'
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const renderer = (format: OutputFormat, options: RendererOptions): Renderer => {
  switch (format) {
    case "jsonl":
      return jsonl(options.columns)
    case "json":
      return json(options.columns)
    case "csv":
      return csv(options.columns)
    case "table":
      return table(options)
  }
}
