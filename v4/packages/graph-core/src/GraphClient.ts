/**
 * One GET to Graph, as in the Effect 3 line: the request checked before anything is sent, the token as a
 * bearer header with its `appsecret_proof`, a timeout per attempt, no redirect followed, the answer read up
 * to a size, interpreted by the rules both lines share (usage headers, error bodies, their kinds), retried
 * by `GraphRetry`'s schedule, and decoded with the caller's Schema. Secrets never reach a URL, a span or an
 * error.
 *
 * Every attempt passes through a `RateGovernor`: before it is sent the governor may hold it (outside the
 * attempt's timeout, and not counted as an attempt), and it learns from each response's usage headers. A
 * hold longer than `retry.maxHintedWait` fails the call at once with `RateGovernor.HoldTooLongError`,
 * without sending. The governor in context is used; without one, each client has an in-memory governor of
 * its own with the default options (`RateGovernor.disabled` turns it off). Retries, holds and a version
 * other than the one asked for are published to `GraphEvents` when one is in context; see `GraphMetrics`
 * for the metrics.
 *
 * @since 1.0.0
 */
import { scrubberOf, secretParams } from "@effect-waba/graph-rules/redaction"
import * as Reply from "@effect-waba/graph-rules/reply"
import * as Checks from "@effect-waba/graph-rules/request"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as GraphConfig from "./GraphConfig.js"
import * as GraphCredentials from "./GraphCredentials.js"
import * as GraphError from "./GraphError.js"
import * as GraphRetry from "./GraphRetry.js"
import type * as GraphUsage from "./GraphUsage.js"
import { describeCause, proof, readText } from "./internal/exchange.js"
import * as Telemetry from "./internal/telemetry.js"
import { InvalidRequestError } from "./InvalidRequestError.js"
import * as RateGovernor from "./RateGovernor.js"
import * as RateGovernorStore from "./RateGovernorStore.js"

/**
 * A GET: the route (`/{business-id}/owned_whatsapp_business_accounts`), the values of its placeholders, the
 * query, the Schema of the answer, and the business the call is counted against.
 *
 * @since 1.0.0
 * @category models
 */
export interface GraphRequest<A, R = never> {
  readonly route: string
  readonly params?: Readonly<Record<string, string>> | undefined
  /** Plain values; a secret (`input_token`) only as a `Redacted`. */
  readonly query?:
    | Readonly<Record<string, string | number | boolean | Redacted.Redacted<string> | undefined>>
    | undefined
  readonly schema: Schema.Decoder<A, R>
  readonly usageKey?: string | undefined
}

/**
 * A decoded answer, with what came with it.
 *
 * @since 1.0.0
 * @category models
 */
export interface GraphResponse<A> {
  readonly body: A
  readonly status: number
  readonly usage: GraphUsage.GraphUsage
  readonly fbtraceId: string | undefined
  readonly apiVersion: string | undefined
  readonly attempts: number
}

/**
 * What a GET can fail with.
 *
 * @since 1.0.0
 * @category models
 */
export type GraphClientError =
  | GraphError.GraphError
  | InvalidRequestError
  | GraphCredentials.GraphCredentialsError
  | RateGovernor.HoldTooLongError

/**
 * @since 1.0.0
 * @category models
 */
export interface Service {
  readonly baseUrl: string
  readonly apiVersion: string
  readonly get: <A, R = never>(request: GraphRequest<A, R>) => Effect.Effect<GraphResponse<A>, GraphClientError, R>
}

/**
 * The client as a service.
 *
 * @since 1.0.0
 * @category services
 */
export class GraphClient extends Context.Service<GraphClient, Service>()("@effect-waba/graph-core/GraphClient") {}

const refused = (refusal: Checks.Refusal) => new InvalidRequestError(refusal)

const secretOf = (value: unknown) => Redacted.isRedacted(value) ? { value: Redacted.value(value) } : undefined

/**
 * The client over the given settings and HTTP client, governed by `governor` (by default an in-memory
 * governor of its own with the default options).
 *
 * @since 1.0.0
 * @category constructors
 */
export const make = (
  settings: GraphConfig.Settings,
  http: HttpClient.HttpClient,
  governor: RateGovernor.Service = RateGovernor.fromStore(RateGovernor.defaultSettings, RateGovernorStore.makeMemory())
): Service => build(settings, http, governor, Telemetry.make(settings.apiVersion))

// A client rebuilt over another transport (for batches) keeps its original's governor and telemetry, so its
// budgets and its once-per-client version warning stay one.
const build = (
  settings: GraphConfig.Settings,
  http: HttpClient.HttpClient,
  governor: RateGovernor.Service,
  telemetry: ReturnType<typeof Telemetry.make>
): Service => {
  const client = http.pipe(
    HttpClient.mapRequest(HttpClientRequest.prependUrl(`${settings.baseUrl}/${settings.apiVersion}`)),
    HttpClient.mapRequest(
      HttpClientRequest.setHeaders({ accept: "application/json", "user-agent": settings.userAgent })
    ),
    // The client follows no redirect: a 3xx is an error (credentials go to the configured origin only).
    HttpClient.transformResponse(Effect.provideService(FetchHttpClient.RequestInit, { redirect: "manual" }))
  )
  const policy = settings.retry
  // The longest hinted wait worth sleeping through binds the governor's holds too.
  const maxWait = (policy ?? GraphRetry.defaultPolicy).maxHintedWait

  const get = <A, R>(request: GraphRequest<A, R>): Effect.Effect<GraphResponse<A>, GraphClientError, R> => {
    const path = Checks.path(request.route, request.params)
    if (path._tag === "Failure") return Effect.fail(refused(path.failure))
    const query = Checks.query(request.query, secretOf)
    if (query._tag === "Failure") return Effect.fail(refused(query.failure))
    if (!Schema.isSchema(request.schema)) {
      return Effect.fail(
        new InvalidRequestError({ parameter: "schema", message: "The request needs a schema to decode the answer." })
      )
    }
    const { route, usageKey } = request
    const querySecrets = Object.values(request.query ?? {}).flatMap((value) =>
      Redacted.isRedacted(value) ? [Redacted.value(value)] : []
    )
    const base = HttpClientRequest.get(path.success, { urlParams: query.success })

    const attempt = (credentials: GraphCredentials.Credentials, n: number) =>
      Effect.gen(function*() {
        const token = Redacted.value(credentials.accessToken)
        const secret = credentials.appSecret === undefined ? undefined : Redacted.value(credentials.appSecret)
        const params = yield* proof(token, secret, credentials.appSecretProof ?? settings.appSecretProof)
        const scrub = scrubberOf([
          token,
          ...(secret === undefined ? [] : [secret]),
          ...querySecrets,
          ...params.filter(([key]) => secretParams.has(key)).map(([, v]) => v)
        ])
        const transport = (reason: Reply.TransportReason, message: string) =>
          new GraphError.GraphTransportError({
            reason,
            message: scrub(message),
            retryable: reason !== "TooLarge",
            route,
            attempts: n
          })
        const signedRequest = base.pipe(
          HttpClientRequest.bearerToken(credentials.accessToken),
          HttpClientRequest.appendUrlParams(params)
        )
        const start = yield* Clock.currentTimeMillis
        const reply = yield* client.execute(signedRequest).pipe(
          Effect.flatMap((response) =>
            Effect.map(
              readText(response.stream, settings.maxResponseBytes),
              ({ seen, text }) => ({ response, seen, text })
            )
          ),
          Effect.mapError((error) =>
            transport("Network", `The request to ${route} failed: ${describeCause(error.reason.cause ?? error)}`)
          ),
          Effect.timeoutOrElse({
            duration: settings.timeout,
            orElse: () =>
              Effect.fail(transport("Timeout", `${route} did not answer within ${Duration.format(settings.timeout)}.`))
          }),
          Effect.tapError(() => telemetry.attempted(route, start))
        )
        if (reply.seen > settings.maxResponseBytes) {
          yield* telemetry.attempted(route, start)
          return yield* transport(
            "TooLarge",
            `The response of ${route} is larger than maxResponseBytes (${settings.maxResponseBytes} bytes); reading stopped at ${reply.seen} bytes.`
          )
        }
        const now = yield* Clock.currentTimeMillis
        const outcome = Reply.interpret(
          { status: reply.response.status, headers: reply.response.headers, text: reply.text },
          { route, attempt: n, scrub, usageKey, now }
        )
        const status = reply.response.status
        const error = outcome._tag === "Response" ? outcome.error : undefined
        const throttled = error?.tag === "GraphRateLimitError"
        yield* telemetry.attempted(route, start, status, throttled ? error.code : undefined)
        const facts = outcome._tag === "Answer" ? undefined : outcome.facts
        yield* governor.observe(usageKey, {
          usage: outcome._tag === "Answer" ? outcome.usage : outcome.facts.usage,
          status,
          errorCode: error?.code,
          retryAfter: throttled && facts?.retryAfterMillis !== undefined
            ? Duration.millis(facts.retryAfterMillis)
            : undefined
        })
        return yield* fromOutcome(outcome)
      })

    const attempts = (credentials: GraphCredentials.Credentials) =>
      Effect.suspend(() => {
        let n = 0
        // The governor's hold comes before each attempt and is not one. Its refusal ends the attempts: it
        // leaves the retries as a value, so that only Graph's errors meet the retry schedule.
        const once = Effect.suspend(() =>
          Effect.matchEffect(governor.acquire(usageKey, maxWait), {
            onFailure: (refused) => Effect.succeed(Result.fail(refused)),
            onSuccess: () => Effect.map(attempt(credentials, ++n), Result.succeed)
          })
        )
        const retried = policy === undefined || policy.maxRetries === 0 ? once : Effect.retry(
          once,
          GraphRetry.schedule(policy).pipe(
            Schedule.while(({ attempt, input }) =>
              attempt <= policy.maxRetries && GraphRetry.worthRetrying(policy)(input)
            ),
            Schedule.modifyDelay(({ duration, input }) =>
              Effect.as(telemetry.retrying(route, input, duration, n), duration)
            )
          )
        )
        return Effect.flatMap(retried, Effect.fromResult)
      })

    const read = (credentials: GraphCredentials.Credentials) =>
      attempts(credentials).pipe(
        Effect.tap((answer) => telemetry.served(route, answer.apiVersion)),
        Effect.flatMap((answer) =>
          Schema.decodeUnknownEffect(request.schema)(answer.json).pipe(
            Effect.mapError((error) =>
              new GraphError.GraphDecodeError({
                message: `The response of ${route} did not match the expected shape: ${error.message.slice(0, 300)}`,
                route,
                httpStatus: answer.status,
                ...(answer.fbtraceId !== undefined ? { fbtraceId: answer.fbtraceId } : {}),
                attempts: answer.attempts
              })
            ),
            Effect.map((body): GraphResponse<A> => ({
              body,
              status: answer.status,
              usage: answer.usage,
              fbtraceId: answer.fbtraceId,
              apiVersion: answer.apiVersion,
              attempts: answer.attempts
            }))
          )
        )
      )

    return GraphCredentials.resolve(settings).pipe(
      Effect.flatMap(({ businessId, credentials }) =>
        businessId === undefined ? read(credentials) : Effect.mapError(read(credentials), inBusiness(businessId))
      ),
      Effect.tapError((error) => telemetry.failed(route, error)),
      Effect.withSpan(`GET ${route}`, {
        kind: "client",
        attributes: defined({
          "graph.route": route,
          "graph.api_version": settings.apiVersion,
          "graph.usage_key": usageKey
        })
      })
    )
  }

  const service: Service = { baseUrl: settings.baseUrl, apiVersion: settings.apiVersion, get }
  rebuilds.set(service, (wrap) => build(settings, wrap(http, settings), governor, telemetry))
  return service
}

const rebuilds = new WeakMap<Service, (wrap: Transport) => Service>()

/**
 * A change of a client's transport: the HTTP client below its steps, which every attempt goes through.
 *
 * @since 1.0.0
 * @category models
 */
export type Transport = (http: HttpClient.HttpClient, settings: GraphConfig.Settings) => HttpClient.HttpClient

/**
 * The same client over a changed transport (its steps above unchanged), or `undefined` for a client that
 * `make` did not build (a mock): how `GraphBatch` gathers calls into batches.
 *
 * @since 1.0.0
 * @category combinators
 */
export const withTransport = (client: Service, transport: Transport): Service | undefined =>
  rebuilds.get(client)?.(transport)

// A Graph error or a governor's refusal of a read made for a business says which business (the token never).
const inBusiness = (businessId: string) => <E>(error: E): E => {
  if (!RateGovernor.isHoldTooLongError(error) && (!GraphError.isGraphError(error) || !("attempts" in error))) {
    return error
  }
  const Class = error.constructor as unknown as { new(fields: object): E; readonly fields: object }
  const fields = Object.keys(Class.fields).map((key) => [key, (error as Record<string, unknown>)[key]])
  return new Class({ ...Object.fromEntries(fields), businessId })
}

const defined = <A extends object>(record: A): A =>
  Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as A

// The outcome of the shared rules as this line's errors.
const fromOutcome = (outcome: Reply.Outcome) => {
  if (outcome._tag === "Answer") return Effect.succeed(outcome)
  const retryAfter = outcome.facts.retryAfterMillis === undefined
    ? undefined
    : Duration.millis(outcome.facts.retryAfterMillis)
  const facts = defined({
    route: outcome.facts.route,
    httpStatus: outcome.facts.httpStatus,
    usage: outcome.facts.usage,
    retryAfter,
    attempts: outcome.facts.attempts
  })
  if (outcome._tag === "Transport") {
    return Effect.fail(
      new GraphError.GraphTransportError({
        ...facts,
        reason: outcome.reason,
        message: outcome.message,
        retryable: outcome.retryable
      })
    )
  }
  const { code, fields, tag } = outcome.error
  const all = { ...facts, ...fields }
  return Effect.fail(
    code === undefined || tag === "GraphApiError"
      ? new GraphError.GraphApiError(defined({ ...all, code }))
      : new GraphError.responseClasses[tag]({ ...all, code })
  )
}

/**
 * The client, from `GraphConfig` and an `HttpClient`.
 *
 * @since 1.0.0
 * @category layers
 */
export const layer: Layer.Layer<GraphClient, never, GraphConfig.GraphConfig | HttpClient.HttpClient> = Layer.effect(
  GraphClient,
  Effect.gen(function*() {
    const governor = yield* Effect.serviceOption(RateGovernor.RateGovernor)
    return make(yield* GraphConfig.GraphConfig, yield* HttpClient.HttpClient, Option.getOrUndefined(governor))
  })
)
