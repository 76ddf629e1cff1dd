/**
 * `waba sync` ended without reading every business: some reads failed (`partial`; those businesses kept
 * what the store had) or the run was stopped. `failures` holds each failed read's business, edge and error
 * tag, never a token.
 */
import * as Schema from "effect/Schema"

export class SyncIncomplete extends Schema.TaggedError<SyncIncomplete>("@effect-waba/cli/SyncIncomplete")(
  "SyncIncomplete",
  {
    runId: Schema.Number,
    status: Schema.String,
    businesses: Schema.Number,
    failures: Schema.Array(Schema.Struct({
      businessId: Schema.String,
      edge: Schema.String,
      errorTag: Schema.String,
      message: Schema.String
    }))
  }
) {}
