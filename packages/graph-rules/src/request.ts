/**
 * The checks a GET passes before it is sent: its route and route parameters make a path that cannot climb
 * or leave the API, and its query holds plain values, no parameter the client adds itself, and secrets only
 * as secrets. Each Effect line says how its own `Redacted` is told apart and opened.
 *
 * @internal
 */
import { secretParams } from "./redaction.js"
import * as Result from "./result.js"

/** Which request parameter is wrong, and why. @internal */
export interface Refusal {
  readonly parameter: string
  readonly message: string
}

/** A Graph id as a read takes it under its parent: 1 to 25 digits. @internal */
export const isGraphId = (id: unknown): id is string => typeof id === "string" && /^[0-9]{1,25}$/.test(id)

const placeholder = /\{([^{}]+)\}/g

// What the client adds itself, from the call's credentials.
const clientOwned: ReadonlySet<string> = new Set(["access_token", "appsecret_proof", "appsecret_time"])

// A path segment we are willing to put in a URL: Graph ids and edge names, nothing that could climb the path
// (`..`), start a query (`?`) or a fragment (`#`).
const isSegment = (value: unknown): value is string =>
  typeof value === "string" && /^[A-Za-z0-9_.:-]+$/.test(value) && value !== "." && value !== ".."

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> => typeof u === "object" && u !== null

const refuse = (parameter: string, message: string) => Result.fail<Refusal>({ parameter, message })

/** The route with its parameters filled in, each checked to be one path segment. @internal */
export const path = (route: unknown, params: unknown): Result.Result<string, Refusal> => {
  if (typeof route !== "string" || !route.startsWith("/") || /[?#]/.test(route)) {
    const shown = typeof route === "string" ? `"${route.slice(0, 200)}"` : "given"
    return refuse("route", `The route ${shown} must be a path starting with "/" without a query or fragment.`)
  }
  if (params !== undefined && !isObject(params)) return refuse("params", "The route parameters must be an object.")
  const values = params ?? {}
  const names = Array.from(route.matchAll(placeholder), (match) => match[1]!)
  for (const name of names) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined
    if (value === undefined) return refuse(name, `The route needs a value for {${name}}.`)
    if (!isSegment(value)) {
      const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 100)) : typeof value
      return refuse(name, `The value for {${name}} is not a valid Graph id or path segment: ${shown}.`)
    }
  }
  const extra = Object.keys(values).find((name) => !names.includes(name))
  if (extra !== undefined) return refuse(extra, `The route "${route.slice(0, 200)}" has no {${extra}} placeholder.`)
  return Result.succeed(route.replace(placeholder, (_, name: string) => encodeURIComponent(values[name] as string)))
}

/**
 * The query as name–value pairs. `secret` opens a value the line keeps secret (its `Redacted`), and says
 * `undefined` for any other value.
 *
 * @internal
 */
export const query = (
  query: unknown,
  secret: (value: unknown) => { readonly value: unknown } | undefined
): Result.Result<Array<[string, string]>, Refusal> => {
  if (query !== undefined && !isObject(query)) return refuse("query", "The query must be an object.")
  const params: Array<[string, string]> = []
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue
    if (key === "") return refuse(key, "Query parameter names must not be empty.")
    const name = key.toLowerCase()
    if (clientOwned.has(name)) {
      return refuse(key, `"${key}" is added by the client from its configuration; do not pass it.`)
    }
    // A secret (`input_token` of debug_token, say) travels only as a secret, which the client scrubs from
    // whatever the answer echoes; it never reaches a span, a log or an error.
    const opened = secret(value)
    if (secretParams.has(name) && opened === undefined) {
      return refuse(key, `"${key}" carries a secret: pass it as a Redacted value.`)
    }
    const raw = opened === undefined ? value : opened.value
    const plain = typeof raw === "number" ? Number.isFinite(raw) : typeof raw === "string" || typeof raw === "boolean"
    if (!plain) return refuse(key, `The query parameter "${key}" must be a string, a finite number or a boolean.`)
    params.push([key, String(raw)])
  }
  return Result.succeed(params)
}
