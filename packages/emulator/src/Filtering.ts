/**
 * The `filtering` query parameter: a JSON array of `{ field, operator, value }` clauses, all of which
 * must hold (AND).
 *
 * Supported on this edge:
 * - `creation_time` (unix seconds, as numbers or numeric strings) with `EQUAL`, `NOT_EQUAL`, `GREATER_THAN`,
 *   `GREATER_THAN_OR_EQUAL`, `LESS_THAN`, `LESS_THAN_OR_EQUAL`, `IN_RANGE` and `NOT_IN_RANGE` (ranges are
 *   `[min, max]`, both ends inclusive);
 * - `ownership_type` with `EQUAL`, `NOT_EQUAL`, `IN` and `NOT_IN`.
 *
 * Anything else in Graph's general operator set is a known operator this edge does not support (error 100).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import * as GraphError from "./GraphError.js"
import * as Node from "./WhatsAppBusinessAccount.js"

/**
 * Graph's general filtering operators (not every edge supports every one).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Operator = Schema.Literal(
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
export type Operator = typeof Operator.Type

/**
 * One clause as it arrives, before its field, operator and value are checked against this edge.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Clause = Schema.Struct({
  field: Schema.String,
  operator: Schema.String,
  value: Schema.Unknown
})

/**
 * An inclusive range of unix seconds; `-Infinity` / `Infinity` leave an end open.
 *
 * @since 0.1.0
 * @category models
 */
export type Interval = readonly [number, number]

/**
 * A parsed `filtering` parameter.
 *
 * @since 0.1.0
 * @category models
 */
export interface Filter {
  /** Allowed `creation_time`s as sorted, disjoint, inclusive intervals; `undefined` when unconstrained. */
  readonly creationTime: ReadonlyArray<Interval> | undefined
  /** Allowed `ownership_type`s; `undefined` when unconstrained. */
  readonly ownershipType: ReadonlySet<string> | undefined
}

/**
 * The filter that keeps everything.
 *
 * @since 0.1.0
 * @category constants
 */
export const none: Filter = { creationTime: undefined, ownershipType: undefined }

const supported: Record<string, ReadonlyArray<Operator>> = {
  creation_time: [
    "EQUAL",
    "NOT_EQUAL",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL",
    "IN_RANGE",
    "NOT_IN_RANGE"
  ],
  ownership_type: ["EQUAL", "NOT_EQUAL", "IN", "NOT_IN"]
}

const decodeJson = Schema.decodeUnknownEither(Schema.parseJson())
const decodeClause = Schema.decodeUnknownEither(Clause)
const isOperator = Schema.is(Operator)

const everything: ReadonlyArray<Interval> = [[-Infinity, Infinity]]

// Keeps only the parts of `a` that are also in `b`. Both are sorted and disjoint.
const intersect = (a: ReadonlyArray<Interval>, b: ReadonlyArray<Interval>): ReadonlyArray<Interval> => {
  const out: Array<Interval> = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0])
    const hi = Math.min(a[i]![1], b[j]![1])
    if (lo <= hi) out.push([lo, hi])
    if (a[i]![1] < b[j]![1]) i++
    else j++
  }
  return out
}

const timestamp = (value: unknown): number | undefined => {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value)
  return undefined
}

const timeIntervals = (operator: Operator, value: unknown): ReadonlyArray<Interval> | undefined => {
  if (operator === "IN_RANGE" || operator === "NOT_IN_RANGE") {
    if (!Array.isArray(value) || value.length !== 2) return undefined
    const lo = timestamp(value[0])
    const hi = timestamp(value[1])
    if (lo === undefined || hi === undefined || lo > hi) return undefined
    // creation_time is whole seconds, so fractional bounds round inwards.
    const range: Interval = [Math.ceil(lo), Math.floor(hi)]
    if (operator === "IN_RANGE") return range[0] <= range[1] ? [range] : []
    return range[0] <= range[1] ? [[-Infinity, range[0] - 1], [range[1] + 1, Infinity]] : everything
  }
  const t = timestamp(value)
  if (t === undefined) return undefined
  switch (operator) {
    case "EQUAL":
      return Number.isInteger(t) ? [[t, t]] : []
    case "NOT_EQUAL":
      return Number.isInteger(t) ? [[-Infinity, t - 1], [t + 1, Infinity]] : everything
    case "GREATER_THAN":
      return [[Math.floor(t) + 1, Infinity]]
    case "GREATER_THAN_OR_EQUAL":
      return [[Math.ceil(t), Infinity]]
    case "LESS_THAN":
      return [[-Infinity, Math.ceil(t) - 1]]
    case "LESS_THAN_OR_EQUAL":
      return [[-Infinity, Math.floor(t)]]
    default:
      return undefined
  }
}

const ownershipValues = (operator: Operator, value: unknown): ReadonlySet<string> | undefined => {
  const listed = operator === "IN" || operator === "NOT_IN"
    ? Array.isArray(value) && value.every((v) => typeof v === "string") ? value as Array<string> : undefined
    : typeof value === "string"
    ? [value]
    : undefined
  if (listed === undefined) return undefined
  const keep = operator === "IN" || operator === "EQUAL"
  return new Set(Node.OwnershipType.literals.filter((type) => listed.includes(type) === keep))
}

const expectedValue: Record<string, string> = {
  creation_time: "a unix timestamp (for IN_RANGE and NOT_IN_RANGE: [min, max] with min <= max)",
  ownership_type: "an ownership type (for IN and NOT_IN: an array of them)"
}

/**
 * Parses and checks the raw `filtering` query value, failing with the Graph error a real call would get.
 *
 * @example
 * ```ts
 * import * as Filtering from "@effect-waba/emulator/Filtering"
 *
 * Filtering.parse(JSON.stringify([{ field: "creation_time", operator: "IN_RANGE", value: ["1569783261", "1604542049"] }]))
 * // Either.right({ creationTime: [[1569783261, 1604542049]], ownershipType: undefined })
 * ```
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (raw: string): Either.Either<Filter, GraphError.GraphError> => {
  const json = decodeJson(raw)
  if (Either.isLeft(json) || !Array.isArray(json.right)) {
    return Either.left(GraphError.invalidParameter("param filtering must be an array."))
  }
  let creationTime: ReadonlyArray<Interval> | undefined
  let ownershipType: ReadonlySet<string> | undefined
  for (let index = 0; index < json.right.length; index++) {
    const clause = decodeClause(json.right[index])
    if (Either.isLeft(clause)) {
      return Either.left(
        GraphError.invalidParameter(`param filtering[${index}] must be an object with field, operator and value.`)
      )
    }
    const { field, operator, value } = clause.right
    if (!isOperator(operator)) {
      return Either.left(GraphError.invalidParameter(
        `param filtering[${index}][operator] must be one of the following values: ${Operator.literals.join(", ")}.`
      ))
    }
    const operators = supported[field]
    if (operators === undefined) {
      return Either.left(GraphError.invalidParameter(
        `Filtering field ${field} is invalid. Valid fields are: ${Object.keys(supported).join(", ")}.`
      ))
    }
    if (!operators.includes(operator)) {
      return Either.left(GraphError.invalidParameter(
        `Operator ${operator} is not supported for filtering field ${field}. Supported operators: ${
          operators.join(", ")
        }.`
      ))
    }
    if (field === "creation_time") {
      const intervals = timeIntervals(operator, value)
      if (intervals === undefined) {
        return Either.left(GraphError.invalidParameter(
          `Invalid value for filtering field ${field} with operator ${operator}: expected ${expectedValue[field]}.`
        ))
      }
      creationTime = intersect(creationTime ?? everything, intervals)
    } else {
      const allowed = ownershipValues(operator, value)
      if (allowed === undefined) {
        return Either.left(GraphError.invalidParameter(
          `Invalid value for filtering field ${field} with operator ${operator}: expected ${expectedValue[field]}.`
        ))
      }
      ownershipType = ownershipType === undefined
        ? allowed
        : new Set([...ownershipType].filter((type) => allowed.has(type)))
    }
  }
  return Either.right({ creationTime, ownershipType })
}

/**
 * Whether a `creation_time` passes the filter.
 *
 * @since 0.1.0
 * @category predicates
 */
export const allowsTime = (filter: Filter, time: number): boolean => {
  if (filter.creationTime === undefined) return true
  for (const [lo, hi] of filter.creationTime) {
    if (time < lo) return false
    if (time <= hi) return true
  }
  return false
}
