/**
 * What Graph's error envelope means: the kind of failure its code, subcode and transience call for, whether
 * another attempt could help, and the envelope's text as an error may keep it (secrets scrubbed, size
 * bounded). Never the HTTP status: Graph sends most errors as 400 and can put one in a 200 body. Published
 * through `GraphError` and `GraphRetry`.
 *
 * @internal
 */
import { defined } from "./defined.js"
import { parseJson } from "./json.js"

/** The kinds of failure that come with a Graph error body (the `_tag`s of `GraphError`'s members). @internal */
export type ResponseTag =
  | "GraphRateLimitError"
  | "GraphAuthError"
  | "GraphPermissionError"
  | "GraphSignatureError"
  | "GraphPolicyError"
  | "GraphNotFoundError"
  | "GraphInvalidParameterError"
  | "GraphTransientError"
  | "GraphApiError"

const rateLimitCodes: ReadonlySet<number> = new Set([4, 17, 32, 341, 613])

/**
 * The kind Graph's code, transience and subcode call for. Without a code, the error is a `GraphApiError`.
 *
 * @internal
 */
export const classify = (code: number | undefined, isTransient: boolean, subcode?: number | undefined): ResponseTag => {
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

/**
 * The subcodes of code 190 that mean the business must authorise the app again for a new token: 458 (the
 * app was removed), 460 (the password changed), 463 (the token expired), 467 (the token was invalidated).
 *
 * @internal
 */
export const reauthorizeSubcodes: ReadonlySet<number> = new Set([458, 460, 463, 467])

/** Whether only the business can give a new token (it must authorise the app again). @internal */
export const needsReauthorization = (code: number | undefined, subcode: number | undefined): boolean =>
  code === 190 && subcode !== undefined && reauthorizeSubcodes.has(subcode)

/** What {@link isRetryable} looks at of an error. @internal */
export interface Retryability {
  readonly _tag: string
  readonly retryable?: boolean | undefined
  readonly isTransient?: boolean | undefined
}

/**
 * Whether another attempt could succeed where this one failed: throttling, transient errors, transport
 * failures another try could fix, and an error body without a code that Graph marked transient.
 *
 * @internal
 */
export const isRetryable = (error: Retryability): boolean =>
  error._tag === "GraphRateLimitError" || error._tag === "GraphTransientError" ||
  (error._tag === "GraphTransportError" && error.retryable === true) ||
  // Only an error body without a code is a GraphApiError marked transient (a code would have made it a
  // GraphTransientError): Graph said another try may work.
  (error._tag === "GraphApiError" && error.isTransient === true)

/** The `error` object of Graph's envelope, decoded (`null`s read as absent). @internal */
export interface ErrorBody {
  readonly message?: string | undefined
  readonly type?: string | undefined
  readonly code?: number | undefined
  readonly error_subcode?: number | undefined
  readonly error_user_title?: string | undefined
  readonly error_user_msg?: string | undefined
  readonly fbtrace_id?: string | undefined
  readonly is_transient?: boolean | undefined
  readonly error_data?: unknown
}

const maxTextChars = 2_000
const maxDataChars = 16_384
const maxDataDepth = 32

// Server text kept in an error: scrubbed, and cut short so that a hostile server cannot make errors huge.
const serverText = (text: string, scrub: (text: string) => string): string => {
  const clean = scrub(text)
  return clean.length <= maxTextChars ? clean : `${clean.slice(0, maxTextChars)}… (${clean.length} characters)`
}

// Looks no deeper than `depth`, so that no nesting can overflow the stack.
const shallow = (u: unknown, depth: number): boolean =>
  typeof u !== "object" || u === null || (depth > 0 && Object.values(u).every((v) => shallow(v, depth - 1)))

const parsed = (text: string): unknown => {
  const value = parseJson(text)
  return value === undefined ? text : value
}

// `error_data` as data (parsed when it is a JSON string), its text scrubbed, within a depth and size budget.
const errorData = (data: unknown, scrub: (text: string) => string): unknown => {
  const value = typeof data === "string" && data.length <= maxDataChars ? parsed(data) : data
  const text = shallow(value, maxDataDepth) ? JSON.stringify(value) : undefined
  return text !== undefined && text.length <= maxDataChars
    ? parsed(scrub(text))
    : `<error_data omitted: larger than ${maxDataChars} characters or nested deeper than ${maxDataDepth}>`
}

/**
 * What an error keeps of an error body: its kind, and its text scrubbed of secrets and bounded in size. The
 * trace id of the response headers stands in when the body has none.
 *
 * @internal
 */
export const fromErrorBody = (body: ErrorBody, scrub: (text: string) => string, headerTraceId?: string) => {
  const { code, error_subcode: subcode } = body
  const isTransient = body.is_transient === true
  const text = (value: string | undefined) => value === undefined ? undefined : serverText(value, scrub)
  return {
    tag: classify(code, isTransient, subcode),
    code,
    fields: defined({
      subcode,
      message: text(body.message) ??
        (code === undefined ? "Graph sent an error without a code or message." : `Graph error ${code}.`),
      type: text(body.type),
      fbtraceId: text(body.fbtrace_id ?? headerTraceId),
      userTitle: text(body.error_user_title),
      userMessage: text(body.error_user_msg),
      isTransient,
      errorData: body.error_data === undefined ? undefined : errorData(body.error_data, scrub)
    })
  }
}
