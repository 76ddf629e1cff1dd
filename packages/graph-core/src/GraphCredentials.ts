/**
 * Who the client is for a given business. Partners and agencies usually hold one system-user token per
 * client business (Embedded Signup gives one per customer); this service gives the token (and, when it is
 * not `GraphConfig`'s, the app secret and proof mode) to send for one business's requests.
 *
 * - Sources: {@link layer} (a map in code), {@link layerConfig} (`GRAPH_ACCESS_TOKEN_<business id>` and
 *   `GRAPH_APP_SECRET_<business id>` by default), {@link layerLookup} (your own effect: a database, a
 *   secret manager), cached per business.
 * - The scope: {@link asBusiness} runs an effect or a stream as one business. Every request made inside —
 *   edges, nested and expansion pages, phone numbers — is sent with that business's credentials
 *   (`appsecret_proof` computed per token), the answer is scrubbed of them, the rate governor keeps that
 *   business's app budget apart from the others', and errors carry its id in `businessId`.
 *
 * Outside a business scope, or with no `GraphCredentials` provided, requests are sent with `GraphConfig`'s
 * token, as in a single-token setup. The client uses the `GraphCredentials` around the call, else the one
 * its layer was built with.
 *
 * @example
 * ```ts
 * import { GraphClient, GraphConfig, GraphCredentials } from "@effect-waba/graph-core"
 * import { OwnedAccounts } from "@effect-waba/waba"
 * import { FetchHttpClient } from "@effect/platform"
 * import { Layer, Stream } from "effect"
 *
 * const GraphLive = GraphClient.layer.pipe(
 *   Layer.provideMerge(GraphCredentials.layer({ "1234567890": "EAAG…token-of-A", "2345678901": "EAAG…token-of-B" })),
 *   Layer.provide(GraphConfig.layerConfig()), // the partner's own token, and the app secret for every token
 *   Layer.provide(FetchHttpClient.layer)
 * )
 *
 * const accountsOfB = OwnedAccounts.stream("2345678901").pipe(GraphCredentials.asBusiness("2345678901"))
 * ```
 *
 * @since 0.1.0
 */
import * as Rules from "@effect-waba/graph-rules/credentials"
import * as Cache from "effect/Cache"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as GraphConfig from "./GraphConfig.js"

/**
 * What is sent for one business. Left out, the app secret and the proof mode are `GraphConfig`'s: the
 * tokens of an agency's clients are usually issued to one app.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly accessToken: Redacted.Redacted<string>
  readonly appSecret?: Redacted.Redacted<string> | undefined
  readonly appSecretProof?: GraphConfig.AppSecretProofMode | undefined
}

/**
 * Credentials as a source may give them: a token alone, or with an app secret and proof mode. Strings are
 * wrapped in `Redacted` at once.
 *
 * @since 0.1.0
 * @category models
 */
export type Input = Redacted.Redacted<string> | string | {
  readonly accessToken: Redacted.Redacted<string> | string
  readonly appSecret?: Redacted.Redacted<string> | string | undefined
  readonly appSecretProof?: GraphConfig.AppSecretProofMode | undefined
}

/**
 * A business's credentials could not be had: none for it (`Missing`), unusable as given (`Invalid`: an
 * empty token, one with whitespace), or the source failed (`Unavailable`, with the source's error as
 * `cause`). Names the business, never a secret. The requests of that business fail with it; in a fan-out,
 * that business is reported as failed and the others go on.
 *
 * @since 0.1.0
 * @category errors
 */
export class GraphCredentialsError extends Schema.TaggedError<GraphCredentialsError>(
  "@effect-waba/graph-core/GraphCredentialsError"
)("GraphCredentialsError", {
  businessId: Schema.String,
  reason: Schema.Literal("Missing", "Invalid", "Unavailable"),
  message: Schema.String,
  cause: Schema.optional(Schema.Unknown)
}) {}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The credentials to send for `businessId`'s requests. */
  readonly get: (businessId: string) => Effect.Effect<Credentials, GraphCredentialsError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class GraphCredentials extends Context.Tag("@effect-waba/graph-core/GraphCredentials")<
  GraphCredentials,
  Service
>() {}

// A context entry with a default, so that reading it adds no requirement: the client reads it per call.
class CurrentBusiness
  extends Context.Reference<CurrentBusiness>()("@effect-waba/graph-core/GraphCredentials/Business", {
    defaultValue: (): Option.Option<string> => Option.none()
  })
{}

/**
 * The business the current fiber acts as, if inside {@link asBusiness}.
 *
 * @since 0.1.0
 * @category accessors
 */
export const currentBusiness: Effect.Effect<Option.Option<string>> = CurrentBusiness

/**
 * Runs an effect or a stream as `businessId`: every Graph request made inside is sent with that
 * business's credentials (see the module's documentation). Scopes nest: the innermost wins.
 *
 * @example
 * ```ts
 * import { GraphCredentials } from "@effect-waba/graph-core"
 * import { WhatsAppBusinessAccount } from "@effect-waba/waba"
 *
 * const account = WhatsAppBusinessAccount.get("102290129340398").pipe(GraphCredentials.asBusiness("1234567890"))
 * ```
 *
 * @since 0.1.0
 * @category combinators
 */
export const asBusiness =
  (businessId: string) =>
  <Self extends Effect.Effect<any, any, any> | Stream.Stream<any, any, any>>(self: Self): Self =>
    (Effect.isEffect(self)
      ? Effect.provideService(self, CurrentBusiness, Option.some(businessId))
      : Stream.provideService(
        self as Stream.Stream<unknown, unknown, unknown>,
        CurrentBusiness,
        Option.some(businessId)
      )) as Self

const redacted = (value: Redacted.Redacted<string> | string) =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

const failure = (businessId: string, reason: GraphCredentialsError["reason"], message: string, cause?: unknown) =>
  new GraphCredentialsError({ businessId, reason, message, ...(cause === undefined ? {} : { cause }) })

// The credentials as given, checked as `GraphConfig` checks its own; a problem names the business only.
const normalize = (businessId: string, input: unknown): Effect.Effect<Credentials, GraphCredentialsError> => {
  if (input === undefined) return Effect.fail(failure(businessId, "Missing", Rules.missing(businessId)))
  const given = typeof input === "string" || Redacted.isRedacted(input) ? { accessToken: input } : input
  const valid = (value: unknown): value is Redacted.Redacted<string> | string =>
    typeof value === "string" || (Redacted.isRedacted(value) && typeof Redacted.value(value) === "string")
  if (
    !Predicate.isRecord(given) || !valid(given.accessToken) ||
    !(given.appSecret === undefined || valid(given.appSecret))
  ) {
    return Effect.fail(failure(businessId, "Invalid", Rules.notAToken(businessId)))
  }
  const accessToken = redacted(given.accessToken)
  const appSecret = given.appSecret === undefined ? undefined : redacted(given.appSecret)
  const mode = given.appSecretProof as GraphConfig.AppSecretProofMode | undefined
  const problem = Rules.problem(businessId, {
    accessToken: Redacted.value(accessToken),
    appSecret: appSecret && Redacted.value(appSecret),
    appSecretProof: mode
  })
  return problem !== undefined
    ? Effect.fail(failure(businessId, "Invalid", problem))
    : Effect.succeed({ accessToken, appSecret, appSecretProof: mode })
}

/**
 * Credentials from a map of business id to token (or token and app secret). A business not in it fails
 * with `GraphCredentialsError` (`Missing`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromRecord = (credentials: Readonly<Record<string, Input>> | ReadonlyMap<string, Input>): Service => {
  const entries: ReadonlyMap<string, Input> = credentials instanceof Map
    ? credentials
    : new Map(Object.entries(credentials))
  return { get: (businessId) => normalize(businessId, entries.get(businessId)) }
}

/**
 * {@link fromRecord} as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  credentials: Readonly<Record<string, Input>> | ReadonlyMap<string, Input>
): Layer.Layer<GraphCredentials> => Layer.succeed(GraphCredentials, fromRecord(credentials))

/**
 * How long {@link make} keeps what it looked up.
 *
 * @since 0.1.0
 * @category models
 */
export interface CacheOptions {
  /** How long a business's credentials are kept before they are looked up again. Default 5 minutes. */
  readonly timeToLive?: Duration.DurationInput | undefined
  /** How many businesses' credentials are kept (the least recently used go first). Default 10,000. */
  readonly capacity?: number | undefined
}

/**
 * Credentials from your own effect, e.g. a query of the table your Embedded Signup flow fills. `undefined`
 * means none for that business (`Missing`); a failure is `Unavailable`, with your error as `cause`. The
 * answers are cached per business for `timeToLive`, so a long fan-out does not ask for every request;
 * concurrent requests of one business share one lookup, and failures are not kept: the next request asks
 * again.
 *
 * @example
 * ```ts
 * import { GraphCredentials } from "@effect-waba/graph-core"
 * import { Effect, Redacted } from "effect"
 *
 * declare const tokenOf: (businessId: string) => Promise<string | undefined>
 *
 * const CredentialsLive = GraphCredentials.layerLookup(
 *   (businessId) => Effect.promise(() => tokenOf(businessId)),
 *   { timeToLive: "10 minutes" }
 * )
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <E, R>(
  lookup: (businessId: string) => Effect.Effect<Input | undefined, E, R>,
  options?: CacheOptions | undefined
): Effect.Effect<Service, never, R> =>
  Effect.map(
    Cache.make({
      capacity: options?.capacity ?? 10_000,
      timeToLive: options?.timeToLive ?? Duration.minutes(5),
      lookup: (businessId: string) =>
        Effect.suspend(() => lookup(businessId)).pipe(
          Effect.mapError((cause) => failure(businessId, "Unavailable", Rules.unavailable(businessId), cause)),
          Effect.flatMap((input) => normalize(businessId, input))
        )
    }),
    // A failure is shared by the requests that waited for it, and forgotten: the next request asks again.
    (cache): Service => ({
      get: (businessId) => Effect.tapError(cache.get(businessId), () => cache.invalidate(businessId))
    })
  )

/**
 * {@link make} as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerLookup = <E, R>(
  lookup: (businessId: string) => Effect.Effect<Input | undefined, E, R>,
  options?: CacheOptions | undefined
): Layer.Layer<GraphCredentials, never, R> => Layer.effect(GraphCredentials, make(lookup, options))

// `GRAPH_ACCESS_TOKEN_<id>` and, if set, `GRAPH_APP_SECRET_<id>`.
const fromEnvironment = (businessId: string): Config.Config<Input | undefined> =>
  Config.all([
    Config.option(Config.redacted(`GRAPH_ACCESS_TOKEN_${businessId}`)),
    Config.option(Config.redacted(`GRAPH_APP_SECRET_${businessId}`))
  ]).pipe(Config.map(([token, secret]) =>
    Option.isNone(token) ? undefined : { accessToken: token.value, appSecret: Option.getOrUndefined(secret) }
  ))

/**
 * Credentials read from the current `ConfigProvider` (the environment by default) when a business is
 * first met: `GRAPH_ACCESS_TOKEN_<business id>` and, if set, `GRAPH_APP_SECRET_<business id>`, or the
 * `Config` you give per business id. Cached as {@link make} caches.
 *
 * @example
 * ```ts
 * import { GraphCredentials } from "@effect-waba/graph-core"
 * import { Config } from "effect"
 *
 * // WABA_TOKEN_1234567890=EAAG… for business 1234567890
 * const CredentialsLive = GraphCredentials.layerConfig((businessId) => Config.redacted(`WABA_TOKEN_${businessId}`))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: (businessId: string) => Config.Config<Input | undefined> = fromEnvironment,
  options?: CacheOptions | undefined
): Layer.Layer<GraphCredentials> =>
  // A variable not set is no credentials for that business; any other problem is the source failing.
  layerLookup((businessId) => Effect.map(Config.option(config(businessId)), Option.getOrUndefined), options)
