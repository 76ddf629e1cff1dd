/**
 * What makes the client's settings workable: the first setting that cannot work, and what is wrong with it,
 * in words that never repeat a secret. `GraphConfig` reads the settings and fails with what this finds.
 *
 * @internal
 */
import { safeUrl, scrubberOf } from "./redaction.js"
import { fail, type Result, succeed } from "./result.js"
import { secretProblem } from "./secret.js"

/** The form Meta's API specification gives a `User-Agent`. @internal */
export const userAgentPattern: RegExp =
  /^[a-zA-Z0-9\-_]+\/[0-9]+\.[0-9]+\.[0-9]+(;[a-zA-Z0-9\-=.]+)?(\s+[a-zA-Z0-9\-_]+\/[0-9\-.]+)?$/

const versionPattern = /^v\d{1,3}\.\d{1,2}$/

const isLoopback = (hostname: string) =>
  ["localhost", "[::1]", "::1"].includes(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname)

/** The largest `maxResponseBytes`. @internal */
export const maxBytes = 2 ** 31 - 1

/** The settings as given, with secrets as plain values and the timeout already judged. @internal */
export interface Given {
  readonly secrets: ReadonlyArray<readonly [setting: string, name: string, value: string]>
  readonly apiVersion: unknown
  /** Named in messages as an example of a version. */
  readonly exampleVersion: string
  readonly baseUrl: string
  readonly timeoutIsValid: boolean
  readonly appSecretProof: unknown
  readonly userAgent: unknown
  readonly maxResponseBytes: number
}

/** The first setting that cannot work, and why; `undefined` when all can. @internal */
export const problem = (given: Given): readonly [setting: string, message: string] | undefined => {
  for (const [setting, name, secret] of given.secrets) {
    const problem = secretProblem(name, secret)
    if (problem !== undefined) return [setting, problem]
  }
  const { appSecretProof, baseUrl, userAgent } = given
  const version = String(given.apiVersion)
  const example = `for example ${given.exampleVersion}`
  if (!versionPattern.test(version)) {
    return ["apiVersion", `The API version "${version.slice(0, 40)}" is not vNN.N (${example}).`]
  }
  const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined
  // Only ever echoed without query, fragment or user info: that is where credentials hide.
  const base = `The base URL "${safeUrl(baseUrl)}"`
  if (url === undefined) return ["baseUrl", `${base} is not an absolute URL.`]
  if (url.username !== "" || url.password !== "") return ["baseUrl", `${base} must not contain credentials.`]
  if (url.search !== "" || url.hash !== "") return ["baseUrl", `${base} must not have a query string or fragment.`]
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return ["baseUrl", `${base} must use https (or http on loopback).`]
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    return ["baseUrl", `${base} uses plain HTTP on a non-loopback host; tokens must only travel over HTTPS.`]
  }
  if (!given.timeoutIsValid) return ["timeout", "The request timeout must be a positive, finite duration."]
  if (appSecretProof !== "plain" && appSecretProof !== "timed") {
    return ["appSecretProof", `The appsecret_proof mode must be "plain" or "timed".`]
  }
  const agent = String(userAgent).slice(0, 100)
  if (!userAgentPattern.test(String(userAgent))) {
    const form = `name/1.2.3, optionally followed by ";key=value" and one more "product/version"`
    return ["userAgent", `The User-Agent "${agent}" is not of the form of Meta's API specification: ${form}.`]
  }
  const bytes = given.maxResponseBytes
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > maxBytes) {
    return ["maxResponseBytes", `maxResponseBytes must be a whole number of bytes from 1 to ${maxBytes}.`]
  }
  return undefined
}

/** A workable base URL as the client uses it: origin and path, without a trailing slash. @internal */
export const baseUrlOf = (baseUrl: string): string => {
  const url = new URL(baseUrl)
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`
}

/** The Graph API version both lines ask for unless told otherwise. @internal */
export const defaultApiVersion = "v27.0"

/** Graph's origin. @internal */
export const defaultBaseUrl = "https://graph.facebook.com"

/** @internal */
export const defaultTimeoutMillis = 30_000

/** @internal */
export const defaultMaxResponseBytes = 16 * 1024 * 1024

/** The settings as given, secrets as plain text and the timeout in milliseconds (`NaN`: unreadable). @internal */
export interface Options {
  readonly accessToken: string
  readonly appSecret?: string | undefined
  readonly appSecretProof?: unknown
  readonly apiVersion?: unknown
  readonly baseUrl?: string | undefined
  readonly timeoutMillis?: number | undefined
  readonly userAgent?: unknown
  readonly maxResponseBytes?: number | undefined
}

/** The settings with their defaults, checked. @internal */
export interface Checked {
  readonly appSecretProof: "plain" | "timed"
  readonly apiVersion: string
  readonly baseUrl: string
  readonly timeoutMillis: number
  readonly userAgent: string
  readonly maxResponseBytes: number
}

/**
 * The settings with their defaults (the line's own User-Agent among them), or the first that cannot work,
 * its message scrubbed of the secrets given: whatever was typed may end up there (a token pasted as the
 * version, say).
 *
 * @internal
 */
export const settings = (
  options: Options,
  defaultUserAgent: string
): Result<Checked, { readonly setting: string; readonly message: string }> => {
  const { accessToken, appSecret, appSecretProof = "plain", apiVersion = defaultApiVersion } = options
  const { baseUrl = defaultBaseUrl, maxResponseBytes = defaultMaxResponseBytes, userAgent = defaultUserAgent } = options
  const timeoutMillis = options.timeoutMillis ?? defaultTimeoutMillis
  const found = problem({
    secrets: [
      ["accessToken", "access token", accessToken],
      ...(appSecret === undefined ? [] : [["appSecret", "app secret", appSecret] as const])
    ],
    apiVersion,
    exampleVersion: defaultApiVersion,
    baseUrl,
    timeoutIsValid: Number.isFinite(timeoutMillis) && timeoutMillis > 0,
    appSecretProof,
    userAgent,
    maxResponseBytes
  })
  if (found !== undefined) {
    const scrub = scrubberOf([accessToken, ...(appSecret === undefined ? [] : [appSecret])])
    return fail({ setting: found[0], message: scrub(found[1]) })
  }
  return succeed({
    appSecretProof: appSecretProof as Checked["appSecretProof"],
    apiVersion: apiVersion as string,
    baseUrl: baseUrlOf(baseUrl),
    timeoutMillis,
    userAgent: userAgent as string,
    maxResponseBytes
  })
}
