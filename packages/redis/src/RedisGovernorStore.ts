/**
 * A `RateGovernorStore` in Redis: every process (on one machine or many) that uses the same Redis and
 * prefix keeps to one Graph budget per business. What one process learns from a response — usage
 * near the ceiling, a regain time after 80008 — holds back the others at once, and their requests are
 * paced on one shared schedule.
 *
 * It is built from `@effect/experimental`'s maintained Redis primitives rather than scripts of our own:
 * - observations live in its `Persistence` Redis store (JSON values with a time to live);
 * - the pacing schedule and the probe gate are its `RateLimiter` Redis token buckets (one atomic Lua
 *   command each), with one call worth {@link tokensPerCall} tokens so that send times are kept to a
 *   thousandth of the interval.
 *
 * Time comes from each process's Effect `Clock`: machines sharing a budget need synchronised clocks (NTP).
 *
 * @since 0.1.0
 */
import { GraphConfig, RateGovernor, RateGovernorStore } from "@effect-waba/graph-core"
import * as PersistenceRedis from "@effect/experimental/Persistence/Redis"
import * as RateLimiterRedis from "@effect/experimental/RateLimiter/Redis"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import type { RedisOptions } from "ioredis"

/**
 * Connection options for `ioredis`, plus the prefix of every key the store writes.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = RedisOptions & {
  /**
   * Prefix of every key. Processes share a budget exactly when they share Redis and this prefix.
   * Default {@link defaultPrefix}.
   */
  readonly prefix?: string | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultPrefix = "effect-waba:governor:"

/**
 * Tokens one call is worth in the token buckets behind `reserve` and `tryTake`. Buckets refill one
 * token at a time, so this sets the resolution of send times: a thousandth of the interval.
 *
 * @since 0.1.0
 * @category constants
 */
export const tokensPerCall = 1000

// The buckets cannot refill at an infinite rate; a zero interval (a send that only records its time)
// is booked with this one.
const shortestIntervalMillis = 1

const decodeObservation = Schema.decodeUnknownOption(RateGovernorStore.Observation)

const storeError = (operation: string) => (cause: unknown) =>
  new RateGovernorStore.RateGovernorStoreError({
    message: `Redis ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause
  })

/**
 * Builds the store; its Redis connections close with the scope.
 *
 * ioredis's own defaults are kept except `maxRetriesPerRequest`, lowered to 1: a store that cannot be
 * reached should fail fast (the governor then lets requests through and logs a warning) rather than
 * hold every Graph call for the length of ioredis's reconnection attempts.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<RateGovernorStore.Store, never, Scope.Scope> =>
  Effect.gen(function*() {
    // The primitives close their connections with `quit()`, which rejects when Redis went away; a store
    // that cannot say goodbye must not turn the shutdown of the whole program into a defect.
    const connections = yield* Scope.make()
    yield* Effect.addFinalizer(() =>
      Scope.close(connections, Exit.void).pipe(
        Effect.catchAllCause((cause) => Effect.logDebug("Rate governor: closing the Redis connections failed", cause))
      )
    )
    const { prefix = defaultPrefix, ...redis } = options
    const connection: RedisOptions = { maxRetriesPerRequest: 1, ...redis }
    // `@effect/experimental`'s declarations spell some ioredis options without `| undefined`, which
    // `exactOptionalPropertyTypes` tells apart; the values are the same options.
    const limiter = yield* RateLimiterRedis.make(
      { ...connection, prefix: `${prefix}schedule:` } as Parameters<typeof RateLimiterRedis.make>[0]
    ).pipe(Scope.extend(connections))
    const backing = yield* PersistenceRedis.make(connection as Parameters<typeof PersistenceRedis.make>[0]).pipe(
      Scope.extend(connections)
    )
    const observations = yield* backing.make(`${prefix}usage`).pipe(Scope.extend(connections))

    // One call is `tokensPerCall` tokens in a bucket that holds one call and refills at one call per
    // interval: taking a call from a full bucket is free, and each call taken while it is short waits
    // for the refill — exactly a schedule whose bookings are `interval` apart.
    const bucket = (key: string, interval: Duration.Duration, allowOverflow: boolean) => {
      const refillMillis = Math.max(shortestIntervalMillis, Duration.toMillis(interval)) / tokensPerCall
      return limiter.tokenBucket({
        key,
        tokens: tokensPerCall,
        limit: tokensPerCall,
        refillRate: Duration.millis(refillMillis),
        allowOverflow
      }).pipe(
        Effect.map((
          remaining
        ) => (remaining >= 0 ? Duration.zero : Duration.millis(Math.ceil(-remaining * refillMillis)))),
        Effect.mapError(storeError("rate limiter"))
      )
    }

    return RateGovernorStore.RateGovernorStore.of({
      read: (scopes) =>
        observations.getMany([...scopes]).pipe(
          Effect.map((values) => values.map((value) => Option.flatMap(value, decodeObservation))),
          Effect.mapError(storeError("read"))
        ),
      write: (scope, observation, timeToLive) =>
        observations.set(scope, observation, Option.some(timeToLive)).pipe(Effect.mapError(storeError("write"))),
      reserve: (scope, interval) => bucket(`pace:${scope}`, interval, true),
      tryTake: (scope, interval) => bucket(`probe:${scope}`, interval, false)
    })
  })

/**
 * The store as a layer.
 *
 * @example
 * ```ts
 * import { GraphClient, RateGovernor } from "@effect-waba/graph-core"
 * import { RedisGovernorStore } from "@effect-waba/redis"
 * import { Layer } from "effect"
 *
 * // Every process built like this keeps to one budget per business.
 * const Governor = RateGovernor.layer().pipe(Layer.provide(RedisGovernorStore.layer({ host: "10.0.0.5", port: 6379 })))
 * const Client = GraphClient.layer.pipe(Layer.provide(Governor))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options): Layer.Layer<RateGovernorStore.RateGovernorStore> =>
  Layer.scoped(RateGovernorStore.RateGovernorStore, make(options))

/**
 * Connection options from a `redis://` or `rediss://` URL (`redis://user:password@host:port/db`). The
 * URL may hold a password, so pass it as `Redacted`; errors never repeat it.
 *
 * @since 0.1.0
 * @category constructors
 */
export const optionsFromUrl = (
  url: Redacted.Redacted<string> | string
): Either.Either<RedisOptions, GraphConfig.GraphConfigError> => {
  const fail = (message: string) => Either.left(new GraphConfig.GraphConfigError({ setting: "redis.url", message }))
  let parsed: URL
  try {
    parsed = new URL(Redacted.isRedacted(url) ? Redacted.value(url) : url)
  } catch {
    return fail("The Redis URL is not a valid URL.")
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    return fail(`The Redis URL must start with redis:// or rediss://, not ${parsed.protocol}//.`)
  }
  const port = parsed.port === "" ? 6379 : Number(parsed.port)
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined
  if (db !== undefined && !Number.isInteger(db)) return fail("The Redis URL's path must be a database number.")
  const host = parsed.hostname.startsWith("[") ? parsed.hostname.slice(1, -1) : parsed.hostname
  return Either.right({
    host,
    port,
    ...(parsed.username !== "" ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== "" ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== undefined ? { db } : {}),
    ...(parsed.protocol === "rediss:" ? { tls: {} } : {})
  })
}

/**
 * The store from a `redis://` URL.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerUrl = (
  url: Redacted.Redacted<string> | string,
  options?: Omit<Options, "host" | "port" | "username" | "password" | "db" | "path"> | undefined
): Layer.Layer<RateGovernorStore.RateGovernorStore, GraphConfig.GraphConfigError> =>
  Layer.scoped(
    RateGovernorStore.RateGovernorStore,
    Effect.flatMap(optionsFromUrl(url), (connection) => make({ ...options, ...connection }))
  )

/**
 * The store from a URL in the configuration, `REDIS_URL` by default.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  url: Config.Config<Redacted.Redacted<string>> = Config.redacted("REDIS_URL"),
  options?: Omit<Options, "host" | "port" | "username" | "password" | "db" | "path"> | undefined
): Layer.Layer<RateGovernorStore.RateGovernorStore, GraphConfig.GraphConfigError | ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(url, (value) => layerUrl(value, options)))

/**
 * A `RateGovernor` over Redis in one layer: `RateGovernor.layer(governor)` over {@link layer}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerGovernor = (
  options: Options,
  governor?: RateGovernor.Options | undefined
): Layer.Layer<RateGovernor.RateGovernor, GraphConfig.GraphConfigError> =>
  RateGovernor.layer(governor).pipe(Layer.provide(layer(options)))
