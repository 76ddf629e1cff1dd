/**
 * Graph's field-selection syntax: `fields=id,name,phone_numbers.limit(50){id,display_phone_number}`.
 *
 * A selection names fields of a node; a field that is an edge of the node can be expanded inline with
 * modifiers (`.limit(n)`) and its own selection in braces. {@link render} writes a selection for the
 * wire; {@link parse} reads one the way Graph does (the emulator uses it), so the client and the
 * emulator speak one syntax.
 *
 * @since 0.1.0
 */
import * as Fields from "@effect-waba/graph-rules/fields"
import type * as Either from "effect/Either"
import { toEither } from "./internal/result.js"

/**
 * One entry of a selection.
 *
 * @since 0.1.0
 * @category models
 */
export type Selection = Fields.Selection

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
 * @since 0.1.0
 * @category rendering
 */
export const render: (selections: ReadonlyArray<Selection>) => string = Fields.render

/**
 * Why a selection could not be read.
 *
 * @since 0.1.0
 * @category models
 */
export type SyntaxError = Fields.SyntaxError

/**
 * The deepest nesting {@link parse} accepts, so that a hostile `fields` value cannot exhaust the stack.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxDepth: typeof Fields.maxDepth = Fields.maxDepth

/**
 * Reads a `fields` value. Modifiers other than `.limit(n)` are refused.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (text: string): Either.Either<ReadonlyArray<Selection>, SyntaxError> =>
  toEither(Fields.parse(text))
