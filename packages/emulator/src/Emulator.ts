/**
 * The emulator: a stateful stand-in for Graph's WhatsApp Business Management reads — the owned and client
 * account edges of a business, the account node (`GET /{waba-id}`) and its phone numbers, with field
 * expansion — holding the data set, the tokens, the rate-limit budgets, the fault rules, the clock and the
 * request log. It serves the client's own edge and node declarations (`OwnedAccounts.edge`, …).
 *
 * It is one `HttpApp` (`app`), served by a transport: {@link EmulatorHttpClient} (in-process, no sockets)
 * or {@link EmulatorServer} (a real HTTP server on loopback). Both share this one service, so a test can
 * mix them and the request numbering, budgets and log are common.
 *
 * @since 0.1.0
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Changes from "./Changes.js"
import type * as Dataset from "./Dataset.js"
import type * as EmulatorClock from "./EmulatorClock.js"
import type * as Faults from "./Faults.js"
import * as internal from "./internal/emulator.js"
import type * as RequestLog from "./RequestLog.js"
import type * as WebhookDelivery from "./WebhookDelivery.js"

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
  /**
   * The scopes `GET /debug_token` reports (it answers for every token: validity, expiry, scopes, and for a
   * token limited to some businesses their accounts as the targets of the `whatsapp_*` scopes). Default
   * `whatsapp_business_management`, `whatsapp_business_messaging`, `business_management`, `public_profile`.
   */
  readonly scopes?: ReadonlyArray<string> | undefined
}

/**
 * Graph behaviours a client must cope with. The realistic ones are on by default; each can be switched,
 * at start or at runtime with `setQuirks`.
 *
 * @since 0.1.0
 * @category models
 */
export interface QuirkOptions {
  /**
   * Cut the page from the unfiltered list, then filter it, as Graph does: pages may hold fewer than
   * `limit` items, or none, while `paging.next` is present. Default true; false gives full pages.
   */
  readonly filterAfterPaging?: boolean | undefined
  /** Escape `/` as `\/` in JSON bodies, as Graph's serializer does. Default false. */
  readonly escapeSlashes?: boolean | undefined
  /** Send `creation_time` as a numeric string instead of a number. Default false. */
  readonly creationTimeAsString?: boolean | undefined
  /** Send `null` for selected fields that have no value, instead of leaving them out. Default false. */
  readonly nullForAbsent?: boolean | undefined
  /**
   * What a `filtering` clause (or a `sort`) the edge does not document gets: by default code 100, as a
   * strict Graph answers; with true the clause is ignored and everything is returned, the other
   * behaviour Graph may have. Default false.
   */
  readonly ignoreUndocumentedFilters?: boolean | undefined
  /**
   * When a cursor goes stale: `"deleted-item"` (default) only when the element it points at is deleted;
   * `"any-change"` after any addition or deletion in its list.
   */
  readonly staleCursors?: "deleted-item" | "any-change" | undefined
  /**
   * Answer with the HTTP statuses Graph used before Meta's spec examples: 400 for code 190 (instead of
   * 401), 403 without a subcode for code 4 (instead of 429 with 2446079). Default false.
   */
  readonly legacyStatuses?: boolean | undefined
  /**
   * What a GET of an unknown (or deleted) id gets: `"100/33"` (default: HTTP 400, code 100, subcode 33,
   * as Graph is documented to answer) or `"803"` (HTTP 404, as Meta's spec example shows).
   */
  readonly unknownObject?: "100/33" | "803" | undefined
  /** An expanded edge with no items: left out of the item (`"omit"`, default) or sent as `{ data: [] }`. */
  readonly emptyExpansions?: "omit" | "empty" | undefined
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
      /** Calls per window for each account's own reads (`/{waba-id}...`, error 80008 beyond). Default 200. */
      readonly accountCalls?: number | undefined
      /**
       * Calls per window for the whole app (error 4 beyond, with `X-App-Usage`). None by default: Meta documents
       * business-use-case limits for these reads, not an app-wide cap for system-user tokens.
       */
      readonly appCalls?: number | undefined
      /** The window. Default one hour. */
      readonly window?: Duration.DurationInput | undefined
      /**
       * The usage headers are sent from this call in a window on (as Meta sends them "once enough calls
       * have been made"); absent before. Default 3; 1 sends them on every call.
       */
      readonly usageHeadersFrom?: number | undefined
    }
    | false
    | undefined
  /** The emulator's clock. Default: real time. */
  readonly clock?: EmulatorClock.Options | undefined
  /** Fault rules in force from the start. Default none. */
  readonly faults?: ReadonlyArray<Faults.Rule> | undefined
  /** Graph behaviours to reproduce; see {@link QuirkOptions} for the defaults. */
  readonly quirks?: QuirkOptions | undefined
  /** How many log entries to keep (the newest). Default 10,000. */
  readonly requestLogLimit?: number | undefined
}

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
  /** The emulated Graph as an `HttpApp`: what the transports serve, in-process or on a socket. */
  readonly app: HttpApp.Default
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
   * seconds) says otherwise. Outstanding cursors stay valid (see the `staleCursors` quirk).
   */
  readonly addAccounts: (
    businessId: string,
    count: number,
    options?: { readonly creationTime?: number | undefined }
  ) => Effect.Effect<ReadonlyArray<Dataset.Account>>
  /**
   * Deletes accounts by id (all or none) from their owner, from every business they are shared with, and
   * with their phone numbers. A cursor that points at a deleted account goes stale.
   */
  readonly deleteAccounts: (businessId: string, ids: ReadonlyArray<string>) => Effect.Effect<void>
  /**
   * A business's accounts as they are now, every field, in `(creation_time, id)` order (reversed with
   * `descending`). Materialises the list: meant for test oracles on modest sizes.
   */
  readonly accounts: (
    businessId: string,
    options?: { readonly descending?: boolean | undefined }
  ) => Effect.Effect<ReadonlyArray<Dataset.Account>>
  /**
   * The accounts shared with a business (its client edge) as they are now, with `permitted_tasks`, in
   * `(creation_time, id)` order.
   */
  readonly clientAccounts: (businessId: string) => Effect.Effect<ReadonlyArray<Dataset.ClientAccount>>
  /** One account as the node read serves it, every field; `undefined` for an unknown or deleted id. */
  readonly account: (accountId: string) => Effect.Effect<Dataset.Account | undefined>
  /** An account's phone numbers as they are now, every field, in the edge's ascending order. */
  readonly phoneNumbers: (accountId: string) => Effect.Effect<ReadonlyArray<Dataset.PhoneNumber>>
  /** Adds `count` phone numbers to an account, onboarded now (emulator clock). */
  readonly addPhoneNumbers: (accountId: string, count: number) => Effect.Effect<ReadonlyArray<Dataset.PhoneNumber>>
  /** Deletes phone numbers by id (all or none). A cursor that points at a deleted number goes stale. */
  readonly deletePhoneNumbers: (accountId: string, ids: ReadonlyArray<string>) => Effect.Effect<void>
  /**
   * Applies a change to the data (see {@link Changes} for each kind): every later read sees it, over every
   * transport. Answers with the webhook Graph sends for it, signed, and its delivery when a target is set
   * (a failed delivery is reported there: the change stands). A malformed change or an unknown business,
   * account, number or token fails with a `ChangeError`, and nothing changes.
   */
  readonly change: (change: Changes.Change) => Effect.Effect<Changes.Applied, Changes.ChangeError>
  /**
   * Delivers the webhooks of later changes to `target.url`, signed with `target.appSecret` (default the
   * emulator's app secret), through the `HttpClient` in context. A URL that is not absolute `http(s)` fails
   * with a `WebhookDeliveryError` (`InvalidUrl`).
   */
  readonly setWebhookTarget: (
    target: WebhookDelivery.Target
  ) => Effect.Effect<void, WebhookDelivery.DeliveryError, HttpClient.HttpClient>
  /** Stops delivering webhooks; changes still answer with them. */
  readonly clearWebhookTarget: Effect.Effect<void>
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

/**
 * Builds the emulator synchronously (throws a `RangeError` on invalid options); the Effect
 * constructors below wrap this.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unsafeMake = (options: Options = {}): EmulatorService => internal.make(options)

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
