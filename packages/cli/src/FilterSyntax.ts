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
 * A date without a time stands for the whole UTC day: `>D` means after the day ends, `>=D` from its start,
 * `<D` before it starts, `<=D` up to its end, `=D` during it, `!=D` not during it, and a range `A..B` runs
 * from the start of `A` to the end of `B`. A date with a time, or `@unixseconds`, is an instant and compares
 * exactly. The clauses read are then checked by the DSL itself (`Filter.validate`).
 */
import type { InvalidRequestError } from "@effect-waba/graph-core/InvalidRequestError"
import * as Filter from "@effect-waba/waba/Filter"
import * as PhoneNumbers from "@effect-waba/waba/PhoneNumbers"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

/**
 * One `--filter` value that could not be read: `input` as typed, `message` saying what is wrong with it,
 * `subject` what was being filtered, so that the report can show that command's syntax.
 */
export class FilterSyntaxError extends Schema.TaggedError<FilterSyntaxError>("@effect-waba/cli/FilterSyntaxError")(
  "FilterSyntaxError",
  {
    input: Schema.String,
    message: Schema.String,
    subject: Schema.optional(Schema.Literal("accounts", "phone numbers"))
  }
) {}

/** The accepted syntax for accounts. */
export const syntax = [
  "Accepted --filter syntax (repeat --filter to combine; every clause must hold):",
  "  creation_time>DATE  creation_time>=DATE  creation_time<DATE  creation_time<=DATE",
  "  creation_time=DATE  creation_time!=DATE  creation_time=DATE..DATE  creation_time!=DATE..DATE",
  "  ownership_type=SELF,CLIENT_OWNED  ownership_type!=ON_BEHALF_OF",
  "DATE is 2024-01-01 (the whole day, UTC), 2024-01-01T09:30:00Z or 2024-01-01T09:30+02:00 (an instant; UTC",
  "unless an offset is given), or @1704067200 (unix seconds)."
].join("\n")

/** The accepted syntax for phone numbers. */
export const phoneNumberSyntax = [
  "Accepted --filter syntax for phone numbers (repeat --filter to combine; every clause must hold):",
  "  FIELD=VALUE or FIELD!=VALUE, VALUE one value or several separated by commas:",
  "  quality_rating=GREEN,YELLOW  status!=BANNED  account_mode=LIVE  messaging_limit_tier=TIER_1K",
  "  code_verification_status=VERIFIED  is_official_business_account=true"
].join("\n")

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
  const match = datePattern.exec(text)
  if (unix !== null) {
    const date = new Date(Number(unix[1]) * 1000)
    return Either.right({ kind: "instant", start: date, end: date })
  }
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
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis) - offset)
  return Either.right({ kind: "instant", start: date, end: date })
}

type Operator = ">=" | "<=" | "!=" | ">" | "<" | "="

// A clause as the DSL takes it, checked by the DSL afterwards.
interface Clause {
  readonly field: string
  readonly operator: string
  readonly value: unknown
}

type ClauseReader = (field: string, operator: Operator, value: string) => Either.Either<Clause, string>

const comparisons = {
  ">": ["GREATER_THAN", "end"],
  ">=": ["GREATER_THAN_OR_EQUAL", "start"],
  "<": ["LESS_THAN", "start"],
  "<=": ["LESS_THAN_OR_EQUAL", "end"]
} as const

const creationTime: ClauseReader = (field, operator, value) => {
  const equality = operator === "=" || operator === "!="
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
  if (!equality) return Either.left(`a range (DATE..DATE) takes = or !=, not ${operator}`)
  if (fromText === "" || toText === "") return Either.left(`a range needs a date on both sides of ".."`)
  return Either.flatMap(
    Either.all([parseTime(fromText), parseTime(toText)]),
    ([from, to]) =>
      from.start.getTime() > to.end.getTime()
        ? Either.left(`the range starts (${fromText}) after it ends (${toText})`)
        : Either.right(within(from.start, to.end))
  )
}

// `A,B,…`, upper-cased, each matching `pattern`.
const list = (value: string, pattern: RegExp, bad: (item: string) => string) => {
  const values = value.split(",").map((item) => item.trim().toUpperCase())
  if (values.some((item) => item === "")) return Either.left(`the list "${value}" has an empty item`)
  const wrong = values.find((item) => !pattern.test(item))
  return wrong === undefined ? Either.right(values) : Either.left(bad(wrong))
}

const ownershipType: ClauseReader = (field, operator, value) =>
  operator !== "=" && operator !== "!="
    ? Either.left(`ownership_type takes = or != (a list means any of them), not ${operator}`)
    : Either.map(
      list(
        value,
        /^[A-Z][A-Z_]*$/,
        (bad) => `"${bad}" is not an ownership type; known ones are SELF, CLIENT_OWNED, ON_BEHALF_OF`
      ),
      (values) => ({ field, operator: operator === "=" ? "IN" : "NOT_IN", value: values })
    )

// `field=A` is EQUAL, `field=A,B` IN, and `!=` their negations; the read decides what Graph is sent and
// what the client checks itself.
const phoneNumberField: ClauseReader = (field, operator, value) => {
  if (operator !== "=" && operator !== "!=") return Either.left(`${field} takes = or != (a list means any of them)`)
  const [equal, within] = operator === "=" ? ["EQUAL", "IN"] : ["NOT_EQUAL", "NOT_IN"]
  if (field === "is_official_business_account") {
    const flag = value.toLowerCase()
    return flag === "true" || flag === "false"
      ? Either.right({ field, operator: equal, value: flag === "true" })
      : Either.left(`${field} is true or false, not "${value}"`)
  }
  return Either.map(
    list(value, /^[A-Z0-9][A-Z0-9_]*$/, (bad) => `"${bad}" is not a ${field} value`),
    (values) =>
      values.length === 1 ? { field, operator: equal, value: values[0] } : { field, operator: within, value: values }
  )
}

// A field, the first operator (the longer where two start at the same place: `>=`, not `>`), a value.
const clausePattern = /^(.*?)(>=|<=|!=|>|<|=)(.*)$/s

const reader = (
  readers: Readonly<Record<string, ClauseReader>>,
  unknownField: (field: string) => string,
  subject?: "phone numbers"
) =>
(input: string): Either.Either<Clause, FilterSyntaxError> => {
  const fail = (problem: string) =>
    new FilterSyntaxError({ input, message: `--filter "${input}": ${problem}.`, subject })
  const text = input.trim()
  if (text === "") return Either.left(fail("it is empty"))
  const [, fieldText = "", operator, valueText = ""] = clausePattern.exec(text) ?? []
  const [field, value] = [fieldText.trim(), valueText.trim()]
  if (operator === undefined) {
    return Either.left(fail("it has no comparison; write a field, an operator (> >= < <= = !=) and a value"))
  }
  if (field === "") return Either.left(fail(`it names no field before "${operator}"`))
  if (value === "") return Either.left(fail(`it has no value after "${field}${operator}"`))
  const read = readers[field.toLowerCase()]
  if (read === undefined) return Either.left(fail(unknownField(field)))
  return Either.mapLeft(read(field.toLowerCase(), operator as Operator, value), fail)
}

const phoneNumberFields = Object.keys(PhoneNumbers.edge.filters)

const accountReaders = { creation_time: creationTime, ownership_type: ownershipType }

/** Reads one `--filter` value of `waba accounts` into a clause, not yet checked by the DSL. */
export const parse = reader(
  accountReaders,
  (field) => `"${field}" cannot be filtered on; the filterable fields are ${Object.keys(accountReaders).join(" and ")}`
) as (input: string) => Either.Either<Filter.Filter, FilterSyntaxError>

const parsePhoneNumber = reader(
  Object.fromEntries(phoneNumberFields.map((field) => [field, phoneNumberField])),
  (field) =>
    `"${field}" cannot be filtered on for phone numbers; the filterable fields are ${phoneNumberFields.join(", ")}`,
  "phone numbers"
)

// No values, no clauses (the DSL refuses an empty list).
const readAll = <A>(
  inputs: ReadonlyArray<string>,
  read: (input: string) => Either.Either<unknown, FilterSyntaxError>,
  validate: (clauses: ReadonlyArray<unknown>) => Either.Either<ReadonlyArray<A>, InvalidRequestError>
): Either.Either<ReadonlyArray<A>, FilterSyntaxError | InvalidRequestError> =>
  inputs.length === 0 ? Either.right([]) : Either.flatMap(Either.all(inputs.map(read)), validate)

/** Reads every `--filter` value of `waba accounts`, checked by `Filter.validate`: exactly what will be sent. */
export const parseAll = (inputs: ReadonlyArray<string>) => readAll(inputs, parse, Filter.validate)

/** Reads every `--filter` value of `waba phone-numbers`, checked against the phone-number edge. */
export const parseAllPhoneNumbers = (inputs: ReadonlyArray<string>) =>
  readAll(
    inputs,
    parsePhoneNumber,
    (clauses) =>
      Filter.validateFor(PhoneNumbers.edge, clauses) as Either.Either<
        ReadonlyArray<Filter.PhoneNumberFilter>,
        InvalidRequestError
      >
  )
