/**
 * Decoding a successful answer with the caller's schema. Failures become a `GraphDecodeError` with a
 * short message; a schema that overflows the stack on hostile nesting fails the same way instead of
 * dying.
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import type * as Schema from "effect/Schema"
import * as GraphError from "../../GraphError.js"
import * as Fast from "./fastDecode.js"
import type { Answer } from "./interpret.js"

const tooDeep = (route: string, answer: Answer) =>
  new GraphError.GraphDecodeError({
    message: `The response of ${route} is nested too deeply to decode.`,
    route,
    httpStatus: answer.status,
    attempts: answer.attempts,
    ...(answer.fbtraceId !== undefined ? { fbtraceId: answer.fbtraceId } : {})
  })

const mismatch = (route: string, answer: Answer, issue: ParseResult.ParseIssue) =>
  new GraphError.GraphDecodeError({
    message: `The response of ${route} did not match the expected shape: ${
      GraphError.describeParseError(new ParseResult.ParseError({ issue }))
    }.`,
    route,
    httpStatus: answer.status,
    attempts: answer.attempts,
    ...(answer.fbtraceId !== undefined ? { fbtraceId: answer.fbtraceId } : {})
  })

/** @internal */
export const make = <A, I, R>(schema: Schema.Schema<A, I, R>) => {
  // Compiled once per schema by Effect (and memoised by its AST).
  const parse = ParseResult.decodeUnknown(schema)
  const fast = Fast.fastDecoder(schema.ast)
  return (answer: Answer, route: string): Effect.Effect<A, GraphError.GraphDecodeError, R> => {
    // The fast path returns what Effect's decoder would; when it cannot, Effect's decoder runs (and
    // writes the error).
    if (fast !== undefined) {
      const value = fast(answer.json)
      if (value !== Fast.Undecided) return Effect.succeed(value as A)
    }
    let result: Effect.Effect<A, ParseResult.ParseIssue, R>
    try {
      result = parse(answer.json)
    } catch (error) {
      if (error instanceof RangeError) return Effect.fail(tooDeep(route, answer))
      throw error
    }
    // A schema without effects answers at once with an Either: no fiber work for the common case.
    if (Either.isEither(result)) {
      const either = result as Either.Either<A, ParseResult.ParseIssue>
      return Either.isRight(either) ? Effect.succeed(either.right) : Effect.fail(mismatch(route, answer, either.left))
    }
    return result.pipe(
      Effect.mapError((issue) => mismatch(route, answer, issue)),
      Effect.catchAllDefect((defect) =>
        defect instanceof RangeError ? Effect.fail(tooDeep(route, answer)) : Effect.die(defect)
      )
    )
  }
}
