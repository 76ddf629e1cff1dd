/**
 * Graph's filtering operators and what each one means, written once: the client evaluates with it the
 * clauses it cannot send, and the emulator the clauses it receives, so the two cannot disagree.
 *
 * Values are plain scalars: times are unix seconds (the client turns its `Date`s into seconds first),
 * enums are strings. A missing value satisfies no operator, `NOT_EQUAL` and `NOT_IN` included, as Graph
 * filters only what an item has.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * The operators Graph's filtering knows (not every edge supports every one).
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

/**
 * A value a clause compares: unix seconds, a string or a boolean.
 *
 * @since 0.1.0
 * @category models
 */
export type Scalar = string | number | boolean

// Graph sends and accepts unix times as numbers or numeric strings (Meta's own IN_RANGE example quotes them).
const numeric = (value: unknown): number | undefined =>
  (typeof value === "number" && Number.isFinite(value)) ||
    (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value))
    ? Number(value)
    : undefined

// A number and a numeric string are the same value; otherwise values must be identical.
const same = (value: Scalar, operand: unknown): boolean =>
  typeof value === "number" || typeof operand === "number"
    ? numeric(value) !== undefined && numeric(value) === numeric(operand)
    : value === operand

const order = (test: (a: number, b: number) => boolean) => (value: Scalar, operand: unknown): boolean => {
  const [a, b] = [numeric(value), numeric(operand)]
  return a !== undefined && b !== undefined && test(a, b)
}

const inRange = (value: Scalar, operand: unknown) =>
  Array.isArray(operand) && order((a, b) => a >= b)(value, operand[0]) && order((a, b) => a <= b)(value, operand[1])

const inList = (value: Scalar, operand: unknown) => Array.isArray(operand) && operand.some((o) => same(value, o))

// What each operator of this library's vocabulary means, for a present value.
const meanings: Readonly<Record<string, (value: Scalar, operand: unknown) => boolean>> = {
  EQUAL: same,
  NOT_EQUAL: (value, operand) => !same(value, operand),
  GREATER_THAN: order((a, b) => a > b),
  GREATER_THAN_OR_EQUAL: order((a, b) => a >= b),
  LESS_THAN: order((a, b) => a < b),
  LESS_THAN_OR_EQUAL: order((a, b) => a <= b),
  IN_RANGE: inRange,
  NOT_IN_RANGE: (value, operand) => numeric(value) !== undefined && !inRange(value, operand),
  IN: inList,
  NOT_IN: (value, operand) => !inList(value, operand)
}

/**
 * Whether `value` satisfies `operator` with `operand` (a scalar, or a list for `IN`, `NOT_IN` and the
 * `[from, to]` of the range operators, both ends inclusive). Operators outside this library's vocabulary
 * (`CONTAIN`, `STEM_MATCH`, …) hold for nothing.
 *
 * @example
 * ```ts
 * import { GraphOperator } from "@effect-waba/graph-core"
 *
 * GraphOperator.holds("IN_RANGE", 1700000000, ["1690000000", "1710000000"]) // true
 * GraphOperator.holds("NOT_EQUAL", undefined, "SELF") // false: a missing value satisfies nothing
 * ```
 *
 * @since 0.1.0
 * @category semantics
 */
export const holds = (operator: string, value: Scalar | null | undefined, operand: unknown): boolean =>
  value !== undefined && value !== null && Object.hasOwn(meanings, operator) && meanings[operator]!(value, operand)
