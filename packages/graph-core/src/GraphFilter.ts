/**
 * Filters for an edge's `filtering` parameter, and the rule that decides which part of a filter goes to
 * Graph and which part the client evaluates itself.
 *
 * Graph takes `filtering` as a JSON array of `{ field, operator, value }` clauses, all of which must
 * hold. Each edge documents only a few clauses (the owned-accounts edge: `creation_time` with
 * `LESS_THAN`, `GREATER_THAN` and `IN_RANGE`), and what Graph does with any other is unknown: it may
 * refuse the call, or ignore the clause and return everything. So an edge declares, per field, the
 * operators it documents ({@link FieldDeclaration.pushdown}), and {@link plan} turns the clauses a caller
 * wrote into:
 *
 * - clauses for the wire, each using a documented operator only: `>= t` becomes `GREATER_THAN t-1`,
 *   `<= t` becomes `LESS_THAN t+1`, `= t` and `between(a, b)` become `IN_RANGE`, for whole seconds;
 * - predicates the client applies to the decoded items for everything else (a `NOT_EQUAL`, a field the
 *   edge cannot filter on), with `GraphOperator.holds`. The fields they read are requested, and removed
 *   again from the items if the caller did not ask for them.
 *
 * {@link unchecked} is the explicit way to send a raw clause anyway. The emulator reads what is sent with
 * {@link parseWire}, from the same declarations, so client and emulator agree by construction.
 *
 * @since 0.1.0
 */
import * as FilterCheck from "@effect-waba/graph-rules/filterCheck"
import type * as Clauses from "@effect-waba/graph-rules/filterClause"
import type { Kind, StringClause, Unchecked } from "@effect-waba/graph-rules/filterClause"
import { stringBuilders as ruleStringBuilders } from "@effect-waba/graph-rules/filterClause"
import * as Wire from "@effect-waba/graph-rules/filterWire"
import type { WireClause, WireRefusal } from "@effect-waba/graph-rules/filterWire"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type { GraphOperator } from "./GraphOperator.js"
import { toEither } from "./internal/result.js"

export {
  booleanBuilders,
  isUnchecked,
  operatorsByKind,
  timeBuilders,
  unchecked
} from "@effect-waba/graph-rules/filterClause"
export type {
  BooleanClause,
  Clause,
  DateInput,
  Kind,
  StringClause,
  TimeClause,
  TimeComparison,
  Unchecked
} from "@effect-waba/graph-rules/filterClause"
export * from "@effect-waba/graph-rules/filterPlan"
export { encodeWire } from "@effect-waba/graph-rules/filterWire"
export type { WireClause, WireRefusal } from "@effect-waba/graph-rules/filterWire"

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
  /** For `string` fields: the form every value must have. */
  readonly pattern?: FilterCheck.Declaration["pattern"]
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
 * A `string` field whose values `values` types (an open enum keeps unknown values possible). `pattern` is
 * the form every value must have, checked before a request is sent; its description names the form in
 * errors (`expected <description>, got "self"`).
 *
 * @since 0.1.0
 * @category declarations
 */
export const string = <V extends string>(
  values: Schema.Schema<V, string>,
  pushdown: Pushdown = [],
  pattern?: FilterCheck.Declaration["pattern"]
): FieldDeclaration<"string", V> =>
  pattern === undefined ? { kind: "string", pushdown, values } : { kind: "string", pushdown, values, pattern }

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
} => ruleStringBuilders<F, V>(field)

/**
 * The most clauses one read may carry.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxClauses: number = FilterCheck.maxClauses

/**
 * The most values one `IN` / `NOT_IN` clause may list.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxListLength: number = FilterCheck.maxListLength

/**
 * The schema of an edge's `filtering` option: one clause or a list of at most {@link maxClauses}, all of
 * which must hold; always decoded to a list. Each clause's field must be declared, its operator one the
 * field's kind supports, its value of the right shape (dates valid, range bounds in order, at least one
 * whole second where one is needed). The failure names the clause and the part at fault
 * (`filtering[1].operator: ...`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const filteringSchema = <D extends Declarations>(
  declarations: D
): Schema.Schema<ReadonlyArray<ClauseOf<D> | Unchecked>, unknown> =>
  Schema.transformOrFail(Schema.Unknown, Schema.Unknown, {
    strict: true,
    decode: (input, _, ast) =>
      Either.mapLeft(
        toEither(FilterCheck.check(declarations, input)),
        (message) => new ParseResult.Type(ast, input, message)
      ),
    encode: ParseResult.succeed
  }) as Schema.Schema<any, unknown>

/**
 * Reads a raw `filtering` value the way a strict Graph does: a JSON array of `{ field, operator, value }`
 * whose fields are declared and whose operators are the ones the edge documents. With
 * `acceptUndocumented`, clauses on undeclared fields or with undocumented operators are dropped instead
 * of refused (the other behaviour Graph may have: ignoring them).
 *
 * @since 0.1.0
 * @category server
 */
export const parseWire = (
  declarations: Declarations,
  raw: string,
  options?: { readonly acceptUndocumented?: boolean | undefined }
): Either.Either<ReadonlyArray<WireClause>, WireRefusal> => toEither(Wire.parseWire(declarations, raw, options))
