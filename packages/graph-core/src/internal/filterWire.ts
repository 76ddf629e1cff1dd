/**
 * The `filtering` parameter as Graph receives it, and how a strict server reads it (the emulator does).
 * Published as part of `GraphFilter`; the reading is the pure centre's.
 *
 * @internal
 */
import type * as Either from "effect/Either"
import * as Wire from "../pure/filterWire.js"
import type { WireClause, WireRefusal } from "../pure/filterWire.js"
import type { Declarations } from "./filterClause.js"
import { toEither } from "./result.js"

export { encodeWire } from "../pure/filterWire.js"
export type { WireClause, WireRefusal } from "../pure/filterWire.js"

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
