/**
 * `waba tokens check` found tokens that will not do: invalid or lacking a scope (`invalid`), or that could not
 * be checked (`unchecked`). Each is named by its business id; `reauthorize` lists those only the business can
 * mend, by authorising the app again.
 */
import * as Schema from "effect/Schema"

export class BadTokens extends Schema.TaggedError<BadTokens>("@effect-waba/cli/BadTokens")("BadTokens", {
  total: Schema.Number,
  invalid: Schema.Array(Schema.String),
  unchecked: Schema.Array(Schema.String),
  reauthorize: Schema.Array(Schema.String)
}) {}
