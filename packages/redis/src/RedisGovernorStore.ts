/**
 * A `RateGovernorStore` in Redis: every process (on one machine or many) that uses the same Redis and
 * prefix keeps to one Graph budget per business. What one process learns from a response — usage
 * near the ceiling, a regain time after 80008 — holds back the others at once, and their requests are
 * paced on one shared schedule.
 *
 * One `ioredis` connection per store carries everything:
 * - observations are JSON values with a time to live (`SET … PX`, `MGET`);
 * - the pacing schedule and the probe gate are one small Lua script each, so that booking a send time
 *   or passing the gate is atomic across processes.
 *
 * **When Redis is down** the store logs one warning (not one per command), fails every operation at once
 * while the connection is lost (the governor then lets requests through rather than stopping Graph
 * calls), and logs one line when Redis is back; ioredis reconnects in the background with its own
 * `retryStrategy`. Nothing reaches stderr behind the program's back.
 *
 * Time comes from each process's Effect `Clock`: machines sharing a budget need synchronised clocks (NTP).
 *
 * @since 0.1.0
 */
import { GraphConfig, RateGovernor, RateGovernorStore } from "@effect-waba/graph-core"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import { Redis, type RedisOptions } from "ioredis"

const { RateGovernorStoreError } = RateGovernorStore

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
 * The resolution of send times of the token buckets this store was once built on.
 *
 * @deprecated Send times are now kept to the millisecond by the store's own scripts; nothing reads this.
 * @since 0.1.0
 * @category constants
 */
export const tokensPerCall = 1000

/** A booking or a probe is kept this long past its time: the next caller may ask with a longer interval. */
const retainMillis = 86_400_000

// Both scripts take the caller's clock, so that every process shares one timeline (Effect's `Clock`,
// which `TestClock` drives in tests), and keep integers only: Lua numbers come back truncated.
const reserveScript = `
local last = tonumber(redis.call("GET", KEYS[1]))
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local retain = tonumber(ARGV[4])
local slot = now
if last ~= nil and last + interval > now then slot = last + interval end
local wait = slot - now
if limit >= 0 and wait > limit then return wait end
redis.call("SET", KEYS[1], slot, "PX", wait + retain)
return wait
`

const tryTakeScript = `
local last = tonumber(redis.call("GET", KEYS[1]))
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local retain = tonumber(ARGV[3])
if last ~= nil and last + interval > now then return last + interval - now end
redis.call("SET", KEYS[1], now, "PX", interval + retain)
return 0
`

interface GovernorRedis extends Redis {
  governorReserve(key: string, now: number, interval: number, limit: number, retain: number): Promise<number>
  governorTryTake(key: string, now: number, interval: number, retain: number): Promise<number>
}

const decodeObservation = Schema.decodeUnknownOption(Schema.parseJson(RateGovernorStore.Observation))
const encodeObservation = Schema.encodeSync(Schema.parseJson(RateGovernorStore.Observation))

const describeCause = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

/** Where the store connects, for log lines (never the password). */
const addressOf = (options: RedisOptions) =>
  options.path !== undefined && options.path !== null
    ? options.path
    : `${options.host ?? "localhost"}:${options.port ?? 6379}`

/**
 * Builds the store; its Redis connection closes with the scope.
 *
 * ioredis's own defaults are kept except `maxRetriesPerRequest`, lowered to 1: a store that cannot be
 * reached should fail fast (the governor then lets requests through) rather than hold every Graph call
 * for the length of ioredis's reconnection attempts. While the connection is known to be lost, commands
 * are not queued at all: they fail at once.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<RateGovernorStore.Store, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { prefix = defaultPrefix, ...redisOptions } = options
    const connection: RedisOptions = { maxRetriesPerRequest: 1, ...redisOptions }
    const address = addressOf(connection)
    const runtime = yield* Effect.runtime<never>()
    const log = (effect: Effect.Effect<void>) =>
      Runtime.runFork(runtime)(effect.pipe(Effect.annotateLogs({ "redis.address": address })))

    // "down" from the first connection error until the connection is ready again: one line each way.
    let health: "connecting" | "up" | "down" = "connecting"
    let closing = false
    const redis = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const client = new Redis(connection) as GovernorRedis
        client.defineCommand("governorReserve", { numberOfKeys: 1, lua: reserveScript })
        client.defineCommand("governorTryTake", { numberOfKeys: 1, lua: tryTakeScript })
        // Without an "error" listener ioredis prints every failed reconnection to stderr.
        client.on("error", (error: unknown) => {
          if (closing || health === "down") return
          health = "down"
          log(
            Effect.logWarning(
              `Rate governor store: Redis at ${address} cannot be reached (${
                describeCause(error)
              }); the rate governor lets requests through until it is back`
            )
          )
        })
        client.on("ready", () => {
          const was = health
          health = "up"
          if (was === "down" && !closing) log(Effect.logInfo(`Rate governor store: Redis at ${address} is back`))
        })
        return client
      }),
      (client) =>
        Effect.promise(async () => {
          closing = true
          // `quit` waits for an answer Redis may never give when it went away; then just drop the socket.
          if (client.status === "ready") await client.quit().catch(() => client.disconnect())
          else client.disconnect()
        })
    )

    const run = <A>(operation: string, command: () => Promise<A>) =>
      Effect.suspend(() =>
        health === "down"
          ? Effect.fail(
            new RateGovernorStoreError({ message: `Redis at ${address} cannot be reached`, reported: true })
          )
          : Effect.tryPromise({
            try: command,
            catch: (cause) =>
              new RateGovernorStoreError({
                message: `Redis ${operation} failed: ${describeCause(cause)}`,
                cause,
                reported: health === "down"
              })
          })
      )

    const usageKey = (scope: string) => `${prefix}usage:${scope}`
    const wholeMillis = (duration: Duration.Duration) => Math.max(0, Math.ceil(Duration.toMillis(duration)))

    return RateGovernorStore.RateGovernorStore.of({
      read: (scopes) =>
        scopes.length === 0
          ? Effect.succeed([])
          : Effect.map(
            run("read", () => redis.mget(scopes.map(usageKey))),
            (values) => values.map((value) => (value === null ? Option.none() : decodeObservation(value)))
          ),
      write: (scope, observation, timeToLive) =>
        Effect.asVoid(
          run(
            "write",
            () => redis.set(usageKey(scope), encodeObservation(observation), "PX", Math.max(1, wholeMillis(timeToLive)))
          )
        ),
      reserve: (scope, interval, limit) =>
        Effect.flatMap(Effect.clock, (clock) =>
          Effect.map(
            run("reserve", () =>
              redis.governorReserve(
                `${prefix}pace:${scope}`,
                clock.unsafeCurrentTimeMillis(),
                wholeMillis(interval),
                limit === undefined || !Duration.isFinite(limit) ? -1 : Math.floor(Duration.toMillis(limit)),
                retainMillis
              )),
            (wait) => Duration.millis(Math.max(0, wait))
          )),
      tryTake: (scope, interval) =>
        Effect.flatMap(Effect.clock, (clock) =>
          Effect.map(
            run("probe gate", () =>
              redis.governorTryTake(
                `${prefix}probe:${scope}`,
                clock.unsafeCurrentTimeMillis(),
                wholeMillis(interval),
                retainMillis
              )),
            (wait) => Duration.millis(Math.max(0, wait))
          ))
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
