/**
 * The filter DSL for the `filtering` query parameter.
 *
 * Graph takes `filtering` as a JSON array of `{ field, operator, value }` clauses, all of which must
 * hold. Which operators a field accepts, and the shape of their values, is encoded in one Schema
 * ({@link Filter}); a clause that does not fit it never reaches the wire.
 *
 * @example
 * ```ts
 * import { Filter } from "@effect-waba/waba"
 *
 * const in2024 = Filter.creationTime.inRange(new Date("2024-01-01"), new Date("2024-12-31T23:59:59Z"))
 * const selfOwned = Filter.ownershipType.in("SELF")
 * Filter.encode([in2024, selfOwned])
 * // '[{"field":"creation_time","operator":"IN_RANGE","value":["1704067200","1735689599"]},
 * //   {"field":"ownership_type","operator":"IN","value":["SELF"]}]'
 * ```
 *
 * @since 0.1.0
 */
import { InvalidRequestError } from "@effect-waba/graph-core"
import type * as Array from "effect/Array"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { OwnershipType as OwnershipTypeValue } from "./WhatsAppBusinessAccount.js"

/**
 * Graph's general filtering operators. Not every field supports every one; see {@link operatorsByField}.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GraphOperator = Schema.Literal(
  "EQUAL",
  "NOT_EQUAL",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL",
  "IN_RANGE",
  "NOT_IN_RANGE",
  "CONTAIN",
  "NOT_CONTAIN",
  "CONTAINS_ANY",
  "CONTAINS_ALL",
  "NOT_CONTAINS_ANY",
  "STEM_MATCH",
  "IN",
  "NOT_IN",
  "STARTS_WITH",
  "ENDS_WITH",
  "ANY",
  "ALL",
  "AFTER",
  "BEFORE",
  "ON_OR_AFTER",
  "ON_OR_BEFORE",
  "NONE",
  "TOP"
)

/**
 * @since 0.1.0
 * @category models
 */
export type GraphOperator = typeof GraphOperator.Type

const maxUnixSeconds = 253_402_300_799 // 9999-12-31T23:59:59Z

/**
 * A point in time as Graph filters take it: unix seconds on the wire (a number, or a numeric string),
 * a valid `Date` in between 1970 and 9999 here.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Timestamp = Schema.transform(
  Schema.Union(Schema.Number, Schema.NumberFromString),
  Schema.ValidDateFromSelf.pipe(
    Schema.filter((date) => {
      const seconds = date.getTime() / 1000
      return (seconds >= 0 && seconds <= maxUnixSeconds) || "a date between 1970-01-01 and 9999-12-31"
    })
  ),
  {
    strict: true,
    decode: (seconds) => new Date(seconds * 1000),
    encode: (date) => Math.floor(date.getTime() / 1000)
  }
).annotations({ identifier: "Timestamp" })

// Range bounds go out as numeric strings, the form of Meta's documented example.
const RangeBound = Schema.transform(
  Schema.Union(Schema.NumberFromString, Schema.Number),
  Schema.typeSchema(Timestamp),
  {
    strict: true,
    decode: (seconds) => new Date(seconds * 1000),
    encode: (date) => Math.floor(date.getTime() / 1000)
  }
)

const comparisonOperators = [
  "EQUAL",
  "NOT_EQUAL",
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUAL",
  "LESS_THAN",
  "LESS_THAN_OR_EQUAL"
] as const
const rangeOperators = ["IN_RANGE", "NOT_IN_RANGE"] as const
const equalityOperators = ["EQUAL", "NOT_EQUAL"] as const
const setOperators = ["IN", "NOT_IN"] as const

/**
 * `creation_time` compared with one point in time.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreationTimeComparison = Schema.Struct({
  field: Schema.Literal("creation_time"),
  operator: Schema.Literal(...comparisonOperators),
  value: Timestamp
})

/**
 * `creation_time` inside (or outside) a range; both ends inclusive, `from` not after `to`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CreationTimeRange = Schema.Struct({
  field: Schema.Literal("creation_time"),
  operator: Schema.Literal(...rangeOperators),
  value: Schema.Tuple(RangeBound, RangeBound)
}).pipe(
  Schema.filter((clause) =>
    clause.value[0].getTime() <= clause.value[1].getTime() ||
    `${clause.operator} needs its bounds in order, but ${clause.value[0].toISOString()} is after ${
      clause.value[1].toISOString()
    }`
  )
)

const OwnershipTypeName = OwnershipTypeValue.pipe(
  Schema.pattern(/^[A-Z][A-Z_]{0,63}$/, {
    message: () => "an ownership type in capitals, such as SELF or CLIENT_OWNED"
  })
)

/**
 * `ownership_type` equal (or not) to one value.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OwnershipTypeEquality = Schema.Struct({
  field: Schema.Literal("ownership_type"),
  operator: Schema.Literal(...equalityOperators),
  value: OwnershipTypeName
})

/**
 * The most values one `IN` / `NOT_IN` clause may list.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxListLength = 50

/**
 * `ownership_type` in (or not in) a non-empty list.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OwnershipTypeSet = Schema.Struct({
  field: Schema.Literal("ownership_type"),
  operator: Schema.Literal(...setOperators),
  value: Schema.NonEmptyArray(OwnershipTypeName).pipe(
    Schema.maxItems(maxListLength, { message: () => `at most ${maxListLength} values` })
  )
})

/**
 * One clause. Its type admits only the operator and value shapes the field supports.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Filter = Schema.Union(CreationTimeComparison, CreationTimeRange, OwnershipTypeEquality, OwnershipTypeSet)

/**
 * @since 0.1.0
 * @category models
 */
export type Filter = typeof Filter.Type

/**
 * The most clauses one request may carry.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxClauses = 20

/**
 * The whole `filtering` parameter: clauses to JSON text and back.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Filtering = Schema.parseJson(Schema.Array(Filter).pipe(Schema.maxItems(maxClauses)))

/**
 * Which operators each filterable field supports.
 *
 * @since 0.1.0
 * @category constants
 */
export const operatorsByField: {
  readonly creation_time: ReadonlyArray<Filter["operator"]>
  readonly ownership_type: ReadonlyArray<Filter["operator"]>
} = {
  creation_time: [...comparisonOperators, ...rangeOperators],
  ownership_type: [...equalityOperators, ...setOperators]
}

/**
 * @since 0.1.0
 * @category models
 */
export type FilterableField = keyof typeof operatorsByField

const validators = {
  comparison: Schema.validateEither(CreationTimeComparison),
  range: Schema.validateEither(CreationTimeRange),
  equality: Schema.validateEither(OwnershipTypeEquality),
  set: Schema.validateEither(OwnershipTypeSet)
}

// The one schema member that fits a field and operator, so a bad value is reported against what the
// clause meant rather than against every member of the union.
const validatorFor = (
  field: FilterableField,
  operator: string
): (input: unknown) => Either.Either<Filter, ParseResult.ParseError> => {
  if (field === "creation_time") {
    return (rangeOperators as ReadonlyArray<string>).includes(operator) ? validators.range : validators.comparison
  }
  return (setOperators as ReadonlyArray<string>).includes(operator) ? validators.set : validators.equality
}

/**
 * A date as a builder takes it.
 *
 * @since 0.1.0
 * @category models
 */
export type DateInput = Date | DateTime.DateTime

const toDate = (input: DateInput): Date => DateTime.isDateTime(input) ? DateTime.toDate(input) : input

/**
 * Any clause, typed: the compiler refuses an operator the field does not support or a value of the
 * wrong shape. Values are still checked (dates valid, bounds in order) before a request is sent.
 *
 * @example
 * ```ts
 * import { Filter } from "@effect-waba/waba"
 *
 * Filter.make({ field: "creation_time", operator: "GREATER_THAN_OR_EQUAL", value: new Date("2024-01-01") })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <const F extends Filter>(filter: F): F => filter

/**
 * Builders for `creation_time`. Creation times are whole seconds, so a bound with milliseconds is
 * rounded to the whole second that keeps the comparison's meaning.
 *
 * @since 0.1.0
 * @category constructors
 */
export const creationTime = {
  equal: (date: DateInput): Filter => ({ field: "creation_time", operator: "EQUAL", value: toDate(date) }),
  notEqual: (date: DateInput): Filter => ({ field: "creation_time", operator: "NOT_EQUAL", value: toDate(date) }),
  greaterThan: (date: DateInput): Filter => ({ field: "creation_time", operator: "GREATER_THAN", value: toDate(date) }),
  greaterThanOrEqual: (date: DateInput): Filter => ({
    field: "creation_time",
    operator: "GREATER_THAN_OR_EQUAL",
    value: toDate(date)
  }),
  lessThan: (date: DateInput): Filter => ({ field: "creation_time", operator: "LESS_THAN", value: toDate(date) }),
  lessThanOrEqual: (date: DateInput): Filter => ({
    field: "creation_time",
    operator: "LESS_THAN_OR_EQUAL",
    value: toDate(date)
  }),
  /** Both ends inclusive. */
  inRange: (from: DateInput, to: DateInput): Filter => ({
    field: "creation_time",
    operator: "IN_RANGE",
    value: [toDate(from), toDate(to)]
  }),
  notInRange: (from: DateInput, to: DateInput): Filter => ({
    field: "creation_time",
    operator: "NOT_IN_RANGE",
    value: [toDate(from), toDate(to)]
  })
} as const

/**
 * Builders for `ownership_type`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const ownershipType = {
  equal: (value: typeof OwnershipTypeValue.Type): Filter => ({ field: "ownership_type", operator: "EQUAL", value }),
  notEqual: (value: typeof OwnershipTypeValue.Type): Filter => ({
    field: "ownership_type",
    operator: "NOT_EQUAL",
    value
  }),
  in: (
    ...values: Array.NonEmptyReadonlyArray<typeof OwnershipTypeValue.Type>
  ): Filter => ({ field: "ownership_type", operator: "IN", value: values }),
  notIn: (
    ...values: Array.NonEmptyReadonlyArray<typeof OwnershipTypeValue.Type>
  ): Filter => ({ field: "ownership_type", operator: "NOT_IN", value: values })
} as const

const ceilSecond = (date: Date) => new Date(Math.ceil(date.getTime() / 1000) * 1000)
const floorSecond = (date: Date) => new Date(Math.floor(date.getTime() / 1000) * 1000)

// Creation times are whole seconds: `> 10.5 s` selects the same accounts as `> 10 s`, `< 10.5 s` the
// same as `< 11 s`. Rounding this way keeps each clause's meaning exact once it is in seconds.
const roundClause = (clause: Filter): Either.Either<Filter, string> => {
  if (clause.field !== "creation_time") return Either.right(clause)
  if (clause.operator === "IN_RANGE" || clause.operator === "NOT_IN_RANGE") {
    const [from, to] = clause.value
    const rounded: [Date, Date] = clause.operator === "IN_RANGE"
      ? [ceilSecond(from), floorSecond(to)]
      : [floorSecond(from), ceilSecond(to)]
    if (clause.operator === "IN_RANGE" && rounded[0] > rounded[1]) {
      return Either.left(`IN_RANGE from ${from.toISOString()} to ${to.toISOString()} holds no whole second`)
    }
    return Either.right({ ...clause, value: rounded })
  }
  const date = clause.value as Date
  if (date.getTime() % 1000 === 0) return Either.right(clause)
  switch (clause.operator) {
    case "GREATER_THAN":
    case "LESS_THAN_OR_EQUAL":
      return Either.right({ ...clause, value: floorSecond(date) })
    case "LESS_THAN":
    case "GREATER_THAN_OR_EQUAL":
      return Either.right({ ...clause, value: ceilSecond(date) })
    default:
      return Either.left(`${clause.operator} needs a whole second, but ${date.toISOString()} has milliseconds`)
  }
}

const describeValue = (value: unknown): string => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : value.toISOString()
  try {
    const text = JSON.stringify(value)
    return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text
  } catch {
    return String(value)
  }
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null

const checkClause = (input: unknown, at: string): Either.Either<Filter, InvalidRequestError> => {
  const fail = (message: string) => Either.left(new InvalidRequestError({ parameter: "filtering", message }))
  if (!isRecord(input) || globalThis.Array.isArray(input)) {
    return fail(`${at} must be an object { field, operator, value }, got ${describeValue(input)}.`)
  }
  const { field, operator } = input
  if (typeof field !== "string" || !Object.hasOwn(operatorsByField, field)) {
    return fail(
      `${at}.field ${describeValue(field)} cannot be filtered on; filterable fields are ${
        Object.keys(operatorsByField).join(", ")
      }.`
    )
  }
  const allowed = operatorsByField[field as FilterableField]
  if (typeof operator !== "string" || !(allowed as ReadonlyArray<string>).includes(operator)) {
    const known = Schema.is(GraphOperator)(operator)
    return fail(
      `${at}: ${field} does not support ${known ? operator : `the operator ${describeValue(operator)}`}; use one of ${
        allowed.join(", ")
      }.`
    )
  }
  const checked = validatorFor(field as FilterableField, operator)(input)
  if (Either.isLeft(checked)) {
    return fail(
      `${at} (${field} ${operator}) has an invalid value ${describeValue(input.value)}: ${
        ParseResult.TreeFormatter.formatErrorSync(checked.left).replace(/\s+/g, " ")
      }`
    )
  }
  const rounded = roundClause(checked.right)
  return Either.isLeft(rounded) ? fail(`${at}: ${rounded.left}.`) : Either.right(rounded.right)
}

/**
 * Checks clauses given at run time (from code or from a person) and rounds creation-time bounds to
 * whole seconds; fails with an {@link InvalidRequestError} naming the clause and the problem.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (
  input: Filter | ReadonlyArray<Filter> | unknown
): Either.Either<ReadonlyArray<Filter>, InvalidRequestError> => {
  const clauses: ReadonlyArray<unknown> = globalThis.Array.isArray(input) ? input : [input]
  if (clauses.length === 0) {
    return Either.left(
      new InvalidRequestError({
        parameter: "filtering",
        message: "filtering is an empty list; leave it out to list every account."
      })
    )
  }
  if (clauses.length > maxClauses) {
    return Either.left(
      new InvalidRequestError({
        parameter: "filtering",
        message: `filtering has ${clauses.length} clauses; at most ${maxClauses} are allowed.`
      })
    )
  }
  const out: Array<Filter> = []
  for (let i = 0; i < clauses.length; i++) {
    const checked = checkClause(clauses[i], clauses.length === 1 ? "filtering" : `filtering[${i}]`)
    if (Either.isLeft(checked)) return Either.left(checked.left)
    out.push(checked.right)
  }
  return Either.right(out)
}

const encodeFiltering = Schema.encodeSync(Filtering)
const decodeFiltering = Schema.decodeUnknownEither(Filtering)

/**
 * The `filtering` query value: real JSON, creation times as unix seconds. Expects validated clauses.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = (filters: ReadonlyArray<Filter>): string => encodeFiltering(filters)

/**
 * Reads a `filtering` value back into clauses, the inverse of {@link encode}.
 *
 * @since 0.1.0
 * @category encoding
 */
export const decode = (text: string): Either.Either<ReadonlyArray<Filter>, InvalidRequestError> =>
  Either.mapLeft(
    decodeFiltering(text),
    (error) =>
      new InvalidRequestError({
        parameter: "filtering",
        message: `filtering is not a valid list of clauses: ${
          ParseResult.TreeFormatter.formatErrorSync(error).replace(/\s+/g, " ")
        }`
      })
  )
