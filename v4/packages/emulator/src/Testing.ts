/**
 * The emulator as an Effect 4 layer for your tests: a faithful local Graph API, made for the layer's scope,
 * with a `GraphClient` and `GraphConfig` that talk to it (its demo token) and its controls as a service —
 * the request log, fault rules, the clock, the data.
 *
 * {@link layer} answers in the process (no socket, Graph's real origin, nothing leaves the process), as the
 * Effect 3 line's `Testing.inProcess` does; {@link layerOverTheWire} serves it on loopback for tests that
 * need a real socket, as `Testing.overTheWire` does.
 *
 * The emulator is the one the Effect 3 line tests against (`@effect-waba/emulator` 0.x), bundled into this
 * package with the Effect 3 it runs on: the two lines are tested against the same Graph, and this package
 * needs no Effect 3 of yours.
 *
 * @example
 * ```ts
 * import { Testing } from "@effect-waba/emulator"
 * import { OwnedAccounts } from "@effect-waba/waba"
 * import { Effect, Stream } from "effect"
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* Testing.Emulator
 *   const accounts = yield* Stream.runCollect(OwnedAccounts.stream(emulator.businessIds[0]!))
 *   return `${accounts.length} accounts in ${emulator.requests().length} requests`
 * }).pipe(Effect.provide(Testing.layer()))
 * ```
 *
 * @since 1.0.0
 */
import type * as Faults from "@effect-waba/emulator-engine/Faults"
import type * as RequestLog from "@effect-waba/emulator-engine/RequestLog"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Engine from "./internal/engine.js"

/**
 * A fault rule: what goes wrong (`latency`, `slow`, `httpError`, `graphError`, `reset`, `truncated`,
 * `nonJson`) and which requests it hits (`rate`, `requests`, `every`, `next`).
 *
 * @since 1.0.0
 * @category models
 */
export type FaultRule = Faults.Rule

/**
 * A fault the emulator injected, and into which request.
 *
 * @since 1.0.0
 * @category models
 */
export type FaultInjection = Faults.Injection

/**
 * One request as the emulator logged it: method, path, query, headers, business, status, Graph error code,
 * faults, and whether the client gave up on it (`aborted`).
 *
 * @since 1.0.0
 * @category models
 */
export type LoggedRequest = RequestLog.Entry

/**
 * A business of the data set: how many accounts it owns, how many are shared with it, how many phone numbers
 * its accounts have, and optionally its id and name.
 *
 * @since 1.0.0
 * @category models
 */
export interface BusinessSpec {
  readonly accounts: number
  readonly id?: string | undefined
  readonly name?: string | undefined
  /** Accounts other businesses share with this one (its client edge). Default 0. */
  readonly clientAccounts?: number | undefined
  /** Phone numbers of every account; default: a realistic mix of 0 to 8. */
  readonly phoneNumbers?: number | undefined
  /** Accounts (by index) with a given number of phone numbers, e.g. `{ 0: 150 }` for nested paging. */
  readonly manyPhoneNumbers?: Readonly<Record<number, number>> | undefined
}

/**
 * A token the emulator knows besides its own.
 *
 * @since 1.0.0
 * @category models
 */
export interface TokenSpec {
  readonly token: string
  /** Business ids it may read; default all. Others answer error 200. */
  readonly businesses?: ReadonlyArray<string> | undefined
  /** When it expires (emulator clock, epoch milliseconds or a `Date`): error 190, subcode 463 from then on. */
  readonly expiresAt?: Date | number | undefined
  /** Its permissions (as `debug_token` reports them); default both that the reads need. */
  readonly scopes?: ReadonlyArray<string> | undefined
}

/**
 * What the emulator is made with. Everything is optional: the default is the documentation's demo data
 * (business `1234567890` owns 137 accounts), its demo token and app secret, and Graph's rate limits.
 *
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /** Same seed, same data set. */
  readonly seed?: number | string | undefined
  /** A number of businesses, or one entry per business: an account count or a {@link BusinessSpec}. */
  readonly businesses?: number | ReadonlyArray<number | BusinessSpec> | undefined
  /** The first business's id when its spec gives none. Default `1234567890`, the documentation's. */
  readonly firstBusinessId?: string | undefined
  /** Accounts per business when `businesses` is a count. Default 25. */
  readonly accountsPerBusiness?: number | undefined
  /** The token that may read every business. */
  readonly token?: string | undefined
  /** More tokens (by default an expired one and one limited to the first business). */
  readonly tokens?: ReadonlyArray<TokenSpec> | undefined
  /** The app secret `appsecret_proof` is checked against; the client is given it too. */
  readonly appSecret?: string | undefined
  /** Refuse calls without `appsecret_proof`. Default false. */
  readonly requireAppSecretProof?: boolean | undefined
  /** Call budgets per business, per account and per app, in a window (milliseconds); `false`: no limits. */
  readonly rateLimit?:
    | {
      readonly businessCalls?: number | undefined
      readonly accountCalls?: number | undefined
      readonly appCalls?: number | undefined
      readonly window?: number | undefined
      readonly usageHeadersFrom?: number | undefined
    }
    | false
    | undefined
  /** Fault rules in force from the start. */
  readonly faults?: ReadonlyArray<FaultRule> | undefined
  /** How many log entries to keep (the newest). Default 10,000. */
  readonly requestLogLimit?: number | undefined
}

/**
 * A record as Graph sends it: an account or a phone number, every field, in its wire form.
 *
 * @since 1.0.0
 * @category models
 */
export interface WireRecord {
  readonly id: string
  readonly [field: string]: unknown
}

/**
 * The running emulator's controls, as plain calls (they take effect at once).
 *
 * @since 1.0.0
 * @category models
 */
export interface Controls {
  /** The token that may read every business (the layer's client uses it). */
  readonly token: string
  /** The businesses' ids, in data-set order: `businessIds[0]` is `1234567890` by default. */
  readonly businessIds: ReadonlyArray<string>
  /** The app secret proofs are checked against. */
  readonly appSecret: string | undefined
  /** The requests logged so far, oldest first. */
  readonly requests: () => ReadonlyArray<LoggedRequest>
  /** How many requests arrived so far (not only those kept in the log). */
  readonly requestCount: () => number
  /** Empties the request log. */
  readonly resetRequests: () => void
  /** The faults injected so far. */
  readonly injectedFaults: () => ReadonlyArray<FaultInjection>
  /** Replaces the fault rules (a `next` trigger counts from now). */
  readonly setFaults: (rules: ReadonlyArray<FaultRule>) => void
  /** Adds fault rules to those in force. */
  readonly addFaults: (rules: ReadonlyArray<FaultRule>) => void
  /** Removes every fault rule. */
  readonly clearFaults: () => void
  /** Moves the emulator's clock forward by this many milliseconds (rate-limit windows, token expiry). */
  readonly advanceClock: (millis: number) => void
  /** Forgets every call counted against the rate limits. */
  readonly resetRateLimits: () => void
  /** A business's owned accounts as they are now, as served. */
  readonly accounts: (businessId: string) => ReadonlyArray<WireRecord>
  /** The accounts shared with a business (its client edge) as they are now, as served. */
  readonly clientAccounts: (businessId: string) => ReadonlyArray<WireRecord>
  /** One account, every field; `undefined` for an unknown or deleted id. */
  readonly account: (accountId: string) => WireRecord | undefined
  /** An account's phone numbers as they are now, as served. */
  readonly phoneNumbers: (accountId: string) => ReadonlyArray<WireRecord>
  /** Adds accounts to a business, created now (emulator clock). */
  readonly addAccounts: (businessId: string, count: number) => ReadonlyArray<WireRecord>
  /** Deletes accounts by id (all or none). */
  readonly deleteAccounts: (businessId: string, ids: ReadonlyArray<string>) => void
  /** Adds phone numbers to an account. */
  readonly addPhoneNumbers: (accountId: string, count: number) => ReadonlyArray<WireRecord>
  /** Deletes phone numbers by id (all or none). */
  readonly deletePhoneNumbers: (accountId: string, ids: ReadonlyArray<string>) => void
}

/**
 * The emulator, as a service.
 *
 * @since 1.0.0
 * @category services
 */
export class Emulator extends Context.Service<Emulator, Controls>()("@effect-waba/emulator/Emulator") {}

/**
 * The loopback server of {@link layerOverTheWire}: the origin to give clients, e.g. `http://127.0.0.1:53117`.
 *
 * @since 1.0.0
 * @category services
 */
export class EmulatorServer extends Context.Service<EmulatorServer, { readonly url: string }>()(
  "@effect-waba/emulator/EmulatorServer"
) {}

// The engine takes its rate-limit window as a duration; milliseconds are one.
const engineOptions = (options: Options): Engine.Options => options

// The controls, narrowed to this module's types: the assignment is where a change of the engine's would
// stop the build.
const controlsOf = (engine: Engine.Controls): Controls => engine

// A `fetch` answered by the emulator's web handler, whatever the URL. It settles as fetch does when the
// request's signal aborts (the handler then drops the request and logs it as aborted).
const fetchFrom = (handler: (request: Request) => Promise<Response>): typeof globalThis.fetch => (input, init) => {
  const request = new Request(input, init)
  const signal = request.signal
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<Response>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener("abort", onAbort, { once: true })
    handler(request).then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort))
  })
}

const inProcess = (options: Options) =>
  Effect.sync(() => Engine.makeInProcess({ firstBusinessId: Engine.defaultBusinessId, ...engineOptions(options) }))

/**
 * A bare `HttpClient` answered in the process by a fresh emulator, which is in context too: for tests that
 * speak raw HTTP to it. Any origin works (`paging.next` links keep it); no socket is opened.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerHttpClient = (options: Options = {}): Layer.Layer<HttpClient.HttpClient | Emulator> =>
  Layer.unwrap(
    Effect.map(inProcess(options), (engine) =>
      FetchHttpClient.layer.pipe(
        Layer.provide(Layer.succeed(FetchHttpClient.Fetch, fetchFrom(engine.handler))),
        Layer.merge(Layer.succeed(Emulator, controlsOf(engine)))
      ))
  )

/**
 * A fresh emulator served on a free loopback port for the layer's scope, and stopped with it.
 *
 * @since 1.0.0
 * @category layers
 */
export const layerServer = (options: Options = {}): Layer.Layer<Emulator | EmulatorServer> =>
  Layer.effectContext(
    Effect.map(
      Effect.acquireRelease(
        Effect.promise(() =>
          Engine.startServer({
            host: "127.0.0.1",
            firstBusinessId: Engine.defaultBusinessId,
            ...engineOptions(options)
          })
        ),
        (running) => Effect.promise(() => running.stop())
      ),
      (running) => Context.make(Emulator, controlsOf(running)).pipe(Context.add(EmulatorServer, { url: running.url }))
    )
  )

/**
 * Client settings a test may set; the token is the emulator's unless given, the origin the layer's.
 *
 * @since 1.0.0
 * @category models
 */
export type ConfigOverrides = Omit<GraphConfig.Options, "accessToken" | "baseUrl"> & {
  readonly accessToken?: GraphConfig.Options["accessToken"] | undefined
}

// A GraphConfig with the emulator's token unless the overrides name one, at `baseUrl` (Graph's own origin
// when undefined).
const config = <R>(overrides: ConfigOverrides, baseUrl: Effect.Effect<string | undefined, never, R>) =>
  Layer.effect(
    GraphConfig.GraphConfig,
    Effect.gen(function*() {
      const emulator = yield* Emulator
      return yield* GraphConfig.make({
        ...overrides,
        accessToken: overrides.accessToken ?? emulator.token,
        baseUrl: yield* baseUrl
      })
    })
  )

/**
 * An emulator answering in the process, and a `GraphClient` (with its `GraphConfig`) that reads from it with
 * its token and app secret: what a test of code that reads Graph needs. The client is configured for Graph's
 * real origin, as in production; every request is answered by the emulator and none leaves the process.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer = (
  options: Options = {},
  overrides: ConfigOverrides = {}
): Layer.Layer<Emulator | GraphClient.GraphClient | GraphConfig.GraphConfig, GraphConfig.GraphConfigError> =>
  GraphClient.layer.pipe(
    Layer.provideMerge(config(overrides, Effect.succeed(undefined))),
    Layer.provideMerge(layerHttpClient(options))
  )

/**
 * The same over a real socket: an emulator on a free loopback port for the layer's scope, and a
 * `GraphClient` that reads from it with Effect's fetch client. For tests that need the network's behaviour
 * (a reset connection, real time).
 *
 * @since 1.0.0
 * @category layers
 */
export const layerOverTheWire = (
  options: Options = {},
  overrides: ConfigOverrides = {}
): Layer.Layer<
  Emulator | EmulatorServer | GraphClient.GraphClient | GraphConfig.GraphConfig,
  GraphConfig.GraphConfigError
> =>
  GraphClient.layer.pipe(
    Layer.provideMerge(config(overrides, Effect.map(Effect.service(EmulatorServer), (server) => server.url))),
    Layer.provide(FetchHttpClient.layer),
    Layer.provideMerge(layerServer(options))
  )
