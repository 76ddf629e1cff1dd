import type * as HttpClient from "@effect/platform/HttpClient"
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

    // The HTTP steps, innermost first (base URL, token, proof, headers in one); the caller's own step
    // sees the finished request.
    const client = httpClient.pipe(
      Steps.withoutPlatformSpan,
      Steps.withGraphRequest(settings, proof),
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
        const observed = governor.observe(usageKey, {
          usage,
          status,
          errorCode: failed !== undefined && "code" in failed ? failed.code : undefined,
          retryAfter: throttled?.retryAfter
        })
        return throttled === undefined ? observed : Effect.zipRight(telemetry.throttled(throttled.code), observed)
      }

      // One attempt: the exchange, timed and counted, then what it means. The clock is read once for
      // the attempt's timer, its duration and the time `Retry-After` dates are read against.
      const send = (attempt: number): Effect.Effect<Answer, GraphError.GraphError> =>
        Effect.clockWith((clock) => {
          const start = clock.unsafeCurrentTimeMillis()
          return Effect.matchEffect(exchange(httpRequest, { route, attempt }, clock), {
            onFailure: (error) =>
              Effect.zipRight(
                telemetry.attempted(route, undefined, clock.unsafeCurrentTimeMillis() - start),
                Effect.fail(error)
              ),
            onSuccess: (exchanged) => {
              const now = clock.unsafeCurrentTimeMillis()
              const status = exchanged.response.status
              const scrub = scrubberFor(exchanged.response.request)
              const { result, usage } = interpret(exchanged, { route, attempt, scrub, usageKey, now })
              return Effect.zipRight(
                Effect.zipRight(telemetry.attempted(route, status, now - start), learn(status, usage, result)),
                result
              )
            }
          })
        })

      // The governor's hold comes before each attempt, outside its timeout, and is not an attempt.
      const attempt = (n: number) => Effect.zipRight(governor.acquire(usageKey, patience), send(n))

      const respond = (answer: Answer) =>
        Effect.map(decode(answer, route), (body): GraphClient.GraphResponse<A> => ({
          body,
          status: answer.status,
          usage: answer.usage,
          fbtraceId: answer.fbtraceId,
          apiVersion: answer.apiVersion,
          attempts: answer.attempts
        }))

      return retrying(schedule, telemetry.announceRetry(route), attempt).pipe(
        Effect.flatMap((answer) =>
          // The version served is nearly always the one asked for: no check to run then.
          answer.apiVersion === undefined || answer.apiVersion === settings.apiVersion
            ? respond(answer)
            : Effect.zipRight(checkVersion(route, answer.apiVersion), respond(answer))
        ),
        telemetry.traced(route, usageKey)
      )
    }

    return { apiVersion: settings.apiVersion, baseUrl: settings.baseUrl, get }
  })
