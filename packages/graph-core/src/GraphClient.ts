/**
 * The Graph API client: GET requests against versioned paths, authenticated, bounded, timed, traced,
 * retried, governed and decoded with the caller's schema into typed results or typed errors.
 *
 * It runs on `@effect/platform`'s `HttpClient`, so the transport is the caller's choice: `fetch`,
 * undici, Node's `http`, the project's emulator, or a mock. The client is that `HttpClient` with a few
 * small steps composed once in {@link make}:
 *
 * 1. URL: paths are relative to `baseUrl/apiVersion`;
 * 2. auth: `Authorization: Bearer` and, with an app secret, `appsecret_proof` (plain or timed), with
 *    `GraphConfig`'s credentials or, inside `GraphCredentials.asBusiness`, that business's;
 * 3. headers: `Accept: application/json` and a spec-valid `User-Agent`;
 * 4. your own step, if any (`transformClient`);
 * 5. per attempt: the body read within `maxResponseBytes` while it streams, all within `timeout`; no
 *    redirect followed (one origin: `fetch` is told `redirect: "manual"`);
 * 6. interpretation: Graph's error body, status and usage headers into a typed error or an answer (a
 *    3xx is a `GraphTransportError` with reason `Redirect`);
 * 7. the retry policy, and before each attempt the rate governor;
 * 8. a span per call and metrics per attempt (see `GraphMetrics`);
 * 9. the caller's schema.
 *
 * Every request passes through a {@link RateGovernor.RateGovernor}: before each attempt is sent the
 * governor may hold it (outside the attempt's timeout, and not counted as an attempt), and after each
 * response it reads the usage headers. A hold longer than `retry.maxHintedWait` fails the call at once
 * with `RateGovernor.HoldTooLongError` (a local refusal, not a Graph error). The governor in context is
 * used; without one, each client builds its own in-memory governor with the default options. Provide
 * `RateGovernor.disabled` to turn it off, or one `RateGovernor.layer` over a shared store to keep
 * several clients or processes to one budget.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Schema from "effect/Schema"
import * as GraphConfig from "./GraphConfig.js"
import * as GraphCredentials from "./GraphCredentials.js"
import type * as GraphError from "./GraphError.js"
import type * as GraphUsage from "./GraphUsage.js"
import * as internal from "./internal/graphClient.js"
import type { InvalidRequestError } from "./InvalidRequestError.js"
import * as RateGovernor from "./RateGovernor.js"
import * as RateGovernorStore from "./RateGovernorStore.js"

/**
 * One GET request.
 *
 * @since 0.1.0
 * @category models
 */
export interface GraphRequest<A, I, R> {
  /**
   * The path template below the version prefix, e.g. `/{business-id}/owned_whatsapp_business_accounts`.
   * It names the span and appears in errors, so it must not hold concrete ids.
   */
  readonly route: string
  /** Values for the template's `{placeholders}`. */
  readonly params?: Readonly<Record<string, string>> | undefined
  /**
   * Query parameters; `undefined` values are left out. `access_token` and `appsecret_proof` are the
   * client's job and refused here. A secret the request needs (debug_token's `input_token`) must be a
   * `Redacted`: it is sent, and scrubbed from whatever the answer echoes.
   */
  readonly query?:
    | Readonly<Record<string, string | number | boolean | Redacted.Redacted<string> | undefined>>
    | undefined
  /** Decodes the successful body. */
  readonly schema: Schema.Schema<A, I, R>
  /**
   * The business-object id whose usage this call counts against (the key of
   * `X-Business-Use-Case-Usage`); used to read the right usage entry, and the key the rate governor
   * paces this request under. Without it only the app's usage applies.
   */
  readonly usageKey?: string | undefined
}

/**
 * A decoded answer with what the response said about it.
 *
 * @since 0.1.0
 * @category models
 */
export interface GraphResponse<A> {
  readonly body: A
  readonly status: number
  readonly usage: GraphUsage.GraphUsage
  /** From the `x-fb-trace-id` header. */
  readonly fbtraceId: string | undefined
  /** The version that served the call, from the `facebook-api-version` header. */
  readonly apiVersion: string | undefined
  /** Attempts made, retries included. */
  readonly attempts: number
}

/**
 * Everything {@link Service.get} can fail with: a Graph error, input that cannot make a request (sent
 * nothing), a rate-governor hold longer than the caller accepts (sent nothing), or, inside a business
 * scope, no usable credentials for that business (sent nothing).
 *
 * @since 0.1.0
 * @category models
 */
export type GraphClientError =
  | GraphError.GraphError
  | InvalidRequestError
  | RateGovernor.HoldTooLongError
  | GraphCredentials.GraphCredentialsError

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly apiVersion: string
  readonly baseUrl: string
  readonly get: <A, I, R>(request: GraphRequest<A, I, R>) => Effect.Effect<GraphResponse<A>, GraphClientError, R>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class GraphClient extends Context.Tag("@effect-waba/graph-core/GraphClient")<GraphClient, Service>() {}

/**
 * What the client adds to its settings.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * A step of your own around the `HttpClient` (logging, a proxy header, a test hook). It sees each
   * attempt's request with the URL, auth and headers in place, and its response before the body is read.
   *
   * @example
   * ```ts
   * import { HttpClient, HttpClientRequest } from "@effect/platform"
   * import { GraphClient } from "@effect-waba/graph-core"
   * import { Layer } from "effect"
   *
   * const Tagged = Layer.effect(
   *   GraphClient.GraphClient,
   *   GraphClient.make({ transformClient: HttpClient.mapRequest(HttpClientRequest.setHeader("x-team", "billing")) })
   * )
   * ```
   */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * Builds a client from validated settings and an `HttpClient`, governed by the `RateGovernor` in
 * context or, when there is none, by an in-memory governor of its own with the default options. A
 * `GraphCredentials` in context serves the business scopes (`GraphCredentials.asBusiness`) of calls made
 * without one around them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options?: Options | undefined
): Effect.Effect<Service, never, GraphConfig.GraphConfig | HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const settings = yield* GraphConfig.GraphConfig
    const httpClient = yield* HttpClient.HttpClient
    const provided = yield* Effect.serviceOption(RateGovernor.RateGovernor)
    const governor = Option.isSome(provided)
      ? provided.value
      : yield* RateGovernor.make().pipe(Effect.provide(RateGovernorStore.layerMemory), Effect.orDie)
    const credentials = yield* Effect.serviceOption(GraphCredentials.GraphCredentials)
    return internal.make(settings, httpClient, governor, credentials, options ?? {})
  })

/**
 * The client as a layer with {@link Options}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (
  options: Options
): Layer.Layer<GraphClient, never, GraphConfig.GraphConfig | HttpClient.HttpClient> =>
  Layer.effect(GraphClient, make(options))

/**
 * The client as a layer. Provide `GraphConfig` and an `HttpClient` (e.g. `FetchHttpClient.layer`), and
 * optionally a `RateGovernor` (see {@link make}).
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
 * import { Layer } from "effect"
 *
 * const GraphLive = GraphClient.layer.pipe(
 *   Layer.provide(GraphConfig.layerConfig()),
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<GraphClient, never, GraphConfig.GraphConfig | HttpClient.HttpClient> = layerWith({})

/**
 * Settings and client in one layer, the settings read from `Config` (see `GraphConfig.layerConfig`:
 * `GRAPH_ACCESS_TOKEN` and friends by default, each renameable), plus the client's own options.
 *
 * @example
 * ```ts
 * import { FetchHttpClient } from "@effect/platform"
 * import { GraphClient } from "@effect-waba/graph-core"
 * import { Config, Layer } from "effect"
 *
 * const GraphLive = GraphClient.layerConfig({ accessToken: Config.redacted("WABA_TOKEN") }).pipe(
 *   Layer.provide(FetchHttpClient.layer)
 * )
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  options?: (GraphConfig.ConfigOptions & Options) | undefined
): Layer.Layer<GraphClient, GraphConfig.GraphConfigError, HttpClient.HttpClient> => {
  const { transformClient, ...config } = options ?? {}
  return layerWith({ transformClient }).pipe(Layer.provide(GraphConfig.layerConfig(config)))
}

/**
 * Performs a GET with the client from the context.
 *
 * @since 0.1.0
 * @category accessors
 */
export const get = <A, I, R>(
  request: GraphRequest<A, I, R>
): Effect.Effect<GraphResponse<A>, GraphClientError, GraphClient | R> =>
  Effect.flatMap(GraphClient, (client) => client.get(request))
