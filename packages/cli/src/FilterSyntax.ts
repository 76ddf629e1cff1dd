/**
 * The `--filter` text syntax: short clauses a person can type, read into clauses of the waba filter DSL.
 *
 * ```text
 * creation_time>2024-01-01             created after that day (UTC)
 * creation_time>=2024-01-01T09:30:00Z  created at or after that instant
 * creation_time=2024-01-01..2024-06-30 created in that range, both days included
 * ownership_type=SELF,CLIENT_OWNED     owned in one of these ways
 * quality_rating=GREEN,YELLOW          (phone numbers) one of these ratings
 * ```
 *
 * What a field takes follows from its kind in the edge's declaration: a time, a list of upper-case values
 * (`=` any of them, `!=` none), or true or false. A date without a time stands for the whole UTC day: `>D`
 * means after the day ends, `>=D` from its start, `<D` before it starts, `<=D` up to its end, `=D` during
 * it, `!=D` not during it, and a range `A..B` runs from the start of `A` to the end of `B`. A date with a
 * time, or `@unixseconds`, is an instant and compares exactly. The clauses read are then checked by the DSL.
 */
import type * as GraphEdge from "@effect-waba/graph-core/GraphEdge"
import type * as GraphFilter from "@effect-waba/graph-core/GraphFilter"
import type { InvalidRequestError } from "@effect-waba/graph-core/InvalidRequestError"
import * as Filter from "@effect-waba/waba/Filter"
import * as OwnedAccounts from "@effect-waba/waba/OwnedAccounts"
import * as PhoneNumbers from "@effect-waba/waba/PhoneNumbers"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

/** One `--filter` value that could not be read, with the syntax accepted where it was typed. */
export class FilterSyntaxError extends Schema.TaggedError<FilterSyntaxError>("@effect-waba/cli/FilterSyntaxError")(
  "FilterSyntaxError",
  { input: Schema.String, message: Schema.String, syntax: Schema.String }
) {}

/** What a command filters: the edge that declares its filterable fields, and the syntax in words. */
export interface Subject<E extends GraphEdge.Any> {
  readonly edge: E
  readonly syntax: string
}

/** The accounts of `waba accounts` (both account edges declare the same fields). */
export const accounts: Subject<typeof OwnedAccounts.edge> = {
  edge: OwnedAccounts.edge,
  syntax: [
    "Accepted --filter syntax (repeat --filter to combine; every clause must hold):",
    "  creation_time>DATE  creation_time>=DATE  creation_time<DATE  creation_time<=DATE",
    "  creation_time=DATE  creation_time!=DATE  creation_time=DATE..DATE  creation_time!=DATE..DATE",
    "  ownership_type=SELF,CLIENT_OWNED  ownership_type!=ON_BEHALF_OF",
    "DATE is 2024-01-01 (the whole day, UTC), 2024-01-01T09:30:00Z or 2024-01-01T09:30+02:00 (an instant; UTC",
    "unless an offset is given), or @1704067200 (unix seconds)."
  ].join("\n")
}

/** The phone numbers of `waba phone-numbers`. */
export const phoneNumbers: Subject<typeof PhoneNumbers.edge> = {
  edge: PhoneNumbers.edge,
  syntax: [
    "Accepted --filter syntax for phone numbers (repeat --filter to combine; every clause must hold):",
    "  FIELD=VALUE or FIELD!=VALUE, VALUE one value or several separated by commas:",
    "  quality_rating=GREEN,YELLOW  status!=BANNED  account_mode=LIVE  messaging_limit_tier=TIER_1K",
    "  code_verification_status=VERIFIED  is_official_business_account=true"
  ].join("\n")
}

/** A point or a day: `start` and `end` are equal for an instant, a day's first and last second (UTC) for a day. */
export interface TimeSpan {
  readonly kind: "day" | "instant"
  readonly start: Date
  readonly end: Date
}

// A date, and optionally a time of day with seconds, their fraction and an offset.
const datePattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)?)?$/

const two = (n: number) => String(n).padStart(2, "0")

/**
 * Reads a date: `YYYY-MM-DD` (a whole UTC day), an ISO-8601 date and time (UTC unless it carries an offset),
 * or `@unixseconds`. The error is a sentence fragment saying what is wrong.
 */
export const parseTime = (text: string): Either.Either<TimeSpan, string> => {
  const unix = /^@(\d{1,12})$/.exec(text)
  if (unix !== null) return Either.right(instant(new Date(Number(unix[1]) * 1000)))
  const match = datePattern.exec(text)
  if (match === null) {
    return Either.left(
      text.startsWith("@")
        ? `"${text}" is not a unix time: write @ followed by whole seconds`
        : `"${text}" is not a date; write 2024-01-01, 2024-01-01T09:30:00Z, 2024-01-01T09:30:00+02:00 or @1704067200`
    )
  }
  const [, y, mo, d, h, mi, s = "0", fraction = "0", sign, oh = "0", om = "0"] = match
  const [year, month, day, hour, minute, second] = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)]
  if (month < 1 || month > 12) return Either.left(`"${text}" is not a date: month ${two(month)} does not exist`)
  if (day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) {
    return Either.left(`"${text}" is not a date: day ${two(day)} does not exist in ${year}-${two(month)}`)
  }
  if (h === undefined) {
    const start = Date.UTC(year, month - 1, day)
    return Either.right({ kind: "day", start: new Date(start), end: new Date(start + 86_399_000) })
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return Either.left(`"${text}" is not a time of day: hours go to 23, minutes and seconds to 59`)
  }
  if (Number(oh) > 23 || Number(om) > 59) return Either.left(`"${text}" has an impossible UTC offset ${sign}${oh}`)
  const offset = (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000
  const millis = Math.floor(Number(`0.${fraction}`) * 1000)
  return Either.right(instant(new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset)))
}

const instant = (date: Date): TimeSpan => ({ kind: "instant", start: date, end: date })

type Operator = ">=" | "<=" | "!=" | ">" | "<" | "="

// A clause as the DSL takes it, checked by the DSL afterwards.
interface Clause {
  readonly field: string
  readonly operator: string
  readonly value: unknown
}

const comparisons = {
  ">": ["GREATER_THAN", "end"],
  ">=": ["GREATER_THAN_OR_EQUAL", "start"],
  "<": ["LESS_THAN", "start"],
  "<=": ["LESS_THAN_OR_EQUAL", "end"]
} as const

const timeClause = (field: string, operator: Operator, value: string): Either.Either<Clause, string> => {
  const within = (start: Date, end: Date) => ({
    field,
    operator: operator === "=" ? "IN_RANGE" : "NOT_IN_RANGE",
    value: [start, end]
  })
  const range = value.split("..").map((part) => part.trim())
  if (range.length > 2) return Either.left(`a range has one "..", between its first and last date`)
  if (range.length === 1) {
    return Either.map(parseTime(value), (time) =>
      operator !== "=" && operator !== "!="
        ? { field, operator: comparisons[operator][0], value: time[comparisons[operator][1]] }
        : time.kind === "day"
        ? within(time.start, time.end)
        : { field, operator: operator === "=" ? "EQUAL" : "NOT_EQUAL", value: time.start })
  }
  const [fromText, toText] = range as [string, string]
  if (operator !== "=" && operator !== "!=") return Either.left(`a range (DATE..DATE) takes = or !=, not ${operator}`)
  if (fromText === "" || toText === "") return Either.left(`a range needs a date on both sides of ".."`)
  return Either.flatMap(
    Either.all([parseTime(fromText), parseTime(toText)]),
    ([from, to]) =>
      from.start.getTime() > to.end.getTime()
        ? Either.left(`the range starts (${fromText}) after it ends (${toText})`)
        : Either.right(within(from.start, to.end))
  )
}

// `field=A,B` is IN (one value is a list of one), `!=` NOT_IN; values upper-cased. The read decides what
// Graph is sent and what the client checks itself.
const listClause = (declaration: GraphFilter.FieldDeclaration, field: string, operator: Operator, value: string) => {
  if (operator !== "=" && operator !== "!=") {
    return Either.left(`${field} takes = or != (a list means any of them), not ${operator}`)
  }
  if (declaration.kind === "boolean") {
    const flag = value.toLowerCase()
    return flag === "true" || flag === "false"
      ? Either.right({ field, operator: operator === "=" ? "EQUAL" : "NOT_EQUAL", value: flag === "true" })
      : Either.left(`${field} is true or false, not "${value}"`)
  }
  const values = value.split(",").map((item) => item.trim().toUpperCase())
  if (values.some((item) => item === "")) return Either.left(`the list "${value}" has an empty item`)
  const wrong = values.find((item) => !/^[A-Z0-9][A-Z0-9_]*$/.test(item))
  if (wrong === undefined) return Either.right({ field, operator: operator === "=" ? "IN" : "NOT_IN", value: values })
  // An open enum knows the values Graph documents; a refined one keeps the enum as its `from`.
  type Known = { readonly known?: ReadonlyArray<string>; readonly from?: { readonly known?: ReadonlyArray<string> } }
  const known = (declaration.values as Known | undefined)?.known ??
    (declaration.values as Known | undefined)?.from?.known
  const what = field.replace(/_/g, " ")
  return Either.left(
    `"${wrong}" is not ${/^[aeiou]/.test(what) ? "an" : "a"} ${what}${
      known === undefined ? "" : `; known ones are ${known.join(", ")}`
    }`
  )
}

// A field, the first operator (the longer where two start at the same place: `>=`, not `>`), a value.
const clausePattern = /^(.*?)(>=|<=|!=|>|<|=)(.*)$/s

const readClause = (edge: GraphEdge.Any, text: string): Either.Either<Clause, string> => {
  const [, typed = "", operator, valueText = ""] = clausePattern.exec(text) ?? []
  const [field, value] = [typed.trim(), valueText.trim()]
  const declaration = edge.filters[field.toLowerCase()]
  if (text === "") return Either.left("it is empty")
  if (operator === undefined) {
    return Either.left("it has no comparison; write a field, an operator (> >= < <= = !=) and a value")
  }
  if (field === "") return Either.left(`it names no field before "${operator}"`)
  if (value === "") return Either.left(`it has no value after "${field}${operator}"`)
  if (declaration === undefined) {
    const known = Object.keys(edge.filters)
    return Either.left(
      `"${field}" cannot be filtered on; the filterable fields are ${known.slice(0, -1).join(", ")} and ${known.at(-1)}`
    )
  }
  return declaration.kind === "time"
    ? timeClause(field.toLowerCase(), operator as Operator, value)
    : listClause(declaration, field.toLowerCase(), operator as Operator, value)
}

/**
 * Reads every `--filter` value of a command into clauses checked by the DSL against the subject's edge:
 * exactly what the read will take. No values, no clauses.
 */
export const parse = <E extends GraphEdge.Any>(
  subject: Subject<E>,
  inputs: ReadonlyArray<string>
): Either.Either<ReadonlyArray<GraphEdge.FilterOf<E>>, FilterSyntaxError | InvalidRequestError> =>
  inputs.length === 0
    ? Either.right([])
    : Either.flatMap(
      Either.all(inputs.map((input) =>
        Either.mapLeft(readClause(subject.edge, input.trim()), (problem) =>
          new FilterSyntaxError({ input, message: `--filter "${input}": ${problem}.`, syntax: subject.syntax }))
      )),
      (clauses) =>
        Filter.validateFor(subject.edge, clauses)
    )
