/**
 * Connection settings for the Graph API: who we are (access token, app secret), which API version we
 * speak, where the API lives, and how patient each request is.
 *
 * Every setting is validated once, when the layer is built, so a bad setting fails at start-up with a
 * {@link GraphConfigError} and no request is ever sent with it.
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

/**
 * The API version requests are pinned to unless told otherwise: the newest version this library is
 * tested against. Graph silently serves a newer version once a pinned one expires, so pin explicitly.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultApiVersion = "v26.0"

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
 * How `appsecret_proof` is computed when an app secret is configured.
 *
 * - `"plain"`: HMAC-SHA256 of the token, computed once per client.
 * - `"timed"`: HMAC-SHA256 of `token|unixTime`, sent with `appsecret_time`; computed for every request
 *   because Meta rejects proofs older than five minutes.
 *
 * @since 0.1.0
 * @category models
 */
export type AppSecretProofMode = "plain" | "timed"

/**
 * The validated settings a {@link GraphClient} works with.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  readonly accessToken: Redacted.Redacted<string>
  readonly appSecret: Option.Option<Redacted.Redacted<string>>
  readonly appSecretProof: AppSecretProofMode
  /** `vNN.N`, e.g. `v26.0`. */
  readonly apiVersion: string
  /** Origin plus optional path prefix, without a trailing slash. */
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  /** `Option.none()` turns retries off. */
  readonly retry: Option.Option<GraphRetry.RetryPolicy>
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
}

/**
 * @since 0.1.0
 * @category tags
 */
export class GraphConfig extends Context.Tag("@effect-waba/graph-core/GraphConfig")<GraphConfig, Settings>() {}

const fail = (setting: string, message: string) => Effect.fail(new GraphConfigError({ setting, message }))

const versionPattern = /^v\d{1,3}\.\d{1,2}$/

// Access tokens are opaque, but they never hold whitespace or control characters; one that does was
// pasted with a stray newline or quote, and would only fail later with a confusing 190.
// eslint-disable-next-line no-control-regex
const tokenForbidden = /[\s\u0000-\u001f\u007f"'<>\\]/

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]", "::1"])

const isLoopback = (hostname: string) => loopbackHosts.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname)

const validateSecret = (setting: string, name: string, value: string) => {
  if (value.trim().length === 0) return fail(setting, `The ${name} is empty.`)
  if (tokenForbidden.test(value)) {
    return fail(setting, `The ${name} contains whitespace, quotes or control characters; check how it was copied.`)
  }
  return Effect.void
}

const validateBaseUrl = (raw: string): Effect.Effect<string, GraphConfigError> => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return fail("baseUrl", `The base URL "${raw}" is not an absolute URL.`)
  }
  if (url.username !== "" || url.password !== "") {
    return fail("baseUrl", "The base URL must not contain credentials.")
  }
  if (url.search !== "" || url.hash !== "") {
    return fail("baseUrl", `The base URL "${url.origin}${url.pathname}" must not have a query string or fragment.`)
  }
  if (url.protocol === "https:") {
    // fine anywhere
  } else if (url.protocol === "http:") {
    if (!isLoopback(url.hostname)) {
      return fail(
        "baseUrl",
        `The base URL "${url.origin}" uses plain HTTP on a non-loopback host; tokens must only travel over HTTPS.`
      )
    }
  } else {
    return fail("baseUrl", `The base URL "${raw}" must use https (or http on loopback).`)
  }
  return Effect.succeed(`${url.origin}${url.pathname.replace(/\/+$/, "")}`)
}

/**
 * Validates options into {@link Settings}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Settings, GraphConfigError> =>
  Effect.gen(function*() {
    const accessToken = Redacted.isRedacted(options.accessToken)
      ? options.accessToken
      : Redacted.make(options.accessToken)
    yield* validateSecret("accessToken", "access token", Redacted.value(accessToken))

    const appSecret = options.appSecret === undefined
      ? Option.none()
      : Option.some(Redacted.isRedacted(options.appSecret) ? options.appSecret : Redacted.make(options.appSecret))
    if (Option.isSome(appSecret)) {
      yield* validateSecret("appSecret", "app secret", Redacted.value(appSecret.value))
    }

    const apiVersion = options.apiVersion ?? defaultApiVersion
    if (!versionPattern.test(apiVersion)) {
      yield* fail(
        "apiVersion",
        `The API version "${apiVersion}" is not of the form vNN.N (for example ${defaultApiVersion}).`
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
      retry
    }
  })

/**
 * A layer from options given in code.
 *
 * @example
 * ```ts
 * import { GraphConfig } from "@effect-waba/graph-core"
 * import { Redacted } from "effect"
 *
 * const ConfigLive = GraphConfig.layer({ accessToken: Redacted.make(process.env.TOKEN!), apiVersion: "v26.0" })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<GraphConfig, GraphConfigError> =>
  Layer.effect(GraphConfig, make(options))

const optionalString = (name: string) =>
  Config.string(name).pipe(
    Config.option,
    Config.map(Option.filter((value) => value.trim() !== ""))
  )

const fromConfigError = (error: ConfigError.ConfigError): GraphConfigError => {
  const missing = ConfigError.isMissingData(error) ||
    (ConfigError.isAnd(error) && ConfigError.isMissingData(error.left))
  return new GraphConfigError({
    setting: "environment",
    message: missing
      ? "GRAPH_ACCESS_TOKEN is not set. Create a system-user token in Business Settings and export it."
      : `The Graph settings in the environment could not be read: ${String(error)}`
  })
}

/**
 * A layer that reads `GRAPH_ACCESS_TOKEN` (required), `GRAPH_APP_SECRET`, `GRAPH_API_VERSION` and
 * `GRAPH_BASE_URL` from the current `ConfigProvider` (the environment by default). Options given in code
 * fill in what the environment does not say; the environment wins where both do.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options?: Omit<Options, "accessToken"> | undefined
): Layer.Layer<GraphConfig, GraphConfigError> =>
  Layer.effect(
    GraphConfig,
    Effect.gen(function*() {
      const env = yield* Config.all({
        accessToken: Config.redacted("GRAPH_ACCESS_TOKEN"),
        appSecret: Config.redacted("GRAPH_APP_SECRET").pipe(
          Config.option,
          Config.map(Option.filter((secret) => Redacted.value(secret) !== ""))
        ),
        apiVersion: optionalString("GRAPH_API_VERSION"),
        baseUrl: optionalString("GRAPH_BASE_URL")
      }).pipe(Effect.mapError(fromConfigError))
      return yield* make({
        ...options,
        accessToken: env.accessToken,
        appSecret: Option.getOrElse(env.appSecret, () => options?.appSecret),
        apiVersion: Option.getOrElse(env.apiVersion, () => options?.apiVersion),
        baseUrl: Option.getOrElse(env.baseUrl, () => options?.baseUrl)
      })
    })
  )
