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
import * as Workable from "@effect-waba/graph-rules/config"
import { defined } from "@effect-waba/graph-rules/defined"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as GraphRetry from "./GraphRetry.js"
import { version } from "./internal/version.js"

/**
 * The API version requests are pinned to unless told otherwise: the newest version this library is
 * tested against. Graph silently serves a newer version once a pinned one expires (the client warns
 * when it sees that), so pin explicitly.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultApiVersion = Workable.defaultApiVersion

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultBaseUrl = Workable.defaultBaseUrl

/**
 * How long one HTTP attempt (headers and body) may take before it is abandoned and counted as a
 * transport failure.
 *
 * @since 0.1.0
 * @category constants
 */
/**
 * The largest response body accepted, counted after decompression: 16 MiB. A page of 100 accounts
 * with every field is a few hundred KB; anything near this is a misbehaving server.
 *
 * @since 0.1.0
 * @category constants
 */
/**
 * `effect-waba/<version of this package>`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultUserAgent = `effect-waba/${version}`

/**
 * The pattern Meta's OpenAPI spec gives the `User-Agent` header (`name/1.2.3`, optionally `;key=value`
 * and one more `product/version`). A validating proxy or mock refuses requests that break it.
 *
 * @since 0.1.0
 * @category constants
 */
export const userAgentPattern: RegExp = Workable.userAgentPattern

/**
 * A setting that cannot work. `setting` names it; the message says what is wrong with it and never
 * repeats a secret.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphConfigError extends Schema.TaggedError<GraphConfigError>("@effect-waba/graph-core/GraphConfigError")(
  "GraphConfigError",
  { setting: Schema.String, message: Schema.String }
) {}

/**
 * How `appsecret_proof` is computed when an app secret is configured.
 *
 * - `"plain"`: HMAC-SHA256 of the token.
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
  /** Default 16 MiB. */
  readonly maxResponseBytes?: number | undefined
}

/**
 * @since 0.1.0
 * @category tags
 */
export class GraphConfig extends Context.Tag("@effect-waba/graph-core/GraphConfig")<GraphConfig, Settings>() {}

const redacted = (value: Redacted.Redacted<string> | string) =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

/**
 * Validates options into {@link Settings}.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Settings, GraphConfigError> =>
  Effect.suspend(() => {
    const accessToken = redacted(options.accessToken)
    const appSecret = Option.map(Option.fromNullable(options.appSecret), redacted)
    const timeout = Duration.decodeUnknown(options.timeout ?? Duration.millis(Workable.defaultTimeoutMillis))
    const checked = Workable.settings({
      ...options,
      accessToken: Redacted.value(accessToken),
      appSecret: Option.getOrUndefined(Option.map(appSecret, Redacted.value)),
      timeoutMillis: Option.match(Option.filter(timeout, Duration.isFinite), {
        onNone: () => NaN,
        onSome: Duration.toMillis
      })
    }, defaultUserAgent)
    if (checked._tag === "Failure") return Effect.fail(new GraphConfigError(checked.failure))
    const retry = options.retry === false
      ? Effect.succeed(Option.none())
      : Effect.map(GraphRetry.makePolicy(options.retry ?? {}), Option.some)
    const { timeoutMillis, ...rest } = checked.success
    return Effect.mapBoth(retry, {
      // The retry policy's messages hold nothing that was typed as a secret.
      onFailure: (message) => new GraphConfigError({ setting: "retry", message }),
      onSuccess: (retry): Settings => ({
        ...rest,
        accessToken,
        appSecret,
        timeout: Duration.millis(timeoutMillis),
        retry
      })
    })
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
 * @since 0.1.0
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
 * @since 0.1.0
 * @category models
 */
export type ConfigOptions = { readonly [K in keyof Options]?: ConfigInput<NonNullable<Options[K]>> | undefined }

const defaultVariables: { readonly [K in keyof Options]?: Config.Config<unknown> } = {
  accessToken: Config.redacted("GRAPH_ACCESS_TOKEN"),
  appSecret: Config.redacted("GRAPH_APP_SECRET"),
  apiVersion: Config.string("GRAPH_API_VERSION"),
  baseUrl: Config.string("GRAPH_BASE_URL")
}

// Reads one setting: a Config (or the default variable), then the plain fallback. Missing data and empty
// strings are "unset"; a Config that yields an Option is unwrapped.
const readSetting = (input: unknown, variable: Config.Config<unknown> | undefined): Config.Config<unknown> => {
  const source = Config.isConfig(input) ? input : variable
  const fallback = Config.isConfig(input) ? undefined : input
  if (source === undefined) return Config.succeed(fallback)
  return Config.map(Config.option(source), (read) => {
    const value = Option.getOrUndefined(read)
    const plain = Option.isOption(value) ? Option.getOrUndefined(value) : value
    const unset = plain === undefined || `${Redacted.isRedacted(plain) ? Redacted.value(plain) : plain}`.trim() === ""
    return unset ? fallback : plain
  })
}

// ConfigError messages name the variable and the problem, never the value read.
const fromConfigError = (error: ConfigError.ConfigError) =>
  new GraphConfigError({
    setting: "environment",
    message: `The Graph settings could not be read: ${`${error}`.slice(0, 300)}`
  })

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
  Layer.effect(
    GraphConfig,
    Effect.gen(function*() {
      const given: Readonly<Record<string, unknown>> = options ?? {}
      const keys = new Set([...Object.keys(defaultVariables), ...Object.keys(given)]) as Set<keyof Options>
      const read = yield* Config.all(
        Object.fromEntries([...keys].map((key) => [key, readSetting(given[key], defaultVariables[key])]))
      ).pipe(Effect.mapError(fromConfigError))
      if (read.accessToken === undefined) {
        return yield* new GraphConfigError({
          setting: "accessToken",
          message: Config.isConfig(given.accessToken)
            ? "The access token is not set."
            : "GRAPH_ACCESS_TOKEN is not set. Create a system-user token in Business Settings and export it."
        })
      }
      // Each value was read from a Config of its option's own type (see `ConfigOptions`).
      return yield* make(defined(read) as unknown as Options)
    })
  )
