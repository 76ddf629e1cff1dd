/**
 * One typed error per kind of Graph failure, as in the Effect 3 line: the kind comes from Graph's code,
 * subcode and transience (never the HTTP status), and every error keeps the route, the usage Graph reported
 * and how many attempts were made — never a token, a secret or a URL's query.
 *
 * @since 1.0.0
 */
import * as Errors from "@effect-waba/graph-rules/errors"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as GraphUsage from "./GraphUsage.js"

/**
 * The mark every Graph error carries.
 *
 * @since 1.0.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-waba/graph-core/GraphError")

// What every error that came with a Graph error body carries.
const responseFields = {
  code: Schema.Number,
  subcode: Schema.optional(Schema.Number),
  message: Schema.String,
  type: Schema.optional(Schema.String),
  fbtraceId: Schema.optional(Schema.String),
  userTitle: Schema.optional(Schema.String),
  userMessage: Schema.optional(Schema.String),
  isTransient: Schema.Boolean,
  errorData: Schema.optional(Schema.Unknown),
  httpStatus: Schema.Number,
  route: Schema.String,
  usage: GraphUsage.GraphUsage,
  retryAfter: Schema.optional(Schema.Duration),
  attempts: Schema.Number,
  businessId: Schema.optional(Schema.String)
}

/**
 * Graph throttled the call (codes 4, 17, 32, 341, 613, 80000–80014: 80008 for these edges).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphRateLimitError
  extends Schema.TaggedError<GraphRateLimitError>()("GraphRateLimitError", responseFields)
{
  readonly [TypeId] = TypeId
}

/**
 * The token was refused (codes 0, 102, 190). `reauthorize` says whether only the business can fix it.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphAuthError extends Schema.TaggedError<GraphAuthError>()("GraphAuthError", responseFields) {
  readonly [TypeId] = TypeId
  /** Whether the business must authorise the app again (code 190, subcode 458, 460, 463 or 467). */
  get reauthorize(): boolean {
    return Errors.needsReauthorization(this.code, this.subcode)
  }
}

/**
 * The token lacks a permission (codes 3, 10, 200–299).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphPermissionError
  extends Schema.TaggedError<GraphPermissionError>()("GraphPermissionError", responseFields)
{
  readonly [TypeId] = TypeId
}

/**
 * The `appsecret_proof` was missing or wrong (code 104).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphSignatureError
  extends Schema.TaggedError<GraphSignatureError>()("GraphSignatureError", responseFields)
{
  readonly [TypeId] = TypeId
}

/**
 * A policy block (code 368).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphPolicyError extends Schema.TaggedError<GraphPolicyError>()("GraphPolicyError", responseFields) {
  readonly [TypeId] = TypeId
}

/**
 * The node does not exist or cannot be seen (code 803, or 100 with subcode 33).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphNotFoundError extends Schema.TaggedError<GraphNotFoundError>()("GraphNotFoundError", responseFields) {
  readonly [TypeId] = TypeId
}

/**
 * A parameter Graph refused (code 100).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphInvalidParameterError
  extends Schema.TaggedError<GraphInvalidParameterError>()("GraphInvalidParameterError", responseFields)
{
  readonly [TypeId] = TypeId
}

/**
 * A failure Graph says may pass (codes 1, 2, or `is_transient`).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphTransientError
  extends Schema.TaggedError<GraphTransientError>()("GraphTransientError", responseFields)
{
  readonly [TypeId] = TypeId
}

/**
 * Any other error body, with or without a code.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphApiError extends Schema.TaggedError<GraphApiError>()("GraphApiError", {
  ...responseFields,
  code: Schema.optional(Schema.Number)
}) {
  readonly [TypeId] = TypeId
}

/**
 * Why a request failed below Graph's error bodies.
 *
 * @since 1.0.0
 * @category models
 */
export const TransportReason = Schema.Literals([
  "Network",
  "Timeout",
  "InvalidBody",
  "UnexpectedStatus",
  "TooLarge",
  "Redirect"
])

/**
 * @since 1.0.0
 * @category models
 */
export type TransportReason = typeof TransportReason.Type

/**
 * The request did not get a Graph answer: the network, a timeout, a redirect (never followed), a body too
 * large or not JSON, a status without an error body.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphTransportError extends Schema.TaggedError<GraphTransportError>()("GraphTransportError", {
  reason: TransportReason,
  message: Schema.String,
  retryable: Schema.Boolean,
  route: Schema.String,
  httpStatus: Schema.optional(Schema.Number),
  usage: Schema.optional(GraphUsage.GraphUsage),
  retryAfter: Schema.optional(Schema.Duration),
  attempts: Schema.Number,
  businessId: Schema.optional(Schema.String)
}) {
  readonly [TypeId] = TypeId
}

/**
 * The answer did not match the Schema it was read with.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphDecodeError extends Schema.TaggedError<GraphDecodeError>()("GraphDecodeError", {
  message: Schema.String,
  route: Schema.String,
  httpStatus: Schema.Number,
  fbtraceId: Schema.optional(Schema.String),
  attempts: Schema.Number,
  businessId: Schema.optional(Schema.String)
}) {
  readonly [TypeId] = TypeId
}

/**
 * Paging went wrong: a cursor that comes back (a cycle), or a `next` link without a cursor to follow.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphPagingError extends Schema.TaggedError<GraphPagingError>()("GraphPagingError", {
  reason: Schema.Literals(["CursorCycle", "MissingCursor"]),
  message: Schema.String,
  route: Schema.String,
  page: Schema.Number,
  cycleLength: Schema.optional(Schema.Number)
}) {
  readonly [TypeId] = TypeId
}

/**
 * The errors with a Graph error body.
 *
 * @since 1.0.0
 * @category models
 */
export type GraphResponseError =
  | GraphRateLimitError
  | GraphAuthError
  | GraphPermissionError
  | GraphSignatureError
  | GraphPolicyError
  | GraphNotFoundError
  | GraphInvalidParameterError
  | GraphTransientError
  | GraphApiError

/**
 * Every Graph failure.
 *
 * @since 1.0.0
 * @category models
 */
export type GraphError = GraphResponseError | GraphTransportError | GraphDecodeError | GraphPagingError

/**
 * Whether a value is one of the Graph errors.
 *
 * @since 1.0.0
 * @category guards
 */
export const isGraphError = (u: unknown): u is GraphError => Predicate.hasProperty(u, TypeId)

/** The class of each kind an error body can have. @internal */
export const responseClasses = {
  GraphRateLimitError,
  GraphAuthError,
  GraphPermissionError,
  GraphSignatureError,
  GraphPolicyError,
  GraphNotFoundError,
  GraphInvalidParameterError,
  GraphTransientError,
  GraphApiError
} as const
