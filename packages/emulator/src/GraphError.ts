/**
 * The Graph errors the emulator answers with: one constructor per situation, worded as Graph words them,
 * with the HTTP status of Meta's spec examples (190 → 401, 200 → 403, code 4 → 429 with subcode 2446079).
 * The body is the client's envelope (`GraphError.ErrorEnvelope` of graph-core), encoded.
 *
 * @since 0.1.0
 */
import { type GraphError as CoreError, type GraphFields, GraphFilter } from "@effect-waba/graph-core"
import * as Schema from "effect/Schema"

/**
 * Graph's error envelope as it goes on the wire: the encoded side of the client's own schema, so the
 * emulator cannot send a body the client does not read.
 *
 * @since 0.1.0
 * @category models
 */
export type GraphErrorBody = typeof CoreError.ErrorEnvelope.Encoded

/**
 * An error response the emulator is about to send: the envelope's content plus the HTTP status and any
 * extra headers (Graph adds `WWW-Authenticate` to token errors).
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphError extends Schema.TaggedError<GraphError>("@effect-waba/emulator/GraphError")("GraphError", {
  status: Schema.Number,
  message: Schema.String,
  type: Schema.String,
  code: Schema.Number,
  subcode: Schema.optional(Schema.Number),
  userTitle: Schema.optional(Schema.String),
  userMessage: Schema.optional(Schema.String),
  isTransient: Schema.optional(Schema.Boolean),
  headers: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
}) {
  /** The wire envelope, stamped with the response's trace id. */
  toBody(fbtraceId: string): GraphErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        code: this.code,
        ...(this.subcode !== undefined ? { error_subcode: this.subcode } : {}),
        ...(this.userTitle !== undefined ? { error_user_title: this.userTitle } : {}),
        ...(this.userMessage !== undefined ? { error_user_msg: this.userMessage } : {}),
        ...(this.isTransient !== undefined ? { is_transient: this.isTransient } : {}),
        fbtrace_id: fbtraceId
      }
    }
  }
}

const oauth = (
  status: number,
  code: number,
  message: string,
  extra: Partial<ConstructorParameters<typeof GraphError>[0]> = {}
) => new GraphError({ status, code, message, type: "OAuthException", ...extra })

const wwwAuthenticate = (description: string) => ({
  "www-authenticate": `OAuth "Facebook Platform" "invalid_token" "${description}"`
})

/**
 * Code 104: no token at all. Graph's wording for a request without `access_token` or `Authorization`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const missingToken = (): GraphError =>
  oauth(400, 104, "An access token is required to request this resource.", {
    headers: wwwAuthenticate("An access token is required to request this resource.")
  })

/**
 * Code 190: a token Graph cannot parse or does not know. HTTP 401, as in Meta's spec.
 *
 * @since 0.1.0
 * @category constructors
 */
export const invalidToken = (): GraphError =>
  oauth(401, 190, "Invalid OAuth access token - Cannot parse access token", {
    headers: wwwAuthenticate("Invalid OAuth access token - Cannot parse access token")
  })

const pacific = (epochMillis: number): string => {
  // Graph states session expiry in Pacific time, e.g. "Tuesday, 04-Feb-25 10:00:00 PST".
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Los_Angeles",
    weekday: "long",
    day: "2-digit",
    month: "short",
    year: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short"
  }).formatToParts(new Date(epochMillis))
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? ""
  return `${get("weekday")}, ${get("day")}-${get("month")}-${get("year")} ${get("hour")}:${get("minute")}:${
    get("second")
  } ${get("timeZoneName")}`
}

/**
 * Code 190, subcode 463: the token has expired. HTTP 401, as in Meta's spec.
 *
 * @since 0.1.0
 * @category constructors
 */
export const expiredToken = (expiredAt: number, now: number): GraphError => {
  const message = `Error validating access token: Session has expired on ${pacific(expiredAt)}. The current time is ${
    pacific(now)
  }.`
  return oauth(401, 190, message, { subcode: 463, headers: wwwAuthenticate(message) })
}

/**
 * Code 200: a valid token without access to this business's accounts. Meta's spec documents HTTP 403.
 *
 * @since 0.1.0
 * @category constructors
 */
export const permissionDenied = (): GraphError =>
  oauth(403, 200, "(#200) Permissions error", {
    subcode: 1349174,
    userTitle: "Permission Denied",
    userMessage: "Your app doesn't have permission to access this business's WhatsApp Business Accounts."
  })

/**
 * Code 100 when "Require App Secret" is on and the call carries no `appsecret_proof`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const missingProof = (): GraphError =>
  new GraphError({
    status: 400,
    code: 100,
    type: "GraphMethodException",
    message: "API calls from the server require an appsecret_proof argument"
  })

/**
 * Code 100 for an `appsecret_proof` that does not match (or whose `appsecret_time` is too old).
 *
 * @since 0.1.0
 * @category constructors
 */
export const invalidProof = (): GraphError =>
  new GraphError({
    status: 400,
    code: 100,
    type: "GraphMethodException",
    message: "Invalid appsecret_proof provided in the API argument"
  })

/**
 * Code 100, subcode 33: the object does not exist or cannot be seen.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsupportedRequest = (method: string, id: string): GraphError =>
  new GraphError({
    status: 400,
    code: 100,
    subcode: 33,
    type: "GraphMethodException",
    message: `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded ` +
      "due to missing permissions, or does not support this operation. Please read the Graph API documentation at " +
      "https://developers.facebook.com/docs/graph-api"
  })

/**
 * Code 803: a path segment that is neither a numeric id nor a known alias.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unknownAlias = (alias: string): GraphError =>
  oauth(404, 803, `(#803) Some of the aliases you requested do not exist: ${alias}`)

/**
 * Code 2500: a path the Graph router cannot match.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unknownPath = (components: string): GraphError =>
  oauth(400, 2500, `Unknown path components: ${components}`)

/**
 * Code 100: a field (or an edge read as a field) that the node type does not have.
 *
 * @since 0.1.0
 * @category constructors
 */
export const nonexistingField = (field: string, nodeType: string): GraphError =>
  oauth(400, 100, `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`)

/**
 * Code 100 for any other invalid parameter; `message` follows the "(#100) ..." convention.
 *
 * @since 0.1.0
 * @category constructors
 */
export const invalidParameter = (message: string): GraphError => oauth(400, 100, `(#100) ${message}`)

/**
 * Code 100 for a cursor that points past the end of a list that shrank since it was issued.
 *
 * @since 0.1.0
 * @category constructors
 */
export const cursorBeyondEnd = (direction: "after" | "before"): GraphError =>
  oauth(
    400,
    100,
    `(#100) The ${direction === "after" ? "After" : "Before"} Cursor specified exceeds the max limit of the result set`
  )

/**
 * Code 2642 for a cursor that cannot be decoded or no longer matches the list.
 *
 * @since 0.1.0
 * @category constructors
 */
export const invalidCursor = (): GraphError => oauth(400, 2642, "Invalid cursors values")

/**
 * Code 80008: the business-use-case budget of this WhatsApp Business account is spent.
 *
 * @since 0.1.0
 * @category constructors
 */
export const tooManyBusinessCalls = (): GraphError =>
  oauth(
    400,
    80008,
    "There have been too many calls to this WhatsApp Business account. Wait a bit and try again. For more info, " +
      "please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
  )

/**
 * Code 4: the app-level budget is spent. HTTP 429 with subcode 2446079 and `is_transient`, as in Meta's
 * spec (Graph has also been seen sending it with 403 and no subcode: see the `legacyStatuses` quirk).
 *
 * @since 0.1.0
 * @category constructors
 */
export const tooManyAppCalls = (): GraphError =>
  oauth(429, 4, "(#4) Application request limit reached", { subcode: 2446079, isTransient: true })

/**
 * Code 1, injected as a fault: Graph's catch-all for a failure on its side.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unknownError = (status = 500): GraphError => oauth(status, 1, "An unknown error occurred", { subcode: 99 })

/**
 * Code 2, injected as a fault: the service is temporarily unavailable.
 *
 * @since 0.1.0
 * @category constructors
 */
export const serviceUnavailable = (status = 503): GraphError =>
  oauth(status, 2, "An unexpected error has occurred. Please retry your request later.", { isTransient: true })

/**
 * An error whose only retry signal is `is_transient: true` (code 131000 is otherwise not retryable),
 * injected as a fault. HTTP 400, so a client that decides on status alone will not retry it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const transientFlagged = (status = 400): GraphError =>
  oauth(status, 131000, "Something went wrong", { isTransient: true })

/**
 * Code 803 for an object id Graph cannot find, as Meta's spec shows it (HTTP 404). The emulator answers
 * 100/33 by default (what Graph is documented to send); the `unknownObject: "803"` option sends this.
 *
 * @since 0.2.0
 * @category constructors
 */
export const objectNotFound = (id: string): GraphError =>
  new GraphError({
    status: 404,
    code: 803,
    type: "GraphMethodException",
    message: `(#803) Some of the aliases you requested do not exist: ${id}`
  })

/**
 * The statuses Graph used before Meta's spec examples: 400 for token errors, 403 and no subcode for
 * code 4. For the `legacyStatuses` quirk.
 *
 * @since 0.2.0
 * @category constructors
 */
export const withLegacyStatus = (error: GraphError): GraphError => {
  const legacy = error.code === 190 && error.status === 401 ? 400 : error.code === 4 && error.status === 429 ? 403 : 0
  if (legacy === 0) return error
  return new GraphError({
    status: legacy,
    message: error.message,
    type: error.type,
    code: error.code,
    ...(error.subcode !== undefined && error.code !== 4 ? { subcode: error.subcode } : {}),
    ...(error.userTitle !== undefined ? { userTitle: error.userTitle } : {}),
    ...(error.userMessage !== undefined ? { userMessage: error.userMessage } : {}),
    ...(error.isTransient !== undefined ? { isTransient: error.isTransient } : {}),
    ...(error.headers !== undefined ? { headers: error.headers } : {})
  })
}

/**
 * Code 100 for a `filtering` value a strict Graph refuses, worded per refusal: not a JSON array, a
 * malformed clause, an operator Graph does not know, a field or operator this edge does not document, or
 * a value of the wrong shape. `documented` lists the fields the edge can filter on.
 *
 * @since 0.2.0
 * @category constructors
 */
export const filteringRefused = (refusal: GraphFilter.WireRefusal, documented: ReadonlyArray<string>): GraphError => {
  switch (refusal._tag) {
    case "NotAnArray":
      return invalidParameter("param filtering must be an array.")
    case "BadClause":
      return invalidParameter(`param filtering[${refusal.index}] must be an object with field, operator and value.`)
    case "UnknownOperator":
      return invalidParameter(
        `param filtering[${refusal.index}][operator] must be one of the following values: ${
          GraphFilter.GraphOperator.literals.join(", ")
        }.`
      )
    case "UnknownField":
      return invalidParameter(
        `Filtering field ${refusal.field} is invalid. Valid fields are: ${
          documented.length === 0 ? "(none)" : documented.join(", ")
        }.`
      )
    case "UnsupportedOperator":
      return invalidParameter(
        `Operator ${refusal.operator} is not supported for filtering field ${refusal.field}. Supported operators: ${
          refusal.supported.join(", ")
        }.`
      )
    case "BadValue":
      return invalidParameter(
        `Invalid value for filtering field ${refusal.field} with operator ${refusal.operator}: expected ${refusal.expected}.`
      )
  }
}

/**
 * Code 100 for a `fields` value that does not parse (unbalanced braces, a stray character).
 *
 * @since 0.2.0
 * @category constructors
 */
export const fieldsSyntax = (error: GraphFields.SyntaxError, raw: string): GraphError =>
  invalidParameter(`Syntax error "${error.message}" at character ${error.position}: ${raw}`)
