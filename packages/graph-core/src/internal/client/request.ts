/**
 * Turning a `GraphRequest` into an HTTP request: the route filled in, the query checked. Bad input fails
 * here with an `InvalidRequestError`, before anything is sent.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { InvalidRequestError } from "../../InvalidRequestError.js"
import { secretParams } from "../../Redaction.js"

const placeholder = /\{([^{}]+)\}/g

// What the client adds itself, from the call's credentials.
const clientOwned: ReadonlySet<string> = new Set(["access_token", "appsecret_proof", "appsecret_time"])

// A path segment we are willing to put in a URL: Graph ids and edge names, nothing that could climb
// the path (`..`), start a query (`?`) or a fragment (`#`).
const isSegment = (value: unknown): value is string =>
  typeof value === "string" && /^[A-Za-z0-9_.:-]+$/.test(value) && value !== "." && value !== ".."

const invalid = (parameter: string, message: string) => Either.left(new InvalidRequestError({ parameter, message }))

const path = (route: unknown, params: unknown): Either.Either<string, InvalidRequestError> => {
  if (typeof route !== "string" || !route.startsWith("/") || /[?#]/.test(route)) {
    const shown = typeof route === "string" ? `"${route.slice(0, 200)}"` : "given"
    return invalid("route", `The route ${shown} must be a path starting with "/" without a query or fragment.`)
  }
  if (params !== undefined && !Predicate.isObject(params)) {
    return invalid("params", "The route parameters must be an object.")
  }
  const values = (params ?? {}) as Readonly<Record<string, unknown>>
  const names = Array.from(route.matchAll(placeholder), (match) => match[1]!)
  for (const name of names) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined
    if (value === undefined) return invalid(name, `The route needs a value for {${name}}.`)
    if (!isSegment(value)) {
      const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 100)) : typeof value
      return invalid(name, `The value for {${name}} is not a valid Graph id or path segment: ${shown}.`)
    }
  }
  const extra = Object.keys(values).find((name) => !names.includes(name))
  if (extra !== undefined) return invalid(extra, `The route "${route.slice(0, 200)}" has no {${extra}} placeholder.`)
  return Either.right(route.replace(placeholder, (_, name: string) => encodeURIComponent(values[name] as string)))
}

const query = (query: unknown): Either.Either<Array<[string, string]>, InvalidRequestError> => {
  if (query !== undefined && !Predicate.isObject(query)) return invalid("query", "The query must be an object.")
  const params: Array<[string, string]> = []
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue
    if (key === "") return invalid(key, "Query parameter names must not be empty.")
    const name = key.toLowerCase()
    if (clientOwned.has(name)) {
      return invalid(key, `"${key}" is added by the client from its configuration; do not pass it.`)
    }
    // A secret (`input_token` of debug_token, say) travels only as a `Redacted`, which the client scrubs
    // from whatever the answer echoes; it never reaches a span, a log or an error.
    const secret = Redacted.isRedacted(value)
    if (secretParams.has(name) && !secret) {
      return invalid(key, `"${key}" carries a secret: pass it as a Redacted value.`)
    }
    const raw: unknown = secret ? Redacted.value(value) : value
    const plain = typeof raw === "number" ? Number.isFinite(raw) : Predicate.isString(raw) || Predicate.isBoolean(raw)
    if (!plain) return invalid(key, `The query parameter "${key}" must be a string, a finite number or a boolean.`)
    params.push([key, String(raw)])
  }
  return Either.right(params)
}

/**
 * The GET request a `GraphRequest` describes, relative to the versioned base URL; checked whatever a
 * caller passed at run time. Never throws.
 *
 * @internal
 */
export const check = (request: unknown): Either.Either<HttpClientRequest.HttpClientRequest, InvalidRequestError> => {
  if (!Predicate.isObject(request)) {
    return invalid("request", "The request must be an object with a route and a schema.")
  }
  const { params, query: urlParams, route, schema } = request as Readonly<Record<string, unknown>>
  if (!Schema.isSchema(schema)) return invalid("schema", "The request needs a schema to decode the answer.")
  return Either.map(
    Either.all([path(route, params), query(urlParams)]),
    ([url, params]) => HttpClientRequest.get(url, { urlParams: params })
  )
}
