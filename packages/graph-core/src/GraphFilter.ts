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
import { describe } from "@effect-waba/graph-rules/describe"
import * as Clauses from "@effect-waba/graph-rules/filterClause"
import type { Clause, Kind, StringClause, Unchecked } from "@effect-waba/graph-rules/filterClause"
import { isUnchecked, operatorsByKind, unchecked } from "@effect-waba/graph-rules/filterClause"
import * as Wire from "@effect-waba/graph-rules/filterWire"
import type { WireClause, WireRefusal } from "@effect-waba/graph-rules/filterWire"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { GraphOperator } from "./GraphOperator.js"
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

/**
 * The most clauses one read may carry.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxClauses = 20

/**
 * The most values one `IN` / `NOT_IN` clause may list.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxListLength = 50

/**
 * A point in time a filter can name: a valid `Date` between 1970 and 9999.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FilterDate = Schema.ValidDateFromSelf.pipe(
  Schema.filter((date) =>
    (date.getTime() >= 0 && date.getTime() <= 253_402_300_799_000) || "a date between 1970-01-01 and 9999-12-31"
  )
).annotations({ identifier: "FilterDate" })

const DateRange = Schema.Tuple(FilterDate, FilterDate).pipe(
  Schema.filter(([from, to]) =>
    from <= to || `the range's bounds must be in order, but ${from.toISOString()} is after ${to.toISOString()}`
  )
)

const valueSchema = ({ kind, values }: FieldDeclaration, operator: string): Schema.Schema<any, any> => {
  const list = operator === "IN" || operator === "NOT_IN" || operator === "IN_RANGE" || operator === "NOT_IN_RANGE"
  if (kind !== "string") return kind === "boolean" ? Schema.Boolean : list ? DateRange : FilterDate
  const value = Schema.typeSchema(values ?? Schema.String)
  const message = () => `at most ${maxListLength} values`
  return list ? Schema.NonEmptyArray(value).pipe(Schema.maxItems(maxListLength, { message })) : value
}

// Creation times are whole seconds: an EQUAL with milliseconds, or a range without a whole second, matches nothing.
const wholeSecondProblem = ({ operator, value }: Clause): string | undefined => {
  if (operator === "EQUAL" && value instanceof Date && value.getTime() % 1000 !== 0) {
    return `EQUAL needs a whole second, but ${value.toISOString()} has milliseconds (creation times are whole seconds)`
  }
  const [from, to] = Array.isArray(value) ? value as ReadonlyArray<Date> : []
  return operator === "IN_RANGE" && Math.ceil(from!.getTime() / 1000) > Math.floor(to!.getTime() / 1000)
    ? `IN_RANGE from ${from!.toISOString()} to ${to!.toISOString()} holds no whole second`
    : undefined
}

// The first problem of a value, with where in the value it is.
const firstProblem = (error: ParseResult.ParseError): string => {
  const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const where = first?.path.map((key) => `[${String(key)}]`).join("")
  const why = first === undefined ? "not a valid value" : where ? `at ${where}, ${first.message}` : first.message
  return why.length > 200 ? `${why.slice(0, 197)}...` : why
}

// A checked clause, or the part of it at fault (`field`, `operator` or `value`) and why.
const check = (
  declarations: Declarations,
  input: unknown,
  ast: ParseResult.Type["ast"]
): Either.Either<Clause | Unchecked, ParseResult.ParseIssue> => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return Either.left(
      new ParseResult.Type(ast, input, `a clause must be an object { field, operator, value }, got ${describe(input)}`)
    )
  }
  const { field, operator, value } = input as Readonly<Record<string, unknown>>
  const fault = (key: "field" | "operator" | "value", message: string) =>
    Either.left(
      new ParseResult.Pointer(key, input, new ParseResult.Type(ast, { field, operator, value }[key], message))
    )
  if (isUnchecked(input)) {
    const json = Either.getOrUndefined(Either.try(() => JSON.stringify(value)))
    const must = (part: "field" | "operator" | "value", what: string) =>
      fault(part, `an unchecked clause's ${part} must be ${what}`)
    return typeof field !== "string" || !/^[a-z][a-z0-9_.]{0,63}$/.test(field)
      ? must("field", `a field name, got ${describe(field)}`)
      : typeof operator !== "string" || !/^[A-Z][A-Z_]{0,31}$/.test(operator)
      ? must("operator", `an upper-case name such as EQUAL, got ${describe(operator)}`)
      : json === undefined || json.length > 4096
      ? must("value", "JSON of at most 4096 characters")
      : Either.right(unchecked({ field, operator, value: JSON.parse(json) }))
  }
  const declaration = typeof field === "string" && Object.hasOwn(declarations, field) ? declarations[field] : undefined
  if (declaration === undefined) {
    const fields = `filterable fields are ${Object.keys(declarations).join(", ")}`
    const hint = "(GraphFilter.unchecked sends any clause as written)"
    return fault("field", `${describe(field)} cannot be filtered on here; ${fields} ${hint}`)
  }
  const allowed: ReadonlyArray<unknown> = operatorsByKind[declaration.kind]
  if (!allowed.includes(operator)) {
    const named = Schema.is(GraphOperator)(operator) ? operator : `the operator ${describe(operator)}`
    return fault("operator", `${field} does not support ${named}; use one of ${allowed.join(", ")}`)
  }
  const decoded = Schema.decodeUnknownEither(valueSchema(declaration, operator as string))(value)
  if (Either.isLeft(decoded)) {
    return fault("value", `${field} ${operator} has an invalid value ${describe(value)}: ${firstProblem(decoded.left)}`)
  }
  const clause = { field, operator, value: decoded.right } as Clause
  const problem = wholeSecondProblem(clause)
  return problem === undefined ? Either.right(clause) : fault("value", problem)
}

/**
 * The schema of one clause for an edge with these declarations: the field must be declared, the
 * operator one its kind supports, the value of the right shape (dates valid, range bounds in order, at
 * least one whole second where one is needed). Failures point at `field`, `operator` or `value`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const clauseSchema = <D extends Declarations>(
  declarations: D
): Schema.Schema<ClauseOf<D> | Unchecked, unknown> =>
  Schema.transformOrFail(Schema.Unknown, Schema.Unknown, {
    strict: true,
    decode: (input, _, ast) => check(declarations, input, ast),
    encode: ParseResult.succeed
  }) as Schema.Schema<any, unknown>

/**
 * The schema of an edge's `filtering` option: one clause or a list of at most {@link maxClauses}, all of
 * which must hold; always decoded to a list.
 *
 * @since 0.1.0
 * @category schemas
 */
export const filteringSchema = <D extends Declarations>(
  declarations: D
): Schema.Schema<ReadonlyArray<ClauseOf<D> | Unchecked>, unknown> =>
  Schema.transform(
    Schema.Unknown,
    Schema.Array(clauseSchema(declarations)).pipe(
      Schema.minItems(1, { message: () => "filtering is an empty list; leave it out to read everything" }),
      Schema.maxItems(maxClauses, { message: () => `filtering may hold at most ${maxClauses} clauses` })
    ),
    { strict: true, decode: (input) => Array.isArray(input) ? input : [input], encode: (clauses) => clauses }
  )

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
