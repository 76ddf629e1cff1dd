/**
 * One typed error per kind of Graph failure.
 *
 * The kind is decided by Graph's `code`, `error_subcode` and `is_transient`, never by the HTTP status:
 * Graph sends most errors as 400, throttling as 400 or 429, and can even put an error in a 200 body.
 *
 * | `_tag` | codes |
 * | --- | --- |
 * | `GraphRateLimitError` | 4, 17, 32, 341, 613, 80000–80014 (80008: this edge's business-use-case limit) |
 * | `GraphAuthError` | 102, 190 (every subcode) |
 * | `GraphPermissionError` | 10, 200–299 |
 * | `GraphSignatureError` | 104 |
 * | `GraphPolicyError` | 368 |
 * | `GraphInvalidParameterError` | 100 |
 * | `GraphTransientError` | 1, 2, or `is_transient: true` with a code not classed above |
 * | `GraphApiError` | any other code |
 * | `GraphTransportError` | no usable answer: network failure, timeout, non-JSON or truncated body |
 * | `GraphDecodeError` | a well-formed answer that does not match the expected schema |
 *
 * No error holds the access token, the app secret or `appsecret_proof`.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as GraphUsage from "./GraphUsage.js"

/**
 * The `error` object of Graph's error envelope. `error_data` arrives as an object or as a JSON string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorBody = Schema.Struct({
  message: Schema.optional(Schema.String),
  type: Schema.optional(Schema.String),
  code: Schema.optional(Schema.Union(Schema.Int, Schema.NumberFromString)),
  error_subcode: Schema.optional(Schema.Union(Schema.Int, Schema.NumberFromString)),
  error_user_title: Schema.optional(Schema.String),
  error_user_msg: Schema.optional(Schema.String),
  fbtrace_id: Schema.optional(Schema.String),
  is_transient: Schema.optional(Schema.Boolean),
  error_data: Schema.optional(Schema.Unknown)
})

/**
 * @since 0.1.0
 * @category models
 */
export type ErrorBody = typeof ErrorBody.Type

/**
 * `{ "error": { … } }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorEnvelope = Schema.Struct({ error: ErrorBody })

/**
 * What every error that came with a Graph error body carries.
 *
 * @since 0.1.0
 * @category schemas
 */
export const GraphErrorFields = {
  /** Graph's error code. */
  code: Schema.Number,
  subcode: Schema.optional(Schema.Number),
  /** Graph's message, with any secret scrubbed out. */
  message: Schema.String,
  /** Usually `OAuthException` or `GraphMethodException`. */
  type: Schema.optional(Schema.String),
  /** Quote this when asking Meta for help. */
  fbtraceId: Schema.optional(Schema.String),
  userTitle: Schema.optional(Schema.String),
  userMessage: Schema.optional(Schema.String),
  isTransient: Schema.Boolean,
  /** `error_data`, parsed when it was a JSON string. */
  errorData: Schema.optional(Schema.Unknown),
  httpStatus: Schema.Number,
  /** The route template, e.g. `/{business-id}/owned_whatsapp_business_accounts`. */
  route: Schema.String,
  usage: GraphUsage.GraphUsage,
  /** The wait the server asked for before trying again, when it said. */
  retryAfterMillis: Schema.optional(Schema.Number),
  /** Attempts made before giving up, retries included. */
  attempts: Schema.Number,
  /**
   * Set when the error ended a paged read: the cursor to pass as `after` to resume exactly where the
   * read stopped, with nothing lost or repeated. Absent when the read should restart from its beginning.
   */
  resumeAfter: Schema.optional(Schema.String)
}

/**
 * Throttled: code 4, 17, 32, 341, 613 or 80000–80014. Retried after the hinted wait.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphRateLimitError extends Schema.TaggedError<GraphRateLimitError>(
  "@effect-waba/graph-core/GraphRateLimitError"
)("GraphRateLimitError", GraphErrorFields) {}

/**
 * The token is invalid, expired or revoked (102, 190 and its subcodes): get a new token.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphAuthError extends Schema.TaggedError<GraphAuthError>("@effect-waba/graph-core/GraphAuthError")(
  "GraphAuthError",
  GraphErrorFields
) {}

/**
 * The token lacks a permission or access to the object (10, 200–299).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphPermissionError extends Schema.TaggedError<GraphPermissionError>(
  "@effect-waba/graph-core/GraphPermissionError"
)("GraphPermissionError", GraphErrorFields) {}

/**
 * Incorrect signature (104).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphSignatureError extends Schema.TaggedError<GraphSignatureError>(
  "@effect-waba/graph-core/GraphSignatureError"
)("GraphSignatureError", GraphErrorFields) {}

/**
 * The call was deemed abusive or otherwise disallowed (368). Not retried: repeating it quickly makes it worse.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphPolicyError extends Schema.TaggedError<GraphPolicyError>("@effect-waba/graph-core/GraphPolicyError")(
  "GraphPolicyError",
  GraphErrorFields
) {}

/**
 * Invalid parameter (100): a bad field, filter or cursor, an unknown object, or an `appsecret_proof` problem.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphInvalidParameterError extends Schema.TaggedError<GraphInvalidParameterError>(
  "@effect-waba/graph-core/GraphInvalidParameterError"
)("GraphInvalidParameterError", GraphErrorFields) {}

/**
 * A temporary Graph failure (1, 2, or `is_transient: true`). Retried soon.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphTransientError extends Schema.TaggedError<GraphTransientError>(
  "@effect-waba/graph-core/GraphTransientError"
)("GraphTransientError", GraphErrorFields) {}

/**
 * Any other Graph error code.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphApiError extends Schema.TaggedError<GraphApiError>("@effect-waba/graph-core/GraphApiError")(
  "GraphApiError",
  GraphErrorFields
) {}

/**
 * Why no usable answer arrived.
 *
 * - `Network`: the connection failed or was reset (including mid-body).
 * - `Timeout`: the attempt took longer than the configured timeout.
 * - `InvalidBody`: a success status whose body was not JSON, or was cut short.
 * - `UnexpectedStatus`: an error status without a Graph error body (an empty 503, a proxy's 502 page).
 *
 * @since 0.1.0
 * @category models
 */
export const TransportReason = Schema.Literal("Network", "Timeout", "InvalidBody", "UnexpectedStatus")

/**
 * @since 0.1.0
 * @category models
 */
export type TransportReason = typeof TransportReason.Type

/**
 * No usable answer arrived. Retried when another attempt could help (`retryable`).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphTransportError extends Schema.TaggedError<GraphTransportError>(
  "@effect-waba/graph-core/GraphTransportError"
)("GraphTransportError", {
  reason: TransportReason,
  message: Schema.String,
  retryable: Schema.Boolean,
  route: Schema.String,
  httpStatus: Schema.optional(Schema.Number),
  usage: Schema.optional(GraphUsage.GraphUsage),
  retryAfterMillis: Schema.optional(Schema.Number),
  attempts: Schema.Number,
  resumeAfter: Schema.optional(Schema.String)
}) {}

/**
 * The answer was well-formed JSON but not the shape the caller's schema expects.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphDecodeError extends Schema.TaggedError<GraphDecodeError>("@effect-waba/graph-core/GraphDecodeError")(
  "GraphDecodeError",
  {
    message: Schema.String,
    route: Schema.String,
    httpStatus: Schema.Number,
    fbtraceId: Schema.optional(Schema.String),
    attempts: Schema.Number,
    resumeAfter: Schema.optional(Schema.String)
  }
) {}

/**
 * Every error a Graph request can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type GraphError =
  | GraphRateLimitError
  | GraphAuthError
  | GraphPermissionError
  | GraphSignatureError
  | GraphPolicyError
  | GraphInvalidParameterError
  | GraphTransientError
  | GraphApiError
  | GraphTransportError
  | GraphDecodeError

/**
 * The errors that carry a Graph error body.
 *
 * @since 0.1.0
 * @category models
 */
export type GraphResponseError = Exclude<GraphError, GraphTransportError | GraphDecodeError>

const tags: ReadonlySet<string> = new Set([
  "GraphRateLimitError",
  "GraphAuthError",
  "GraphPermissionError",
  "GraphSignatureError",
  "GraphPolicyError",
  "GraphInvalidParameterError",
  "GraphTransientError",
  "GraphApiError",
  "GraphTransportError",
  "GraphDecodeError",
  // Raised by paged reads (GraphPaging) when a server's paging cannot be followed.
  "GraphPagingError"
])

/**
 * @since 0.1.0
 * @category predicates
 */
export const isGraphError = (u: unknown): u is GraphError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && tags.has(u._tag)

const rateLimitCodes: ReadonlySet<number> = new Set([4, 17, 32, 341, 613])

/**
 * The `_tag` Graph's codes call for.
 *
 * @since 0.1.0
 * @category classification
 */
export const classify = (
  code: number,
  isTransient: boolean
): GraphResponseError["_tag"] => {
  if (rateLimitCodes.has(code) || (code >= 80000 && code <= 80014)) return "GraphRateLimitError"
  if (code === 102 || code === 190) return "GraphAuthError"
  if (code === 10 || (code >= 200 && code <= 299)) return "GraphPermissionError"
  if (code === 104) return "GraphSignatureError"
  if (code === 368) return "GraphPolicyError"
  if (code === 100) return "GraphInvalidParameterError"
  if (code === 1 || code === 2 || isTransient) return "GraphTransientError"
  return "GraphApiError"
}

const constructors = {
  GraphRateLimitError,
  GraphAuthError,
  GraphPermissionError,
  GraphSignatureError,
  GraphPolicyError,
  GraphInvalidParameterError,
  GraphTransientError,
  GraphApiError
} as const

const decodeErrorData = (data: unknown): unknown => {
  if (typeof data !== "string") return data
  const parsed = Either.try(() => JSON.parse(data) as unknown)
  return Either.isRight(parsed) ? parsed.right : data
}

/**
 * The context a response error is built in.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResponseContext {
  readonly httpStatus: number
  readonly route: string
  readonly usage: GraphUsage.GraphUsage
  /** From `Retry-After`, for any error. */
  readonly retryAfterMillis?: number | undefined
  /** From `estimated_time_to_regain_access`; applies to rate-limit errors only. */
  readonly regainAccessMillis?: number | undefined
  readonly attempts: number
  /** Removes secrets from text the server sent back. */
  readonly scrub: (text: string) => string
  /** The trace id from the response headers, used when the body has none. */
  readonly fbtraceId?: string | undefined
}

/**
 * Builds the typed error for a Graph error body.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromErrorBody = (body: ErrorBody, context: ResponseContext): GraphResponseError => {
  const code = body.code ?? -1
  const isTransient = body.is_transient === true
  const tag = classify(code, isTransient)
  const Constructor = constructors[tag]
  const retryAfterMillis = tag === "GraphRateLimitError" && context.regainAccessMillis !== undefined
    ? Math.max(context.regainAccessMillis, context.retryAfterMillis ?? 0)
    : context.retryAfterMillis
  const fbtraceId = body.fbtrace_id ?? context.fbtraceId
  return new Constructor({
    code,
    ...(body.error_subcode !== undefined ? { subcode: body.error_subcode } : {}),
    message: context.scrub(body.message ?? `Graph error ${code} (no message given)`),
    ...(body.type !== undefined ? { type: body.type } : {}),
    ...(fbtraceId !== undefined ? { fbtraceId } : {}),
    ...(body.error_user_title !== undefined ? { userTitle: context.scrub(body.error_user_title) } : {}),
    ...(body.error_user_msg !== undefined ? { userMessage: context.scrub(body.error_user_msg) } : {}),
    isTransient,
    ...(body.error_data !== undefined ? { errorData: decodeErrorData(body.error_data) } : {}),
    httpStatus: context.httpStatus,
    route: context.route,
    usage: context.usage,
    ...(retryAfterMillis !== undefined ? { retryAfterMillis } : {}),
    attempts: context.attempts
  })
}

/**
 * The same error, saying where a paged read can resume (see `resumeAfter`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const withResumeAfter = <E extends GraphError>(error: E, resumeAfter: string | undefined): E => {
  // Schema classes validate on construction, so copy the declared fields (not the instance, whose
  // `message` is not enumerable) and build a new one of the same class.
  const Constructor = error.constructor as unknown as {
    readonly fields: Record<string, unknown>
    new(props: Record<string, unknown>): E
  }
  const props: Record<string, unknown> = {}
  for (const key of Object.keys(Constructor.fields)) {
    const value = (error as unknown as Record<string, unknown>)[key]
    if (key !== "_tag" && key !== "resumeAfter" && value !== undefined) props[key] = value
  }
  if (resumeAfter !== undefined) props.resumeAfter = resumeAfter
  return new Constructor(props)
}
