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
 *   edge cannot filter on). The fields they read are requested, and removed again from the items if the
 *   caller did not ask for them.
 *
 * {@link unchecked} is the explicit way to send a raw clause anyway.
 *
 * The same declarations drive the emulator: {@link parseWire} reads a `filtering` value the way a strict
 * Graph would, and {@link matchesWire} evaluates a wire clause, so client and emulator agree by
 * construction.
 *
 * @since 0.2.0
 */
import type * as Array from "effect/Array"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

// -----------------------------------------------------------------------------
// declarations
// -----------------------------------------------------------------------------

/**
 * What a filterable field holds: unix seconds (`time`), a string such as an enum value (`string`), or a
 * `boolean`.
 *
 * @since 0.2.0
 * @category models
 */
export type Kind = "time" | "string" | "boolean"

/**
 * The operators Graph's filtering knows (not every edge supports every one).
 *
 * @since 0.2.0
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
 * @since 0.2.0
 * @category models
 */
export type GraphOperator = typeof GraphOperator.Type

/**
 * The operators a caller may use on a field of each kind. They are this library's vocabulary; which of
 * them reach Graph depends on what the edge documents.
 *
 * @since 0.2.0
 * @category constants
 */
export const operatorsByKind = {
  time: [
    "EQUAL",
    "NOT_EQUAL",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL",
    "IN_RANGE",
    "NOT_IN_RANGE"
  ],
  string: ["EQUAL", "NOT_EQUAL", "IN", "NOT_IN"],
  boolean: ["EQUAL", "NOT_EQUAL"]
} as const satisfies Record<Kind, ReadonlyArray<GraphOperator>>

/**
 * A filterable field of an edge.
 *
 * @since 0.2.0
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
  readonly values: Schema.Schema<any, string> | undefined
  /** The values' type (never set at run time). */
  readonly "~value"?: V | undefined
}

/**
 * A `time` field (unix seconds on the wire, `Date` here).
 *
 * @since 0.2.0
 * @category declarations
 */
export const time = (pushdown: ReadonlyArray<GraphOperator> = []): FieldDeclaration<"time", never> => ({
  kind: "time",
  pushdown,
  values: undefined
})

/**
 * A `string` field whose values `values` describes (an open enum keeps unknown values possible).
 *
 * @since 0.2.0
 * @category declarations
 */
export const string = <V extends string>(
  values: Schema.Schema<V, string>,
  pushdown: ReadonlyArray<GraphOperator> = []
): FieldDeclaration<"string", V> => ({ kind: "string", pushdown, values })

/**
 * A `boolean` field.
 *
 * @since 0.2.0
 * @category declarations
 */
export const boolean = (pushdown: ReadonlyArray<GraphOperator> = []): FieldDeclaration<"boolean", never> => ({
  kind: "boolean",
  pushdown,
  values: undefined
})

/**
 * The filterable fields of an edge, by name.
 *
 * @since 0.2.0
 * @category models
 */
export type Declarations = Readonly<Record<string, FieldDeclaration>>

// -----------------------------------------------------------------------------
// clauses
// -----------------------------------------------------------------------------

/**
 * @since 0.2.0
 * @category models
 */
export type TimeComparison =
  | "EQUAL"
  | "NOT_EQUAL"
  | "GREATER_THAN"
  | "GREATER_THAN_OR_EQUAL"
  | "LESS_THAN"
  | "LESS_THAN_OR_EQUAL"

/**
 * A clause on a `time` field; ranges are inclusive at both ends.
 *
 * @since 0.2.0
 * @category models
 */
export type TimeClause<F extends string = string> =
  | { readonly field: F; readonly operator: TimeComparison; readonly value: Date }
  | { readonly field: F; readonly operator: "IN_RANGE" | "NOT_IN_RANGE"; readonly value: readonly [Date, Date] }

/**
 * A clause on a `string` field.
 *
 * @since 0.2.0
 * @category models
 */
export type StringClause<F extends string = string, V extends string = string> =
  | { readonly field: F; readonly operator: "EQUAL" | "NOT_EQUAL"; readonly value: V }
  | { readonly field: F; readonly operator: "IN" | "NOT_IN"; readonly value: Array.NonEmptyReadonlyArray<V> }

/**
 * A clause on a `boolean` field.
 *
 * @since 0.2.0
 * @category models
 */
export interface BooleanClause<F extends string = string> {
  readonly field: F
  readonly operator: "EQUAL" | "NOT_EQUAL"
  readonly value: boolean
}

/**
 * A raw clause sent as written, never checked against the edge and never evaluated by the client. See
 * {@link unchecked}.
 *
 * @since 0.2.0
 * @category models
 */
export interface Unchecked {
  readonly _tag: "Unchecked"
  readonly field: string
  readonly operator: string
  readonly value: unknown
}

/**
 * The clause type a declared field admits.
 *
 * @since 0.2.0
 * @category models
 */
export type ClauseFor<F extends string, D> = D extends FieldDeclaration<"time", any> ? TimeClause<F>
  : D extends FieldDeclaration<"boolean", any> ? BooleanClause<F>
  : D extends FieldDeclaration<"string", infer V> ? StringClause<F, V>
  : never

/**
 * Every clause an edge with these declarations accepts.
 *
 * @since 0.2.0
 * @category models
 */
export type ClauseOf<D extends Declarations> = {
  readonly [F in keyof D & string]: ClauseFor<F, D[F]>
}[keyof D & string]

/**
 * Any checked clause.
 *
 * @since 0.2.0
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
 * @since 0.2.0
 * @category constructors
 */
export const unchecked = (clause: {
  readonly field: string
  readonly operator: string
  readonly value: unknown
}): Unchecked => ({ _tag: "Unchecked", field: clause.field, operator: clause.operator, value: clause.value })

/**
 * @since 0.2.0
 * @category predicates
 */
export const isUnchecked = (u: unknown): u is Unchecked =>
  typeof u === "object" && u !== null && (u as { readonly _tag?: unknown })._tag === "Unchecked"

/**
 * A date as the builders take it.
 *
 * @since 0.2.0
 * @category models
 */
export type DateInput = Date | { readonly epochMillis: number }

// Anything else becomes an invalid Date, which validation then refuses: a builder never throws.
const toDate = (input: DateInput): Date => {
  try {
    return input instanceof Date
      ? input
      : typeof input === "object" && input !== null && typeof input.epochMillis === "number"
      ? new Date(input.epochMillis)
      : new Date(Number.NaN)
  } catch {
    return new Date(Number.NaN)
  }
}

/**
 * The builders for a `time` field. Bounds may carry milliseconds: they are rounded to the whole seconds
 * Graph stores so that no item is lost or added.
 *
 * @since 0.2.0
 * @category constructors
 */
export const timeBuilders = <F extends string>(field: F) => ({
  equal: (date: DateInput): TimeClause<F> => ({ field, operator: "EQUAL", value: toDate(date) }),
  notEqual: (date: DateInput): TimeClause<F> => ({ field, operator: "NOT_EQUAL", value: toDate(date) }),
  greaterThan: (date: DateInput): TimeClause<F> => ({ field, operator: "GREATER_THAN", value: toDate(date) }),
  greaterThanOrEqual: (date: DateInput): TimeClause<F> => ({
    field,
    operator: "GREATER_THAN_OR_EQUAL",
    value: toDate(date)
  }),
  lessThan: (date: DateInput): TimeClause<F> => ({ field, operator: "LESS_THAN", value: toDate(date) }),
  lessThanOrEqual: (date: DateInput): TimeClause<F> => ({ field, operator: "LESS_THAN_OR_EQUAL", value: toDate(date) }),
  /** Both ends inclusive. */
  between: (from: DateInput, to: DateInput): TimeClause<F> => ({
    field,
    operator: "IN_RANGE",
    value: [toDate(from), toDate(to)]
  }),
  /** Both ends inclusive; the same as {@link between}. */
  inRange: (from: DateInput, to: DateInput): TimeClause<F> => ({
    field,
    operator: "IN_RANGE",
    value: [toDate(from), toDate(to)]
  }),
  notInRange: (from: DateInput, to: DateInput): TimeClause<F> => ({
    field,
    operator: "NOT_IN_RANGE",
    value: [toDate(from), toDate(to)]
  })
})

/**
 * The builders for a `string` field.
 *
 * @since 0.2.0
 * @category constructors
 */
export const stringBuilders = <F extends string, V extends string>(field: F, _values?: Schema.Schema<V, string>) => ({
  equal: (value: V): StringClause<F, V> => ({ field, operator: "EQUAL", value }),
  notEqual: (value: V): StringClause<F, V> => ({ field, operator: "NOT_EQUAL", value }),
  in: (...values: Array.NonEmptyReadonlyArray<V>): StringClause<F, V> => ({ field, operator: "IN", value: values }),
  notIn: (...values: Array.NonEmptyReadonlyArray<V>): StringClause<F, V> => ({
    field,
    operator: "NOT_IN",
    value: values
  })
})

/**
 * The builders for a `boolean` field.
 *
 * @since 0.2.0
 * @category constructors
 */
export const booleanBuilders = <F extends string>(field: F) => ({
  equal: (value: boolean): BooleanClause<F> => ({ field, operator: "EQUAL", value }),
  notEqual: (value: boolean): BooleanClause<F> => ({ field, operator: "NOT_EQUAL", value }),
  isTrue: (): BooleanClause<F> => ({ field, operator: "EQUAL", value: true }),
  isFalse: (): BooleanClause<F> => ({ field, operator: "EQUAL", value: false })
})

// -----------------------------------------------------------------------------
// validation
// -----------------------------------------------------------------------------

/**
 * The most clauses one read may carry.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxClauses = 20

/**
 * The most values one `IN` / `NOT_IN` clause may list.
 *
 * @since 0.2.0
 * @category constants
 */
export const maxListLength = 50

const maxUnixSeconds = 253_402_300_799 // 9999-12-31T23:59:59Z

/**
 * A point in time a filter can name: a valid `Date` between 1970 and 9999.
 *
 * @since 0.2.0
 * @category schemas
 */
export const FilterDate = Schema.ValidDateFromSelf.pipe(
  Schema.filter((date) => {
    const seconds = date.getTime() / 1000
    return (seconds >= 0 && seconds <= maxUnixSeconds) || "a date between 1970-01-01 and 9999-12-31"
  })
).annotations({ identifier: "FilterDate" })

const DateRange = Schema.Tuple(FilterDate, FilterDate).pipe(
  Schema.filter((range) =>
    range[0].getTime() <= range[1].getTime() ||
    `the range's bounds must be in order, but ${range[0].toISOString()} is after ${range[1].toISOString()}`
  )
)

const fieldNamePattern = /^[a-z][a-z0-9_.]{0,63}$/
const operatorPattern = /^[A-Z][A-Z_]{0,31}$/

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !globalThis.Array.isArray(u)

const describe = (value: unknown): string => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : value.toISOString()
  try {
    const text = JSON.stringify(value)
    if (text === undefined) return String(value)
    return text.length > 80 ? `${text.slice(0, 77)}...` : text
  } catch {
    return Object.prototype.toString.call(value)
  }
}

const seconds = (date: Date) => date.getTime() / 1000

const holdsWholeSecond = (clause: Clause): string | undefined => {
  if (clause.operator === "EQUAL" && clause.value instanceof Date && !Number.isInteger(seconds(clause.value))) {
    return `EQUAL needs a whole second, but ${clause.value.toISOString()} has milliseconds (creation times are whole seconds)`
  }
  if (clause.operator === "IN_RANGE" && globalThis.Array.isArray(clause.value)) {
    const [from, to] = clause.value as readonly [Date, Date]
    if (Math.ceil(seconds(from)) > Math.floor(seconds(to))) {
      return `IN_RANGE from ${from.toISOString()} to ${to.toISOString()} holds no whole second`
    }
  }
  return undefined
}

const valueSchema = (declaration: FieldDeclaration, operator: string): Schema.Schema<any, any> => {
  switch (declaration.kind) {
    case "time":
      return operator === "IN_RANGE" || operator === "NOT_IN_RANGE" ? DateRange : FilterDate
    case "boolean":
      return Schema.Boolean
    case "string":
      return operator === "IN" || operator === "NOT_IN"
        ? Schema.NonEmptyArray(Schema.typeSchema(declaration.values ?? Schema.String)).pipe(
          Schema.maxItems(maxListLength, { message: () => `at most ${maxListLength} values` })
        )
        : Schema.typeSchema(declaration.values ?? Schema.String)
  }
}

const checkUnchecked = (input: Record<string, unknown>, ast: Schema.Schema.Any["ast"]) => {
  const { field, operator, value } = input
  if (typeof field !== "string" || !fieldNamePattern.test(field)) {
    return ParseResult.fail(
      new ParseResult.Pointer(
        "field",
        input,
        new ParseResult.Type(ast, field, `an unchecked clause's field must be a field name, got ${describe(field)}`)
      )
    )
  }
  if (typeof operator !== "string" || !operatorPattern.test(operator)) {
    return ParseResult.fail(
      new ParseResult.Pointer(
        "operator",
        input,
        new ParseResult.Type(
          ast,
          operator,
          `an unchecked clause's operator must be an upper-case name such as EQUAL, got ${describe(operator)}`
        )
      )
    )
  }
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    json = undefined
  }
  if (json === undefined || json.length > 4096) {
    return ParseResult.fail(
      new ParseResult.Pointer(
        "value",
        input,
        new ParseResult.Type(ast, value, "an unchecked clause's value must be JSON of at most 4096 characters")
      )
    )
  }
  return ParseResult.succeed(unchecked({ field, operator, value: JSON.parse(json) as unknown }))
}

/**
 * The schema of one clause for an edge with these declarations: the field must be declared, the
 * operator one its kind supports, the value of the right shape (dates valid, range bounds in order, at
 * least one whole second where one is needed). Failures point at `field`, `operator` or `value`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const clauseSchema = <D extends Declarations>(
  declarations: D
): Schema.Schema<ClauseOf<D> | Unchecked, unknown> => {
  const names = Object.keys(declarations)
  const typed = Schema.declare(
    (u): u is ClauseOf<D> | Unchecked => isRecord(u),
    { identifier: "FilterClause", description: `a filter clause on ${names.join(", ")}` }
  )
  return Schema.transformOrFail(Schema.Unknown, typed, {
    strict: true,
    decode: (input, _, ast) => {
      if (!isRecord(input)) {
        return ParseResult.fail(
          new ParseResult.Type(
            ast,
            input,
            `a clause must be an object { field, operator, value }, got ${describe(input)}`
          )
        )
      }
      if (isUnchecked(input)) return checkUnchecked(input, ast)
      const { field, operator } = input
      const declaration = typeof field === "string" && Object.hasOwn(declarations, field)
        ? declarations[field]!
        : undefined
      if (declaration === undefined) {
        return ParseResult.fail(
          new ParseResult.Pointer(
            "field",
            input,
            new ParseResult.Type(
              ast,
              field,
              `${describe(field)} cannot be filtered on here; filterable fields are ${names.join(", ")} ` +
                "(GraphFilter.unchecked sends any clause as written)"
            )
          )
        )
      }
      const allowed: ReadonlyArray<string> = operatorsByKind[declaration.kind]
      if (typeof operator !== "string" || !allowed.includes(operator)) {
        const named = Schema.is(GraphOperator)(operator) ? operator : `the operator ${describe(operator)}`
        return ParseResult.fail(
          new ParseResult.Pointer(
            "operator",
            input,
            new ParseResult.Type(ast, operator, `${field} does not support ${named}; use one of ${allowed.join(", ")}`)
          )
        )
      }
      const checked = Schema.decodeUnknownEither(valueSchema(declaration, operator))(input.value)
      if (Either.isLeft(checked)) {
        const first = ParseResult.ArrayFormatter.formatErrorSync(checked.left)[0]
        const why = first === undefined
          ? "not a valid value"
          : first.path.length === 0
          ? first.message
          : `at ${first.path.map((key) => `[${String(key)}]`).join("")}, ${first.message}`
        return ParseResult.fail(
          new ParseResult.Pointer(
            "value",
            input,
            new ParseResult.Type(
              ast,
              input.value,
              `${field} ${operator} has an invalid value ${describe(input.value)}: ${
                why.length > 200 ? `${why.slice(0, 197)}...` : why
              }`
            )
          )
        )
      }
      const clause = { field, operator, value: checked.right } as Clause
      const problem = holdsWholeSecond(clause)
      if (problem !== undefined) {
        return ParseResult.fail(
          new ParseResult.Pointer("value", input, new ParseResult.Type(ast, input.value, problem))
        )
      }
      return ParseResult.succeed(clause as ClauseOf<D>)
    },
    encode: (clause) => ParseResult.succeed(clause)
  })
}

/**
 * The schema of an edge's `filtering` option: one clause or a list of at most {@link maxClauses}, all of
 * which must hold; always decoded to a list.
 *
 * @since 0.2.0
 * @category schemas
 */
export const filteringSchema = <D extends Declarations>(
  declarations: D
): Schema.Schema<ReadonlyArray<ClauseOf<D> | Unchecked>, unknown> => {
  const clause = clauseSchema(declarations)
  const list = Schema.Array(clause).pipe(
    Schema.minItems(1, { message: () => "filtering is an empty list; leave it out to read everything" }),
    Schema.maxItems(maxClauses, { message: () => `filtering may hold at most ${maxClauses} clauses` })
  )
  return Schema.transformOrFail(Schema.Unknown, Schema.typeSchema(list), {
    strict: true,
    decode: (input, options) =>
      ParseResult.decodeUnknown(list)(globalThis.Array.isArray(input) ? input : [input], options),
    encode: ParseResult.succeed
  }) as unknown as Schema.Schema<ReadonlyArray<ClauseOf<D> | Unchecked>, unknown>
}

// -----------------------------------------------------------------------------
// planning: what goes on the wire, what the client evaluates
// -----------------------------------------------------------------------------

/**
 * A clause as Graph receives it.
 *
 * @since 0.2.0
 * @category models
 */
export interface WireClause {
  readonly field: string
  readonly operator: string
  readonly value: unknown
}

/**
 * A test the client applies to each decoded item, for a clause that cannot be sent.
 *
 * @since 0.2.0
 * @category models
 */
export interface LocalPredicate {
  readonly field: string
  /** The clause it stands for, for documentation and errors. */
  readonly clause: Clause
  readonly test: (item: Readonly<Record<string, unknown>>) => boolean
}

/**
 * What {@link plan} decided.
 *
 * @since 0.2.0
 * @category models
 */
export interface Plan {
  /** The `filtering` clauses to send, in order. */
  readonly wire: ReadonlyArray<WireClause>
  /** The clauses the client evaluates, all of which must hold. */
  readonly local: ReadonlyArray<LocalPredicate>
  /** The fields the local predicates read. */
  readonly localFields: ReadonlyArray<string>
}

const wireSeconds = (date: Date) => Math.floor(seconds(date))

// Time bounds on the wire: unix seconds as numbers for comparisons, numeric strings for ranges (the form
// of Meta's documented example).
const compileTime = (
  field: string,
  pushdown: ReadonlyArray<string>,
  clause: TimeClause
): WireClause | undefined => {
  const can = (operator: string) => pushdown.includes(operator)
  switch (clause.operator) {
    case "GREATER_THAN":
      // t > 10.5 is t > 10 for whole seconds.
      return can("GREATER_THAN") ? { field, operator: "GREATER_THAN", value: wireSeconds(clause.value) } : undefined
    case "GREATER_THAN_OR_EQUAL":
      // t >= 10.5 is t >= 11 is t > 10.
      return can("GREATER_THAN")
        ? { field, operator: "GREATER_THAN", value: Math.ceil(seconds(clause.value)) - 1 }
        : undefined
    case "LESS_THAN":
      // t < 10.5 is t <= 10 is t < 11.
      return can("LESS_THAN") ? { field, operator: "LESS_THAN", value: Math.ceil(seconds(clause.value)) } : undefined
    case "LESS_THAN_OR_EQUAL":
      return can("LESS_THAN") ? { field, operator: "LESS_THAN", value: wireSeconds(clause.value) + 1 } : undefined
    case "EQUAL": {
      const t = String(wireSeconds(clause.value))
      return can("IN_RANGE") ? { field, operator: "IN_RANGE", value: [t, t] } : undefined
    }
    case "IN_RANGE": {
      const [from, to] = clause.value
      return can("IN_RANGE")
        ? { field, operator: "IN_RANGE", value: [String(Math.ceil(seconds(from))), String(wireSeconds(to))] }
        : undefined
    }
    default:
      return undefined
  }
}

const compileString = (
  field: string,
  pushdown: ReadonlyArray<string>,
  clause: StringClause
): WireClause | undefined => {
  const can = (operator: string) => pushdown.includes(operator)
  switch (clause.operator) {
    case "EQUAL":
      return can("EQUAL")
        ? { field, operator: "EQUAL", value: clause.value }
        : can("IN")
        ? { field, operator: "IN", value: [clause.value] }
        : undefined
    case "IN":
      return can("IN")
        ? { field, operator: "IN", value: clause.value }
        : clause.value.length === 1 && can("EQUAL")
        ? { field, operator: "EQUAL", value: clause.value[0] }
        : undefined
    case "NOT_EQUAL":
      return can("NOT_EQUAL")
        ? { field, operator: "NOT_EQUAL", value: clause.value }
        : can("NOT_IN")
        ? { field, operator: "NOT_IN", value: [clause.value] }
        : undefined
    case "NOT_IN":
      return can("NOT_IN") ? { field, operator: "NOT_IN", value: clause.value } : undefined
  }
}

const compileBoolean = (
  field: string,
  pushdown: ReadonlyArray<string>,
  clause: BooleanClause
): WireClause | undefined => {
  if (clause.operator === "EQUAL" && pushdown.includes("EQUAL")) {
    return { field, operator: "EQUAL", value: clause.value }
  }
  if (clause.operator === "NOT_EQUAL" && pushdown.includes("NOT_EQUAL")) {
    return { field, operator: "NOT_EQUAL", value: clause.value }
  }
  return undefined
}

const timeOf = (value: unknown): number | undefined =>
  value instanceof Date ? value.getTime() : typeof value === "number" ? value * 1000 : undefined

const localTest = (clause: Clause): (value: unknown) => boolean => {
  if (clause.value instanceof Date || (globalThis.Array.isArray(clause.value) && clause.value[0] instanceof Date)) {
    const time = clause as TimeClause
    const at = (value: unknown) => timeOf(value)
    switch (time.operator) {
      case "EQUAL":
        return (v) => at(v) === time.value.getTime()
      case "NOT_EQUAL":
        return (v) => at(v) !== undefined && at(v) !== time.value.getTime()
      case "GREATER_THAN":
        return (v) => at(v) !== undefined && at(v)! > time.value.getTime()
      case "GREATER_THAN_OR_EQUAL":
        return (v) => at(v) !== undefined && at(v)! >= time.value.getTime()
      case "LESS_THAN":
        return (v) => at(v) !== undefined && at(v)! < time.value.getTime()
      case "LESS_THAN_OR_EQUAL":
        return (v) => at(v) !== undefined && at(v)! <= time.value.getTime()
      case "IN_RANGE": {
        const [from, to] = time.value
        return (v) => at(v) !== undefined && at(v)! >= from.getTime() && at(v)! <= to.getTime()
      }
      case "NOT_IN_RANGE": {
        const [from, to] = time.value
        return (v) => at(v) !== undefined && (at(v)! < from.getTime() || at(v)! > to.getTime())
      }
    }
  }
  switch (clause.operator) {
    case "EQUAL":
      return (v) => v === clause.value
    case "NOT_EQUAL":
      return (v) => v !== undefined && v !== clause.value
    case "IN": {
      const set = new Set<unknown>(clause.value as ReadonlyArray<unknown>)
      return (v) => set.has(v)
    }
    case "NOT_IN": {
      const set = new Set<unknown>(clause.value as ReadonlyArray<unknown>)
      return (v) => v !== undefined && !set.has(v)
    }
    default:
      return () => false
  }
}

/**
 * Splits checked clauses into what is sent and what the client evaluates. An item that lacks a field a
 * local clause reads does not match it.
 *
 * @example
 * ```ts
 * import { GraphFilter } from "@effect-waba/graph-core"
 *
 * const declarations = { creation_time: GraphFilter.time(["LESS_THAN", "GREATER_THAN", "IN_RANGE"]) }
 * const created = GraphFilter.timeBuilders("creation_time")
 * const plan = GraphFilter.plan(declarations, [
 *   created.greaterThanOrEqual(new Date("2024-01-01T00:00:00Z")),
 *   created.notEqual(new Date("2024-03-01T00:00:00Z"))
 * ])
 * plan.wire // [{ field: "creation_time", operator: "GREATER_THAN", value: 1704067199 }]
 * plan.local.length // 1: the NOT_EQUAL is evaluated on the items
 * ```
 *
 * @since 0.2.0
 * @category planning
 */
export const plan = (declarations: Declarations, clauses: ReadonlyArray<Clause | Unchecked>): Plan => {
  const wire: Array<WireClause> = []
  const local: Array<LocalPredicate> = []
  const localFields = new Set<string>()
  for (const clause of clauses) {
    if (isUnchecked(clause)) {
      wire.push({ field: clause.field, operator: clause.operator, value: clause.value })
      continue
    }
    const declaration = declarations[clause.field]
    const pushdown = declaration?.pushdown ?? []
    const compiled = declaration === undefined
      ? undefined
      : declaration.kind === "time"
      ? compileTime(clause.field, pushdown, clause as TimeClause)
      : declaration.kind === "string"
      ? compileString(clause.field, pushdown, clause as StringClause)
      : compileBoolean(clause.field, pushdown, clause as BooleanClause)
    if (compiled !== undefined) {
      wire.push(compiled)
      continue
    }
    const test = localTest(clause)
    const field = clause.field
    local.push({ field, clause, test: (item) => test(item[field]) })
    localFields.add(field)
  }
  return { wire, local, localFields: [...localFields] }
}

/**
 * The `filtering` query value: real JSON (URL encoding is the transport's job).
 *
 * @since 0.2.0
 * @category encoding
 */
export const encodeWire = (clauses: ReadonlyArray<WireClause>): string =>
  JSON.stringify(clauses.map((clause) => ({ field: clause.field, operator: clause.operator, value: clause.value })))

// -----------------------------------------------------------------------------
// the server's side
// -----------------------------------------------------------------------------

/**
 * Why a strict server refuses a `filtering` value.
 *
 * @since 0.2.0
 * @category models
 */
export type WireRefusal =
  | { readonly _tag: "NotAnArray" }
  | { readonly _tag: "BadClause"; readonly index: number }
  | { readonly _tag: "UnknownOperator"; readonly index: number; readonly operator: string }
  | { readonly _tag: "UnknownField"; readonly index: number; readonly field: string }
  | {
    readonly _tag: "UnsupportedOperator"
    readonly index: number
    readonly field: string
    readonly operator: string
    readonly supported: ReadonlyArray<string>
  }
  | {
    readonly _tag: "BadValue"
    readonly index: number
    readonly field: string
    readonly operator: string
    readonly expected: string
  }

const numeric = (value: unknown): number | undefined => {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined
  if (typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value)
  return undefined
}

const wireValueOk = (kind: Kind, operator: string, value: unknown): string | undefined => {
  if (kind === "time") {
    if (operator === "IN_RANGE" || operator === "NOT_IN_RANGE") {
      const ok = globalThis.Array.isArray(value) && value.length === 2 && numeric(value[0]) !== undefined &&
        numeric(value[1]) !== undefined && numeric(value[0])! <= numeric(value[1])!
      return ok ? undefined : "[min, max]: two unix timestamps with min <= max"
    }
    return numeric(value) === undefined ? "a unix timestamp" : undefined
  }
  if (kind === "boolean") return typeof value === "boolean" ? undefined : "true or false"
  if (operator === "IN" || operator === "NOT_IN") {
    return globalThis.Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")
      ? undefined
      : "a non-empty array of strings"
  }
  return typeof value === "string" ? undefined : "a string"
}

/**
 * Reads a raw `filtering` value the way a strict Graph does: a JSON array of `{ field, operator, value }`
 * whose fields are declared and whose operators are the ones the edge documents. With
 * `acceptUndocumented`, clauses on undeclared fields or with undocumented operators are dropped instead
 * of refused (the other behaviour Graph may have: ignoring them).
 *
 * @since 0.2.0
 * @category server
 */
export const parseWire = (
  declarations: Declarations,
  raw: string,
  options?: { readonly acceptUndocumented?: boolean | undefined }
): Either.Either<ReadonlyArray<WireClause>, WireRefusal> => {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    return Either.left({ _tag: "NotAnArray" })
  }
  if (!globalThis.Array.isArray(json)) return Either.left({ _tag: "NotAnArray" })
  const lenient = options?.acceptUndocumented === true
  const out: Array<WireClause> = []
  for (let index = 0; index < json.length; index++) {
    const element: unknown = json[index]
    if (
      !isRecord(element) || typeof element.field !== "string" || typeof element.operator !== "string" ||
      !Object.hasOwn(element, "value")
    ) {
      return Either.left({ _tag: "BadClause", index })
    }
    const { field, operator, value } = element
    if (!Schema.is(GraphOperator)(operator)) return Either.left({ _tag: "UnknownOperator", index, operator })
    const declaration = Object.hasOwn(declarations, field) ? declarations[field] : undefined
    if (declaration === undefined || declaration.pushdown.length === 0) {
      if (lenient) continue
      return Either.left({ _tag: "UnknownField", index, field })
    }
    if (!declaration.pushdown.includes(operator)) {
      if (lenient) continue
      return Either.left({ _tag: "UnsupportedOperator", index, field, operator, supported: declaration.pushdown })
    }
    const expected = wireValueOk(declaration.kind, operator, value)
    if (expected !== undefined) return Either.left({ _tag: "BadValue", index, field, operator, expected })
    out.push({ field, operator, value })
  }
  return Either.right(out)
}

/**
 * Whether a raw field value (as the server stores it: unix seconds, strings, booleans) satisfies a wire
 * clause that {@link parseWire} accepted. A missing value satisfies nothing.
 *
 * @since 0.2.0
 * @category server
 */
export const matchesWire = (clause: WireClause, value: unknown): boolean => {
  if (value === undefined || value === null) return false
  const n = numeric(value)
  switch (clause.operator) {
    case "GREATER_THAN":
      return n !== undefined && n > numeric(clause.value)!
    case "GREATER_THAN_OR_EQUAL":
      return n !== undefined && n >= numeric(clause.value)!
    case "LESS_THAN":
      return n !== undefined && n < numeric(clause.value)!
    case "LESS_THAN_OR_EQUAL":
      return n !== undefined && n <= numeric(clause.value)!
    case "IN_RANGE":
    case "NOT_IN_RANGE": {
      const [lo, hi] = (clause.value as ReadonlyArray<unknown>).map(numeric) as [number, number]
      const inside = n !== undefined && n >= lo && n <= hi
      return clause.operator === "IN_RANGE" ? inside : n !== undefined && !inside
    }
    case "EQUAL":
      return typeof clause.value === "string" && n !== undefined && typeof value === "number"
        ? n === numeric(clause.value)
        : value === clause.value
    case "NOT_EQUAL":
      return value !== clause.value
    case "IN":
      return (clause.value as ReadonlyArray<unknown>).includes(value)
    case "NOT_IN":
      return !(clause.value as ReadonlyArray<unknown>).includes(value)
    default:
      return false
  }
}
