/**
 * Graph's filtering operators and what each one means, written once: the client evaluates with it the
 * clauses it cannot send, and the emulator the clauses it receives, so the two cannot disagree. Published
 * as `GraphOperator`.
 *
 * @internal
 */

/** The operators Graph's filtering knows (not every edge supports every one). @internal */
export const operators = [
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
] as const

/** @internal */
export type Operator = typeof operators[number]

/** @internal */
export const isOperator = (u: unknown): u is Operator => (operators as ReadonlyArray<unknown>).includes(u)

/** A value a clause compares: unix seconds, a string or a boolean. @internal */
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
 * Whether `value` satisfies `operator` with `operand` (see `GraphOperator.holds`). A missing value satisfies
 * nothing; operators outside this library's vocabulary hold for nothing.
 *
 * @internal
 */
export const holds = (operator: string, value: Scalar | null | undefined, operand: unknown): boolean =>
  value !== undefined && value !== null && Object.hasOwn(meanings, operator) && meanings[operator]!(value, operand)
