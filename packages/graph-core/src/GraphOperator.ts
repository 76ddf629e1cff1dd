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
import * as Operator from "@effect-waba/graph-rules/operator"
import * as Schema from "effect/Schema"

/**
 * The operators Graph's filtering knows (not every edge supports every one).
 *
 * @since 0.1.0
 * @category schemas
 */
export const GraphOperator = Schema.Literal(...Operator.operators)

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
export type Scalar = Operator.Scalar

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
export const holds: (operator: string, value: Scalar | null | undefined, operand: unknown) => boolean = Operator.holds
