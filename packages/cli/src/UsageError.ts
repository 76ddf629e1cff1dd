/**
 * A command line that cannot run as typed: a missing business id, an unknown field, a value out of range.
 * It ends the command with exit code 2 before anything is sent. `hint` says what to type instead.
 */
import * as Schema from "effect/Schema"

export class UsageError extends Schema.TaggedError<UsageError>("@effect-waba/cli/UsageError")("UsageError", {
  message: Schema.String,
  hint: Schema.optional(Schema.String)
}) {}
