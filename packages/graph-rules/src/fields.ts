/**
 * Graph's field-selection syntax, written and read: the one grammar the client writes and the emulator reads.
 * Published as `GraphFields`.
 *
 * @internal
 */
import * as Result from "./result.js"

/**
 * One entry of a selection.
 *
 * @internal
 */
export interface Selection {
  readonly name: string
  /** `.limit(n)`: page size of an expanded edge. */
  readonly limit?: number | undefined
  /** The fields selected inside braces, for an object field or an expanded edge. */
  readonly fields?: ReadonlyArray<Selection> | undefined
}

/**
 * Writes a selection in Graph's syntax.
 *
 * @example
 * ```ts
 * import { GraphFields } from "@effect-waba/graph-core"
 *
 * GraphFields.render([
 *   { name: "id" },
 *   { name: "name" },
 *   { name: "phone_numbers", limit: 50, fields: [{ name: "id" }, { name: "display_phone_number" }] }
 * ])
 * // "id,name,phone_numbers.limit(50){id,display_phone_number}"
 * ```
 *
 * @internal
 */
export const render = (selections: ReadonlyArray<Selection>): string =>
  selections.map((selection) => {
    const limit = selection.limit === undefined ? "" : `.limit(${selection.limit})`
    const fields = selection.fields === undefined ? "" : `{${render(selection.fields)}}`
    return `${selection.name}${limit}${fields}`
  }).join(",")

/**
 * Why a selection could not be read.
 *
 * @internal
 */
export interface SyntaxError {
  readonly _tag: "SyntaxError"
  /** Where in the text the problem is (0-based). */
  readonly position: number
  readonly message: string
}

/**
 * The deepest nesting {@link parse} accepts, so that a hostile `fields` value cannot exhaust the stack.
 *
 * @internal
 */
export const maxDepth = 8

/**
 * Reads a `fields` value. Modifiers other than `.limit(n)` are refused.
 *
 * @internal
 */
export const parse = (text: string): Result.Result<ReadonlyArray<Selection>, SyntaxError> => {
  let position = 0
  const fail = (message: string): never => {
    throw { _tag: "SyntaxError", position, message } satisfies SyntaxError
  }
  // What `pattern` (sticky) matches at the current position, moving past it; its first group if it has one.
  const take = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = position
    const match = pattern.exec(text)
    if (match !== null) position = pattern.lastIndex
    return match === null ? undefined : match[1] ?? match[0]
  }
  const spaces = /[ \n]*/y
  const list = (depth: number): Array<Selection> => {
    if (depth > maxDepth) fail(`Field selections nest at most ${maxDepth} levels deep`)
    const out: Array<Selection> = []
    do {
      take(spaces)
      const name = take(/[A-Za-z_][A-Za-z0-9_]*/y) ?? fail("Expected a field name")
      let limit: number | undefined
      while (take(/\./y) !== undefined) {
        if (take(/limit(?![A-Za-z0-9_])/y) === undefined) fail("Only the .limit(n) modifier is supported")
        if (take(/\(/y) === undefined) fail("Expected ( after .limit")
        limit = Number(take(/\s*(\d{1,9})\s*/y) ?? fail("Expected a whole number in .limit()"))
        if (take(/\)/y) === undefined) fail("Expected ) after the limit")
      }
      take(spaces)
      let fields: Array<Selection> | undefined
      if (take(/\{/y) !== undefined) {
        fields = list(depth + 1)
        take(spaces)
        if (take(/\}/y) === undefined) fail("Expected }")
      }
      out.push({ name, ...(limit !== undefined ? { limit } : {}), ...(fields !== undefined ? { fields } : {}) })
      take(spaces)
    } while (take(/,/y) !== undefined)
    return out
  }
  try {
    const selections = list(0)
    take(spaces)
    if (position !== text.length) fail(`Unexpected ${JSON.stringify(text[position])}`)
    return Result.succeed(selections)
  } catch (error) {
    if ((error as Partial<SyntaxError> | undefined)?._tag === "SyntaxError") return Result.fail(error as SyntaxError)
    throw error
  }
}
