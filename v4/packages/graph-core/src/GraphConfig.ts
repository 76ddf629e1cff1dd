/**
 * Where and as whom the client talks to Graph: the token (and app secret, for `appsecret_proof`), the API
 * version, the origin, the timeout, retries, the User-Agent and the largest answer read. Checked once, by the
 * rules both lines share; secrets are `Redacted` from here to the header and scrubbed from every message.
 *
 * @since 1.0.0
 */
import * as Workable from "@effect-waba/graph-rules/config"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as GraphRetry from "./GraphRetry.js"

/**
 * The Graph API version used unless another is set.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultApiVersion = Workable.defaultApiVersion

/**
 * Graph's origin.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultBaseUrl = Workable.defaultBaseUrl

/**
 * The User-Agent sent unless another is set.
 *
 * @since 1.0.0
 * @category constants
 */
export const defaultUserAgent = "effect-waba/1.0.0"

/**
 * A setting that cannot work, named, with why. Never holds a secret.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphConfigError extends Schema.TaggedError<GraphConfigError>()("GraphConfigError", {
  setting: Schema.String,
  message: Schema.String
}) {}

/**
 * `plain`: `appsecret_proof` is the HMAC of the token; `timed`: of the token and the time, sent with
 * `appsecret_time` (Meta refuses it after five minutes).
 *
 * @since 1.0.0
 * @category models
 */
export type AppSecretProofMode = "plain" | "timed"

/**
 * The checked settings.
 *
 * @since 1.0.0
 * @category models
 */
export interface Settings {
  readonly accessToken: Redacted.Redacted<string>
  readonly appSecret: Option.Option<Redacted.Redacted<string>>
  readonly appSecretProof: AppSecretProofMode
  readonly apiVersion: string
  readonly baseUrl: string
  readonly timeout: Duration.Duration
  readonly retry: GraphRetry.RetryPolicy | undefined
  readonly userAgent: string
  readonly maxResponseBytes: number
}

/**
 * What a user gives: only the token is required.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  readonly accessToken: Redacted.Redacted<string> | string
  readonly appSecret?: Redacted.Redacted<string> | string | undefined
  readonly appSecretProof?: AppSecretProofMode | undefined
  readonly apiVersion?: string | undefined
  readonly baseUrl?: string | undefined
  readonly timeout?: Duration.Input | undefined
  /** Retries of throttled and transient failures; `false` for none. */
  readonly retry?: Partial<GraphRetry.RetryPolicyInput> | false | undefined
  readonly userAgent?: string | undefined
  readonly maxResponseBytes?: number | undefined
}

/**
 * The settings as a service.
 *
 * @since 1.0.0
 * @category services
 */
export class GraphConfig extends Context.Service<GraphConfig, Settings>()("@effect-waba/graph-core/GraphConfig") {}

const redacted = (value: Redacted.Redacted<string> | string) =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

/**
 * Checks the options into settings.
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<Settings, GraphConfigError> =>
  Effect.suspend(() => {
    const accessToken = redacted(options.accessToken)
    const appSecret = Option.map(Option.fromNullishOr(options.appSecret), redacted)
    const timeout = Duration.fromInput(options.timeout ?? Duration.millis(Workable.defaultTimeoutMillis))
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
    const retry = options.retry === false ? undefined : GraphRetry.makePolicy(options.retry ?? {})
    // The retry policy's messages hold nothing that was typed as a secret.
    if (typeof retry === "string") return Effect.fail(new GraphConfigError({ setting: "retry", message: retry }))
    const { timeoutMillis, ...rest } = checked.success
    return Effect.succeed<Settings>({ ...rest, accessToken, appSecret, timeout: Duration.millis(timeoutMillis), retry })
  })

/**
 * The settings as a layer.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<GraphConfig, GraphConfigError> =>
  Layer.effect(GraphConfig, make(options))

// A variable that is unset, or set to blank text, is not given.
const variable = <A>(config: Config.Config<A>, text: (value: A) => string) =>
  Config.map(Config.option(config), (read) => Option.filter(read, (value) => text(value).trim() !== ""))

/**
 * The settings from the environment — `GRAPH_ACCESS_TOKEN`, `GRAPH_APP_SECRET`, `GRAPH_API_VERSION`,
 * `GRAPH_BASE_URL` (through Effect's `ConfigProvider`) — with `options` taking precedence where given.
 * An error names the variable and the problem, never the value read.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerConfig = (options: Partial<Options> = {}): Layer.Layer<GraphConfig, GraphConfigError> =>
  Layer.effect(
    GraphConfig,
    Effect.gen(function*() {
      const read = yield* Config.all({
        accessToken: variable(Config.Redacted("GRAPH_ACCESS_TOKEN"), Redacted.value),
        appSecret: variable(Config.Redacted("GRAPH_APP_SECRET"), Redacted.value),
        apiVersion: variable(Config.String("GRAPH_API_VERSION"), String),
        baseUrl: variable(Config.String("GRAPH_BASE_URL"), String)
      }).pipe(
        Effect.mapError((error) =>
          new GraphConfigError({
            setting: "environment",
            message: `The Graph settings could not be read: ${error.message.slice(0, 300)}`
          })
        )
      )
      const accessToken = options.accessToken ?? Option.getOrUndefined(read.accessToken)
      if (accessToken === undefined) {
        return yield* new GraphConfigError({
          setting: "accessToken",
          message: "GRAPH_ACCESS_TOKEN is not set. Create a system-user token in Business Settings and export it."
        })
      }
      return yield* make({
        appSecret: Option.getOrUndefined(read.appSecret),
        apiVersion: Option.getOrUndefined(read.apiVersion),
        baseUrl: Option.getOrUndefined(read.baseUrl),
        ...options,
        accessToken
      })
    })
  )
