/**
 * The emulator: a stateful stand-in for Graph's `GET /{business-id}/owned_whatsapp_business_accounts`,
 * holding the data set, the tokens, the rate-limit budgets, the fault rules, the clock and the request log.
 *
 * It speaks through a transport: {@link EmulatorHttpClient} (in-process, no sockets) or
 * {@link EmulatorServer} (a real HTTP server on loopback). Both share this one service, so a test can
 * mix them and the request numbering, budgets and log are common.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Dataset from "./Dataset.js"
import * as EmulatorClock from "./EmulatorClock.js"
import type * as Faults from "./Faults.js"
import { Core, type Quirks, type Reply, type Request, type TokenGrant } from "./internal/handler.js"
import type * as RequestLog from "./RequestLog.js"
import type { WhatsAppBusinessAccount } from "./WhatsAppBusinessAccount.js"

/**
 * A token the emulator accepts.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenSpec {
  readonly token: string
  /** Business ids this token may read; default: all of them. Others answer error 200. */
  readonly businesses?: ReadonlyArray<string> | undefined
  /** When the token expires (emulator clock); from then on it answers error 190, subcode 463. */
  readonly expiresAt?: Date | number | undefined
}

/**
 * Graph behaviours that surprise clients, each off by default.
 *
 * @since 0.1.0
 * @category models
 */
export interface QuirkOptions {
  /**
   * Cut the page from the unfiltered list, then filter it, as Graph does: pages may hold fewer than
   * `limit` accounts, or none, while `paging.next` is present.
   */
  readonly filterAfterPaging?: boolean | undefined
  /** Escape `/` as `\/` in JSON bodies, as Graph's serializer does. */
  readonly escapeSlashes?: boolean | undefined
  /** Send `creation_time` as a numeric string instead of a number. */
  readonly creationTimeAsString?: boolean | undefined
}

/**
 * Everything the emulator can be told at start. Every option has a demo default.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends Dataset.Options {
  /** The token with access to every business. Default {@link defaultToken}. */
  readonly token?: string | undefined
  /**
   * More tokens. Default: {@link expiredToken} (expired a day before the clock's start) and
   * {@link limitedToken} (may read only the first business).
   */
  readonly tokens?: ReadonlyArray<TokenSpec> | undefined
  /** The app secret `appsecret_proof` is checked against. Default {@link defaultAppSecret}. */
  readonly appSecret?: string | undefined
  /** Refuse calls without `appsecret_proof` (Graph's "Require App Secret" setting). Default false. */
  readonly requireAppSecretProof?: boolean | undefined
  /** Call budgets per sliding window; `false` turns rate limiting off (benchmarks). */
  readonly rateLimit?:
    | {
      /** Calls per window for each business (error 80008 beyond). Default 200. */
      readonly businessCalls?: number | undefined
      /** Calls per window for the whole app (error 4 beyond). Default 5000. */
      readonly appCalls?: number | undefined
      /** The window. Default one hour. */
      readonly window?: Duration.DurationInput | undefined
    }
    | false
    | undefined
  /** Page size when `limit` is absent. Default 25. */
  readonly defaultLimit?: number | undefined
  /** Larger `limit`s are capped to this. Default 100. */
  readonly maxLimit?: number | undefined
  /** Order when `sort` is absent. Default `creation_time_ascending`. */
  readonly defaultSort?: "creation_time_ascending" | "creation_time_descending" | undefined
  /** The version reported for paths without a `vNN.N` prefix. Default `v23.0`. */
  readonly defaultApiVersion?: string | undefined
  /** The emulator's clock. Default: real time. */
  readonly clock?: EmulatorClock.Options | undefined
  /** Fault rules in force from the start. Default none. */
  readonly faults?: ReadonlyArray<Faults.Rule> | undefined
  /** Graph quirks to reproduce. Default none. */
  readonly quirks?: QuirkOptions | undefined
  /** How many log entries to keep (the newest). Default 10,000. */
  readonly requestLogLimit?: number | undefined
}

/**
 * A request as a transport hands it to the emulator.
 *
 * @since 0.1.0
 * @category transport
 */
export type EmulatorRequest = Request

/**
 * The emulator's complete answer, for a transport to deliver.
 *
 * @since 0.1.0
 * @category transport
 */
export type EmulatorReply = Reply

/**
 * @since 0.1.0
 * @category models
 */
export interface EmulatorService {
  readonly dataset: Dataset.Dataset
  readonly clock: EmulatorClock.EmulatorClock
  /** The token with access to every business. */
  readonly token: string
  /** The businesses' ids, in data-set order. */
  readonly businessIds: ReadonlyArray<string>
  /** The app secret proofs are checked against, if any. */
  readonly appSecret: string | undefined
  /** Transport entry point: answer one request. */
  readonly handle: (request: EmulatorRequest) => Effect.Effect<EmulatorReply>
  /** Log entries (the newest `requestLogLimit`), oldest first. */
  readonly requests: Effect.Effect<ReadonlyArray<RequestLog.Entry>>
  /** Requests received since the last `resetRequests`. */
  readonly requestCount: Effect.Effect<number>
  /** Empties the log and the list of injected faults (request numbers keep counting). */
  readonly resetRequests: Effect.Effect<void>
  /** Every fault injected since the last `resetRequests`, in order. */
  readonly injectedFaults: Effect.Effect<ReadonlyArray<Faults.Injection>>
  /** Replaces the fault rules. `{ next: n }` triggers count from now. */
  readonly setFaults: (rules: ReadonlyArray<Faults.Rule>) => Effect.Effect<void>
  /** Adds fault rules after the current ones. */
  readonly addFaults: (rules: ReadonlyArray<Faults.Rule>) => Effect.Effect<void>
  /** Removes every fault rule. */
  readonly clearFaults: Effect.Effect<void>
  /** Changes quirks at runtime (unnamed quirks keep their value). */
  readonly setQuirks: (quirks: QuirkOptions) => Effect.Effect<void>
  /** Moves the emulator's clock forward (rate-limit windows, token expiry). */
  readonly advanceClock: (duration: Duration.DurationInput) => Effect.Effect<void>
  /** Forgets every call counted against the budgets. */
  readonly resetRateLimits: Effect.Effect<void>
  /**
   * Adds `count` accounts to a business, created now (emulator clock) unless `creationTime` (unix
   * seconds) says otherwise. Outstanding cursors of that business go stale.
   */
  readonly addAccounts: (
    businessId: string,
    count: number,
    options?: { readonly creationTime?: number | undefined }
  ) => Effect.Effect<ReadonlyArray<WhatsAppBusinessAccount>>
  /** Deletes accounts by id (all or none). Outstanding cursors of that business go stale. */
  readonly deleteAccounts: (businessId: string, ids: ReadonlyArray<string>) => Effect.Effect<void>
  /** How many accounts a business owns now. */
  readonly accountCount: (businessId: string) => Effect.Effect<number>
  /**
   * A business's accounts as they are now, every field, in `(creation_time, id)` order (reversed with
   * `descending`). Materialises the list: meant for test oracles on modest sizes.
   */
  readonly accounts: (
    businessId: string,
    options?: { readonly descending?: boolean | undefined }
  ) => Effect.Effect<ReadonlyArray<WhatsAppBusinessAccount>>
}

/**
 * The emulator service.
 *
 * @since 0.1.0
 * @category tags
 */
export class Emulator extends Context.Tag("@effect-waba/emulator/Emulator")<Emulator, EmulatorService>() {}

/**
 * The default token: clearly fake, valid for every business.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultToken = "EAA-emulator-demo-token"

/**
 * A default extra token that expired before the clock started.
 *
 * @since 0.1.0
 * @category constants
 */
export const expiredToken = "EAA-emulator-expired-token"

/**
 * A default extra token that may read only the first business.
 *
 * @since 0.1.0
 * @category constants
 */
export const limitedToken = "EAA-emulator-limited-token"

/**
 * The default app secret.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultAppSecret = "emulator-demo-app-secret"

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`)
  return value
}

const toMillis = (time: Date | number | undefined): number | undefined =>
  time === undefined ? undefined : typeof time === "number" ? time : time.getTime()

/**
 * Builds the emulator synchronously (throws a `RangeError` on invalid options); the Effect
 * constructors below wrap this.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMake = (options: Options = {}): EmulatorService => {
  const dataset = Dataset.make(options)
  const clock = EmulatorClock.make(options.clock)
  const start = clock.now()
  const token = options.token ?? defaultToken
  const extra: ReadonlyArray<TokenSpec> = options.tokens ?? [
    { token: expiredToken, expiresAt: start - 86_400_000 },
    { token: limitedToken, businesses: dataset.businesses.slice(0, 1).map((business) => business.id) }
  ]
  const tokens: Array<TokenGrant> = [
    { token, businesses: "all", expiresAt: undefined },
    ...extra.map((spec) => ({
      token: spec.token,
      businesses: spec.businesses === undefined ? "all" as const : new Set(spec.businesses),
      expiresAt: toMillis(spec.expiresAt)
    }))
  ]
  const rate = options.rateLimit
  const defaultLimit = positiveInteger("defaultLimit", options.defaultLimit ?? 25)
  const maxLimit = positiveInteger("maxLimit", options.maxLimit ?? 100)
  const appSecret = options.appSecret ?? defaultAppSecret
  const core = new Core({
    dataset,
    clock,
    tokens,
    appSecret,
    requireAppSecretProof: options.requireAppSecretProof ?? false,
    rateLimit: rate === false ? false : {
      businessCalls: positiveInteger("rateLimit.businessCalls", rate?.businessCalls ?? 200),
      appCalls: positiveInteger("rateLimit.appCalls", rate?.appCalls ?? 5000),
      windowMs: Duration.toMillis(Duration.decode(rate?.window ?? Duration.hours(1)))
    },
    defaultLimit: Math.min(defaultLimit, maxLimit),
    maxLimit,
    defaultSort: options.defaultSort ?? "creation_time_ascending",
    defaultApiVersion: options.defaultApiVersion ?? "v23.0",
    requestLogLimit: positiveInteger("requestLogLimit", options.requestLogLimit ?? 10_000),
    faults: options.faults ?? [],
    quirks: {
      filterAfterPaging: options.quirks?.filterAfterPaging ?? false,
      escapeSlashes: options.quirks?.escapeSlashes ?? false,
      creationTimeAsString: options.quirks?.creationTimeAsString ?? false
    }
  })

  const businessOf = (id: string) => {
    const business = dataset.findBusiness(id)
    if (business === undefined) throw new RangeError(`The emulator has no business ${id}`)
    return business
  }

  return {
    dataset,
    clock,
    token,
    businessIds: dataset.businesses.map((business) => business.id),
    appSecret,
    handle: (request) => Effect.sync(() => core.handle(request)),
    requests: Effect.sync(() => core.log.entries()),
    requestCount: Effect.sync(() => core.log.count()),
    resetRequests: Effect.sync(() => core.resetLog()),
    injectedFaults: Effect.sync(() => core.injected()),
    setFaults: (rules) => Effect.sync(() => core.setFaults(rules)),
    addFaults: (rules) => Effect.sync(() => core.addFaults(rules)),
    clearFaults: Effect.sync(() => core.setFaults([])),
    setQuirks: (quirks) =>
      Effect.sync(() => {
        const next: Quirks = {
          filterAfterPaging: quirks.filterAfterPaging ?? core.quirks.filterAfterPaging,
          escapeSlashes: quirks.escapeSlashes ?? core.quirks.escapeSlashes,
          creationTimeAsString: quirks.creationTimeAsString ?? core.quirks.creationTimeAsString
        }
        core.quirks = next
      }),
    advanceClock: (duration) => Effect.sync(() => clock.advance(duration)),
    resetRateLimits: Effect.sync(() => core.resetRateLimits()),
    addAccounts: (businessId, count, addOptions) =>
      Effect.sync(() => {
        const view = core.view(businessOf(businessId))
        if (!Number.isInteger(count) || count < 0) throw new RangeError(`Cannot add ${count} accounts`)
        return view.add(count, addOptions?.creationTime ?? Math.floor(clock.now() / 1000))
      }),
    deleteAccounts: (businessId, ids) =>
      Effect.sync(() => {
        const missing = core.view(businessOf(businessId)).delete(ids)
        if (missing.length > 0) {
          throw new RangeError(`Business ${businessId} owns no account ${missing.join(", ")}`)
        }
      }),
    accountCount: (businessId) => Effect.sync(() => core.view(businessOf(businessId)).size),
    accounts: (businessId, listOptions) =>
      Effect.sync(() => {
        const business = businessOf(businessId)
        const view = core.view(business)
        const out: Array<WhatsAppBusinessAccount> = []
        for (let p = 0; p < view.size; p++) {
          const item = view.itemAt(p)
          out.push(typeof item === "number" ? dataset.account(business, item) : item)
        }
        return listOptions?.descending === true ? out.reverse() : out
      })
  }
}

/**
 * Builds the emulator. Invalid options (a negative account count, say) are a defect: they are
 * programming errors in a test, not conditions to handle.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import { Emulator } from "@effect-waba/emulator"
 *
 * const program = Effect.gen(function*() {
 *   const emulator = yield* Emulator.make({ seed: 1, businesses: [3, 250] })
 *   return emulator.businessIds
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<EmulatorService> => Effect.sync(() => unsafeMake(options))

/**
 * A layer with a fresh emulator.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<Emulator> => Layer.effect(Emulator, make(options))
