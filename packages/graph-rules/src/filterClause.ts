/**
 * What a filter is: the clauses a caller writes on an edge's filterable fields, and the builders that write
 * them. Published as part of `GraphFilter`.
 *
 * @internal
 */
import type { Operator } from "./operator.js"

/**
 * What a filterable field holds: unix seconds (`time`), a string such as an enum value (`string`), or a
 * `boolean`.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = "time" | "string" | "boolean"

/**
 * What the rules need of a filterable field: its kind, and the operators the edge documents for it
 * (only these are ever put on the wire; none when the client alone filters on it).
 *
 * @internal
 */
export interface Filterable {
  readonly kind: Kind
  readonly pushdown: ReadonlyArray<Operator>
}

/** @internal */
export type Filterables = Readonly<Record<string, Filterable>>

/** A list of at least one value. @internal */
export type NonEmpty<A> = readonly [A, ...Array<A>]

const equality = ["EQUAL", "NOT_EQUAL"] as const
const order = ["GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL"] as const
const comparisons = [...equality, ...order] as const

/**
 * @since 0.1.0
 * @category models
 */
export type TimeComparison = typeof comparisons[number]

/**
 * The operators a caller may use on a field of each kind. They are this library's vocabulary; which of
 * them reach Graph depends on what the edge documents.
 *
 * @since 0.1.0
 * @category constants
 */
export const operatorsByKind = {
  time: [...comparisons, "IN_RANGE", "NOT_IN_RANGE"],
  string: [...equality, "IN", "NOT_IN"],
  boolean: equality
} as const satisfies Record<Kind, ReadonlyArray<Operator>>

/**
 * A clause on a `time` field; ranges are inclusive at both ends.
 *
 * @since 0.1.0
 * @category models
 */
export type TimeClause<F extends string = string> =
  | { readonly field: F; readonly operator: TimeComparison; readonly value: Date }
  | { readonly field: F; readonly operator: "IN_RANGE" | "NOT_IN_RANGE"; readonly value: readonly [Date, Date] }

/**
 * A clause on a `string` field.
 *
 * @since 0.1.0
 * @category models
 */
export type StringClause<F extends string = string, V extends string = string> =
  | { readonly field: F; readonly operator: "EQUAL" | "NOT_EQUAL"; readonly value: V }
  | { readonly field: F; readonly operator: "IN" | "NOT_IN"; readonly value: NonEmpty<V> }

/**
 * A clause on a `boolean` field.
 *
 * @since 0.1.0
 * @category models
 */
export type BooleanClause<F extends string = string> = {
  readonly field: F
  readonly operator: "EQUAL" | "NOT_EQUAL"
  readonly value: boolean
}

/**
 * A raw clause sent as written, never checked against the edge and never evaluated by the client. See
 * {@link unchecked}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Unchecked {
  readonly _tag: "Unchecked"
  readonly field: string
  readonly operator: string
  readonly value: unknown
}

/**
 * Any checked clause.
 *
 * @since 0.1.0
 * @category models
 */
export type Clause = TimeClause | StringClause | BooleanClause

/**
 * Sends a clause exactly as written, for an operator or field this library does not know to be
 * documented. Nothing checks what Graph does with it: it may refuse the call (code 100) or ignore the
 * clause and return everything.
 *
 * @example
 * ```ts
 * import { GraphFilter } from "@effect-waba/graph-core"
 *
 * GraphFilter.unchecked({ field: "business_type", operator: "EQUAL", value: "ENTERPRISE" })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const unchecked = ({ field, operator, value }: Omit<Unchecked, "_tag">): Unchecked => ({
  _tag: "Unchecked",
  field,
  operator,
  value
})

/**
 * @since 0.1.0
 * @category predicates
 */
export const isUnchecked = (u: unknown): u is Unchecked =>
  typeof u === "object" && u !== null && (u as { readonly _tag?: unknown })._tag === "Unchecked"

/**
 * A date as the builders take it: a `Date`, or anything with `epochMillis` (an Effect `DateTime`).
 *
 * @since 0.1.0
 * @category models
 */
export type DateInput = Date | { readonly epochMillis: number }

// Anything else becomes an invalid Date, which validation then refuses: a builder never throws.
const toDate = (input: DateInput): Date => {
  try {
    return input instanceof Date ? input : new Date(typeof input?.epochMillis === "number" ? input.epochMillis : NaN)
  } catch {
    return new Date(NaN)
  }
}

/**
 * The builders for a `time` field. Bounds may carry milliseconds: they are rounded to the whole seconds
 * Graph stores so that no item is lost or added. `between` and `inRange` (the same) include both ends.
 *
 * @since 0.1.0
 * @category constructors
 */
export const timeBuilders = <F extends string>(field: F) => {
  const at = (operator: TimeComparison) => (date: DateInput): TimeClause<F> => ({
    field,
    operator,
    value: toDate(date)
  })
  const range = (operator: "IN_RANGE" | "NOT_IN_RANGE") => (from: DateInput, to: DateInput): TimeClause<F> => ({
    field,
    operator,
    value: [toDate(from), toDate(to)]
  })
  return {
    equal: at("EQUAL"),
    notEqual: at("NOT_EQUAL"),
    greaterThan: at("GREATER_THAN"),
    greaterThanOrEqual: at("GREATER_THAN_OR_EQUAL"),
    lessThan: at("LESS_THAN"),
    lessThanOrEqual: at("LESS_THAN_OR_EQUAL"),
    between: range("IN_RANGE"),
    inRange: range("IN_RANGE"),
    notInRange: range("NOT_IN_RANGE")
  }
}

/**
 * The builders for a `string` field.
 *
 * @internal
 */
export const stringBuilders = <F extends string, V extends string>(field: F) => ({
  equal: (value: V): StringClause<F, V> => ({ field, operator: "EQUAL", value }),
  notEqual: (value: V): StringClause<F, V> => ({ field, operator: "NOT_EQUAL", value }),
  in: (...value: NonEmpty<V>): StringClause<F, V> => ({ field, operator: "IN", value }),
  notIn: (...value: NonEmpty<V>): StringClause<F, V> => ({ field, operator: "NOT_IN", value })
})

/**
 * The builders for a `boolean` field.
 *
 * @since 0.1.0
 * @category constructors
 */
export const booleanBuilders = <F extends string>(field: F) => ({
  equal: (value: boolean): BooleanClause<F> => ({ field, operator: "EQUAL", value }),
  notEqual: (value: boolean): BooleanClause<F> => ({ field, operator: "NOT_EQUAL", value }),
  isTrue: (): BooleanClause<F> => ({ field, operator: "EQUAL", value: true }),
  isFalse: (): BooleanClause<F> => ({ field, operator: "EQUAL", value: false })
})
