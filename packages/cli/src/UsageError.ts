/**
 * A command line that cannot run as typed: a missing business id, an unknown field, a value out of
 * range. It ends the command with exit code 2 before anything is sent.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * `message` says what is wrong; `hint` (optional) says what to type instead.
 *
 * @since 0.1.0
 * @category errors
 */
export class UsageError extends Schema.TaggedError<UsageError>("@effect-waba/cli/UsageError")("UsageError", {
  message: Schema.String,
  hint: Schema.optional(Schema.String)
}) {}
