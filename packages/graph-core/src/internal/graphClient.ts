import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as Schema from "effect/Schema"
import * as AppSecretProof from "../AppSecretProof.js"
import type * as GraphClient from "../GraphClient.js"
import type * as GraphConfig from "../GraphConfig.js"
import * as GraphError from "../GraphError.js"
import * as GraphRetry from "../GraphRetry.js"
import * as GraphUsage from "../GraphUsage.js"
import { InvalidRequestError } from "../InvalidRequestError.js"
import type * as RateGovernor from "../RateGovernor.js"
import { makeScrubber, secretParams } from "../Redaction.js"
import { appScope, metrics } from "./rateGovernor.js"

const placeholder = /\{([^{}]+)\}/g

// A path segment we are willing to put in a URL: Graph ids and edge names, nothing that could climb
// the path (`..`), start a query (`?`) or a fragment (`#`).
const safeSegment = /^[A-Za-z0-9_.:-]+$/

const invalid = (parameter: string, message: string) => Effect.fail(new InvalidRequestError({ parameter, message }))

const buildPath = (
  route: string,
  params: Readonly<Record<string, string>>
): Effect.Effect<string, InvalidRequestError> => {
  if (!route.startsWith("/") || route.includes("?") || route.includes("#")) {
    return invalid("route", `The route "${route}" must be a path starting with "/" without a query or fragment.`)
  }
  const used = new Set<string>()
  let problem: InvalidRequestError | undefined
  const path = route.replace(placeholder, (_, name: string) => {
    used.add(name)
    const value = params[name]
    if (value === undefined) {
      problem ??= new InvalidRequestError({ parameter: name, message: `The route needs a value for {${name}}.` })
      return ""
    }
    if (!safeSegment.test(value) || value === "." || value === "..") {
      problem ??= new InvalidRequestError({
        parameter: name,
        message: `The value for {${name}} is not a valid Graph id or path segment: ${JSON.stringify(value)}.`
      })
      return ""
    }
    return encodeURIComponent(value)
  })
  if (problem !== undefined) return Effect.fail(problem)
  for (const name of Object.keys(params)) {
    if (!used.has(name)) return invalid(name, `The route "${route}" has no {${name}} placeholder.`)
  }
  return Effect.succeed(path)
}

const buildQuery = (
  query: Readonly<Record<string, string | number | boolean | undefined>>
): Effect.Effect<Array<[string, string]>, InvalidRequestError> => {
  const out: Array<[string, string]> = []
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    if (key === "" || secretParams.has(key.toLowerCase()) || key.toLowerCase() === "appsecret_time") {
      return invalid(
        key,
        key === ""
          ? "Query parameter names must not be empty."
          : `"${key}" is added by the client from its configuration; do not pass it.`
      )
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
      return invalid(key, `The query parameter "${key}" must be a finite number.`)
    }
    out.push([key, String(value)])
  }
  return Effect.succeed(out)
}

const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

const parseJson = (text: string): Either.Either<unknown, string> => {
  try {
    return Either.right(JSON.parse(text) as unknown)
  } catch (error) {
    return Either.left(error instanceof Error ? error.message : "invalid JSON")
  }
}

const isObject = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const decodeErrorEnvelope = Schema.decodeUnknownEither(GraphError.ErrorEnvelope)

// The first message in an error's cause chain that says something (fetch wraps "other side closed" in
// "fetch failed"). Only used after scrubbing.
const describeCause = (error: unknown): string => {
  const messages: Array<string> = []
  let current: unknown = error
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    if (current instanceof Error || (isObject(current) && typeof current.message === "string")) {
      const message = (current as { message: string }).message
      const code = (current as { code?: unknown }).code
      if (message !== "") messages.push(typeof code === "string" ? `${code}: ${message}` : message)
      current = (current as { cause?: unknown }).cause
    } else {
      messages.push(String(current))
      break
    }
  }
  return messages.length === 0 ? "unknown cause" : messages.join(" <- ")
}

/** @internal */
export const make = (
  settings: GraphConfig.Settings,
  httpClient: HttpClient.HttpClient,
  governor: RateGovernor.Service
): Effect.Effect<GraphClient.Service> =>
  Effect.gen(function*() {
    const scrub = makeScrubber([settings.accessToken, settings.appSecret])
    const plainProof = settings.appSecretProof === "plain" && Option.isSome(settings.appSecret)
      ? Option.some(yield* AppSecretProof.make(settings.accessToken, settings.appSecret.value))
      : Option.none<Redacted.Redacted<string>>()
    const authorization = Redacted.make(`Bearer ${Redacted.value(settings.accessToken)}`)
    const retrySchedule = Option.map(settings.retry, GraphRetry.schedule)
    // The longest wait for Graph's regain time worth sleeping through, for the governor too.
    const patience = Option.match(settings.retry, {
      onNone: () => GraphRetry.defaultPolicy.maxHintedWait,
      onSome: (policy) => policy.maxHintedWait
    })

    // Our own span carries the route template and a scrubbed view of the request; the platform's span
    // would record the full URL, `appsecret_proof` included.
    const client = httpClient.pipe(HttpClient.withTracerDisabledWhen(() => true))

    const proofParams: Effect.Effect<Array<[string, string]>> = Option.match(settings.appSecret, {
      onNone: () => Effect.succeed([]),
      onSome: (appSecret) =>
        Option.isSome(plainProof)
          ? Effect.succeed([["appsecret_proof", Redacted.value(plainProof.value)]])
          : Effect.gen(function*() {
            // Meta rejects timed proofs older than five minutes, so each attempt gets a fresh one.
            const time = Math.floor((yield* Clock.currentTimeMillis) / 1000)
            const proof = yield* AppSecretProof.makeTimed(settings.accessToken, appSecret, time)
            return [["appsecret_proof", Redacted.value(proof)], ["appsecret_time", String(time)]]
          })
    })

    const get = <A, I, R>(
      request: GraphClient.GraphRequest<A, I, R>
    ): Effect.Effect<GraphClient.GraphResponse<A>, GraphError.GraphError | InvalidRequestError, R> =>
      Effect.gen(function*() {
        const path = yield* buildPath(request.route, request.params ?? {})
        const query = yield* buildQuery(request.query ?? {})
        const url = `${settings.baseUrl}/${settings.apiVersion}${path}`
        const decode = Schema.decodeUnknown(request.schema)
        const route = request.route
        let attempts = 0

        const transportError = (
          reason: GraphError.TransportReason,
          message: string,
          retryable: boolean,
          extra?: {
            readonly httpStatus?: number
            readonly usage?: GraphUsage.GraphUsage
            readonly retryAfterMillis?: number | undefined
          }
        ) =>
          new GraphError.GraphTransportError({
            reason,
            message: scrub(message),
            retryable,
            route,
            attempts,
            ...(extra?.httpStatus !== undefined ? { httpStatus: extra.httpStatus } : {}),
            ...(extra?.usage !== undefined ? { usage: extra.usage } : {}),
            ...(extra?.retryAfterMillis !== undefined ? { retryAfterMillis: extra.retryAfterMillis } : {})
          })

        const fromHttpError = (error: HttpClientError.HttpClientError) =>
          transportError(
            "Network",
            error._tag === "RequestError"
              ? `The request to ${route} failed: ${describeCause(error.cause)}`
              : `Reading the response of ${route} failed: ${describeCause(error.cause)}`,
            true
          )

        const interpret = (
          response: HttpClientResponse.HttpClientResponse,
          text: string,
          usage: GraphUsage.GraphUsage
        ): Effect.Effect<GraphClient.GraphResponse<A>, GraphError.GraphError, R> =>
          Effect.gen(function*() {
            const headers = response.headers
            const status = response.status
            const fbtraceId = headers["x-fb-trace-id"]
            const now = yield* Clock.currentTimeMillis
            const retryAfterMillis = parseRetryAfter(headers["retry-after"], now)
            const json = parseJson(text)
            if (Either.isLeft(json)) {
              // An error status without a JSON body is a proxy or load balancer talking (a 502 page, an
              // empty 503); a success status with one is a body cut short or garbled. 5xx, 429, 408 and
              // damaged successes are worth another try; a 404 page from a wrong base URL is not.
              const retryable = status >= 500 || status === 429 || status === 408 || (status >= 200 && status < 300)
              const empty = text.trim() === ""
              return yield* status >= 400
                ? transportError(
                  "UnexpectedStatus",
                  `${route} answered HTTP ${status} with ${empty ? "an empty body" : "a body that is not JSON"}.`,
                  retryable,
                  { httpStatus: status, usage, retryAfterMillis }
                )
                : transportError(
                  "InvalidBody",
                  `The response of ${route} (HTTP ${status}) was not valid JSON (${json.left}).`,
                  retryable,
                  { httpStatus: status, usage, retryAfterMillis }
                )
            }
            const body = json.right
            if (isObject(body) && "error" in body) {
              const envelope = decodeErrorEnvelope(body)
              const errorBody: GraphError.ErrorBody = Either.isRight(envelope)
                ? envelope.right.error
                : { message: "Graph returned an error body that could not be read." }
              const regainAccess = GraphUsage.regainAccessIn(usage, request.usageKey)
              return yield* GraphError.fromErrorBody(errorBody, {
                httpStatus: status,
                route,
                usage,
                attempts,
                scrub,
                fbtraceId,
                retryAfterMillis,
                regainAccessMillis: regainAccess === undefined ? undefined : Duration.toMillis(regainAccess)
              })
            }
            if (status >= 400) {
              return yield* transportError(
                "UnexpectedStatus",
                `${route} answered HTTP ${status} without a Graph error body.`,
                status >= 500 || status === 429 || status === 408,
                { httpStatus: status, usage, retryAfterMillis }
              )
            }
            const decoded = yield* decode(body).pipe(
              Effect.mapError((error) =>
                new GraphError.GraphDecodeError({
                  message: `The response of ${route} did not match the expected shape:\n${
                    scrub(ParseResult.TreeFormatter.formatErrorSync(error))
                  }`,
                  route,
                  httpStatus: status,
                  attempts,
                  ...(fbtraceId !== undefined ? { fbtraceId } : {})
                })
              )
            )
            return {
              body: decoded,
              status,
              usage,
              fbtraceId,
              apiVersion: headers["facebook-api-version"],
              attempts
            }
          })

        // One attempt: the governor's wait comes first and is not an attempt, nor under the attempt's timeout.
        const attempt: Effect.Effect<GraphClient.GraphResponse<A>, GraphError.GraphError, R> = Effect.zipRight(
          governor.acquire(request.usageKey, patience).pipe(
            // Graph already said when access returns, and it is later than the caller will wait: fail
            // now, as the retry policy would on Graph's own refusal, instead of sending to be refused.
            Effect.mapError((held) =>
              new GraphError.GraphRateLimitError({
                code: held.scope === appScope ? 4 : 80008,
                message: `Graph said ${
                  held.scope === appScope ? "the app" : `business ${held.scope}`
                } may call again in ${
                  Duration.format(Duration.millis(Math.round(Duration.toMillis(held.wait) / 1000) * 1000))
                }; the rate governor did not send this request because that is longer than retry.maxHintedWait (${
                  Duration.format(patience)
                }).`,
                type: "RateGovernor",
                isTransient: false,
                httpStatus: 429,
                route,
                usage: GraphUsage.unknown,
                retryAfterMillis: Duration.toMillis(held.wait),
                attempts
              })
            )
          ),
          Effect.suspend(() => {
            attempts++
            return Effect.gen(function*() {
              const proof = yield* proofParams
              const httpRequest = HttpClientRequest.get(url, {
                urlParams: [...query, ...proof],
                headers: { authorization: Redacted.value(authorization), accept: "application/json" }
              })
              yield* Metric.increment(metrics.requests)
              const { response, text } = yield* client.execute(httpRequest).pipe(
                Effect.flatMap((response) => Effect.map(response.text, (text) => ({ response, text }))),
                Effect.mapError(fromHttpError),
                Effect.timeoutFail({
                  duration: settings.timeout,
                  onTimeout: () =>
                    transportError(
                      "Timeout",
                      `${route} did not answer within ${Duration.format(settings.timeout)}.`,
                      true
                    )
                })
              )
              const usage = GraphUsage.fromHeaders(response.headers)
              const result = yield* Effect.either(interpret(response, text, usage))
              const throttled = Either.isLeft(result) && result.left._tag === "GraphRateLimitError"
                ? result.left
                : undefined
              if (throttled !== undefined) {
                yield* Metric.increment(Metric.tagged(metrics.rateLimitedResponses, "code", String(throttled.code)))
              }
              yield* governor.observe(request.usageKey, {
                usage,
                status: response.status,
                errorCode: Either.isLeft(result) && "code" in result.left ? result.left.code : undefined,
                retryAfterMillis: throttled?.retryAfterMillis
              })
              return yield* result
            })
          })
        )

        const retried = Option.match(retrySchedule, {
          onNone: () => attempt,
          onSome: (schedule) =>
            Effect.retry(
              attempt,
              Schedule.intersect(Schedule.identity<GraphError.GraphError>(), Schedule.delays(schedule)).pipe(
                Schedule.onDecision(([error, delay], decision) =>
                  ScheduleDecision.isContinue(decision) ? announceRetry(route, error, delay, attempts) : Effect.void
                )
              )
            )
        })

        return yield* retried.pipe(
          Effect.tap((response) =>
            Effect.annotateCurrentSpan({
              "http.response.status_code": response.status,
              "graph.fbtrace_id": response.fbtraceId ?? "",
              "graph.attempts": attempts,
              "graph.retry_count": attempts - 1
            })
          ),
          Effect.tapError((error) =>
            Effect.annotateCurrentSpan({
              "graph.error": error._tag,
              "graph.error_code": "code" in error ? error.code : -1,
              "graph.fbtrace_id": ("fbtraceId" in error ? error.fbtraceId : undefined) ?? "",
              "graph.attempts": attempts,
              "graph.retry_count": attempts - 1
            })
          )
        )
      }).pipe(
        Effect.withSpan(`GET ${request.route}`, {
          kind: "client",
          attributes: {
            "http.request.method": "GET",
            "graph.route": request.route,
            "graph.api_version": settings.apiVersion,
            "server.address": settings.baseUrl,
            ...(request.usageKey !== undefined ? { "graph.usage_key": request.usageKey } : {})
          }
        })
      )

    return {
      apiVersion: settings.apiVersion,
      baseUrl: settings.baseUrl,
      get
    }
  })

const announceRetry = (route: string, error: GraphError.GraphError, delay: Duration.Duration, attempts: number) =>
  Effect.gen(function*() {
    const annotations = {
      "graph.route": route,
      "graph.error": error._tag,
      "graph.error_code": "code" in error ? error.code : -1,
      "graph.retry_in_ms": Duration.toMillis(delay),
      "graph.attempt": attempts
    }
    const span = yield* Effect.option(Effect.currentSpan)
    if (Option.isSome(span)) span.value.event("graph.retry", yield* Clock.currentTimeNanos, annotations)
    yield* Effect.logInfo(
      `Graph request ${route} failed with ${error._tag}${"code" in error ? ` (code ${error.code})` : ""}; retrying in ${
        Duration.format(Duration.millis(Math.round(Duration.toMillis(delay))))
      }`
    ).pipe(Effect.annotateLogs(annotations))
  })
