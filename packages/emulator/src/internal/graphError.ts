/**
 * The Graph errors the emulator answers with, worded as Graph words them, with the HTTP statuses of Meta's
 * spec examples (190 → 401, 200 → 403, code 4 → 429 with subcode 2446079). The body is the encoded side of
 * graph-core's `GraphError.ErrorEnvelope`, so the emulator cannot send an error the client does not read.
 *
 * @internal
 */
import type { GraphError as Core, GraphFields, GraphFilter } from "@effect-waba/graph-core"
import { GraphOperator } from "@effect-waba/graph-core"
import * as Data from "effect/Data"

type Body = Omit<typeof Core.ErrorEnvelope.Encoded["error"], "fbtrace_id">

/** An error answer: the envelope's content, the HTTP status and any extra headers. @internal */
export class GraphError extends Data.TaggedError("GraphError")<{
  readonly status: number
  readonly error: Body
  readonly headers?: Readonly<Record<string, string>> | undefined
}> {}

const make =
  (type: string) =>
  (status: number, code: number, message: string, more?: Partial<Body>, headers?: Readonly<Record<string, string>>) =>
    new GraphError({ status, error: { message, type, code, ...more }, headers })
const oauth = make("OAuthException")
const method = make("GraphMethodException")

// Token errors carry the header OAuth 2 asks for.
const tokenError = (status: number, code: number, message: string, more?: Partial<Body>) =>
  oauth(status, code, message, more, { "www-authenticate": `OAuth "Facebook Platform" "invalid_token" "${message}"` })

// Graph states session expiry in Pacific time, e.g. "Tuesday, 04-Feb-25 10:00:00 PST".
const day = {
  timeZone: "America/Los_Angeles",
  weekday: "long",
  day: "2-digit",
  month: "short",
  year: "2-digit"
} as const
const time = { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23", timeZoneName: "short" } as const
const pacific = (epochMillis: number): string => {
  const parts = new Intl.DateTimeFormat("en-US", { ...day, ...time }).formatToParts(new Date(epochMillis))
  const p = Object.fromEntries(parts.map(({ type, value }) => [type, value]))
  return `${p.weekday}, ${p.day}-${p.month}-${p.year} ${p.hour}:${p.minute}:${p.second} ${p.timeZoneName}`
}

/** @internal */
export const missingToken = () => tokenError(400, 104, "An access token is required to request this resource.")

/** @internal */
export const invalidToken = () => tokenError(401, 190, "Invalid OAuth access token - Cannot parse access token")

/** @internal */
export const expiredToken = (expiredAt: number, now: number) => {
  const expiry = `Session has expired on ${pacific(expiredAt)}. The current time is ${pacific(now)}.`
  return tokenError(401, 190, `Error validating access token: ${expiry}`, { error_subcode: 463 })
}

/** The subcodes of a token revoked before it expired. @internal */
export type Revocation = 458 | 460 | 467

const revocations: Record<Revocation, string> = {
  458: "The user has not authorized application.",
  460: "The session has been invalidated because the user changed their password or Facebook has changed the " +
    "session for security reasons.",
  467: "The session is invalid because the user logged out."
}

/** @internal */
export const revokedMessage = (subcode: Revocation) => `Error validating access token: ${revocations[subcode]}`

/** @internal */
export const revokedToken = (subcode: Revocation) =>
  tokenError(401, 190, revokedMessage(subcode), { error_subcode: subcode })

/** @internal */
export const permissionDenied = () =>
  oauth(403, 200, "(#200) Permissions error", {
    error_subcode: 1349174,
    error_user_title: "Permission Denied",
    error_user_msg: "Your app doesn't have permission to access this business's WhatsApp Business Accounts."
  })

/** @internal */
export const missingProof = () => method(400, 100, "API calls from the server require an appsecret_proof argument")

/** @internal */
export const invalidProof = () => method(400, 100, "Invalid appsecret_proof provided in the API argument")

/** An id that does not exist or cannot be seen. @internal */
export const unsupportedRequest = (verb: string, id: string) =>
  method(
    400,
    100,
    `Unsupported ${verb.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to ` +
      "missing permissions, or does not support this operation. Please read the Graph API documentation at " +
      "https://developers.facebook.com/docs/graph-api",
    { error_subcode: 33 }
  )

/** An unknown id as Meta's spec example answers it (the `unknownObject: "803"` quirk). @internal */
export const objectNotFound = (id: string) =>
  method(404, 803, `(#803) Some of the aliases you requested do not exist: ${id}`)

/** A path segment that is neither a numeric id nor a known alias. @internal */
export const unknownAlias = (alias: string) =>
  oauth(404, 803, `(#803) Some of the aliases you requested do not exist: ${alias}`)

/** @internal */
export const unknownPath = (path: string) => oauth(400, 2500, `Unknown path components: ${path}`)

/** @internal */
export const nonexistingField = (field: string, nodeType: string) =>
  oauth(400, 100, `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`)

/** @internal */
export const invalidParameter = (message: string) => oauth(400, 100, `(#100) ${message}`)

/** A cursor past the end of a list that shrank since it was issued. @internal */
export const cursorBeyondEnd = (direction: "after" | "before") =>
  invalidParameter(
    `The ${direction === "after" ? "After" : "Before"} Cursor specified exceeds the max limit of the result set`
  )

/** @internal */
export const invalidCursor = () => oauth(400, 2642, "Invalid cursors values")

/** @internal */
export const tooManyBusinessCalls = () =>
  oauth(
    400,
    80008,
    "There have been too many calls to this WhatsApp Business account. Wait a bit and try again. " +
      "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
  )

/** @internal */
export const tooManyAppCalls = () =>
  oauth(429, 4, "(#4) Application request limit reached", { error_subcode: 2446079, is_transient: true })

/** The errors injected as faults. @internal */
export const injected = (code: 1 | 2 | "transient", status?: number) =>
  code === 1
    ? oauth(status ?? 500, 1, "An unknown error occurred", { error_subcode: 99 })
    : code === 2
    ? oauth(status ?? 503, 2, "An unexpected error has occurred. Please retry your request later.", {
      is_transient: true
    })
    // Retryable only by its flag: code 131000 otherwise is not, and HTTP 400 says nothing.
    : oauth(400, 131000, "Something went wrong", { is_transient: true })

/** The statuses Graph used before Meta's spec examples (the `legacyStatuses` quirk). @internal */
export const legacy = (e: GraphError): GraphError => {
  const { error_subcode: _, ...withoutSubcode } = e.error
  if (e.error.code === 190 && e.status === 401) {
    return new GraphError({ status: 400, error: e.error, headers: e.headers })
  }
  if (e.error.code === 4 && e.status === 429) return new GraphError({ status: 403, error: withoutSubcode })
  return e
}

/** Code 100 for a `filtering` value a strict Graph refuses, worded per refusal. @internal */
export const filteringRefused = (r: GraphFilter.WireRefusal, documented: ReadonlyArray<string>) =>
  invalidParameter(
    r._tag === "NotAnArray"
      ? "param filtering must be an array."
      : r._tag === "BadClause"
      ? `param filtering[${r.index}] must be an object with field, operator and value.`
      : r._tag === "UnknownOperator"
      ? `param filtering[${r.index}][operator] must be one of the following values: ${
        GraphOperator.GraphOperator.literals.join(", ")
      }.`
      : r._tag === "UnknownField"
      ? `Filtering field ${r.field} is invalid. Valid fields are: ${documented.join(", ") || "(none)"}.`
      : r._tag === "UnsupportedOperator"
      ? `Operator ${r.operator} is not supported for filtering field ${r.field}. Supported operators: ${
        r.supported.join(", ")
      }.`
      : `Invalid value for filtering field ${r.field} with operator ${r.operator}: expected ${r.expected}.`
  )

/** Code 100 for a `fields` value that does not parse. @internal */
export const fieldsSyntax = (error: GraphFields.SyntaxError, raw: string) =>
  invalidParameter(`Syntax error "${error.message}" at character ${error.position}: ${raw}`)
