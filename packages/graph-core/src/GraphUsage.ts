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
 * "unknown", never zero and never a failure.
 *
 * @since 0.1.0
 */
import * as Arr from "effect/Array"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { defined } from "./internal/defined.js"

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

const decodeAppHeader = Schema.decodeUnknownOption(Schema.parseJson(AppUsage))
const decodeBusinessEntry = Schema.decodeUnknownOption(BusinessUseCaseEntry)
// Entries are decoded one by one, so one malformed entry does not hide the others.
const decodeBusinessHeader = Schema.decodeUnknownOption(
  Schema.parseJson(Schema.Record({ key: Schema.String, value: Schema.Array(Schema.Unknown) }))
)

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
export const fromHeaders = (headers: Readonly<Record<string, string | undefined>>): GraphUsage => {
  const business = Option.fromNullable(headers["x-business-use-case-usage"]).pipe(
    Option.flatMap(decodeBusinessHeader),
    Option.map((record) =>
      Object.entries(record).flatMap(([businessId, list]) =>
        Arr.filterMap(list, (item) => Option.map(decodeBusinessEntry(item), (entry) => ({ businessId, ...entry })))
      )
    )
  )
  const app = Option.flatMap(Option.fromNullable(headers["x-app-usage"]), decodeAppHeader)
  return defined({ businessUseCase: Option.getOrUndefined(business), app: Option.getOrUndefined(app) })
}

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
export const forRequest = (usage: GraphUsage, key?: string): ReadonlyArray<BusinessUseCaseUsage> => {
  const all = usage.businessUseCase ?? []
  if (key === undefined) return all
  const own = all.filter((entry) => entry.businessId === key)
  return own.length > 0 ? own : all
}

const percentage = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value) && value >= 0

/**
 * The highest of all usage percentages reported (business and app), if any was. With `key`, the business
 * entries are those that speak for a request counted against it ({@link forRequest}).
 *
 * @since 0.1.0
 * @category getters
 */
export const highestPercentage = (usage: GraphUsage, key?: string): number | undefined => {
  const figures = [...forRequest(usage, key), ...(usage.app === undefined ? [] : [usage.app])]
    .flatMap((entry) => [entry.callCount, entry.totalCputime, entry.totalTime])
    .filter(percentage)
  return figures.length === 0 ? undefined : Math.max(...figures)
}

/**
 * How long until Meta accepts calls again, from `estimated_time_to_regain_access` (minutes): the
 * longest across the entries that speak for a request counted against `key` ({@link forRequest}; every
 * entry without `key`), or `undefined` when none says to wait.
 *
 * @since 0.1.0
 * @category getters
 */
export const regainAccessIn = (usage: GraphUsage, key?: string): Duration.Duration | undefined => {
  const minutes = Math.max(
    0,
    ...forRequest(usage, key).map((entry) => entry.estimatedTimeToRegainAccess).filter(percentage)
  )
  return minutes > 0 ? Duration.minutes(minutes) : undefined
}
