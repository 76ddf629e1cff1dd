/**
 * The filterable fields an edge declares, with the Schema of a string field's values; the clauses and their
 * builders are the pure centre's. Published as part of `GraphFilter`.
 *
 * @internal
 */
import type * as Schema from "effect/Schema"
import type { GraphOperator } from "../GraphOperator.js"
import * as Clauses from "../pure/filterClause.js"
import type { Kind, StringClause } from "../pure/filterClause.js"

export { booleanBuilders, isUnchecked, operatorsByKind, timeBuilders, unchecked } from "../pure/filterClause.js"
export type {
  BooleanClause,
  Clause,
  DateInput,
  Kind,
  StringClause,
  TimeClause,
  TimeComparison,
  Unchecked
} from "../pure/filterClause.js"

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

/**
 * Every clause an edge with these declarations accepts.
 *
 * @since 0.1.0
 * @category models
 */
export type ClauseOf<D extends Declarations> = {
  readonly [F in keyof D & string]: D[F] extends FieldDeclaration<"time", any> ? Clauses.TimeClause<F>
    : D[F] extends FieldDeclaration<"boolean", any> ? Clauses.BooleanClause<F>
    : D[F] extends FieldDeclaration<"string", infer V> ? StringClause<F, V>
    : never
}[keyof D & string]

/**
 * The builders for a `string` field.
 *
 * @since 0.1.0
 * @category constructors
 */
export const stringBuilders = <F extends string, V extends string>(
  field: F,
  _values?: Schema.Schema<V, string>
): {
  readonly equal: (value: V) => StringClause<F, V>
  readonly notEqual: (value: V) => StringClause<F, V>
  readonly in: (...value: Clauses.NonEmpty<V>) => StringClause<F, V>
  readonly notIn: (...value: Clauses.NonEmpty<V>) => StringClause<F, V>
} => Clauses.stringBuilders<F, V>(field)
