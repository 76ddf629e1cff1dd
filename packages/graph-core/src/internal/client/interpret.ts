/**
 * What an answer means: a JSON body to decode, or the typed error Graph's error body, the status or a
 * garbled body calls for. A pure function of the status, the headers, the body text and the time, so
 * that any answer (a whole response, or one part of one) reads the same way.
 */
import { defined } from "@effect-waba/graph-rules/defined"
import * as Reply from "@effect-waba/graph-rules/reply"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as GraphError from "../../GraphError.js"
import type * as GraphUsage from "../../GraphUsage.js"

/** @internal */
export interface Context {
  readonly route: string
  readonly attempt: number
  /** Removes every secret the answer may echo. */
  readonly scrub: (text: string) => string
}

/**
 * A successful answer, before the caller's schema has looked at it.
 *
 * @internal
 */
export interface Answer {
  readonly json: unknown
  readonly status: number
  readonly usage: GraphUsage.GraphUsage
  readonly fbtraceId: string | undefined
  readonly apiVersion: string | undefined
  readonly attempts: number
}

/** @internal */
export const transportError = (
  context: Context & Partial<Pick<GraphError.GraphTransportError, "httpStatus" | "usage" | "retryAfter">>,
  reason: GraphError.TransportReason,
  message: string,
  retryable: boolean
) => {
  const { attempt, httpStatus, retryAfter, route, scrub, usage } = context
  const fields = { httpStatus, usage, retryAfter, attempts: attempt }
  return new GraphError.GraphTransportError(defined({ reason, message: scrub(message), retryable, route, ...fields }))
}

/**
 * What one answer (status, headers by lower-case name, body text) means, by the shared rules
 * (`@effect-waba/graph-rules/reply`), as this line's errors; and the usage its headers reported, for the
 * rate governor whatever the outcome. A `Retry-After` date is read against `now`.
 *
 * @internal
 */
export const interpret = (
  reply: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly text: string },
  context: Context & { readonly usageKey: string | undefined; readonly now: number }
) => {
  const outcome = Reply.interpret(reply, context)
  if (outcome._tag === "Answer") return { usage: outcome.usage, result: Either.right<Answer>(outcome) }
  const { attempts, httpStatus, retryAfterMillis, route, usage } = outcome.facts
  const retryAfter = retryAfterMillis === undefined ? undefined : Duration.millis(retryAfterMillis)
  const facts = { route, httpStatus, usage, retryAfter, attempts }
  return {
    usage,
    result: Either.left<GraphError.GraphResponseError | GraphError.GraphTransportError>(
      outcome._tag === "Transport"
        ? new GraphError.GraphTransportError(
          defined({ ...facts, reason: outcome.reason, message: outcome.message, retryable: outcome.retryable })
        )
        : GraphError.fromClassified(outcome.error, facts)
    )
  }
}
