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

// A `Schema.TaggedError` class with the family's mark on its prototype.
const member =
  <Self>() => <const Tag extends string, const Fields extends Schema.Struct.Fields>(tag: Tag, fields: Fields) => {
    const Class = Schema.TaggedError<Self>()(tag, fields)
    Object.defineProperty((Class as unknown as { readonly prototype: object }).prototype, TypeId, { value: TypeId })
    return Class
  }

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
export class GraphRateLimitError extends member<GraphRateLimitError>()("GraphRateLimitError", responseFields) {}

/**
 * The token was refused (codes 0, 102, 190). `reauthorize` says whether only the business can fix it.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphAuthError extends member<GraphAuthError>()("GraphAuthError", responseFields) {
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
export class GraphPermissionError extends member<GraphPermissionError>()("GraphPermissionError", responseFields) {}

/**
 * The `appsecret_proof` was missing or wrong (code 104).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphSignatureError extends member<GraphSignatureError>()("GraphSignatureError", responseFields) {}

/**
 * A policy block (code 368).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphPolicyError extends member<GraphPolicyError>()("GraphPolicyError", responseFields) {}

/**
 * The node does not exist or cannot be seen (code 803, or 100 with subcode 33).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphNotFoundError extends member<GraphNotFoundError>()("GraphNotFoundError", responseFields) {}

/**
 * A parameter Graph refused (code 100).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphInvalidParameterError
  extends member<GraphInvalidParameterError>()("GraphInvalidParameterError", responseFields)
{}

/**
 * A failure Graph says may pass (codes 1, 2, or `is_transient`).
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphTransientError extends member<GraphTransientError>()("GraphTransientError", responseFields) {}

/**
 * Any other error body, with or without a code.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphApiError extends member<GraphApiError>()("GraphApiError", {
  ...responseFields,
  code: Schema.optional(Schema.Number)
}) {}

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
export class GraphTransportError extends member<GraphTransportError>()("GraphTransportError", {
  reason: TransportReason,
  message: Schema.String,
  retryable: Schema.Boolean,
  route: Schema.String,
  httpStatus: Schema.optional(Schema.Number),
  usage: Schema.optional(GraphUsage.GraphUsage),
  retryAfter: Schema.optional(Schema.Duration),
  attempts: Schema.Number,
  businessId: Schema.optional(Schema.String)
}) {}

/**
 * The answer did not match the Schema it was read with.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphDecodeError extends member<GraphDecodeError>()("GraphDecodeError", {
  message: Schema.String,
  route: Schema.String,
  httpStatus: Schema.Number,
  fbtraceId: Schema.optional(Schema.String),
  attempts: Schema.Number,
  businessId: Schema.optional(Schema.String)
}) {}

/**
 * Paging went wrong: a cursor that comes back (a cycle), or a `next` link without a cursor to follow.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphPagingError extends member<GraphPagingError>()("GraphPagingError", {
  reason: Schema.Literals(["CursorCycle", "MissingCursor"]),
  message: Schema.String,
  route: Schema.String,
  page: Schema.Number,
  cycleLength: Schema.optional(Schema.Number)
}) {}

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
