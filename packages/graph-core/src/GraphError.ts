/**
 * One typed error per kind of Graph failure.
 *
 * The kind is decided by Graph's `code`, `error_subcode` and `is_transient`, never by the HTTP status:
 * Graph sends most errors as 400, throttling as 400 or 429, and can even put an error in a 200 body.
 *
 * | `_tag` | codes |
 * | --- | --- |
 * | `GraphRateLimitError` | 4, 17, 32, 341, 613, 80000–80014 (80008: this edge's business-use-case limit) |
 * | `GraphAuthError` | 0 (`AuthException`), 102, 190 (every subcode) |
 * | `GraphPermissionError` | 3 (capability), 10, 200–299 |
 * | `GraphSignatureError` | 104 |
 * | `GraphPolicyError` | 368 |
 * | `GraphNotFoundError` | 100 with subcode 33 (no such object, or not visible to the token), 803 |
 * | `GraphInvalidParameterError` | 100 (any other subcode) |
 * | `GraphTransientError` | 1, 2, or `is_transient: true` with a code not classed above |
 * | `GraphApiError` | any other code, or an error body without a code (then `code` is absent) |
 * | `GraphTransportError` | no usable answer: network failure, timeout, non-JSON, truncated or oversized body |
 * | `GraphDecodeError` | a well-formed answer that does not match the expected schema |
 *
 * Every member carries {@link TypeId}, so {@link isGraphError} recognises the family without relying on
 * tags. Optional data is absent when Graph did not send it (never `-1` or `""`), and waits are
 * `Duration`s. No error holds the access token, the app secret or `appsecret_proof`: every string the
 * server sent is scrubbed of them by value before it is stored.
 *
 * A request the client refuses to send is not a Graph error: bad input fails with
 * `InvalidRequestError`, and a rate-governor hold longer than the caller accepts with
 * `RateGovernor.HoldTooLongError`.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import type * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as GraphUsage from "./GraphUsage.js"

/**
 * The mark every member of the family carries.
 *
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-waba/graph-core/GraphError")

/**
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

// Graph sends `null` for fields it has nothing for: read it as absent.
const optionalNullable = <S extends Schema.Schema.All>(schema: S) => Schema.optionalWith(schema, { nullable: true })

const Code = Schema.Union(Schema.Int, Schema.NumberFromString)

/**
 * The `error` object of Graph's error envelope. `error_data` arrives as an object or as a JSON string;
 * any field may be `null`, which reads as absent.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ErrorBody = Schema.Struct({
  message: optionalNullable(Schema.String),
  type: optionalNullable(Schema.String),
  code: optionalNullable(Code),
  error_subcode: optionalNullable(Code),
  error_user_title: optionalNullable(Schema.String),
  error_user_msg: optionalNullable(Schema.String),
  fbtrace_id: optionalNullable(Schema.String),
  is_transient: optionalNullable(Schema.Boolean),
  error_data: optionalNullable(Schema.Unknown)
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
  /**
   * `error_data`, parsed when it was a JSON string, with secrets scrubbed out of every string in it.
   * Data nested deeper than 32 levels or larger than 16 KB is replaced by a short note.
   */
  errorData: Schema.optional(Schema.Unknown),
  httpStatus: Schema.Number,
  /** The route template, e.g. `/{business-id}/owned_whatsapp_business_accounts`. */
  route: Schema.String,
  usage: GraphUsage.GraphUsage,
  /**
   * The wait the server asked for before trying again, when it said (`Retry-After`, or for a rate
   * limit `estimated_time_to_regain_access`).
   */
  retryAfter: Schema.optional(Schema.DurationFromSelf),
  /** Attempts made before giving up, retries included. */
  attempts: Schema.Number
}

/**
 * Throttled: code 4, 17, 32, 341, 613 or 80000–80014. Retried after the hinted wait.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphRateLimitError extends Schema.TaggedError<GraphRateLimitError>(
  "@effect-waba/graph-core/GraphRateLimitError"
)("GraphRateLimitError", GraphErrorFields) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The token is invalid, expired or revoked (0 `AuthException`, 102, 190 and its subcodes): get a new token.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphAuthError extends Schema.TaggedError<GraphAuthError>("@effect-waba/graph-core/GraphAuthError")(
  "GraphAuthError",
  GraphErrorFields
) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The token or the app lacks a permission, a capability or access to the object (3, 10, 200–299).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphPermissionError extends Schema.TaggedError<GraphPermissionError>(
  "@effect-waba/graph-core/GraphPermissionError"
)("GraphPermissionError", GraphErrorFields) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * Incorrect signature (104).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphSignatureError extends Schema.TaggedError<GraphSignatureError>(
  "@effect-waba/graph-core/GraphSignatureError"
)("GraphSignatureError", GraphErrorFields) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The call was deemed abusive or otherwise disallowed (368). Not retried: repeating it quickly makes it worse.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphPolicyError extends Schema.TaggedError<GraphPolicyError>("@effect-waba/graph-core/GraphPolicyError")(
  "GraphPolicyError",
  GraphErrorFields
) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The object does not exist, or the token cannot see it: code 100 with subcode 33 ("Unsupported get
 * request. Object with ID '…' does not exist, cannot be loaded due to missing permissions, or does not
 * support this operation"), or code 803 as Meta's spec shows for an unknown business. Graph does not
 * tell the two causes apart. Not retried.
 *
 * @since 0.2.0
 * @category errors
 */
export class GraphNotFoundError extends Schema.TaggedError<GraphNotFoundError>(
  "@effect-waba/graph-core/GraphNotFoundError"
)("GraphNotFoundError", GraphErrorFields) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * Invalid parameter (100): a bad field, filter or cursor, or an `appsecret_proof` problem. An unknown
 * object (100 with subcode 33) is a {@link GraphNotFoundError} instead.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphInvalidParameterError extends Schema.TaggedError<GraphInvalidParameterError>(
  "@effect-waba/graph-core/GraphInvalidParameterError"
)("GraphInvalidParameterError", GraphErrorFields) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * A temporary Graph failure (1, 2, or `is_transient: true`). Retried soon.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphTransientError extends Schema.TaggedError<GraphTransientError>(
  "@effect-waba/graph-core/GraphTransientError"
)("GraphTransientError", GraphErrorFields) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * Any other Graph error code. `code` is absent when the error body had none (or could not be read);
 * such an error is retried only when Graph marked it `is_transient`.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphApiError extends Schema.TaggedError<GraphApiError>("@effect-waba/graph-core/GraphApiError")(
  "GraphApiError",
  { ...GraphErrorFields, code: Schema.optional(Schema.Number) }
) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * Why no usable answer arrived.
 *
 * - `Network`: the connection failed or was reset (including mid-body).
 * - `Timeout`: the attempt took longer than the configured timeout.
 * - `InvalidBody`: a success status whose body was not JSON, or was cut short.
 * - `UnexpectedStatus`: an error status without a Graph error body (an empty 503, a proxy's 502 page).
 * - `TooLarge`: the body (counted after decompression) passed `maxResponseBytes`; reading stopped there.
 *
 * @since 0.1.0
 * @category models
 */
export const TransportReason = Schema.Literal("Network", "Timeout", "InvalidBody", "UnexpectedStatus", "TooLarge")

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
  retryAfter: Schema.optional(Schema.DurationFromSelf),
  attempts: Schema.Number
}) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

/**
 * The answer was well-formed JSON but not the shape the caller's schema expects. The message names at
 * most a few problems, each with its path, and never quotes more than a few dozen characters of the
 * data, so a hostile body cannot make it large.
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
    attempts: Schema.Number
  }
) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}

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
  | GraphNotFoundError
  | GraphInvalidParameterError
  | GraphTransientError
  | GraphApiError
  | GraphTransportError
  | GraphDecodeError
  | GraphPagingError

/**
 * The errors that carry a Graph error body.
 *
 * @since 0.1.0
 * @category models
 */
export type GraphResponseError = Exclude<GraphError, GraphTransportError | GraphDecodeError | GraphPagingError>

/**
 * Whether a value is a member of the family (by {@link TypeId}).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isGraphError = (u: unknown): u is GraphError => Predicate.hasProperty(u, TypeId)

/**
 * Whether a value is an error that came with a Graph error body (it has `code`, `fbtraceId`, …).
 *
 * @since 0.2.0
 * @category predicates
 */
export const isGraphResponseError = (u: unknown): u is GraphResponseError =>
  isGraphError(u) && u._tag !== "GraphTransportError" && u._tag !== "GraphDecodeError" && u._tag !== "GraphPagingError"

const rateLimitCodes: ReadonlySet<number> = new Set([4, 17, 32, 341, 613])

/**
 * The `_tag` Graph's code, transience and subcode call for. Without a code, the error is a
 * `GraphApiError`.
 *
 * @since 0.1.0
 * @category classification
 */
export const classify = (
  code: number | undefined,
  isTransient: boolean,
  subcode?: number | undefined
): GraphResponseError["_tag"] => {
  if (code === undefined) return "GraphApiError"
  if (rateLimitCodes.has(code) || (code >= 80000 && code <= 80014)) return "GraphRateLimitError"
  if (code === 0 || code === 102 || code === 190) return "GraphAuthError"
  if (code === 3 || code === 10 || (code >= 200 && code <= 299)) return "GraphPermissionError"
  if (code === 104) return "GraphSignatureError"
  if (code === 368) return "GraphPolicyError"
  if (code === 803 || (code === 100 && subcode === 33)) return "GraphNotFoundError"
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
  GraphNotFoundError,
  GraphInvalidParameterError,
  GraphTransientError,
  GraphApiError
} as const

const maxErrorDataDepth = 32
const maxErrorDataChars = 16_384

// Copies `error_data` with `scrub` applied to every string (keys included), within a depth and size
// budget; iterative, so that no nesting can overflow the stack. `undefined` when over budget.
const boundedCopy = (data: unknown, scrub: (text: string) => string): { value: unknown } | undefined => {
  let budget = maxErrorDataChars
  const copy = (value: unknown): unknown => {
    if (typeof value === "string") {
      budget -= value.length
      return scrub(value)
    }
    budget -= 8
    return value
  }
  const root: { value: unknown } = { value: undefined }
  const stack: Array<{ readonly source: unknown; readonly depth: number; readonly assign: (v: unknown) => void }> = [
    { source: data, depth: 0, assign: (v) => (root.value = v) }
  ]
  while (stack.length > 0) {
    const { assign, depth, source } = stack.pop()!
    if (budget < 0 || depth > maxErrorDataDepth) return undefined
    if (Array.isArray(source)) {
      const target: Array<unknown> = new Array(source.length)
      assign(target)
      budget -= source.length
      source.forEach((item, i) => stack.push({ source: item, depth: depth + 1, assign: (v) => (target[i] = v) }))
    } else if (typeof source === "object" && source !== null) {
      const target: Record<string, unknown> = {}
      assign(target)
      for (const [key, item] of Object.entries(source)) {
        budget -= key.length
        const safeKey = scrub(key)
        stack.push({ source: item, depth: depth + 1, assign: (v) => (target[safeKey] = v) })
      }
    } else {
      assign(copy(source))
    }
  }
  return budget < 0 ? undefined : root
}

const decodeErrorData = (data: unknown, scrub: (text: string) => string): unknown => {
  let value = data
  if (typeof data === "string") {
    if (data.length > maxErrorDataChars) return `<error_data omitted: ${data.length} characters>`
    const parsed = Either.try(() => JSON.parse(data) as unknown)
    if (Either.isRight(parsed)) value = parsed.right
  }
  const copied = boundedCopy(value, scrub)
  return copied === undefined
    ? `<error_data omitted: larger than ${maxErrorDataChars} characters or nested deeper than ${maxErrorDataDepth}>`
    : copied.value
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
  readonly retryAfter?: Duration.Duration | undefined
  /** From `estimated_time_to_regain_access`; applies to rate-limit errors only. */
  readonly regainAccess?: Duration.Duration | undefined
  readonly attempts: number
  /** Removes secrets from text the server sent back. */
  readonly scrub: (text: string) => string
  /** The trace id from the response headers, used when the body has none. */
  readonly fbtraceId?: string | undefined
}

const maxTextChars = 2_000

// Server text kept in an error: scrubbed, and cut short so that a hostile server cannot make errors huge.
const serverText = (text: string, scrub: (text: string) => string): string => {
  const clean = scrub(text)
  return clean.length <= maxTextChars ? clean : `${clean.slice(0, maxTextChars)}… (${clean.length} characters)`
}

/**
 * Builds the typed error for a Graph error body.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromErrorBody = (body: ErrorBody, context: ResponseContext): GraphResponseError => {
  const code = body.code
  const isTransient = body.is_transient === true
  const tag = classify(code, isTransient, body.error_subcode)
  const retryAfter = tag === "GraphRateLimitError" && context.regainAccess !== undefined
    ? Duration.max(context.regainAccess, context.retryAfter ?? Duration.zero)
    : context.retryAfter
  const fbtraceId = body.fbtrace_id ?? context.fbtraceId
  const scrub = context.scrub
  const fields = {
    ...(body.error_subcode !== undefined ? { subcode: body.error_subcode } : {}),
    message: serverText(
      body.message ?? (code === undefined ? "Graph sent an error without a code or message." : `Graph error ${code}.`),
      scrub
    ),
    ...(body.type !== undefined ? { type: serverText(body.type, scrub) } : {}),
    ...(fbtraceId !== undefined ? { fbtraceId: serverText(fbtraceId, scrub) } : {}),
    ...(body.error_user_title !== undefined ? { userTitle: serverText(body.error_user_title, scrub) } : {}),
    ...(body.error_user_msg !== undefined ? { userMessage: serverText(body.error_user_msg, scrub) } : {}),
    isTransient,
    ...(body.error_data !== undefined ? { errorData: decodeErrorData(body.error_data, scrub) } : {}),
    httpStatus: context.httpStatus,
    route: context.route,
    usage: context.usage,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    attempts: context.attempts
  }
  if (tag === "GraphApiError" || code === undefined) {
    return new GraphApiError({ ...fields, ...(code !== undefined ? { code } : {}) })
  }
  return new constructors[tag]({ ...fields, code })
}

const maxIssues = 3
const maxPreview = 40
const maxExpected = 80

const preview = (u: unknown): string => {
  if (u === null) return "null"
  if (Array.isArray(u)) return `an array of ${u.length}`
  switch (typeof u) {
    case "string":
      return u.length <= maxPreview
        ? JSON.stringify(u)
        : `${JSON.stringify(u.slice(0, maxPreview))}… (${u.length} characters)`
    case "number":
    case "boolean":
    case "bigint":
      return String(u)
    case "undefined":
      return "nothing"
    case "object":
      return "an object"
    default:
      return typeof u
  }
}

const clip = (text: string, max: number): string => text.length <= max ? text : `${text.slice(0, max)}…`

const pathText = (path: ReadonlyArray<PropertyKey>): string =>
  path.length === 0
    ? "the top level"
    : clip(path.map((key) => typeof key === "number" ? `[${key}]` : `.${String(key)}`).join("").replace(/^\./, ""), 80)

// The leaf issues of a parse error, depth first, with their paths: iterative, and stopping after a few,
// so that neither the nesting nor the size of the data can blow it up.
const leafIssues = (
  root: ParseResult.ParseIssue
): { readonly found: Array<string>; readonly more: boolean } => {
  const found: Array<string> = []
  const stack: Array<readonly [ParseResult.ParseIssue, ReadonlyArray<PropertyKey>]> = [[root, []]]
  let more = false
  while (stack.length > 0) {
    const [issue, path] = stack.pop()!
    if (found.length >= maxIssues) {
      more = true
      break
    }
    switch (issue._tag) {
      case "Pointer": {
        const keys = Array.isArray(issue.path) ? issue.path : [issue.path]
        stack.push([issue.issue, [...path, ...keys]])
        break
      }
      case "Composite": {
        const issues = Array.isArray(issue.issues) ? issue.issues : [issue.issues]
        for (let i = issues.length - 1; i >= 0; i--) stack.push([issues[i]!, path])
        break
      }
      case "Refinement":
      case "Transformation":
        stack.push([issue.issue, path])
        break
      case "Missing":
        found.push(`${pathText(path)} is missing`)
        break
      case "Unexpected":
        found.push(`${pathText(path)} is not expected`)
        break
      case "Forbidden":
        found.push(`${pathText(path)} could not be decoded here`)
        break
      case "Type":
        found.push(
          `${pathText(path)}: expected ${clip(String(issue.ast), maxExpected)}, got ${preview(issue.actual)}`
        )
        break
    }
  }
  return { found, more: more || stack.length > 0 }
}

/**
 * A short description of a parse error: at most three problems, each with its path, quoting at most a
 * few dozen characters of the data. Safe for any input, however deep or large.
 *
 * @since 0.2.0
 * @category formatting
 */
export const describeParseError = (error: ParseResult.ParseError): string => {
  const { found, more } = leafIssues(error.issue)
  if (found.length === 0) return "the data did not match the schema"
  return `${found.join("; ")}${more ? "; and more" : ""}`
}

/**
 * A server whose paging cannot be followed: a cursor seen before (`CursorCycle`; `cycleLength` 1 is a
 * server handing back the cursor it was given), or a `next` link with no cursor (`MissingCursor`). Every
 * item a read delivered before it was new. Where to resume is not part of the error: the pages a read
 * delivered carry it (`nextAfter`, `checkpoint`).
 *
 * @since 0.2.0
 * @category errors
 */
export class GraphPagingError extends Schema.TaggedError<GraphPagingError>("@effect-waba/graph-core/GraphPagingError")(
  "GraphPagingError",
  {
    reason: Schema.Literal("CursorCycle", "MissingCursor"),
    message: Schema.String,
    route: Schema.String,
    /** The page whose `next` could not be followed. */
    page: Schema.Number,
    /** For a cycle: how many pages back the repeated cursor was first followed. */
    cycleLength: Schema.optional(Schema.Number)
  }
) {
  /**
   * @since 0.2.0
   */
  readonly [TypeId]: TypeId = TypeId
}
