/**
 * How a filter is checked: the Schemas that turn untyped input into clauses an edge accepts, refusing
 * the rest with a message that names the part of the clause at fault. Published as part of `GraphFilter`.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { GraphOperator } from "../GraphOperator.js"
import { describe } from "../pure/describe.js"
import type { Clause, ClauseOf, Declarations, FieldDeclaration, Unchecked } from "./filterClause.js"
import { isUnchecked, operatorsByKind, unchecked } from "./filterClause.js"

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
