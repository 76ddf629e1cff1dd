/**
 * What Graph's usage headers said (`X-Business-Use-Case-Usage`, `X-App-Usage`): percentages of a budget,
 * read by the rules both lines share (`@effect-waba/graph-rules/usage`) and kept on every answer and error.
 *
 * @since 1.0.0
 */
import * as Usage from "@effect-waba/graph-rules/usage"
import * as Schema from "effect/Schema"

const figures = {
  callCount: Schema.optionalKey(Schema.Number),
  totalCputime: Schema.optionalKey(Schema.Number),
  totalTime: Schema.optionalKey(Schema.Number)
}

/**
 * The usage one response reported: per business (and use-case type), and for the app.
 *
 * @since 1.0.0
 * @category models
 */
export const GraphUsage = Schema.Struct({
  businessUseCase: Schema.optional(Schema.Array(Schema.Struct({
    businessId: Schema.String,
    type: Schema.optionalKey(Schema.String),
    estimatedTimeToRegainAccess: Schema.optionalKey(Schema.Number),
    ...figures
  }))),
  app: Schema.optional(Schema.Struct(figures))
})

/**
 * @since 1.0.0
 * @category models
 */
export type GraphUsage = typeof GraphUsage.Type

/**
 * Reads the usage headers of a response (lower-case names). Never fails: what cannot be read is left out.
 *
 * @since 1.0.0
 * @category constructors
 */
export const fromHeaders: (headers: Readonly<Record<string, string | undefined>>) => GraphUsage = Usage.fromHeaders

/**
 * The highest usage percentage reported for a request counted against `key` (a business id), if any.
 *
 * @since 1.0.0
 * @category getters
 */
export const highestPercentage: (usage: GraphUsage, key?: string) => number | undefined = Usage.highestPercentage
