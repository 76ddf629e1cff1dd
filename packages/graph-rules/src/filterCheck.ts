/**
 * The check of a read's `filtering` before any request: one clause or a list of them, each on a field the
 * edge declares, with an operator its kind allows and a value of the right form — or an explicit unchecked
 * clause, sent as written. The first problem is named by where it is (`filtering[1].operator: …`).
 *
 * @internal
 */
import { describe } from "./describe.js"
import type { Clause, Filterable, Unchecked } from "./filterClause.js"
import { isUnchecked, operatorsByKind, unchecked } from "./filterClause.js"
import { isOperator } from "./operator.js"
import * as Result from "./result.js"

/** A filterable field, with the form its string values must have (an ownership type in capitals, say). @internal */
export interface Declaration extends Filterable {
  readonly pattern?: { readonly regex: RegExp; readonly description: string } | undefined
}

/** @internal */
export const maxClauses = 20

/** @internal */
export const maxListLength = 50

const lastDate = 253_402_300_799_000

const dateProblem = (value: unknown): string | undefined =>
  !(value instanceof Date) || Number.isNaN(value.getTime())
    ? `expected a Date, got ${describe(value)}`
    : value.getTime() < 0 || value.getTime() > lastDate
    ? "a date between 1970-01-01 and 9999-12-31"
    : undefined

const isList = (operator: string) => ["IN", "NOT_IN", "IN_RANGE", "NOT_IN_RANGE"].includes(operator)

// What is wrong with a value for `operator` on a field so declared, if anything.
const valueProblem = (declaration: Declaration, operator: string, value: unknown): string | undefined => {
  if (declaration.kind === "boolean") {
    return typeof value === "boolean"
      ? undefined
      : `expected a boolean, got ${describe(value)}`
  }
  if (declaration.kind === "time") {
    if (!isList(operator)) return dateProblem(value)
    if (!Array.isArray(value) || value.length !== 2) return `expected two Dates [from, to], got ${describe(value)}`
    const problem = value.map(dateProblem).find((p) => p !== undefined)
    if (problem !== undefined) return problem
    const [from, to] = value as [Date, Date]
    return from <= to
      ? undefined
      : `the range's bounds must be in order, but ${from.toISOString()} is after ${to.toISOString()}`
  }
  const text = (item: unknown, where: string) =>
    typeof item !== "string"
      ? `${where}expected a string, got ${describe(item)}`
      : declaration.pattern !== undefined && !declaration.pattern.regex.test(item)
      ? `${where}expected ${declaration.pattern.description}, got ${describe(item)}`
      : undefined
  if (!isList(operator)) return text(value, "")
  if (!Array.isArray(value) || value.length === 0) return `expected a non-empty list of strings, got ${describe(value)}`
  if (value.length > maxListLength) return `at most ${maxListLength} values`
  return value.map((item, i) => text(item, `at [${i}], `)).find((problem) => problem !== undefined)
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

const clause = (
  declarations: Readonly<Record<string, Declaration>>,
  input: unknown,
  at: string
): Result.Result<Clause | Unchecked, string> => {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return Result.fail(`${at}: a clause must be an object { field, operator, value }, got ${describe(input)}`)
  }
  const { field, operator, value } = input as Readonly<Record<string, unknown>>
  const fault = (part: "field" | "operator" | "value", message: string) => Result.fail(`${at}.${part}: ${message}`)
  if (isUnchecked(input)) {
    let json: string | undefined
    try {
      json = JSON.stringify(value)
    } catch {
      json = undefined
    }
    const must = (part: "field" | "operator" | "value", what: string) =>
      fault(part, `an unchecked clause's ${part} must be ${what}`)
    return typeof field !== "string" || !/^[a-z][a-z0-9_.]{0,63}$/.test(field)
      ? must("field", `a field name, got ${describe(field)}`)
      : typeof operator !== "string" || !/^[A-Z][A-Z_]{0,31}$/.test(operator)
      ? must("operator", `an upper-case name such as EQUAL, got ${describe(operator)}`)
      : json === undefined || json.length > 4096
      ? must("value", "JSON of at most 4096 characters")
      : Result.succeed(unchecked({ field, operator, value: JSON.parse(json) }))
  }
  const declaration = typeof field === "string" && Object.hasOwn(declarations, field) ? declarations[field] : undefined
  if (declaration === undefined) {
    const fields = `filterable fields are ${Object.keys(declarations).join(", ")}`
    return fault(
      "field",
      `${describe(field)} cannot be filtered on here; ${fields} (an unchecked clause sends any clause as written)`
    )
  }
  const allowed: ReadonlyArray<unknown> = operatorsByKind[declaration.kind]
  if (typeof operator !== "string" || !allowed.includes(operator)) {
    const named = isOperator(operator) ? operator : `the operator ${describe(operator)}`
    return fault("operator", `${field} does not support ${named}; use one of ${allowed.join(", ")}`)
  }
  const problem = valueProblem(declaration, operator, value)
  if (problem !== undefined) {
    const why = problem.length > 200 ? `${problem.slice(0, 197)}...` : problem
    return fault("value", `${field} ${operator} has an invalid value ${describe(value)}: ${why}`)
  }
  const checked = { field, operator, value } as Clause
  const whole = wholeSecondProblem(checked)
  return whole === undefined ? Result.succeed(checked) : fault("value", whole)
}

/**
 * The clauses of `filtering` (one, or a list of 1 to 20), checked against the edge's declarations.
 *
 * @internal
 */
export const check = (
  declarations: Readonly<Record<string, Declaration>>,
  input: unknown
): Result.Result<ReadonlyArray<Clause | Unchecked>, string> => {
  const list: ReadonlyArray<unknown> = Array.isArray(input) ? input : [input]
  if (list.length === 0) return Result.fail("filtering is an empty list; leave it out to read everything")
  if (list.length > maxClauses) return Result.fail(`filtering may hold at most ${maxClauses} clauses`)
  const clauses: Array<Clause | Unchecked> = []
  for (const [i, item] of list.entries()) {
    const checked = clause(declarations, item, `filtering${Array.isArray(input) ? `[${i}]` : ""}`)
    if (checked._tag === "Failure") return checked
    clauses.push(checked.success)
  }
  return Result.succeed(clauses)
}
