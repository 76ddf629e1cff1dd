/**
 * The usage headers Graph sends so that clients can slow down before they are throttled, as schemas.
 *
 * - `X-Business-Use-Case-Usage`: a JSON object keyed by business id; each value is an array of usage
 *   records (one per use-case type; here always `whatsapp_business_management`).
 * - `X-App-Usage`: the app-level budget.
 *
 * The usage numbers are percentages of the budget (throttled at 100); `estimated_time_to_regain_access`
 * is in minutes, 0 while not throttled.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.1.0
 * @category schemas
 */
export const BusinessUseCaseUsageEntry = Schema.Struct({
  type: Schema.String,
  call_count: Schema.Number,
  total_cputime: Schema.Number,
  total_time: Schema.Number,
  estimated_time_to_regain_access: Schema.Number
})

/**
 * The decoded `X-Business-Use-Case-Usage` header.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BusinessUseCaseUsage = Schema.Record({
  key: Schema.String,
  value: Schema.Array(BusinessUseCaseUsageEntry)
})

/**
 * @since 0.1.0
 * @category models
 */
export type BusinessUseCaseUsage = typeof BusinessUseCaseUsage.Type

/**
 * The decoded `X-App-Usage` header.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AppUsage = Schema.Struct({
  call_count: Schema.Number,
  total_cputime: Schema.Number,
  total_time: Schema.Number
})

/**
 * @since 0.1.0
 * @category models
 */
export type AppUsage = typeof AppUsage.Type

/**
 * The use-case type this edge is billed to.
 *
 * @since 0.1.0
 * @category constants
 */
export const useCaseType = "whatsapp_business_management"

/**
 * Parses a `X-Business-Use-Case-Usage` header value (for tests and tools; throws on a malformed value).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeBusinessUseCaseUsage: (header: string) => BusinessUseCaseUsage = Schema.decodeUnknownSync(
  Schema.parseJson(BusinessUseCaseUsage)
)

/**
 * Parses a `X-App-Usage` header value (throws on a malformed value).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeAppUsage: (header: string) => AppUsage = Schema.decodeUnknownSync(Schema.parseJson(AppUsage))
