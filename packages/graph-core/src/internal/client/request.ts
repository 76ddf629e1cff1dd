/**
 * Turning a `GraphRequest` into an HTTP request: the route filled in and the query checked by the shared
 * rules (`@effect-waba/graph-rules/request`). Bad input fails here with an `InvalidRequestError`, before
 * anything is sent.
 */
import * as Checks from "@effect-waba/graph-rules/request"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Either from "effect/Either"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { InvalidRequestError } from "../../InvalidRequestError.js"

const invalid = (parameter: string, message: string) => Either.left(new InvalidRequestError({ parameter, message }))

// This line's secrets are `Redacted` values.
const secretOf = (value: unknown) => Redacted.isRedacted(value) ? { value: Redacted.value(value) } : undefined

/** @internal */
export const check = (request: unknown): Either.Either<HttpClientRequest.HttpClientRequest, InvalidRequestError> => {
  if (!Predicate.isObject(request)) {
    return invalid("request", "The request must be an object with a route and a schema.")
  }
  const { params, query, route, schema } = request as Readonly<Record<string, unknown>>
  if (!Schema.isSchema(schema)) return invalid("schema", "The request needs a schema to decode the answer.")
  const path = Checks.path(route, params)
  if (path._tag === "Failure") return invalid(path.failure.parameter, path.failure.message)
  const urlParams = Checks.query(query, secretOf)
  if (urlParams._tag === "Failure") return invalid(urlParams.failure.parameter, urlParams.failure.message)
  return Either.right(HttpClientRequest.get(path.success, { urlParams: urlParams.success }))
}
