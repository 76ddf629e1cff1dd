/**
 * A read refused before anything was sent: which parameter, and why.
 *
 * @since 1.0.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 1.0.0
 * @category errors
 */
export class InvalidRequestError extends Schema.TaggedError<InvalidRequestError>()("InvalidRequestError", {
  parameter: Schema.String,
  message: Schema.String
}) {}
