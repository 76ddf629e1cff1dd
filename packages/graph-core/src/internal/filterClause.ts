/**
 * What a filter is: the filterable fields an edge declares, the clauses a caller writes on them, and the
 * builders that write those clauses. Published as part of `GraphFilter`.
 *
 * @internal
 */
import type * as Arr from "effect/Array"
import type * as Schema from "effect/Schema"
import type { GraphOperator } from "../GraphOperator.js"

/**
 * What a filterable field holds: unix seconds (`time`), a string such as an enum value (`string`), or a
 * `boolean`.
 *
 * @since 0.1.0
 * @category models
 */
export type Kind = "time" | "string" | "boolean"

/**
 * A filterable field of an edge.
 *
 * @since 0.1.0
 * @category models
 */
export interface FieldDeclaration<K extends Kind = Kind, V extends string = string> {
  readonly kind: K
  /**
   * The operators the edge documents for this field: only these are ever put on the wire. Empty when the
   * field is filtered by the client alone.
   */
  readonly pushdown: ReadonlyArray<GraphOperator>
  /** For `string` fields: the values' schema, e.g. an open enum. */
  readonly values?: Schema.Schema<any, string> | undefined
  /** The values' type (never set at run time). */
  readonly "~value"?: V | undefined
}

type Pushdown = ReadonlyArray<GraphOperator>

/**
 * A `time` field (unix seconds on the wire, `Date` here).
 *
 * @since 0.1.0
 * @category declarations
 */
export const time = (pushdown: Pushdown = []): FieldDeclaration<"time", never> => ({ kind: "time", pushdown })

/**
 * A `string` field whose values `values` describes (an open enum keeps unknown values possible).
 *
 * @since 0.1.0
 * @category declarations
 */
export const string = <V extends string>(
  values: Schema.Schema<V, string>,
  pushdown: Pushdown = []
): FieldDeclaration<"string", V> => ({ kind: "string", pushdown, values })

/**
 * A `boolean` field.
 *
 * @since 0.1.0
 * @category declarations
 */
export const boolean = (pushdown: Pushdown = []): FieldDeclaration<"boolean", never> => ({ kind: "boolean", pushdown })

/**
 * The filterable fields of an edge, by name.
 *
 * @since 0.1.0
 * @category models
 */
export type Declarations = Readonly<Record<string, FieldDeclaration>>

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
} as const satisfies Record<Kind, ReadonlyArray<GraphOperator>>

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
  | { readonly field: F; readonly operator: "IN" | "NOT_IN"; readonly value: Arr.NonEmptyReadonlyArray<V> }

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
 * Every clause an edge with these declarations accepts.
 *
 * @since 0.1.0
 * @category models
 */
export type ClauseOf<D extends Declarations> = {
  readonly [F in keyof D & string]: D[F] extends FieldDeclaration<"time", any> ? TimeClause<F>
    : D[F] extends FieldDeclaration<"boolean", any> ? BooleanClause<F>
    : D[F] extends FieldDeclaration<"string", infer V> ? StringClause<F, V>
    : never
}[keyof D & string]

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
 * @since 0.1.0
 * @category constructors
 */
export const stringBuilders = <F extends string, V extends string>(field: F, _values?: Schema.Schema<V, string>) => ({
  equal: (value: V): StringClause<F, V> => ({ field, operator: "EQUAL", value }),
  notEqual: (value: V): StringClause<F, V> => ({ field, operator: "NOT_EQUAL", value }),
  in: (...value: Arr.NonEmptyReadonlyArray<V>): StringClause<F, V> => ({ field, operator: "IN", value }),
  notIn: (...value: Arr.NonEmptyReadonlyArray<V>): StringClause<F, V> => ({ field, operator: "NOT_IN", value })
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
