/**
 * Connection settings for the Graph API: who we are (access token, app secret), which API version we
 * speak, where the API lives, how we introduce ourselves (`User-Agent`), and how patient and how
 * trusting each request is (timeout, retries, response size limit).
 *
 * Every setting is validated once, when the layer is built, so a bad setting fails at start-up with a
 * {@link GraphConfigError} and no request is ever sent with it. A config error never repeats a secret:
 * the token and app secret are scrubbed from its message by value, and a base URL is echoed without
 * its query string or user info.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as GraphRetry from "./GraphRetry.js"
import { version } from "./internal/version.js"
import { makeScrubber, safeUrl } from "./Redaction.js"

/**
 * The API version requests are pinned to unless told otherwise: the newest version this library is
 * tested against. Graph silently serves a newer version once a pinned one expires (the client warns
 * when it sees that), so pin explicitly.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultApiVersion = "v27.0"

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = "https://graph.facebook.com"

/**
 * How long one HTTP attempt (headers and body) may take before it is abandoned and counted as a
 * transport failure.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTimeout: Duration.Duration = Duration.seconds(30)

/**
 * The largest response body accepted, counted after decompression: 16 MiB. A page of 100 accounts
 * with every field is a few hundred KB; anything near this is a misbehaving server.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultMaxResponseBytes = 16 * 1024 * 1024

/**
 * `effect-waba/<version of this package>`.
 *
 * @since 0.2.0
 * @category constants
 */
export const defaultUserAgent = `effect-waba/${version}`

/**
 * The pattern Meta's OpenAPI spec gives the `User-Agent` header (`name/1.2.3`, optionally `;key=value`
 * and one more `product/version`). A validating proxy or mock refuses requests that break it.
 *
 * @since 0.2.0
 * @category constants
 */
export const userAgentPattern: RegExp =
  /^[a-zA-Z0-9\-_]+\/[0-9]+\.[0-9]+\.[0-9]+(;[a-zA-Z0-9\-=.]+)?(\s+[a-zA-Z0-9\-_]+\/[0-9\-.]+)?$/

/**
 * A setting that cannot work. `setting` names it; the message says what is wrong with it and never
 * repeats a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphConfigError extends Schema.TaggedError<GraphConfigError>("@effect-waba/graph-core/GraphConfigError")(
  "GraphConfigError",
  {
    setting: Schema.String,
    message: Schema.String
  }
) {}

/**
 * @since 0.2.0
 * @category predicates
 */
export const isGraphConfigError = (u: unknown): u is GraphConfigError => u instanceof GraphConfigError

/**
 * How `appsecret_proof` is computed when an app secret is configured.
 *
 * - `"plain"`: HMAC-SHA256 of the token, computed once per client.
 * - `"timed"`: HMAC-SHA256 of `token|unixTime`, sent with `appsecret_time`; computed for every attempt
 *   because Meta rejects proofs older than five minutes.
 *
 * @since 0.1.0
 * @category models
 */
export type AppSecretProofMode = "plain" | "timed"

/**
 * The validated settings a `GraphClient` works with.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly accessToken: Redacted.Redacted<string>
  readonly appSecret: Option.Option<Redacted.Redacted<string>>
  readonly appSecretProof: AppSecretProofMode
  /** `vNN.N`, e.g. `v27.0`. */
  readonly apiVersion: string
  /** Origin plus optional path prefix, without a trailing slash. */
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  /** `Option.none()` turns retries off. */
  readonly retry: Option.Option<GraphRetry.RetryPolicy>
  /** Sent as `User-Agent`; matches {@link userAgentPattern}. */
  readonly userAgent: string
  /** The largest response body accepted, in bytes after decompression. */
  readonly maxResponseBytes: number
}

/**
 * What callers may pass to {@link make} or {@link layer}. Strings given for secrets are wrapped in
 * `Redacted` at once.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly accessToken: Redacted.Redacted<string> | string
  readonly appSecret?: Redacted.Redacted<string> | string | undefined
  readonly appSecretProof?: AppSecretProofMode | undefined
  readonly apiVersion?: string | undefined
  readonly baseUrl?: string | undefined
  readonly timeout?: Duration.DurationInput | undefined
  /** Tune the retry policy, or `false` to make every request a single attempt. */
  readonly retry?: Partial<GraphRetry.RetryPolicyInput> | false | undefined
  /** Default {@link defaultUserAgent}; must match {@link userAgentPattern}. */
  readonly userAgent?: string | undefined
  /** Default {@link defaultMaxResponseBytes}. */
  readonly maxResponseBytes?: number | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class GraphConfig extends Context.Tag("@effect-waba/graph-core/GraphConfig")<GraphConfig, Settings>() {}

const versionPattern = /^v\d{1,3}\.\d{1,2}$/

// Access tokens are opaque, but they never hold whitespace or control characters; one that does was
// pasted with a stray newline or quote, and would only fail later with a confusing 190.
// eslint-disable-next-line no-control-regex
const tokenForbidden = /[\s\u0000-\u001f\u007f"'<>\\]/

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"])

const isLoopback = (hostname: string) => loopbackHosts.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname)

const validateSecret = (setting: "accessToken" | "appSecret", value: string) => {
  const name = setting === "accessToken" ? "access token" : "app secret"
  if (value.trim().length === 0) return Effect.fail(new GraphConfigError({ setting, message: `The ${name} is empty.` }))
  if (tokenForbidden.test(value)) {
    return Effect.fail(
      new GraphConfigError({
        setting,
        message: `The ${name} contains whitespace, quotes or control characters; check how it was copied.`
      })
    )
  }
  return Effect.void
}

const fail = (setting: string, message: string) => Effect.fail(new GraphConfigError({ setting, message }))

const validateBaseUrl = (raw: string): Effect.Effect<string, GraphConfigError> => {
  // Only ever echoed without query, fragment or user info: that is where credentials hide.
  const shown = safeUrl(raw)
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return fail("baseUrl", `The base URL "${shown}" is not an absolute URL.`)
  }
  if (url.username !== "" || url.password !== "") {
    return fail("baseUrl", `The base URL "${shown}" must not contain credentials.`)
  }
  if (url.search !== "" || url.hash !== "") {
    return fail("baseUrl", `The base URL "${shown}" must not have a query string or fragment.`)
  }
  if (url.protocol === "http:") {
    if (!isLoopback(url.hostname)) {
      return fail(
        "baseUrl",
        `The base URL "${shown}" uses plain HTTP on a non-loopback host; tokens must only travel over HTTPS.`
      )
    }
  } else if (url.protocol !== "https:") {
    return fail("baseUrl", `The base URL "${shown}" must use https (or http on loopback).`)
  }
  return Effect.succeed(`${url.origin}${url.pathname.replace(/\/+$/, "")}`)
}

const maxResponseBytesLimit = 2 ** 31 - 1

const validate = (
  options: Options,
  accessToken: Redacted.Redacted<string>,
  appSecret: Option.Option<Redacted.Redacted<string>>
): Effect.Effect<Settings, GraphConfigError> =>
  Effect.gen(function*() {
    yield* validateSecret("accessToken", Redacted.value(accessToken))
    if (Option.isSome(appSecret)) yield* validateSecret("appSecret", Redacted.value(appSecret.value))

    const apiVersion = options.apiVersion ?? defaultApiVersion
    if (typeof apiVersion !== "string" || !versionPattern.test(apiVersion)) {
      return yield* fail(
        "apiVersion",
        `The API version "${
          String(apiVersion).slice(0, 40)
        }" is not of the form vNN.N (for example ${defaultApiVersion}).`
      )
    }

    const baseUrl = yield* validateBaseUrl(options.baseUrl ?? defaultBaseUrl)

    const timeout = options.timeout === undefined
      ? Option.some(defaultTimeout)
      : Duration.decodeUnknown(options.timeout)
    if (Option.isNone(timeout) || !Duration.isFinite(timeout.value) || Duration.toMillis(timeout.value) <= 0) {
      return yield* fail("timeout", "The request timeout must be a positive, finite duration.")
    }

    const appSecretProof = options.appSecretProof ?? "plain"
    if (appSecretProof !== "plain" && appSecretProof !== "timed") {
      return yield* fail("appSecretProof", `The appsecret_proof mode must be "plain" or "timed".`)
    }

    const userAgent = options.userAgent ?? defaultUserAgent
    if (typeof userAgent !== "string" || !userAgentPattern.test(userAgent)) {
      return yield* fail(
        "userAgent",
        `The User-Agent "${
          String(userAgent).slice(0, 100)
        }" does not match the pattern of Meta's API specification: name/1.2.3, optionally followed by ` +
          `";key=value" and one more "product/version" (for example ${defaultUserAgent}).`
      )
    }

    const maxResponseBytes = options.maxResponseBytes ?? defaultMaxResponseBytes
    if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1 || maxResponseBytes > maxResponseBytesLimit) {
      return yield* fail(
        "maxResponseBytes",
        `maxResponseBytes must be a whole number of bytes from 1 to ${maxResponseBytesLimit}.`
      )
    }

    const retry = options.retry === false
      ? Option.none()
      : Option.some(
        yield* GraphRetry.makePolicy(options.retry ?? {}).pipe(
          Effect.mapError((message) => new GraphConfigError({ setting: "retry", message }))
        )
      )

    return {
      accessToken,
      appSecret,
      appSecretProof,
      apiVersion,
      baseUrl,
      timeout: timeout.value,
      retry,
      userAgent,
      maxResponseBytes
    }
  })

/**
 * Validates options into {@link Settings}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Settings, GraphConfigError> =>
  Effect.suspend(() => {
    const accessToken = Redacted.isRedacted(options.accessToken)
      ? options.accessToken
      : Redacted.make(options.accessToken)
    const appSecret = options.appSecret === undefined
      ? Option.none()
      : Option.some(Redacted.isRedacted(options.appSecret) ? options.appSecret : Redacted.make(options.appSecret))
    // Whatever was typed may end up in a message (a token pasted as the version, say): scrub them all.
    const scrub = makeScrubber([accessToken, appSecret])
    return validate(options, accessToken, appSecret).pipe(
      Effect.mapError((error) => new GraphConfigError({ setting: error.setting, message: scrub(error.message) }))
    )
  })

/**
 * A layer from options given in code.
 *
 * @example
 * ```ts
 * import { GraphConfig } from "@effect-waba/graph-core"
 * import { Redacted } from "effect"
 *
 * const ConfigLive = GraphConfig.layer({ accessToken: Redacted.make(process.env.TOKEN!), apiVersion: "v27.0" })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<GraphConfig, GraphConfigError> =>
  Layer.effect(GraphConfig, make(options))

/**
 * One setting for {@link layerConfig}: a `Config` to read it from (its name and nesting are yours), or a
 * plain value. A `Config` may yield `undefined` or an `Option` for "not set".
 *
 * @since 0.2.0
 * @category models
 */
export type ConfigInput<A> = Config.Config<A | undefined> | Config.Config<Option.Option<A>> | A

/**
 * What {@link layerConfig} reads, setting by setting.
 *
 * - Left out: `accessToken`, `appSecret`, `apiVersion` and `baseUrl` are read from `GRAPH_ACCESS_TOKEN`
 *   (required), `GRAPH_APP_SECRET`, `GRAPH_API_VERSION` and `GRAPH_BASE_URL`; the others take their defaults.
 * - A plain value: for those four, the fallback when the variable is unset or empty (the variable
 *   wins); for the others, the value.
 * - A `Config`: read instead of the default variable (`Config.redacted("MY_TOKEN")`,
 *   `Config.nested(Config.string("VERSION"), "GRAPH")`, …). Empty strings count as unset.
 *
 * @since 0.2.0
 * @category models
 */
export type ConfigOptions = { readonly [K in keyof Options]?: ConfigInput<NonNullable<Options[K]>> | undefined }

const defaultVariables = {
  accessToken: Config.redacted("GRAPH_ACCESS_TOKEN"),
  appSecret: Config.redacted("GRAPH_APP_SECRET"),
  apiVersion: Config.string("GRAPH_API_VERSION"),
  baseUrl: Config.string("GRAPH_BASE_URL")
} as const

const isUnset = (value: unknown): boolean =>
  value === undefined ||
  (typeof value === "string" && value.trim() === "") ||
  (Redacted.isRedacted(value) && String(Redacted.value(value)).trim() === "")

// Reads one setting: a Config (or the default variable), then the plain fallback. Missing data and empty
// strings are "unset"; a Config that yields an Option is unwrapped.
const readSetting = <A>(
  input: ConfigInput<A> | undefined,
  variable: Config.Config<unknown> | undefined
): Config.Config<A | undefined> => {
  const source: Config.Config<unknown> | undefined = Config.isConfig(input) ? input : variable
  const fallback = Config.isConfig(input) ? undefined : input
  if (source === undefined) return Config.succeed(fallback)
  return source.pipe(
    Config.option,
    Config.map((read) => {
      const value = Option.isSome(read) && Option.isOption(read.value)
        ? Option.getOrUndefined(read.value)
        : Option.getOrUndefined(read)
      return (isUnset(value) ? fallback : value) as A | undefined
    })
  )
}

const missingPath = (error: ConfigError.ConfigError): ReadonlyArray<string> | undefined => {
  if (ConfigError.isMissingData(error)) return error.path
  if (ConfigError.isAnd(error) || ConfigError.isOr(error)) return missingPath(error.left) ?? missingPath(error.right)
  return undefined
}

const fromConfigError = (error: ConfigError.ConfigError): GraphConfigError => {
  const path = missingPath(error)
  return new GraphConfigError({
    setting: "environment",
    message: path !== undefined
      ? `The Graph settings could not be read: ${path.join(".") || "a value"} is missing.`
      : `The Graph settings could not be read: ${
        // ConfigError messages name the variable and the problem, never the value read.
        String(error).slice(0, 300)}`
  })
}

/**
 * A layer that reads the settings from the current `ConfigProvider` (the environment by default).
 * Without arguments it reads `GRAPH_ACCESS_TOKEN` (required), `GRAPH_APP_SECRET`, `GRAPH_API_VERSION`
 * and `GRAPH_BASE_URL`; see {@link ConfigOptions} to rename or nest them, or to give defaults in code.
 *
 * @example
 * ```ts
 * import { GraphConfig } from "@effect-waba/graph-core"
 * import { Config } from "effect"
 *
 * // WABA_TOKEN instead of GRAPH_ACCESS_TOKEN; the version pinned in code unless GRAPH_API_VERSION says otherwise.
 * const ConfigLive = GraphConfig.layerConfig({
 *   accessToken: Config.redacted("WABA_TOKEN"),
 *   apiVersion: "v27.0",
 *   timeout: Config.duration("WABA_TIMEOUT")
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (options?: ConfigOptions | undefined): Layer.Layer<GraphConfig, GraphConfigError> =>
  Layer.effect(GraphConfig, makeConfig(options))

/**
 * The effect behind {@link layerConfig}.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeConfig = (options?: ConfigOptions | undefined): Effect.Effect<Settings, GraphConfigError> =>
  Effect.gen(function*() {
    const given: ConfigOptions = options ?? {}
    const read = yield* Config.all({
      accessToken: readSetting(given.accessToken, defaultVariables.accessToken),
      appSecret: readSetting(given.appSecret, defaultVariables.appSecret),
      appSecretProof: readSetting(given.appSecretProof, undefined),
      apiVersion: readSetting(given.apiVersion, defaultVariables.apiVersion),
      baseUrl: readSetting(given.baseUrl, defaultVariables.baseUrl),
      timeout: readSetting(given.timeout, undefined),
      retry: readSetting(given.retry, undefined),
      userAgent: readSetting(given.userAgent, undefined),
      maxResponseBytes: readSetting(given.maxResponseBytes, undefined)
    }).pipe(Effect.mapError(fromConfigError))
    if (read.accessToken === undefined) {
      return yield* new GraphConfigError({
        setting: "accessToken",
        message: Config.isConfig(given.accessToken)
          ? "The access token is not set."
          : "GRAPH_ACCESS_TOKEN is not set. Create a system-user token in Business Settings and export it."
      })
    }
    const { accessToken, ...rest } = read
    const settings: { -readonly [K in keyof Options]?: Options[K] } = {}
    for (const [key, value] of Object.entries(rest)) {
      if (value !== undefined) (settings as Record<string, unknown>)[key] = value
    }
    return yield* make({ ...settings, accessToken })
  })
