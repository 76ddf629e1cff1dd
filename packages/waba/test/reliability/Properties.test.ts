/**
 * Property-based tests: the filter DSL round-trips losslessly, and nothing a server might send —
 * any JSON body, any header value, any status — yields a defect or an unhandled exception: always a
 * value or a typed error.
 */
import { GraphClient, GraphConfig, GraphError } from "@effect-waba/graph-core"
import { Filter, OwnedAccounts } from "@effect-waba/waba"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const dates = FastCheck.integer({ min: 0, max: 253_402_300_799_000 }).map((ms) => new Date(ms))
const clauses: FastCheck.Arbitrary<Filter.Filter> = FastCheck.oneof(
  FastCheck.tuple(
    FastCheck.constantFrom(
      ...([
        "EQUAL",
        "NOT_EQUAL",
        "GREATER_THAN",
        "GREATER_THAN_OR_EQUAL",
        "LESS_THAN",
        "LESS_THAN_OR_EQUAL"
      ] as const)
    ),
    dates
  ).map(([operator, value]): Filter.Filter => ({ field: "creation_time", operator, value })),
  FastCheck.tuple(FastCheck.constantFrom(...(["IN_RANGE", "NOT_IN_RANGE"] as const)), dates, dates).map((
    [operator, a, b]
  ): Filter.Filter => ({ field: "creation_time", operator, value: a <= b ? [a, b] : [b, a] })),
  FastCheck.tuple(
    FastCheck.constantFrom(...(["IN", "NOT_IN"] as const)),
    FastCheck.array(FastCheck.constantFrom("SELF", "CLIENT_OWNED", "ON_BEHALF_OF", "NEW_KIND"), {
      minLength: 1,
      maxLength: 4
    })
  ).map(([operator, values]): Filter.Filter => ({
    field: "ownership_type",
    operator,
    value: values as [string, ...Array<string>]
  }))
)

describe("the filter DSL", () => {
  it("validate → encode → decode gives the validated clauses back, for any clause the builders make", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.array(clauses, { minLength: 1, maxLength: 5 }), (clauses) => {
        const validated = Filter.validate(clauses)
        if (Either.isLeft(validated)) {
          // Only two refusals are possible for well-formed clauses: a sub-second EQUAL bound and a
          // range that holds no whole second.
          expect(validated.left.message).toMatch(/whole second/)
          return
        }
        const wire = Filter.encode(validated.right)
        expect(JSON.parse(wire)).toBeInstanceOf(Array)
        expect(Either.getOrThrow(Filter.decode(wire))).toEqual(validated.right)
        // Validating again changes nothing.
        expect(Either.getOrThrow(Filter.validate(validated.right))).toEqual(validated.right)
      }),
      { numRuns: 500 }
    )
  })

  it("validate never throws, whatever it is given", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.anything({ withDate: true, withNullPrototype: true }), (input) => {
        const result = Filter.validate(input)
        if (Either.isLeft(result)) expect(result.left._tag).toBe("InvalidRequestError")
      }),
      { numRuns: 1_000 }
    )
  })

  it("decode never throws on any text", () => {
    FastCheck.assert(
      FastCheck.property(FastCheck.oneof(FastCheck.string(), FastCheck.json()), (text) => {
        Filter.decode(text)
      }),
      { numRuns: 1_000 }
    )
  })
})

interface ServerReply {
  readonly status: number
  readonly body: string
  readonly headers: Record<string, string>
}

const statusArb = FastCheck.constantFrom(200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 408, 429, 500, 502, 503)

// Bodies from anywhere on the spectrum: arbitrary JSON, Graph-shaped pages with junk inside, Graph
// error envelopes with junk inside, and text that is not JSON at all.
const bodyArb: FastCheck.Arbitrary<string> = FastCheck.oneof(
  FastCheck.json(),
  FastCheck.string(),
  FastCheck.record({
    data: FastCheck.array(
      FastCheck.dictionary(
        FastCheck.constantFrom("id", "name", "creation_time", "currency", "x"),
        FastCheck.jsonValue()
      )
    ),
    paging: FastCheck.option(FastCheck.record({
      cursors: FastCheck.option(FastCheck.dictionary(FastCheck.constantFrom("before", "after"), FastCheck.jsonValue())),
      next: FastCheck.option(FastCheck.oneof(FastCheck.webUrl(), FastCheck.string(), FastCheck.jsonValue()))
    }, { requiredKeys: [] }))
  }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  FastCheck.record({
    error: FastCheck.oneof(
      FastCheck.jsonValue(),
      FastCheck.record({
        message: FastCheck.jsonValue(),
        code: FastCheck.oneof(FastCheck.integer(), FastCheck.string(), FastCheck.jsonValue()),
        error_subcode: FastCheck.jsonValue(),
        is_transient: FastCheck.jsonValue(),
        error_data: FastCheck.oneof(FastCheck.string(), FastCheck.json(), FastCheck.jsonValue())
      }, { requiredKeys: [] })
    )
  }).map((value) => JSON.stringify(value))
)

const headerValueArb = FastCheck.oneof(
  FastCheck.string(),
  FastCheck.json(),
  FastCheck.dictionary(
    FastCheck.string(),
    FastCheck.array(FastCheck.dictionary(FastCheck.string(), FastCheck.jsonValue()))
  )
    .map((value) => JSON.stringify(value))
)

const replyArb: FastCheck.Arbitrary<ServerReply> = FastCheck.record({
  status: statusArb,
  body: bodyArb,
  headers: FastCheck.record({
    "x-business-use-case-usage": headerValueArb,
    "x-app-usage": headerValueArb,
    "retry-after": FastCheck.oneof(FastCheck.string(), FastCheck.nat().map(String)),
    "x-fb-trace-id": FastCheck.string()
  }, { requiredKeys: [] })
})

// Header values must be valid HTTP header text for the Response constructor; keep what it accepts.
const sanitize = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([, value]) => /^[\t\x20-\x7e]*$/.test(value)))

const serverOf = (replies: ReadonlyArray<ServerReply>) => {
  let i = 0
  return Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request) =>
      Effect.sync(() => {
        const reply = replies[Math.min(i++, replies.length - 1)]!
        const nullBody = reply.status === 204 || reply.status === 304
        return HttpClientResponse.fromWeb(
          request,
          new Response(nullBody ? null : reply.body, { status: reply.status, headers: sanitize(reply.headers) })
        )
      })
    )
  )
}

describe("whatever the server sends", () => {
  it("a read ends with accounts or a typed error, never a defect", async () => {
    await FastCheck.assert(
      FastCheck.asyncProperty(FastCheck.array(replyArb, { minLength: 1, maxLength: 4 }), async (replies) => {
        const graph = GraphClient.layer.pipe(
          Layer.provide(GraphConfig.layer({ accessToken: "EAAGpropertyToken0000", retry: false })),
          Layer.provide(serverOf(replies))
        )
        const exit = await Effect.runPromiseExit(
          OwnedAccounts.stream("1234567890", { fields: ["name", "creation_time"] }).pipe(
            Stream.take(500),
            Stream.runCollect,
            Effect.provide(graph)
          )
        )
        if (Exit.isFailure(exit)) {
          expect(Cause.isDie(exit.cause)).toBe(false)
          expect(Cause.isInterruptedOnly(exit.cause)).toBe(false)
          const failure = Cause.failureOption(exit.cause)
          expect(failure._tag).toBe("Some")
          if (failure._tag === "Some") expect(GraphError.isGraphError(failure.value)).toBe(true)
        }
      }),
      { numRuns: 400 }
    )
  })
})
