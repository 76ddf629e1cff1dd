/**
 * The report's model and its Markdown rendering.
 */
import { pairedRatios, summarize, type Summary } from "./Stats.js"

export interface Table {
  readonly caption?: string | undefined
  readonly headers: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
}

export interface Target {
  readonly description: string
  readonly met: boolean
  readonly detail: string
}

export interface Section {
  readonly id: string
  readonly title: string
  /** What is measured and how, one paragraph. */
  readonly setup: string
  readonly tables: ReadonlyArray<Table>
  readonly targets: ReadonlyArray<Target>
  readonly notes: ReadonlyArray<string>
  /** Raw samples, for `bench/.results/raw.json`. */
  readonly raw: unknown
}

export const ms = (value: number): string =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)

export const us = (value: number): string => value >= 100 ? value.toFixed(0) : value.toFixed(1)

export const ratio = (value: number): string => `${value.toFixed(2)}×`

export const count = (value: number): string => Math.round(value).toLocaleString("en-US")

/** `min–max` of a summary, through a formatter. */
export const range = (summary: Summary, format: (n: number) => string): string =>
  `${format(summary.min)}–${format(summary.max)}`

/** `q1–q3` of a summary, through a formatter. */
export const iqr = (summary: Summary, format: (n: number) => string): string =>
  `${format(summary.q1)}–${format(summary.q3)}`

const renderTable = (table: Table): string => {
  const lines: Array<string> = []
  if (table.caption !== undefined) lines.push(table.caption, "")
  lines.push(`| ${table.headers.join(" | ")} |`)
  lines.push(`| ${table.headers.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`)
  for (const row of table.rows) lines.push(`| ${row.join(" | ")} |`)
  return lines.join("\n")
}

export const renderSection = (section: Section, index: number): string => {
  const parts: Array<string> = [`## ${index}. ${section.title}`, "", section.setup, ""]
  for (const table of section.tables) parts.push(renderTable(table), "")
  if (section.targets.length > 0) {
    parts.push("Targets:", "")
    for (const target of section.targets) {
      parts.push(`- ${target.met ? "**met**" : "**missed**"}: ${target.description} — ${target.detail}`)
    }
    parts.push("")
  }
  for (const note of section.notes) parts.push(note, "")
  return parts.join("\n")
}

/**
 * One row per variant, each compared with the first (the baseline): name, median, spread, a column of
 * the scenario's own (`own`, given the median in ms), the speed-up of the medians and per round.
 */
export const speedupRows = (
  samples: ReadonlyArray<{ readonly name: string; readonly ms: ReadonlyArray<number> }>,
  own: (medianMs: number) => string
): ReadonlyArray<ReadonlyArray<string>> => {
  const baseline = samples[0]!.ms
  const baselineMedian = summarize(baseline).median
  return samples.map((s) => {
    const summary = summarize(s.ms)
    return [
      s.name,
      ms(summary.median),
      range(summary, ms),
      iqr(summary, ms),
      own(summary.median),
      ratio(baselineMedian / summary.median),
      range(summarize(pairedRatios(baseline, s.ms)), ratio)
    ]
  })
}
