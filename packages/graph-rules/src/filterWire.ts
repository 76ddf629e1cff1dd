/**
 * The `filtering` parameter as Graph receives it, and how a strict server reads it (the emulator does).
 * Published as part of `GraphFilter`.
 *
 * @internal
 */
import type { Filterables } from "./filterClause.js"
import { parseJson } from "./json.js"
import { holds, isOperator } from "./operator.js"
import type { Scalar } from "./operator.js"
import * as Result from "./result.js"

/**
 * A clause as Graph receives it.
 *
 * @since 0.1.0
 * @category models
 */
export interface WireClause {
  readonly field: string
  readonly operator: string
  readonly value: unknown
}

/**
 * The `filtering` query value: real JSON (URL encoding is the transport's job).
 *
 * @since 0.1.0
 * @category encoding
 */
export const encodeWire = (clauses: ReadonlyArray<WireClause>): string =>
  JSON.stringify(clauses.map(({ field, operator, value }) => ({ field, operator, value })))

/**
 * Why a strict server refuses a `filtering` value.
 *
 * @since 0.1.0
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

// What a value must be for the operator, or `undefined` when it is. Unix times are read as the operators
// read them (numbers or numeric strings): `v` lies in [v, v] only when it is one, and a range holds its
// lower bound only when both bounds are times, in order.
const expectedValue = (kind: string, operator: string, value: unknown): string | undefined => {
  const list: ReadonlyArray<unknown> = Array.isArray(value) ? value : []
  const within = (v: unknown, range: ReadonlyArray<unknown>) => holds("IN_RANGE", v as Scalar, range)
  if (kind === "time" && operator.endsWith("IN_RANGE")) {
    return list.length === 2 && within(list[0], list) ? undefined : "[min, max]: two unix timestamps with min <= max"
  }
  if (kind === "time") return within(value, [value, value]) ? undefined : "a unix timestamp"
  if (kind === "boolean") return typeof value === "boolean" ? undefined : "true or false"
  if (operator !== "IN" && operator !== "NOT_IN") return typeof value === "string" ? undefined : "a string"
  return list.length > 0 && list.every((v) => typeof v === "string") ? undefined : "a non-empty array of strings"
}

/**
 * Reads a raw `filtering` value the way a strict Graph does: a JSON array of `{ field, operator, value }`
 * whose fields are declared and whose operators are the ones the edge documents. With
 * `acceptUndocumented`, clauses on undeclared fields or with undocumented operators are dropped instead
 * of refused (the other behaviour Graph may have: ignoring them).
 *
 * @internal
 */
export const parseWire = (
  declarations: Filterables,
  raw: string,
  options?: { readonly acceptUndocumented?: boolean | undefined }
): Result.Result<ReadonlyArray<WireClause>, WireRefusal> => {
  const json = parseJson(raw)
  if (!Array.isArray(json)) return Result.fail({ _tag: "NotAnArray" })
  const out: Array<WireClause> = []
  for (const [index, element] of json.entries()) {
    const { field, operator, value } = typeof element === "object" && element !== null ? element : {}
    if (typeof field !== "string" || typeof operator !== "string" || !Object.hasOwn(element, "value")) {
      return Result.fail({ _tag: "BadClause", index })
    }
    if (!isOperator(operator)) return Result.fail({ _tag: "UnknownOperator", index, operator })
    const declaration = Object.hasOwn(declarations, field) ? declarations[field]! : undefined
    const refusal: WireRefusal | undefined = declaration === undefined || declaration.pushdown.length === 0
      ? { _tag: "UnknownField", index, field }
      : !declaration.pushdown.includes(operator)
      ? { _tag: "UnsupportedOperator", index, field, operator, supported: declaration.pushdown }
      : undefined
    if (refusal !== undefined) {
      if (options?.acceptUndocumented === true) continue
      return Result.fail(refusal)
    }
    const expected = expectedValue(declaration!.kind, operator, value)
    if (expected !== undefined) return Result.fail({ _tag: "BadValue", index, field, operator, expected })
    out.push({ field, operator, value })
  }
  return Result.succeed(out)
}
