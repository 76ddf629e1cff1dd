/**
 * Graph's usage headers, parsed.
 *
 * - `X-Business-Use-Case-Usage`: a JSON object keyed by business-object id; each value is an array of
 *   `{ type, call_count, total_cputime, total_time, estimated_time_to_regain_access }`. The three usage
 *   figures are percentages of the budget (throttled at 100); the regain time is in minutes.
 *   The keys are not always the id a request was about: for a request on `/{business-id}/...` Meta may
 *   key the usage by one or more WhatsApp Business Account ids instead, and one array may hold several
 *   `type`s (`whatsapp_business_management`, `whatsapp`, ...), each its own budget.
 * - `X-App-Usage`: `{ call_count, total_cputime, total_time }`, percentages for the whole app.
 *
 * Meta sends them only once enough calls have been made, so an absent or malformed header means
 * "unknown", never zero and never a failure. The Schemas here describe the headers; reading them is the
 * shared rules' (`@effect-waba/graph-rules/usage`), which a test holds to these Schemas.
 *
 * @since 0.1.0
 */
import * as Usage from "@effect-waba/graph-rules/usage"
import * as Duration from "effect/Duration"
import * as Schema from "effect/Schema"

// Meta documents numbers; tolerate numeric strings too rather than losing the whole header.
const Figure = Schema.Union(Schema.Number, Schema.NumberFromString)

// `null` reads as absent, as everywhere else Graph may send it.
const optionalFigure = (key: string) =>
  Schema.optionalWith(Figure, { exact: true, nullable: true }).pipe(Schema.fromKey(key))

const usageFigures = {
  callCount: optionalFigure("call_count"),
  totalCputime: optionalFigure("total_cputime"),
  totalTime: optionalFigure("total_time")
}

/**
 * One entry of a business's array in `X-Business-Use-Case-Usage`, as sent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BusinessUseCaseEntry = Schema.Struct({
  type: Schema.optionalWith(Schema.String, { exact: true, nullable: true }),
  ...usageFigures,
  /** Minutes until calls are accepted again; 0 or absent when not throttled. */
  estimatedTimeToRegainAccess: optionalFigure("estimated_time_to_regain_access")
})

/**
 * One entry of `X-Business-Use-Case-Usage`, with the business id it was keyed by.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BusinessUseCaseUsage = Schema.Struct({
  businessId: Schema.String,
  ...BusinessUseCaseEntry.fields
})

/**
 * @since 0.1.0
 * @category models
 */
export type BusinessUseCaseUsage = typeof BusinessUseCaseUsage.Type

/**
 * `X-App-Usage`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AppUsage = Schema.Struct(usageFigures)

/**
 * @since 0.1.0
 * @category models
 */
export type AppUsage = typeof AppUsage.Type

/**
 * Everything the usage headers of one response said. Both parts are absent when the headers were.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GraphUsage = Schema.Struct({
  businessUseCase: Schema.optional(Schema.Array(BusinessUseCaseUsage)),
  app: Schema.optional(AppUsage)
})

/**
 * @since 0.1.0
 * @category models
 */
export type GraphUsage = typeof GraphUsage.Type

/**
 * The usage of a response that carried no usage headers.
 *
 * @since 0.1.0
 * @category constants
 */
export const unknown: GraphUsage = {}

/**
 * Reads the usage headers from a header lookup (lower-case names). Never fails.
 *
 * @example
 * ```ts
 * import { GraphUsage } from "@effect-waba/graph-core"
 *
 * const usage = GraphUsage.fromHeaders({
 *   "x-business-use-case-usage": "{\"123\":[{\"type\":\"whatsapp_business_management\",\"call_count\":95}]}"
 * })
 * GraphUsage.highestPercentage(usage) // 95
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromHeaders: (headers: Readonly<Record<string, string | undefined>>) => GraphUsage = Usage.fromHeaders

/**
 * The entries that speak for a request counted against `key`: those keyed by `key`, or — when the header
 * names only other ids, as Meta does when it keys a business's calls by its WhatsApp Business Account
 * ids — every entry (all entries when no key is given).
 *
 * @example
 * ```ts
 * import { GraphUsage } from "@effect-waba/graph-core"
 *
 * // A request about business 111, answered with the usage of its WABA 222.
 * const usage = GraphUsage.fromHeaders({
 *   "x-business-use-case-usage": "{\"222\":[{\"type\":\"whatsapp_business_management\",\"call_count\":70}]}"
 * })
 * GraphUsage.forRequest(usage, "111").map((entry) => entry.businessId) // ["222"]
 * ```
 *
 * @since 0.1.0
 * @category getters
 */
export const forRequest: (usage: GraphUsage, key?: string) => ReadonlyArray<BusinessUseCaseUsage> = Usage.forRequest

/**
 * The highest of all usage percentages reported (business and app), if any was. With `key`, the business
 * entries are those that speak for a request counted against it ({@link forRequest}).
 *
 * @since 0.1.0
 * @category getters
 */
export const highestPercentage: (usage: GraphUsage, key?: string) => number | undefined = Usage.highestPercentage

/**
 * How long until Meta accepts calls again, from `estimated_time_to_regain_access` (minutes): the
 * longest across the entries that speak for a request counted against `key` ({@link forRequest}; every
 * entry without `key`), or `undefined` when none says to wait.
 *
 * @since 0.1.0
 * @category getters
 */
export const regainAccessIn = (usage: GraphUsage, key?: string): Duration.Duration | undefined => {
  const millis = Usage.regainAccessMillis(usage, key)
  return millis === undefined ? undefined : Duration.millis(millis)
}
