import { defined } from "@effect-waba/graph-rules/defined"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as GraphClient from "../GraphClient.js"
import type * as GraphConfig from "../GraphConfig.js"
import type * as GraphCredentials from "../GraphCredentials.js"
import * as GraphError from "../GraphError.js"
import * as GraphRetry from "../GraphRetry.js"
import * as RateGovernor from "../RateGovernor.js"
import * as Auth from "./client/auth.js"
import * as Exchange from "./client/exchange.js"
import { type Answer, interpret } from "./client/interpret.js"
import * as Request from "./client/request.js"
import * as Telemetry from "./client/telemetry.js"

// The caller's schema over a successful answer; a mismatch is a short `GraphDecodeError`.
const decode = <A, I, R>(
  schema: Schema.Schema<A, I, R>,
  route: string,
  { json, ...answer }: Answer
): Effect.Effect<GraphClient.GraphResponse<A>, GraphError.GraphDecodeError, R> => {
  const failure = (problem: string) =>
    new GraphError.GraphDecodeError(defined({
      message: `The response of ${route} ${problem}.`,
      route,
      httpStatus: answer.status,
      fbtraceId: answer.fbtraceId,
      attempts: answer.attempts
    }))
  return Effect.suspend(() => Schema.decodeUnknown(schema)(json)).pipe(
    Effect.mapError((error) => failure(`did not match the expected shape: ${GraphError.describeParseError(error)}`)),
    // A recursive schema overflows the stack on hostile nesting: a typed error, not a defect.
    Effect.catchAllDefect((defect) =>
      defect instanceof RangeError ? Effect.fail(failure("is nested too deeply to decode")) : Effect.die(defect)
    ),
    Effect.map((body) => ({ ...answer, body }))
  )
}

// fetch follows redirects unless told not to, sending the request (its query, the proof included) on to
// wherever the `Location` points: told not to, it hands the 3xx over, and the client refuses it. A
// `RequestInit` of the caller's is kept.
const noRedirects = HttpClient.transformResponse(<E, R>(
  response: Effect.Effect<HttpClientResponse.HttpClientResponse, E, R>
) =>
  Effect.flatMap(
    Effect.serviceOption(FetchHttpClient.RequestInit),
    (init) =>
      Effect.provideService(response, FetchHttpClient.RequestInit, {
        ...Option.getOrUndefined(init),
        redirect: "manual"
      })
  )
)

// The same error, naming the business whose credentials the call was made with: rebuilt from its schema's
// fields, so it is the same class and passes the same checks.
const inBusiness = (businessId: string | undefined) => <E>(error: E): E => {
  if (businessId === undefined || !(GraphError.isGraphError(error) || RateGovernor.isHoldTooLongError(error))) {
    return error
  }
  const Class = error.constructor as unknown as { new(fields: object): E; readonly fields: object }
  const fields = Object.keys(Class.fields).map((key) => [key, (error as Record<string, unknown>)[key]])
  return new Class({ ...Object.fromEntries(fields), businessId })
}
/**
 * The client over a transport wrapped by `wrap`, with the same settings, governor and options: how
 * `GraphBatch` puts batching under every call of the client in context.
 *
 * @internal
 */
export const rebuild = Symbol.for("@effect-waba/graph-core/GraphClient/rebuild")

/** @internal */
export type Rebuild = (
  wrap: (http: HttpClient.HttpClient, settings: GraphConfig.Settings) => HttpClient.HttpClient
) => GraphClient.Service

/** @internal */
export const make = (
  settings: GraphConfig.Settings,
  httpClient: HttpClient.HttpClient,
  governor: RateGovernor.Service,
  credentials: Option.Option<GraphCredentials.Service>,
  options: GraphClient.Options,
  // A client rebuilt over another transport (for batches) keeps its original's, so the version warning
  // stays once per client.
  telemetry: ReturnType<typeof Telemetry.make> = Telemetry.make(settings)
): GraphClient.Service & { readonly [rebuild]: Rebuild } => {
  // Each step sees the request as the steps before it left it (auth is added per attempt, before them);
  // the caller's own step sees it finished.
  const client = httpClient.pipe(
    // The platform's span would record the full URL, `appsecret_proof` included: ours names the route.
    HttpClient.withTracerDisabledWhen(() => true),
    HttpClient.mapRequest(HttpClientRequest.prependUrl(`${settings.baseUrl}/${settings.apiVersion}`)),
    HttpClient.mapRequest(
      HttpClientRequest.setHeaders({ accept: "application/json", "user-agent": settings.userAgent })
    ),
    options.transformClient ?? identity,
    noRedirects
  )
  // Without retries, a policy of none; its longest hinted wait worth sleeping through binds the governor too.
  const policy = Option.getOrElse(settings.retry, () => ({ ...GraphRetry.defaultPolicy, maxRetries: 0 }))
  const schedule = GraphRetry.schedule(policy)

  const get = <A, I, R>(
    request: GraphClient.GraphRequest<A, I, R>
  ): Effect.Effect<GraphClient.GraphResponse<A>, GraphClient.GraphClientError, R> => {
    const checked = Request.check(request)
    if (Either.isLeft(checked)) return Effect.fail(checked.left)
    const { route, usageKey } = request
    // The caller's own secrets (`input_token`) are scrubbed like the call's credentials.
    const secrets = Object.values(request.query ?? {}).filter((value): value is Redacted.Redacted<string> =>
      Redacted.isRedacted(value)
    )

    // One attempt: the exchange, timed and counted, then what it means, which the governor learns from.
    const send = (caller: Auth.Caller, attempt: number) =>
      Effect.gen(function*() {
        const scrubberFor = Auth.scrubberFor(caller.credentials, secrets)
        const start = yield* Clock.currentTimeMillis
        const reply = yield* Effect.tapError(
          Effect.flatMap(
            Auth.authorize(caller.credentials)(checked.right),
            (signed) => Exchange.make(client, settings, scrubberFor)(signed, route, attempt)
          ),
          () => telemetry.attempted(route, start)
        )
        const now = yield* Clock.currentTimeMillis
        const scrub = scrubberFor(reply.request)
        const { result, usage } = interpret(reply, { route, attempt, scrub, usageKey, now })
        const failed = Either.isLeft(result) ? result.left : undefined
        yield* telemetry.attempted(route, start, reply.status, failed)
        yield* governor.observe(usageKey, {
          usage,
          status: reply.status,
          errorCode: failed !== undefined && "code" in failed ? failed.code : undefined,
          retryAfter: failed?._tag === "GraphRateLimitError" ? failed.retryAfter : undefined
        })
        return yield* Either.match(result, { onLeft: (error) => Effect.fail(error), onRight: Effect.succeed })
      })

    const attempts = (caller: Auth.Caller) =>
      Effect.suspend(() => {
        let n = 0
        // The governor's hold comes before each attempt, outside its timeout, and is not an attempt.
        const attempt = Effect.suspend(() =>
          Effect.zipRight(governor.acquire(usageKey, policy.maxHintedWait), send(caller, ++n))
        )
        const announced = Schedule.modifyDelayEffect(
          schedule,
          (error, delay) => Effect.as(telemetry.retrying(route, error, delay, n), delay)
        )
        return Effect.retry(attempt, announced)
      })

    // Who the call is made as is resolved once, for all its attempts.
    return Auth.resolve(settings, credentials).pipe(
      Effect.tap(({ businessId }) =>
        businessId === undefined ? Effect.void : Effect.annotateCurrentSpan("graph.business_id", businessId)
      ),
      Effect.flatMap((caller) =>
        attempts(caller).pipe(
          Effect.tap((answer) => telemetry.served(route, answer.apiVersion)),
          Effect.flatMap((answer) => decode(request.schema, route, answer)),
          Effect.mapError(inBusiness(caller.businessId))
        )
      ),
      telemetry.traced(route, usageKey)
    )
  }

  return {
    apiVersion: settings.apiVersion,
    baseUrl: settings.baseUrl,
    get,
    [rebuild]: (wrap) => make(settings, wrap(httpClient, settings), governor, credentials, options, telemetry)
  }
}
