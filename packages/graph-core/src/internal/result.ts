/**
 * The shared rules' outcomes (`@effect-waba/graph-rules`) as Effect 3's `Either`.
 *
 * @internal
 */
import type { Result } from "@effect-waba/graph-rules/result"
import * as Either from "effect/Either"

/** @internal */
export const toEither = <A, E>(result: Result<A, E>): Either.Either<A, E> =>
  result._tag === "Success" ? Either.right(result.success) : Either.left(result.failure)
