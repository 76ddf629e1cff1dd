/**
 * Batch requests, as on the Effect 3 line: many Graph reads in one round trip (`POST /` with up to 50
 * calls, as Meta documents them). Batching saves round trips, not rate budget: every call counts against
 * the limits as a call of its own, and is treated as one here — its answer read and classified as a single
 * call's, retried under the retry policy (a throttled or failed call goes again, in another batch or
 * alone), decoded with its own Schema, traced in its own span. A call Graph answers `null` (not finished in
 * time) is sent again alone, at once. A call made as a business with a token of its own
 * (`GraphCredentials.asBusiness`) carries its token and proof in its item; the batch goes with the
 * config's token as a form field, never in the URL, and no token reaches an error, a span or a log.
 *
 * {@link batching} batches the concurrent reads of an effect or a stream; {@link get} is the short form
 * for requests of your own.
 *
 * @example
 * ```ts
 * import { GraphBatch } from "@effect-waba/graph-core"
 * import { WhatsAppBusinessAccount } from "@effect-waba/waba"
 * import { Effect } from "effect"
 *
 * // 200 accounts in 4 round trips instead of 200.
 * const accounts = (ids: ReadonlyArray<string>) =>
 *   Effect.forEach(ids, (id) => WhatsAppBusinessAccount.get(id, { fields: ["name", "status"] }), {
 *     concurrency: "unbounded"
 *   }).pipe(GraphBatch.batching({ concurrency: 4 }))
 * ```
 *
 * @since 1.0.0
 */
import * as Batch from "@effect-waba/graph-rules/batch"
import * as Effect from "effect/Effect"
import type * as Result from "effect/Result"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as GraphClient from "./GraphClient.js"
import * as internal from "./internal/batch.js"
import { InvalidRequestError } from "./InvalidRequestError.js"

/**
 * The most calls Graph takes in one batch.
 *
 * @since 1.0.0
 * @category constants
 */
export const maxSize: number = Batch.maxSize

/**
 * @since 1.0.0
 * @category models
 */
export interface Options {
  /**
   * The most round trips (batches, or calls sent alone) in flight at once, a whole number from 1.
   * Unbounded by default. While all are in flight, the next batch keeps filling.
   */
  readonly concurrency?: number | undefined
}

/**
 * An effect or a stream run by {@link batching}.
 *
 * @since 1.0.0
 * @category models
 */
export type Batched<Self> = Self extends Effect.Effect<infer A, infer E, infer R>
  ? Effect.Effect<A, E | InvalidRequestError, R | GraphClient.GraphClient>
  : Self extends Stream.Stream<infer A, infer E, infer R>
    ? Stream.Stream<A, E | InvalidRequestError, R | GraphClient.GraphClient>
  : never

// The client in context, batching in `scope`; one that cannot (a client made by hand, a mock) as it is.
const batched = (options: Options | undefined, scope: Scope.Scope) =>
  Effect.gen(function*() {
    const client = yield* GraphClient.GraphClient
    const concurrency = options?.concurrency ?? Number.MAX_SAFE_INTEGER
    if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
      return yield* new InvalidRequestError({
        parameter: "concurrency",
        message: `concurrency must be a whole number from 1, got ${concurrency}.`
      })
    }
    return GraphClient.withTransport(client, yield* internal.make(concurrency, scope)) ?? client
  })

/**
 * Runs an effect or a stream with its Graph calls batched (see the module's documentation): calls made at
 * about the same time by concurrent fibers go in one `POST /`, up to 50 a batch. Calls made one after the
 * other gain nothing: run them concurrently (`Effect.forEach` or `Stream.flatMap` with `concurrency`). A
 * call alone in its batch is sent as a plain GET. With a `GraphClient` that was not built by
 * `GraphClient.make` (a mock), the calls are made as they are. Bad options fail with
 * `InvalidRequestError` before any call.
 *
 * @since 1.0.0
 * @category combinators
 */
export const batching =
  (options?: Options | undefined) =>
  <Self extends Effect.Effect<any, any, any> | Stream.Stream<any, any, any>>(self: Self): Batched<Self> =>
    (Effect.isEffect(self)
      ? Effect.scoped(Effect.gen(function*() {
        const client = yield* batched(options, yield* Effect.scope)
        return yield* Effect.provideService(self, GraphClient.GraphClient, client)
      }))
      : Stream.unwrap(Effect.gen(function*() {
        const client = yield* batched(options, yield* Effect.scope)
        return Stream.provideService(self as Stream.Stream<any, any, any>, GraphClient.GraphClient, client)
      }))) as Batched<Self>

/**
 * What {@link get} gives for each request, in the same place: its answer decoded with its Schema, or the
 * error the call made alone would have failed with.
 *
 * @since 1.0.0
 * @category models
 */
export type Results<Requests extends ReadonlyArray<GraphClient.GraphRequest<any, any>>> = {
  -readonly [K in keyof Requests]: Result.Result<
    GraphClient.GraphResponse<Requests[K] extends GraphClient.GraphRequest<infer A, any> ? A : never>,
    GraphClient.GraphClientError
  >
}

/**
 * Sends these requests in batches (more than 50 make several, all in flight at once) and gives each one's
 * outcome in order, typed per request. One failing request fails nothing else.
 *
 * @example
 * ```ts
 * import { GraphBatch } from "@effect-waba/graph-core"
 * import { Effect, Result, Schema } from "effect"
 *
 * const Named = Schema.Struct({ id: Schema.String, name: Schema.String })
 * const node = (id: string) => ({ route: "/{id}", params: { id }, query: { fields: "id,name" }, schema: Named })
 *
 * const program = Effect.gen(function*() {
 *   const [first, second] = yield* GraphBatch.get([node("102290129340398"), node("102290129340399")])
 *   if (Result.isSuccess(first)) yield* Effect.log(first.success.body.name)
 *   if (Result.isFailure(second)) yield* Effect.log(second.failure._tag)
 * })
 * ```
 *
 * @since 1.0.0
 * @category accessors
 */
export const get = <const Requests extends ReadonlyArray<GraphClient.GraphRequest<any, any>>>(
  requests: Requests
): Effect.Effect<
  Results<Requests>,
  never,
  GraphClient.GraphClient | (Requests[number] extends GraphClient.GraphRequest<any, infer R> ? R : never)
> =>
  Effect.forEach(
    requests,
    (request) =>
      Effect.result(Effect.flatMap(Effect.service(GraphClient.GraphClient), (client) => client.get(request))),
    { concurrency: "unbounded" }
  ).pipe(
    batching(),
    // No options: nothing to refuse.
    Effect.orDie
  ) as any
