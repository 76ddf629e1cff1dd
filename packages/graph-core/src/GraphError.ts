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
 * | `GraphTransportError` | no usable answer: network failure, timeout, non-JSON, truncated or oversized body, a redirect |
 * | `GraphDecodeError` | a well-formed answer that does not match the expected schema |
 *
 * Every member carries {@link TypeId}, so {@link isGraphError} recognises the family without relying on
 * tags. Optional data is absent when Graph did not send it (never `-1` or `""`), and waits are
 * `Duration`s. No error holds the access token, the app secret or `appsecret_proof`: every string the
 * server sent is scrubbed of them by value before it is stored. A request made as a business
 * (`GraphCredentials.asBusiness`) fails with an error whose `businessId` names it.
 *
 * A request the client refuses to send is not a Graph error: bad input fails with
 * `InvalidRequestError`, and a rate-governor hold longer than the caller accepts with
 * `RateGovernor.HoldTooLongError`.
 *
 * @since 0.1.0
 */
import { defined } from "@effect-waba/graph-rules/defined"
import * as Errors from "@effect-waba/graph-rules/errors"
import type * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"
import * as GraphUsage from "./GraphUsage.js"

/**
 * The mark every member of the family carries.
 *
 * @since 0.1.0
 * @category type ids
 */
export const TypeId: unique symbol = Symbol.for("@effect-waba/graph-core/GraphError")

/**
 * @since 0.1.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * The class of a member of the family: Effect's `Schema.TaggedError` class whose instances carry {@link TypeId}.
 *
 * @since 0.1.0
 * @category models
 */
export interface GraphErrorClass<Self, Tag extends string, Fields extends Schema.Struct.Fields> extends
  Schema.Class<
    Self,
    { readonly _tag: Schema.tag<Tag> } & Fields,
    Schema.Struct.Encoded<{ readonly _tag: Schema.tag<Tag> } & Fields>,
    Schema.Struct.Context<Fields>,
    Schema.Struct.Constructor<Fields>,
    {},
    Cause.YieldableError & { readonly [TypeId]: TypeId }
  >
{
  readonly _tag: Tag
}

// A `Schema.TaggedError` class with the family's mark on its prototype.
const member = <Self>() =>
<Tag extends string, Fields extends Schema.Struct.Fields>(
  tag: Tag,
  fields: Fields
): GraphErrorClass<Self, Tag, Fields> => {
  const Class = Schema.TaggedError<Self>(`@effect-waba/graph-core/${tag}`)(tag, fields) as any
  Class.prototype[TypeId] = TypeId
  return Class
}

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

// Where a call failed: every member but `GraphPagingError` says it.
const callFields = {
  /** The route template, e.g. `/{business-id}/owned_whatsapp_business_accounts`. */
  route: Schema.String,
  /** Attempts made before giving up, retries included. */
  attempts: Schema.Number,
  /** The business the request was made as (`GraphCredentials.asBusiness`), if any. */
  businessId: Schema.optional(Schema.String)
}

// What every error that came with a Graph error body carries.
const responseFields = {
  ...callFields,
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
  usage: GraphUsage.GraphUsage,
  /**
   * The wait the server asked for before trying again, when it said (`Retry-After`, or for a rate
   * limit `estimated_time_to_regain_access`).
   */
  retryAfter: Schema.optional(Schema.DurationFromSelf)
}

/**
 * Throttled: code 4, 17, 32, 341, 613 or 80000–80014. Retried after the hinted wait.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphRateLimitError extends member<GraphRateLimitError>()("GraphRateLimitError", responseFields) {}

/**
 * The subcodes of code 190 that mean the business must authorise the app again for a new token: 458 (the
 * app was removed), 460 (the password changed), 463 (the token expired), 467 (the token was invalidated).
 *
 * @since 0.1.0
 * @category constants
 */
export const reauthorizeSubcodes: ReadonlySet<number> = Errors.reauthorizeSubcodes

/**
 * The token is invalid, expired or revoked (0 `AuthException`, 102, 190 and its subcodes): get a new token.
 * `reauthorize` tells the cases where only the business can give one (see {@link reauthorizeSubcodes}).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphAuthError extends member<GraphAuthError>()("GraphAuthError", responseFields) {
  /**
   * Whether the business must authorise the app again (code 190 with subcode 458, 460, 463 or 467): report
   * it for that business, with `businessId`, and go on with the others.
   *
   * @since 0.1.0
   */
  get reauthorize(): boolean {
    return Errors.needsReauthorization(this.code, this.subcode)
  }
}

/**
 * The token or the app lacks a permission, a capability or access to the object (3, 10, 200–299).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphPermissionError extends member<GraphPermissionError>()("GraphPermissionError", responseFields) {}

/**
 * Incorrect signature (104).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphSignatureError extends member<GraphSignatureError>()("GraphSignatureError", responseFields) {}

/**
 * The call was deemed abusive or otherwise disallowed (368). Not retried: repeating it quickly makes it worse.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphPolicyError extends member<GraphPolicyError>()("GraphPolicyError", responseFields) {}

/**
 * The object does not exist, or the token cannot see it: code 100 with subcode 33 ("Unsupported get
 * request. Object with ID '…' does not exist, cannot be loaded due to missing permissions, or does not
 * support this operation"), or code 803 as Meta's spec shows for an unknown business. Graph does not
 * tell the two causes apart. Not retried.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphNotFoundError extends member<GraphNotFoundError>()("GraphNotFoundError", responseFields) {}

/**
 * Invalid parameter (100): a bad field, filter or cursor, or an `appsecret_proof` problem. An unknown
 * object (100 with subcode 33) is a {@link GraphNotFoundError} instead.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphInvalidParameterError
  extends member<GraphInvalidParameterError>()("GraphInvalidParameterError", responseFields)
{}

/**
 * A temporary Graph failure (1, 2, or `is_transient: true`). Retried soon.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphTransientError extends member<GraphTransientError>()("GraphTransientError", responseFields) {}

/**
 * Any other Graph error code. `code` is absent when the error body had none (or could not be read);
 * such an error is retried only when Graph marked it `is_transient`.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphApiError extends member<GraphApiError>()("GraphApiError", {
  ...responseFields,
  code: Schema.optional(Schema.Number)
}) {}

/**
 * Why no usable answer arrived.
 *
 * - `Network`: the connection failed or was reset (including mid-body).
 * - `Timeout`: the attempt took longer than the configured timeout.
 * - `InvalidBody`: a success status whose body was not JSON, or was cut short.
 * - `UnexpectedStatus`: an error status without a Graph error body (an empty 503, a proxy's 502 page).
 * - `TooLarge`: the body (counted after decompression) passed `maxResponseBytes`; reading stopped there.
 * - `Redirect`: a 3xx answer. The client talks only to the configured origin and follows no redirect.
 *
 * @since 0.1.0
 * @category models
 */
export const TransportReason = Schema.Literal(
  "Network",
  "Timeout",
  "InvalidBody",
  "UnexpectedStatus",
  "TooLarge",
  "Redirect"
)

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
export class GraphTransportError extends member<GraphTransportError>()("GraphTransportError", {
  ...callFields,
  reason: TransportReason,
  message: Schema.String,
  retryable: Schema.Boolean,
  httpStatus: Schema.optional(Schema.Number),
  usage: Schema.optional(GraphUsage.GraphUsage),
  retryAfter: Schema.optional(Schema.DurationFromSelf)
}) {}

/**
 * The answer was well-formed JSON but not the shape the caller's schema expects. The message names at
 * most a few problems, each with its path and cut short, so a hostile body cannot make it large.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphDecodeError extends member<GraphDecodeError>()("GraphDecodeError", {
  ...callFields,
  message: Schema.String,
  httpStatus: Schema.Number,
  fbtraceId: Schema.optional(Schema.String)
}) {}

/**
 * A server whose paging cannot be followed: a cursor seen before (`CursorCycle`; `cycleLength` 1 is a
 * server handing back the cursor it was given), or a `next` link with no cursor (`MissingCursor`). Every
 * item a read delivered before it was new. Where to resume is not part of the error: the pages a read
 * delivered carry it (`nextAfter`, `checkpoint`).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphPagingError extends member<GraphPagingError>()("GraphPagingError", {
  reason: Schema.Literal("CursorCycle", "MissingCursor"),
  message: Schema.String,
  route: Schema.String,
  /** The page whose `next` could not be followed. */
  page: Schema.Number,
  /** For a cycle: how many pages back the repeated cursor was first followed. */
  cycleLength: Schema.optional(Schema.Number)
}) {}

/**
 * Every error a Graph request can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type GraphError = GraphResponseError | GraphTransportError | GraphDecodeError | GraphPagingError

/**
 * The errors that carry a Graph error body.
 *
 * @since 0.1.0
 * @category models
 */
export type GraphResponseError = InstanceType<(typeof responseClasses)[keyof typeof responseClasses]>

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
 * @since 0.1.0
 * @category predicates
 */
export const isGraphResponseError = (u: unknown): u is GraphResponseError =>
  isGraphError(u) && Object.hasOwn(responseClasses, u._tag)

/**
 * The `_tag` Graph's code, transience and subcode call for. Without a code, the error is a
 * `GraphApiError`.
 *
 * @since 0.1.0
 * @category classification
 */
export const classify: (
  code: number | undefined,
  isTransient: boolean,
  subcode?: number | undefined
) => GraphResponseError["_tag"] = Errors.classify

const responseClasses = {
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

/**
 * Builds the typed error for a Graph error body.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromErrorBody = (body: ErrorBody, context: ResponseContext): GraphResponseError => {
  const classified = Errors.fromErrorBody(body, context.scrub, context.fbtraceId)
  const retryAfter = classified.tag === "GraphRateLimitError" && context.regainAccess !== undefined
    ? Duration.max(context.regainAccess, context.retryAfter ?? Duration.zero)
    : context.retryAfter
  const { attempts, httpStatus, route, usage } = context
  return fromClassified(classified, { attempts, httpStatus, route, usage, retryAfter })
}

/**
 * The typed error for an error body the shared rules have classified and cut to size.
 *
 * @internal
 */
export const fromClassified = (
  { code, fields: read, tag }: ReturnType<typeof Errors.fromErrorBody>,
  facts: Pick<ResponseContext, "httpStatus" | "route" | "usage" | "retryAfter" | "attempts">
): GraphResponseError => {
  const fields = defined({ ...read, ...facts })
  return code === undefined ? new GraphApiError(fields) : new responseClasses[tag]({ ...fields, code })
}

const maxIssues = 3
const maxIssueChars = 100

/**
 * A short description of a parse error, in the words of Effect's `ArrayFormatter`: at most three problems,
 * each with its path and cut short. Safe for any input, however deep or large.
 *
 * @since 0.1.0
 * @category formatting
 */
export const describeParseError = (error: ParseResult.ParseError): string => {
  // Effect quotes the value at fault whole: data nested deep enough overflows the stack.
  const formatted = Either.try(() => ParseResult.ArrayFormatter.formatErrorSync(error))
  if (Either.isLeft(formatted)) return "a value nested too deeply to describe"
  const issues = formatted.right
  const described = issues.slice(0, maxIssues).map(({ message, path }) => {
    const keys = path.map((key) => typeof key === "number" ? `[${key}]` : `.${String(key)}`)
    const line = `${keys.join("").replace(/^\./, "") || "the top level"}: ${message}`
    return line.length <= maxIssueChars ? line : `${line.slice(0, maxIssueChars)}…`
  })
  return `${described.join("; ")}${issues.length > maxIssues ? "; and more" : ""}`
}
