import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { identity } from "effect/Function"
import * as Option from "effect/Option"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as GraphClient from "../GraphClient.js"
import type * as GraphConfig from "../GraphConfig.js"
import * as GraphError from "../GraphError.js"
import * as GraphRetry from "../GraphRetry.js"
import type * as RateGovernor from "../RateGovernor.js"
import * as Auth from "./client/auth.js"
import * as Exchange from "./client/exchange.js"
import { type Answer, interpret } from "./client/interpret.js"
import * as Request from "./client/request.js"
import * as Telemetry from "./client/telemetry.js"
import { defined } from "./defined.js"

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

/** @internal */
export const make = (
  settings: GraphConfig.Settings,
  httpClient: HttpClient.HttpClient,
  governor: RateGovernor.Service,
  options: GraphClient.Options
): Effect.Effect<GraphClient.Service> =>
  Effect.map(Telemetry.make(settings), (telemetry) => {
    // Each step sees the request as the steps before it left it; the caller's own step sees it finished.
    const client = httpClient.pipe(
      // The platform's span would record the full URL, `appsecret_proof` included: ours names the route.
      HttpClient.withTracerDisabledWhen(() => true),
      HttpClient.mapRequest(HttpClientRequest.prependUrl(`${settings.baseUrl}/${settings.apiVersion}`)),
      HttpClient.mapRequestEffect(Auth.authorize(settings)),
      HttpClient.mapRequest(
        HttpClientRequest.setHeaders({ accept: "application/json", "user-agent": settings.userAgent })
      ),
      options.transformClient ?? identity
    )
    const scrubberFor = Auth.scrubberFor(settings)
    const exchange = Exchange.make(client, settings, scrubberFor)
    // The longest wait for Graph's regain time worth sleeping through, for the governor too.
    const patience = Option.getOrElse(settings.retry, () => GraphRetry.defaultPolicy).maxHintedWait
    const schedule = Option.map(settings.retry, GraphRetry.schedule)

    // One attempt: the exchange, timed and counted, then what it means, which the governor learns from.
    const send = (
      request: HttpClientRequest.HttpClientRequest,
      route: string,
      usageKey: string | undefined,
      n: number
    ) =>
      Effect.gen(function*() {
        const start = yield* Clock.currentTimeMillis
        const reply = yield* Effect.tapError(
          exchange(request, route, n),
          () => Effect.flatMap(Clock.currentTimeMillis, (now) => telemetry.attempted(route, undefined, now - start))
        )
        const now = yield* Clock.currentTimeMillis
        yield* telemetry.attempted(route, reply.status, now - start)
        const scrub = scrubberFor(reply.request)
        const { result, usage } = interpret(reply, { route, attempt: n, scrub, usageKey, now })
        const failed = Either.getLeft(result).pipe(Option.getOrUndefined)
        const throttled = failed?._tag === "GraphRateLimitError" ? failed : undefined
        if (throttled !== undefined) yield* telemetry.throttled(throttled.code)
        yield* governor.observe(usageKey, {
          usage,
          status: reply.status,
          errorCode: failed !== undefined && "code" in failed ? failed.code : undefined,
          retryAfter: throttled?.retryAfter
        })
        return yield* Either.match(result, { onLeft: Effect.fail, onRight: Effect.succeed })
      })

    const get = <A, I, R>(
      request: GraphClient.GraphRequest<A, I, R>
    ): Effect.Effect<GraphClient.GraphResponse<A>, GraphClient.GraphClientError, R> => {
      const checked = Request.check(request)
      if (Either.isLeft(checked)) return Effect.fail(checked.left)
      const { route, usageKey } = request
      return Effect.suspend(() => {
        let n = 0
        // The governor's hold comes before each attempt, outside its timeout, and is not an attempt.
        const attempt = Effect.suspend(() => {
          n += 1
          return Effect.zipRight(governor.acquire(usageKey, patience), send(checked.right, route, usageKey, n))
        })
        return Option.match(schedule, {
          onNone: () => attempt,
          onSome: (schedule) =>
            Effect.retry(
              attempt,
              Schedule.modifyDelayEffect(
                schedule,
                (error, delay) => Effect.as(telemetry.retrying(route, error, delay, n), delay)
              )
            )
        })
      }).pipe(
        Effect.tap((answer) => telemetry.served(route, answer.apiVersion)),
        Effect.flatMap((answer) => decode(request.schema, route, answer)),
        telemetry.traced(route, usageKey)
      )
    }

    return { apiVersion: settings.apiVersion, baseUrl: settings.baseUrl, get }
  })
