/**
 * Credentials per business, as agencies and platforms hold them (Embedded Signup gives a token per client
 * business): a read made `asBusiness(id)` is made with that business's token (and app secret, for its
 * `appsecret_proof`) from a map, or from your own lookup (a database, a secret manager) cached for a while.
 * Without it, or outside `asBusiness`, the config's token is used, as before.
 *
 * @since 1.0.0
 */
import * as Rules from "@effect-waba/graph-rules/credentials"
import * as Cache from "effect/Cache"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as GraphConfig from "./GraphConfig.js"

/**
 * A business's credentials.
 *
 * @since 1.0.0
 * @category models
 */
export interface Credentials {
  readonly accessToken: Redacted.Redacted<string>
  readonly appSecret?: Redacted.Redacted<string> | undefined
  readonly appSecretProof?: GraphConfig.AppSecretProofMode | undefined
}

/**
 * Credentials as given: a token, or a token with an app secret and proof mode.
 *
 * @since 1.0.0
 * @category models
 */
export type Input = Redacted.Redacted<string> | string | {
  readonly accessToken: Redacted.Redacted<string> | string
  readonly appSecret?: Redacted.Redacted<string> | string | undefined
  readonly appSecretProof?: GraphConfig.AppSecretProofMode | undefined
}

/**
 * No credentials for a business, credentials that cannot work, or a lookup that failed. It names the
 * business, never a secret.
 *
 * @since 1.0.0
 * @category errors
 */
export class GraphCredentialsError extends Schema.TaggedError<GraphCredentialsError>()("GraphCredentialsError", {
  businessId: Schema.String,
  reason: Schema.Literals(["Missing", "Invalid", "Unavailable"]),
  message: Schema.String
}) {}

/**
 * @since 1.0.0
 * @category models
 */
export interface Service {
  readonly get: (businessId: string) => Effect.Effect<Credentials, GraphCredentialsError>
}

/**
 * The credentials per business, as a service.
 *
 * @since 1.0.0
 * @category services
 */
export class GraphCredentials
  extends Context.Service<GraphCredentials, Service>()("@effect-waba/graph-core/GraphCredentials")
{}

// With a default, so that reading it adds no requirement: the client reads it per call.
const CurrentBusiness = Context.Reference<string | undefined>("@effect-waba/graph-core/GraphCredentials/Business", {
  defaultValue: () => undefined
})

/**
 * The business the current read is made for, if any.
 *
 * @since 1.0.0
 * @category getters
 */
export const currentBusiness: Effect.Effect<string | undefined> = Effect.gen(function*() {
  return yield* CurrentBusiness
})

/**
 * Runs a read (an effect or a stream) as business `businessId`: with its credentials, counted against it.
 *
 * @since 1.0.0
 * @category combinators
 */
export const asBusiness =
  (businessId: string) =>
  <Self extends Effect.Effect<any, any, any> | Stream.Stream<any, any, any>>(self: Self): Self =>
    (Effect.isEffect(self)
      ? Effect.provideService(self, CurrentBusiness, businessId)
      : Stream.provideService(self as Stream.Stream<unknown, unknown, unknown>, CurrentBusiness, businessId)) as Self

const fail = (businessId: string, reason: GraphCredentialsError["reason"], message: string) =>
  Effect.fail(new GraphCredentialsError({ businessId, reason, message }))

const open = (value: unknown): string | undefined =>
  typeof value === "string"
    ? value
    : Redacted.isRedacted(value) && typeof Redacted.value(value) === "string"
    ? Redacted.value(value) as string
    : undefined

// The credentials as given, checked by the shared rules.
const normalize = (businessId: string, input: unknown): Effect.Effect<Credentials, GraphCredentialsError> => {
  const given = typeof input === "string" || Redacted.isRedacted(input) ? { accessToken: input } : input
  if (typeof given !== "object" || given === null) return fail(businessId, "Invalid", Rules.notAToken(businessId))
  const { accessToken, appSecret, appSecretProof } = given as Readonly<Record<string, unknown>>
  const token = open(accessToken)
  const secret = appSecret === undefined ? undefined : open(appSecret)
  if (token === undefined || (appSecret !== undefined && secret === undefined)) {
    return fail(businessId, "Invalid", Rules.notAToken(businessId))
  }
  const problem = Rules.problem(businessId, { accessToken: token, appSecret: secret, appSecretProof })
  if (problem !== undefined) return fail(businessId, "Invalid", problem)
  return Effect.succeed({
    accessToken: Redacted.make(token),
    appSecret: secret === undefined ? undefined : Redacted.make(secret),
    appSecretProof: appSecretProof as GraphConfig.AppSecretProofMode | undefined
  })
}

/**
 * The credentials of a fixed set of businesses.
 *
 * @since 1.0.0
 * @category constructors
 */
export const fromRecord = (credentials: Readonly<Record<string, Input>> | ReadonlyMap<string, Input>): Service => {
  const entries: ReadonlyMap<string, Input> = credentials instanceof Map
    ? credentials
    : new Map(Object.entries(credentials))
  return {
    get: (businessId) => {
      const input = entries.get(businessId)
      return input === undefined ? fail(businessId, "Missing", Rules.missing(businessId)) : normalize(businessId, input)
    }
  }
}

/**
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  credentials: Readonly<Record<string, Input>> | ReadonlyMap<string, Input>
): Layer.Layer<GraphCredentials> => Layer.succeed(GraphCredentials, fromRecord(credentials))

/**
 * How long a looked-up business's credentials are kept, and for how many businesses.
 *
 * @since 1.0.0
 * @category models
 */
export interface CacheOptions {
  readonly timeToLive?: Duration.Input | undefined
  readonly capacity?: number | undefined
}

/**
 * Credentials from your own lookup (`undefined`: none for that business), cached. A failed lookup is shared
 * by the reads that waited for it, and forgotten: the next read asks again.
 *
 * @since 1.0.0
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
          Effect.catch(() => fail(businessId, "Unavailable", Rules.unavailable(businessId))),
          Effect.flatMap((input) =>
            input === undefined ? fail(businessId, "Missing", Rules.missing(businessId)) : normalize(businessId, input)
          )
        )
    }),
    (cache): Service => ({
      get: (businessId) => Effect.tapError(Cache.get(cache, businessId), () => Cache.invalidate(cache, businessId))
    })
  )

/**
 * @since 1.0.0
 * @category layers
 */
export const layerLookup = <E, R>(
  lookup: (businessId: string) => Effect.Effect<Input | undefined, E, R>,
  options?: CacheOptions | undefined
): Layer.Layer<GraphCredentials, never, R> => Layer.effect(GraphCredentials, make(lookup, options))

/** Which credentials a call is made with, and for which business. @internal */
export const resolve = (
  settings: GraphConfig.Settings
): Effect.Effect<
  { readonly credentials: Credentials; readonly businessId: string | undefined },
  GraphCredentialsError
> =>
  Effect.gen(function*() {
    const businessId = yield* CurrentBusiness
    const source = yield* Effect.serviceOption(GraphCredentials)
    const own = {
      accessToken: settings.accessToken,
      appSecret: Option.getOrUndefined(settings.appSecret),
      appSecretProof: settings.appSecretProof
    }
    if (businessId === undefined || Option.isNone(source)) return { credentials: own, businessId }
    const found = yield* source.value.get(businessId)
    return {
      credentials: {
        accessToken: found.accessToken,
        appSecret: found.appSecret ?? own.appSecret,
        appSecretProof: found.appSecretProof ?? own.appSecretProof
      },
      businessId
    }
  })
