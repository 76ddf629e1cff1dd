/**
 * A `RateGovernorStore` in Redis: every process (on one machine or many) that uses the same Redis and
 * prefix keeps to one Graph budget per business. What one process learns from a response — usage near the
 * ceiling, a regain time after 80008 — holds back the others at once, and they book their sends on one
 * shared schedule.
 *
 * One `ioredis` connection per store: observations are JSON values with a time to live; the schedule and
 * the probe gate are one small Lua script, so that taking a place is atomic across processes.
 *
 * **When Redis is down** the store logs one warning (not one per command), fails every operation at once
 * while the connection is lost (the governor then lets requests through), and logs one line when Redis is
 * back; ioredis reconnects in the background with its own `retryStrategy`. Nothing reaches stderr.
 *
 * Time comes from each process's Effect `Clock`: machines sharing a budget need synchronised clocks (NTP).
 *
 * @since 0.1.0
 */
import { GraphConfig, RateGovernorStore } from "@effect-waba/graph-core"
import * as Clock from "effect/Clock"
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

/**
 * Connection options for `ioredis`, plus the prefix of every key the store writes.
 *
 * @since 0.1.0
 * @category models
 */
export type Options = RedisOptions & {
  /** Processes share a budget exactly when they share Redis and this prefix. Default {@link defaultPrefix}. */
  readonly prefix?: string | undefined
}

/**
 * @since 0.1.0
 * @category constants
 */
export const defaultPrefix = "effect-waba:governor:"

/** A place is kept this long past its time: the next caller may ask with a longer interval. */
const retainMillis = 86_400_000

// The place `interval` (ARGV[2]) after the last one, or now (ARGV[1]) if that has passed, taken unless it
// is further away than the limit (ARGV[3]; -1 for none); returns the wait. Every process passes its own
// clock, so that all share one timeline (and TestClock drives tests). Integers only: Lua truncates.
const takeScript = `
local last, now, interval = tonumber(redis.call("GET", KEYS[1])), tonumber(ARGV[1]), tonumber(ARGV[2])
local wait = last and math.max(0, last + interval - now) or 0
if tonumber(ARGV[3]) >= 0 and wait > tonumber(ARGV[3]) then return wait end
redis.call("SET", KEYS[1], now + wait, "PX", wait + interval + tonumber(ARGV[4]))
return wait
`

const Observation = Schema.parseJson(RateGovernorStore.Observation)
const decodeObservation = Schema.decodeUnknownOption(Observation)
const encodeObservation = Schema.encodeSync(Observation)

const describeCause = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))
const wholeMillis = (duration: Duration.Duration) => Math.max(0, Math.ceil(Duration.toMillis(duration)))

/**
 * Builds the store; its connection closes with the scope. ioredis's defaults are kept except
 * `maxRetriesPerRequest`, lowered to 1: a store that cannot be reached should fail fast (the governor then
 * lets requests through) rather than hold every Graph call while ioredis reconnects.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options): Effect.Effect<RateGovernorStore.Store, never, Scope.Scope> =>
  Effect.gen(function*() {
    const { prefix = defaultPrefix, ...redisOptions } = options
    const connection: RedisOptions = { maxRetriesPerRequest: 1, ...redisOptions }
    // For log lines: never the password.
    const address = connection.path ?? `${connection.host ?? "localhost"}:${connection.port ?? 6379}`
    const runFork = Runtime.runFork(yield* Effect.runtime<never>())
    const log = (effect: Effect.Effect<void>) => runFork(Effect.annotateLogs(effect, "redis.address", address))

    // "down" from the first connection error until the connection is ready again: one line each way.
    let health: "connecting" | "up" | "down" = "connecting"
    let closing = false
    const redis = yield* Effect.acquireRelease(
      Effect.sync(() => {
        const client = new Redis(connection)
        // Without an "error" listener ioredis prints every failed reconnection to stderr.
        client.on("error", (error: unknown) => {
          if (closing || health === "down") return
          health = "down"
          log(Effect.logWarning(
            `Rate governor store: Redis at ${address} cannot be reached (${
              describeCause(error)
            }); the rate governor lets requests through until it is back`
          ))
        })
        client.on("ready", () => {
          if (health === "down" && !closing) log(Effect.logInfo(`Rate governor store: Redis at ${address} is back`))
          health = "up"
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

    // While the connection is known to be lost, commands fail at once instead of queuing.
    const failure = (message: string, cause?: unknown) =>
      new RateGovernorStore.RateGovernorStoreError({ message, cause, reported: health === "down" })
    const run = <A>(operation: string, command: () => Promise<A>) =>
      Effect.suspend(() =>
        health === "down"
          ? Effect.fail(failure(`Redis at ${address} cannot be reached`))
          : Effect.tryPromise({
            try: command,
            catch: (cause) => failure(`Redis ${operation} failed: ${describeCause(cause)}`, cause)
          })
      )

    const usageKey = (scope: string) => `${prefix}usage:${scope}`

    return {
      read: (scopes) =>
        scopes.length === 0
          ? Effect.succeed([])
          : Effect.map(
            run("read", () => redis.mget(scopes.map(usageKey))),
            (values) => values.map((value) => (value === null ? Option.none() : decodeObservation(value)))
          ),
      write: (scope, observation, timeToLive) => {
        const ttl = Math.max(1, wholeMillis(timeToLive))
        return Effect.asVoid(run("write", () => redis.set(usageKey(scope), encodeObservation(observation), "PX", ttl)))
      },
      take: (key, interval, limit) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const max = limit === undefined || !Duration.isFinite(limit) ? -1 : Math.floor(Duration.toMillis(limit))
          const place = `${prefix}place:${key}`
          return run("take", () => redis.eval(takeScript, 1, place, now, wholeMillis(interval), max, retainMillis))
        }).pipe(Effect.map((wait) => Duration.millis(Math.max(0, Number(wait)))))
    }
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
 * Connection options from a `redis://` or `rediss://` URL (`redis://user:password@host:port/db`). The URL
 * may hold a password, so pass it as `Redacted`; errors never repeat it.
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
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined
  if (db !== undefined && !Number.isInteger(db)) return fail("The Redis URL's path must be a database number.")
  return Either.right({
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: parsed.port === "" ? 6379 : Number(parsed.port),
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
