/**
 * The error for input that cannot make a valid Graph request: a malformed id, an unknown field, an
 * impossible filter, a page size out of range. It is raised before anything is sent.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * `parameter` names the input at fault (`businessId`, `fields`, `filtering`, `limit`, …); `message`
 * says what is wrong with it in words a person can act on.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidRequestError extends Schema.TaggedError<InvalidRequestError>(
  "@effect-waba/graph-core/InvalidRequestError"
)("InvalidRequestError", {
  parameter: Schema.String,
  message: Schema.String
}) {}
