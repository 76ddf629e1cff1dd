/**
 * What part of a filter goes to Graph and what part the client evaluates itself. Published as part of
 * `GraphFilter`.
 *
 * @internal
 */
import type { Clause, Filterable, Filterables, Unchecked } from "./filterClause.js"
import { isUnchecked } from "./filterClause.js"
import type { WireClause } from "./filterWire.js"
import { holds, type Operator, type Scalar } from "./operator.js"

/**
 * A test the client applies to each decoded item, for a clause that cannot be sent.
 *
 * @since 0.1.0
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
 * @since 0.1.0
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

const seconds = (date: Date) => date.getTime() / 1000

// How each time comparison goes on the wire, from its bounds in (fractional) unix seconds. Graph stores
// whole seconds, so each bound is rounded the way that keeps the clause's meaning (t >= 10.5 is t > 10;
// t <= 10.5 is t < 11), and range bounds go out as numeric strings, the form of Meta's documented example.
const timeOnWire: Readonly<Record<string, (from: number, to: number) => readonly [string, unknown]>> = {
  GREATER_THAN: (from) => ["GREATER_THAN", Math.floor(from)],
  GREATER_THAN_OR_EQUAL: (from) => ["GREATER_THAN", Math.ceil(from) - 1],
  LESS_THAN: (from) => ["LESS_THAN", Math.ceil(from)],
  LESS_THAN_OR_EQUAL: (from) => ["LESS_THAN", Math.floor(from) + 1],
  EQUAL: (from) => ["IN_RANGE", [String(Math.floor(from)), String(Math.floor(from))]],
  IN_RANGE: (from, to) => ["IN_RANGE", [String(Math.ceil(from)), String(Math.floor(to))]]
}

// A clause in a form the edge documents, or `undefined`.
const compile = (declaration: Filterable, { field, operator, value }: Clause): WireClause | undefined => {
  const send = (operator: string, value: unknown) =>
    declaration.pushdown.includes(operator as Operator) ? { field, operator, value } : undefined
  if (declaration.kind === "time") {
    const [from, to] = Array.isArray(value) ? value as readonly [Date, Date] : [value as Date, value as Date]
    const wire = Object.hasOwn(timeOnWire, operator) ? timeOnWire[operator]!(seconds(from), seconds(to)) : undefined
    return wire && send(...wire)
  }
  // A single value and a one-value list are the same clause, in whichever form the edge documents.
  switch (operator) {
    case "EQUAL":
      return send("EQUAL", value) ?? send("IN", [value])
    case "NOT_EQUAL":
      return send("NOT_EQUAL", value) ?? send("NOT_IN", [value])
    case "IN":
      return send("IN", value) ?? (value.length === 1 ? send("EQUAL", value[0]) : undefined)
    default:
      return send(operator, value)
  }
}

// What `holds` compares: times as unix seconds.
const scalar = (value: unknown): unknown =>
  value instanceof Date ? seconds(value) : Array.isArray(value) ? value.map(scalar) : value

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
 * @since 0.1.0
 * @category planning
 */
export const plan = (declarations: Filterables, clauses: ReadonlyArray<Clause | Unchecked>): Plan => {
  const wire: Array<WireClause> = []
  const local: Array<LocalPredicate> = []
  for (const clause of clauses) {
    const declaration = isUnchecked(clause) ? undefined : declarations[clause.field]
    const compiled = isUnchecked(clause) ? clause : declaration && compile(declaration, clause)
    if (compiled !== undefined) {
      wire.push({ field: compiled.field, operator: compiled.operator, value: compiled.value })
    } else if (!isUnchecked(clause)) {
      const operand = scalar(clause.value)
      const test = (item: Readonly<Record<string, unknown>>) =>
        holds(clause.operator, scalar(item[clause.field]) as Scalar, operand)
      local.push({ field: clause.field, clause, test })
    }
  }
  return { wire, local, localFields: [...new Set(local.map((predicate) => predicate.field))] }
}
