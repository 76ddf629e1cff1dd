import type * as HttpClient from "@effect/platform/HttpClient"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import type * as GraphClient from "../GraphClient.js"
import type * as GraphConfig from "../GraphConfig.js"
import type * as GraphError from "../GraphError.js"
import * as GraphRetry from "../GraphRetry.js"
import type * as GraphUsage from "../GraphUsage.js"
import type * as RateGovernor from "../RateGovernor.js"
import * as Decode from "./client/decode.js"
import * as Exchange from "./client/exchange.js"
import { type Answer, interpret, type Interpretation } from "./client/interpret.js"
import * as Request from "./client/request.js"
import { retrying } from "./client/retrying.js"
import * as Secrets from "./client/secrets.js"
import * as Steps from "./client/steps.js"
import * as Telemetry from "./client/telemetry.js"

/** @internal */
export const make = (
  settings: GraphConfig.Settings,
  httpClient: HttpClient.HttpClient,
  governor: RateGovernor.Service,
  options: GraphClient.Options
): Effect.Effect<GraphClient.Service> =>
  Effect.gen(function*() {
    const proof = yield* Steps.proofSource(settings)

    // The HTTP steps, innermost first; the caller's own step sees the finished request.
    const client = httpClient.pipe(
      Steps.withoutPlatformSpan,
      Steps.withBaseUrl(settings),
      Steps.withBearerToken(settings),
      Steps.withAppSecretProof(proof),
      Steps.withHeaders(settings),
      options.transformClient ?? identity
    )

    const scrubberFor = Secrets.make(settings, proof)
    const exchange = Exchange.make(client, settings, scrubberFor)
    const schedule = Option.getOrUndefined(Option.map(settings.retry, GraphRetry.schedule))
    // The longest wait for Graph's regain time worth sleeping through, for the governor too.
    const patience = Option.match(settings.retry, {
      onNone: () => GraphRetry.defaultPolicy.maxHintedWait,
      onSome: (policy) => policy.maxHintedWait
    })
    const telemetry = Telemetry.make(settings)
    const checkVersion = yield* Telemetry.versionCheck(settings.apiVersion)

    const get = <A, I, R>(
      request: GraphClient.GraphRequest<A, I, R>
    ): Effect.Effect<GraphClient.GraphResponse<A>, GraphClient.GraphClientError, R> => {
      const built = Request.check(request)
      if (Either.isLeft(built)) return Effect.fail(built.left)
      const httpRequest = built.right
      const { route, usageKey } = request
      const decode = Decode.make(request.schema)

      // What the governor learns from an answer, whatever it meant.
      const learn = (status: number, usage: GraphUsage.GraphUsage, result: Interpretation["result"]) => {
        const failed = Either.isLeft(result) ? result.left : undefined
        const throttled = failed?._tag === "GraphRateLimitError" ? failed : undefined
        return Effect.zipRight(
          throttled === undefined ? Effect.void : telemetry.throttled(throttled.code),
          governor.observe(usageKey, {
            usage,
            status,
            errorCode: failed !== undefined && "code" in failed ? failed.code : undefined,
            retryAfter: throttled?.retryAfter
          })
        )
      }

      // One attempt: the exchange, timed and counted, then what it means.
      const send = (attempt: number): Effect.Effect<Answer, GraphError.GraphError> =>
        exchange(httpRequest, { route, attempt }).pipe(
          telemetry.measured(route),
          Effect.flatMap((exchanged) =>
            Effect.flatMap(Clock.currentTimeMillis, (now) => {
              const scrub = scrubberFor(exchanged.response.request)
              const { result, usage } = interpret(exchanged, { route, attempt, scrub, usageKey, now })
              return Effect.zipRight(learn(exchanged.response.status, usage, result), result)
            })
          )
        )

      // The governor's hold comes before each attempt, outside its timeout, and is not an attempt.
      const attempt = (n: number) => Effect.zipRight(governor.acquire(usageKey, patience), send(n))

      return retrying(schedule, telemetry.announceRetry(route), attempt).pipe(
        Effect.tap((answer) => checkVersion(route, answer.apiVersion)),
        Effect.flatMap((answer) =>
          Effect.map(decode(answer, route), (body): GraphClient.GraphResponse<A> => ({
            body,
            status: answer.status,
            usage: answer.usage,
            fbtraceId: answer.fbtraceId,
            apiVersion: answer.apiVersion,
            attempts: answer.attempts
          }))
        ),
        telemetry.traced(route, usageKey)
      )
    }

    return { apiVersion: settings.apiVersion, baseUrl: settings.baseUrl, get }
  })
