/**
 * Turning a `GraphRequest` into an HTTP request: the route filled in, the query checked. Bad input fails
 * here with an `InvalidRequestError`, before anything is sent.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import { InvalidRequestError } from "../../InvalidRequestError.js"
import { secretParams } from "../../Redaction.js"

const placeholder = /\{([^{}]+)\}/g

// A path segment we are willing to put in a URL: Graph ids and edge names, nothing that could climb
// the path (`..`), start a query (`?`) or a fragment (`#`).
const safeSegment = /^[A-Za-z0-9_.:-]+$/

const invalid = (parameter: string, message: string) => Either.left(new InvalidRequestError({ parameter, message }))

const isRecord = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null

/** @internal */
export const buildPath = (
  route: unknown,
  params: unknown
): Either.Either<string, InvalidRequestError> => {
  if (typeof route !== "string" || !route.startsWith("/") || route.includes("?") || route.includes("#")) {
    return invalid(
      "route",
      `The route ${
        typeof route === "string" ? `"${route.slice(0, 200)}"` : "given"
      } must be a path starting with "/" without a query or fragment.`
    )
  }
  if (params !== undefined && !isRecord(params)) return invalid("params", "The route parameters must be an object.")
  const values: Readonly<Record<string, unknown>> = params ?? {}
  const used = new Set<string>()
  let problem: InvalidRequestError | undefined
  const path = route.replace(placeholder, (_, name: string) => {
    used.add(name)
    const value = Object.hasOwn(values, name) ? values[name] : undefined
    if (value === undefined) {
      problem ??= new InvalidRequestError({ parameter: name, message: `The route needs a value for {${name}}.` })
      return ""
    }
    if (typeof value !== "string" || !safeSegment.test(value) || value === "." || value === "..") {
      problem ??= new InvalidRequestError({
        parameter: name,
        message: `The value for {${name}} is not a valid Graph id or path segment: ${
          typeof value === "string" ? JSON.stringify(value.slice(0, 100)) : typeof value
        }.`
      })
      return ""
    }
    return encodeURIComponent(value)
  })
  if (problem !== undefined) return Either.left(problem)
  for (const name of Object.keys(values)) {
    if (!used.has(name)) return invalid(name, `The route "${route.slice(0, 200)}" has no {${name}} placeholder.`)
  }
  return Either.right(path)
}

/** @internal */
export const buildQuery = (query: unknown): Either.Either<Array<[string, string]>, InvalidRequestError> => {
  if (query === undefined) return Either.right([])
  if (!isRecord(query)) return invalid("query", "The query must be an object.")
  const out: Array<[string, string]> = []
  for (const key of Object.keys(query)) {
    const value = query[key]
    if (value === undefined) continue
    const lower = key.toLowerCase()
    if (key === "" || secretParams.has(lower) || lower === "appsecret_time") {
      return invalid(
        key,
        key === ""
          ? "Query parameter names must not be empty."
          : `"${key}" is added by the client from its configuration; do not pass it.`
      )
    }
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return invalid(key, `The query parameter "${key}" must be a finite number.`)
    } else if (typeof value !== "string" && typeof value !== "boolean") {
      return invalid(key, `The query parameter "${key}" must be a string, a number or a boolean.`)
    }
    out.push([key, String(value)])
  }
  return Either.right(out)
}

/**
 * The GET request for a route and its values, relative to the versioned base URL (added by a later step).
 *
 * @internal
 */
export const build = (
  route: unknown,
  params: unknown,
  query: unknown
): Either.Either<HttpClientRequest.HttpClientRequest, InvalidRequestError> =>
  Either.flatMap(
    buildPath(route, params),
    (path) => Either.map(buildQuery(query), (urlParams) => HttpClientRequest.get(path, { urlParams }))
  )

/**
 * The whole request checked: an object with a route and a schema (whatever a caller passed at run
 * time), then its route, values and query. Never throws.
 *
 * @internal
 */
export const check = (request: unknown): Either.Either<HttpClientRequest.HttpClientRequest, InvalidRequestError> => {
  if (!isRecord(request)) return invalid("request", "The request must be an object with a route and a schema.")
  if (!Schema.isSchema(request.schema)) return invalid("schema", "The request needs a schema to decode the answer.")
  return build(request.route, request.params, request.query)
}
