/**
 * The `--filter` text syntax: short clauses a person can type, parsed into the waba `Filter` DSL.
 *
 * ```text
 * creation_time>2024-01-01             created after that day (UTC)
 * creation_time>=2024-01-01T09:30:00Z  created at or after that instant
 * creation_time=2024-01-01..2024-06-30 created in that range, both days included
 * ownership_type=SELF,CLIENT_OWNED     owned in one of these ways
 * ```
 *
 * A date without a time stands for the whole UTC day: `>D` means after the day ends, `>=D` from its
 * start, `<D` before it starts, `<=D` up to its end, `=D` during it, `!=D` not during it, and a range
 * `A..B` runs from the start of `A` to the end of `B`. A date with a time, or `@unixseconds`, is an instant
 * and compares exactly.
 *
 * @since 0.1.0
 */
import type { InvalidRequestError } from "@effect-waba/graph-core/InvalidRequestError"
import * as Filter from "@effect-waba/waba/Filter"
import * as PhoneNumbers from "@effect-waba/waba/PhoneNumbers"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"

/**
 * One `--filter` value that could not be read. `input` is the value as typed; `message` says what is
 * wrong with it; `subject` says what was being filtered, so the error can show that command's syntax.
 *
 * @since 0.1.0
 * @category errors
 */
export class FilterSyntaxError extends Schema.TaggedError<FilterSyntaxError>("@effect-waba/cli/FilterSyntaxError")(
  "FilterSyntaxError",
  {
    input: Schema.String,
    message: Schema.String,
    subject: Schema.optional(Schema.Literal("accounts", "phone numbers"))
  }
) {}

/**
 * The accepted syntax for accounts, for error messages of `waba accounts`.
 *
 * @since 0.1.0
 * @category constants
 */
export const syntax = [
  "Accepted --filter syntax (repeat --filter to combine; every clause must hold):",
  "  creation_time>DATE  creation_time>=DATE  creation_time<DATE  creation_time<=DATE",
  "  creation_time=DATE  creation_time!=DATE  creation_time=DATE..DATE  creation_time!=DATE..DATE",
  "  ownership_type=SELF,CLIENT_OWNED  ownership_type!=ON_BEHALF_OF",
  "DATE is 2024-01-01 (the whole day, UTC), 2024-01-01T09:30:00Z or 2024-01-01T09:30+02:00 (an instant; UTC",
  "unless an offset is given), or @1704067200 (unix seconds)."
].join("\n")

/**
 * The accepted syntax for phone numbers alone, for errors of `waba phone-numbers`.
 *
 * @since 0.3.0
 * @category constants
 */
export const phoneNumberSyntax = [
  "Accepted --filter syntax for phone numbers (repeat --filter to combine; every clause must hold):",
  "  FIELD=VALUE or FIELD!=VALUE, VALUE one value or several separated by commas:",
  "  quality_rating=GREEN,YELLOW  status!=BANNED  account_mode=LIVE  messaging_limit_tier=TIER_1K",
  "  code_verification_status=VERIFIED  is_official_business_account=true"
].join("\n")

/**
 * A point or a day read from the command line: `start` and `end` are equal for an instant; for a day
 * they are its first and last second (UTC).
 *
 * @since 0.1.0
 * @category models
 */
export interface TimeSpan {
  readonly kind: "day" | "instant"
  readonly start: Date
  readonly end: Date
}

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/
const instantPattern =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/
const unixPattern = /^@(\d{1,12})$/

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate()

const checkDay = (year: number, month: number, day: number): string | undefined => {
  if (month < 1 || month > 12) return `month ${String(month).padStart(2, "0")} does not exist`
  const last = daysInMonth(year, month)
  if (day < 1 || day > last) {
    return `day ${String(day).padStart(2, "0")} does not exist in ${year}-${String(month).padStart(2, "0")}`
  }
  return undefined
}

/**
 * Reads a date: `YYYY-MM-DD` (a whole UTC day), an ISO-8601 date and time (UTC unless it carries an
 * offset), or `@unixseconds`. The error is a sentence fragment saying what is wrong.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseTime = (text: string): Either.Either<TimeSpan, string> => {
  const unix = unixPattern.exec(text)
  if (unix !== null) {
    const date = new Date(Number(unix[1]) * 1000)
    return Either.right({ kind: "instant", start: date, end: date })
  }
  const day = dayPattern.exec(text)
  if (day !== null) {
    const [year, month, dayOfMonth] = [Number(day[1]), Number(day[2]), Number(day[3])]
    const problem = checkDay(year, month, dayOfMonth)
    if (problem !== undefined) return Either.left(`"${text}" is not a date: ${problem}`)
    const start = Date.UTC(year, month - 1, dayOfMonth)
    return Either.right({ kind: "day", start: new Date(start), end: new Date(start + 86_399_000) })
  }
  const instant = instantPattern.exec(text)
  if (instant !== null) {
    const [, y, mo, d, h, mi, s, fraction, zulu, sign, offsetHours, offsetMinutes] = instant
    const [year, month, dayOfMonth] = [Number(y), Number(mo), Number(d)]
    const problem = checkDay(year, month, dayOfMonth)
    if (problem !== undefined) return Either.left(`"${text}" is not a date: ${problem}`)
    const [hour, minute, second] = [Number(h), Number(mi), Number(s ?? "0")]
    if (hour > 23 || minute > 59 || second > 59) {
      return Either.left(`"${text}" is not a time of day: hours go to 23, minutes and seconds to 59`)
    }
    let offset = 0
    if (zulu === undefined && sign !== undefined) {
      const [oh, om] = [Number(offsetHours), Number(offsetMinutes ?? "0")]
      if (oh > 23 || om > 59) return Either.left(`"${text}" has an impossible UTC offset ${sign}${offsetHours}`)
      offset = (sign === "-" ? -1 : 1) * (oh * 60 + om) * 60_000
    }
    const millis = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000)
    const date = new Date(Date.UTC(year, month - 1, dayOfMonth, hour, minute, second, millis) - offset)
    return Either.right({ kind: "instant", start: date, end: date })
  }
  if (/^@/.test(text)) return Either.left(`"${text}" is not a unix time: write @ followed by whole seconds`)
  return Either.left(
    `"${text}" is not a date; write 2024-01-01, 2024-01-01T09:30:00Z, 2024-01-01T09:30:00+02:00 or @1704067200`
  )
}

type Operator = ">=" | "<=" | "!=" | ">" | "<" | "="

// Longest first, so that `>=` is not read as `>` followed by a value starting with `=`.
const operators: ReadonlyArray<Operator> = [">=", "<=", "!=", ">", "<", "="]

const fieldNames = Object.keys(Filter.operatorsByField) as ReadonlyArray<Filter.FilterableField>

const splitClause = (
  text: string
): Either.Either<{ readonly field: string; readonly operator: Operator; readonly value: string }, string> => {
  let at = -1
  let operator: Operator | undefined
  for (let i = 0; i < text.length && operator === undefined; i++) {
    for (const candidate of operators) {
      if (text.startsWith(candidate, i)) {
        at = i
        operator = candidate
        break
      }
    }
  }
  if (operator === undefined) {
    return Either.left(`it has no comparison; write a field, an operator (> >= < <= = !=) and a value`)
  }
  const field = text.slice(0, at).trim()
  const value = text.slice(at + operator.length).trim()
  if (field === "") return Either.left(`it names no field before "${operator}"`)
  if (value === "") return Either.left(`it has no value after "${field}${operator}"`)
  return Either.right({ field, operator, value })
}

const creationTimeClause = (operator: Operator, value: string): Either.Either<Filter.Filter, string> => {
  const range = value.split("..")
  if (range.length > 2) return Either.left(`a range has one "..", between its first and last date`)
  if (range.length === 2) {
    const [fromText, toText] = [range[0]!.trim(), range[1]!.trim()]
    if (operator !== "=" && operator !== "!=") {
      return Either.left(`a range (DATE..DATE) takes = or !=, not ${operator}`)
    }
    if (fromText === "" || toText === "") return Either.left(`a range needs a date on both sides of ".."`)
    return Either.flatMap(
      parseTime(fromText),
      (from) =>
        Either.flatMap(parseTime(toText), (to): Either.Either<Filter.Filter, string> => {
          if (from.start.getTime() > to.end.getTime()) {
            return Either.left(`the range starts (${fromText}) after it ends (${toText})`)
          }
          return Either.right(
            operator === "="
              ? Filter.creationTime.inRange(from.start, to.end)
              : Filter.creationTime.notInRange(from.start, to.end)
          )
        })
    )
  }
  return Either.map(parseTime(value), (time): Filter.Filter => {
    switch (operator) {
      case ">":
        return Filter.creationTime.greaterThan(time.end)
      case ">=":
        return Filter.creationTime.greaterThanOrEqual(time.start)
      case "<":
        return Filter.creationTime.lessThan(time.start)
      case "<=":
        return Filter.creationTime.lessThanOrEqual(time.end)
      case "=":
        return time.kind === "day"
          ? Filter.creationTime.inRange(time.start, time.end)
          : Filter.creationTime.equal(time.start)
      case "!=":
        return time.kind === "day"
          ? Filter.creationTime.notInRange(time.start, time.end)
          : Filter.creationTime.notEqual(time.start)
    }
  })
}

const ownershipTypeClause = (operator: Operator, value: string): Either.Either<Filter.Filter, string> => {
  if (operator !== "=" && operator !== "!=") {
    return Either.left(`ownership_type takes = or != (a list means any of them), not ${operator}`)
  }
  const values = value.split(",").map((item) => item.trim().toUpperCase())
  if (values.some((item) => item === "")) return Either.left(`the list "${value}" has an empty item`)
  const bad = values.find((item) => !/^[A-Z][A-Z_]*$/.test(item))
  if (bad !== undefined) {
    return Either.left(`"${bad}" is not an ownership type; known ones are SELF, CLIENT_OWNED, ON_BEHALF_OF`)
  }
  const [first, ...rest] = values as [string, ...Array<string>]
  return Either.right(
    operator === "=" ? Filter.ownershipType.in(first, ...rest) : Filter.ownershipType.notIn(first, ...rest)
  )
}

const phoneStringBuilders = {
  account_mode: Filter.accountMode,
  messaging_limit_tier: Filter.messagingLimitTier,
  quality_rating: Filter.qualityRating,
  status: Filter.phoneStatus,
  code_verification_status: Filter.codeVerificationStatus
} as const

const phoneFieldNames = Object.keys(PhoneNumbers.edge.filters)

// `field=A` is EQUAL, `field=A,B` IN, and `!=` their negations; the read decides what Graph is sent and what
// the client checks itself.
const phoneClause = (
  field: string,
  operator: Operator,
  value: string
): Either.Either<Filter.PhoneNumberFilter, string> => {
  if (operator !== "=" && operator !== "!=") return Either.left(`${field} takes = or != (a list means any of them)`)
  if (field === "is_official_business_account") {
    const flag = value.toLowerCase()
    if (flag !== "true" && flag !== "false") return Either.left(`${field} is true or false, not "${value}"`)
    const clause = operator === "="
      ? Filter.isOfficialBusinessAccount.equal(flag === "true")
      : Filter.isOfficialBusinessAccount.notEqual(flag === "true")
    return Either.right(clause)
  }
  const builders = phoneStringBuilders[field as keyof typeof phoneStringBuilders]
  const values = value.split(",").map((item) => item.trim().toUpperCase())
  if (values.some((item) => item === "")) return Either.left(`the list "${value}" has an empty item`)
  const bad = values.find((item) => !/^[A-Z0-9][A-Z0-9_]*$/.test(item))
  if (bad !== undefined) return Either.left(`"${bad}" is not a ${field} value`)
  const [first, ...rest] = values as [string, ...Array<string>]
  const clause = rest.length === 0
    ? operator === "=" ? builders.equal(first as never) : builders.notEqual(first as never)
    : operator === "="
    ? builders.in(first as never, ...rest as Array<never>)
    : builders.notIn(first as never, ...rest as Array<never>)
  return Either.right(clause as Filter.PhoneNumberFilter)
}

/**
 * Parses one `--filter` value of `waba phone-numbers` into a clause (not yet validated: see
 * {@link parseAllPhoneNumbers}).
 *
 * @since 0.3.0
 * @category parsing
 */
export const parsePhoneNumber = (input: string): Either.Either<Filter.PhoneNumberFilter, FilterSyntaxError> => {
  const fail = (problem: string) =>
    Either.left(new FilterSyntaxError({ input, message: `--filter "${input}": ${problem}.`, subject: "phone numbers" }))
  const text = input.trim()
  if (text === "") return fail("it is empty")
  const split = splitClause(text)
  if (Either.isLeft(split)) return fail(split.left)
  const { field, operator, value } = split.right
  const name = field.toLowerCase()
  if (!phoneFieldNames.includes(name)) {
    return fail(
      `"${field}" cannot be filtered on for phone numbers; the filterable fields are ${phoneFieldNames.join(", ")}`
    )
  }
  const clause = phoneClause(name, operator, value)
  return Either.isLeft(clause) ? fail(clause.left) : Either.right(clause.right)
}

/**
 * Parses every `--filter` value of `waba phone-numbers` and validates them against the phone-number edge.
 *
 * @since 0.3.0
 * @category parsing
 */
export const parseAllPhoneNumbers = (
  inputs: ReadonlyArray<string>
): Either.Either<
  ReadonlyArray<Filter.PhoneNumberFilter>,
  FilterSyntaxError | InvalidRequestError
> => {
  if (inputs.length === 0) return Either.right([])
  const clauses: Array<Filter.PhoneNumberFilter> = []
  for (const input of inputs) {
    const clause = parsePhoneNumber(input)
    if (Either.isLeft(clause)) return Either.left(clause.left)
    clauses.push(clause.right)
  }
  return Filter.validateFor(PhoneNumbers.edge, clauses) as Either.Either<
    ReadonlyArray<Filter.PhoneNumberFilter>,
    InvalidRequestError
  >
}

/**
 * Parses one `--filter` value into a clause. The clause is not yet validated (dates in range, list
 * lengths): {@link parseAll} does that with `Filter.validate`.
 *
 * @example
 * ```ts
 * import * as FilterSyntax from "@effect-waba/cli/FilterSyntax"
 *
 * FilterSyntax.parse("creation_time=2024-01-01..2024-06-30")
 * // Right({ field: "creation_time", operator: "IN_RANGE", value: [2024-01-01T00:00:00Z, 2024-06-30T23:59:59Z] })
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (input: string): Either.Either<Filter.Filter, FilterSyntaxError> => {
  const fail = (problem: string) =>
    Either.left(new FilterSyntaxError({ input, message: `--filter "${input}": ${problem}.` }))
  const text = input.trim()
  if (text === "") return fail("it is empty")
  const split = splitClause(text)
  if (Either.isLeft(split)) return fail(split.left)
  const { field, operator, value } = split.right
  let clause: Either.Either<Filter.Filter, string>
  switch (field.toLowerCase()) {
    case "creation_time":
      clause = creationTimeClause(operator, value)
      break
    case "ownership_type":
      clause = ownershipTypeClause(operator, value)
      break
    default:
      return fail(`"${field}" cannot be filtered on; the filterable fields are ${fieldNames.join(" and ")}`)
  }
  return Either.isLeft(clause) ? fail(clause.left) : Either.right(clause.right)
}

/**
 * Parses every `--filter` value and validates the clauses together with `Filter.validate`, so what is
 * returned is exactly what will be sent. No values, no clauses.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseAll = (
  inputs: ReadonlyArray<string>
): Either.Either<ReadonlyArray<Filter.Filter>, FilterSyntaxError | InvalidRequestError> => {
  if (inputs.length === 0) return Either.right([])
  const clauses: Array<Filter.Filter> = []
  for (const input of inputs) {
    const clause = parse(input)
    if (Either.isLeft(clause)) return Either.left(clause.left)
    clauses.push(clause.right)
  }
  return Filter.validate(clauses)
}
