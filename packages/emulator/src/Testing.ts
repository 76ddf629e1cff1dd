/**
 * The testing kit (`@effect-waba/emulator/testing`), for users' tests and for this project's own:
 * everything needed to run a `GraphClient` against something that is not Meta.
 *
 * - {@link scripted}: an `HttpClient` that records every request and answers each from a function —
 *   JSON bodies, raw bodies, header maps, network failures, hangs. For exact wire assertions and hostile
 *   servers.
 * - {@link inProcess} and {@link overTheWire}: a `GraphClient` wired to a fresh emulator, in-process
 *   (no sockets) or over a loopback server with `fetch`; the emulator is in context too. {@link emulated}
 *   is the bare `HttpClient` over an emulator, for raw HTTP.
 * - {@link mockClient}: a `GraphClient` with nothing under it, answering each request with a body (decoded
 *   by the request's own Schema, see {@link respond}) or an error.
 * - Oracles: {@link ownedOracle}, {@link clientOracle}, {@link phoneNumbersOracle}, {@link managedOracle}
 *   read the emulator's data as it is now, decoded as a read decodes it (and as served, `wire`), to compare
 *   a read against.
 * - Telemetry and time: {@link recorder} keeps every span and log line, {@link everyRendering} prints an
 *   error every way it can be printed (to look for secrets), {@link eventually} waits in real time for a
 *   socket-side condition, and {@link timeMachine} moves the emulator's clock and the `TestClock`
 *   together while a client over real sockets sleeps.
 *
 * @example
 * ```ts
 * import { Testing } from "@effect-waba/emulator"
 * import { OwnedAccounts } from "@effect-waba/waba"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 *
 * const program = Effect.gen(function*() {
 *   const { accounts, businessId } = yield* Testing.ownedOracle()
 *   const read = yield* Stream.runCollect(OwnedAccounts.stream(businessId))
 *   return read.length === accounts.length
 * }).pipe(Effect.provide(Testing.inProcess()))
 * ```
 *
 * @since 0.1.0
 */
import type { GraphEdge, GraphRead } from "@effect-waba/graph-core"
import { GraphClient, GraphConfig, GraphError, GraphUsage, RateGovernor } from "@effect-waba/graph-core"
import { ClientAccounts, OwnedAccounts, PhoneNumbers } from "@effect-waba/waba"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Schema from "effect/Schema"
import * as TestClock from "effect/TestClock"
import * as Tracer from "effect/Tracer"
import type * as Types from "effect/Types"
import * as Dataset from "./Dataset.js"
import * as Emulator from "./Emulator.js"
import * as EmulatorHttpClient from "./EmulatorHttpClient.js"
import * as EmulatorServer from "./EmulatorServer.js"

// -----------------------------------------------------------------------------
// the scripted client
// -----------------------------------------------------------------------------

/**
 * What the scripted server answers to one request:
 * - `{ body }`: JSON (status 200 unless given);
 * - `{ raw }`: these bytes as the body, as sent (a truncated or non-JSON body);
 * - `{ stream }`: a body produced by this stream, made afresh for the request (a body that stalls,
 *   errors midway or never ends);
 * - `{ network }`: the request fails as a dropped connection would, with this message;
 * - `{ hang: true }`: no answer, ever (for timeouts and interruption).
 *
 * @since 0.1.0
 * @category models
 */
export type Reply =
  | (
    & ({ readonly body: unknown } | { readonly raw: string | Uint8Array } | {
      readonly stream: () => ReadableStream<Uint8Array>
    })
    & { readonly status?: number | undefined; readonly headers?: Readonly<Record<string, string>> | undefined }
  )
  | { readonly network: string }
  | { readonly hang: true }

/**
 * A request the scripted server received.
 *
 * @since 0.1.0
 * @category models
 */
export interface Seen {
  readonly method: string
  readonly url: URL
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
  /** Whether the request carried a body (Graph reads never should). */
  readonly hasBody: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Scripted {
  /** Every request so far, oldest first. */
  readonly seen: ReadonlyArray<Seen>
  /** How many `{ hang: true }` requests were given up on (interrupted), e.g. by a timeout. */
  readonly abandoned: { readonly count: number }
  readonly client: HttpClient.HttpClient
  readonly layer: Layer.Layer<HttpClient.HttpClient>
}

/**
 * An `HttpClient` whose answers a test writes: each request is recorded, then answered by
 * `reply(seen, index)` (index counts from 0).
 *
 * @example
 * ```ts
 * import { Testing } from "@effect-waba/emulator"
 *
 * const server = Testing.scripted((seen, index) =>
 *   index === 0 ? Testing.graphError({ code: 2, message: "Service unavailable", is_transient: true }, 503) : Testing.page(["1", "2"])
 * )
 * // provide server.layer under GraphClient.layer, then assert on server.seen
 * ```
 *
 * @since 0.1.0
 * @category scripted
 */
export const scripted = (reply: (seen: Seen, index: number) => Reply): Scripted => {
  const seen: Array<Seen> = []
  const abandoned = { count: 0 }
  const client = HttpClient.make((request, url) =>
    Effect.suspend(() => {
      const { body, headers, method } = request
      const entry: Seen = {
        method,
        url: new URL(url.toString()),
        headers: { ...headers },
        hasBody: body._tag !== "Empty"
      }
      seen.push(entry)
      const answer = reply(entry, seen.length - 1)
      if ("hang" in answer) return Effect.onInterrupt(Effect.never, () => Effect.sync(() => abandoned.count++))
      if ("network" in answer) {
        return Effect.fail(
          new HttpClientError.RequestError({ request, reason: "Transport", cause: new Error(answer.network) })
        )
      }
      const text = "stream" in answer
        ? answer.stream()
        : "raw" in answer
        ? (typeof answer.raw === "string" ? answer.raw : answer.raw.slice())
        : JSON.stringify(answer.body)
      const sent = { "content-type": "application/json; charset=UTF-8", ...answer.headers }
      return Effect.succeed(
        HttpClientResponse.fromWeb(request, new Response(text, { status: answer.status ?? 200, headers: sent }))
      )
    })
  )
  return { seen, abandoned, client, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/**
 * A clearly fake token for scripted tests (long enough to be recognised and scrubbed).
 *
 * @since 0.1.0
 * @category constants
 */
export const token = "EAAGtestTOKENvalue1234567890abcdef"

/**
 * A fake app secret for scripted tests.
 *
 * @since 0.1.0
 * @category constants
 */
export const appSecret = "app-secret-0123456789abcdef"

/**
 * GraphClient settings a test may set (the token and origin come from the harness).
 *
 * @since 0.1.0
 * @category models
 */
export type ConfigOverrides = Omit<GraphConfig.Options, "accessToken" | "baseUrl"> & {
  readonly accessToken?: GraphConfig.Options["accessToken"]
}

// A GraphClient over `http`, with the given token unless the config names one.
const graphClient = <R>(
  config: ConfigOverrides & { readonly baseUrl?: string | undefined },
  accessToken: string,
  http: Layer.Layer<HttpClient.HttpClient, never, R>,
  client = GraphClient.layer
) =>
  client.pipe(
    Layer.provide(GraphConfig.layer({ ...config, accessToken: config.accessToken ?? accessToken })),
    Layer.provide(http)
  )

/**
 * A `GraphClient` over a scripted server, with {@link token} unless the config says otherwise, and
 * the client built with `clientOptions` (e.g. a `transformClient` step). The returned `seen` is the
 * server's request log and `abandoned` counts the hung requests given up on.
 *
 * @since 0.1.0
 * @category scripted
 */
export const scriptedClient = (
  reply: (seen: Seen, index: number) => Reply,
  config: ConfigOverrides & { readonly baseUrl?: string | undefined } = {},
  clientOptions: GraphClient.Options = {}
) => {
  const { abandoned, layer, seen } = scripted(reply)
  return { seen, abandoned, layer: graphClient(config, token, layer, GraphClient.layerWith(clientOptions)) }
}

/**
 * A Graph error answer: `{ error }` with the given status (400 by default) and headers.
 *
 * @since 0.1.0
 * @category scripted
 */
export const graphError = (
  error: Readonly<Record<string, unknown>>,
  status = 400,
  headers: Readonly<Record<string, string>> = {}
): Reply => ({ status, body: { error }, headers })

/**
 * A page of items with just these ids; `next` continues when given.
 *
 * @since 0.1.0
 * @category scripted
 */
export const page = (ids: ReadonlyArray<string>, next?: string): Reply => ({
  body: {
    data: ids.map((id) => ({ id })),
    paging: { cursors: { before: "b", after: "a" }, ...(next !== undefined ? { next } : {}) }
  }
})

/**
 * A `GraphClient` answer to `request` with this body, as the real client would give it: the body decoded with
 * the request's own Schema (a body that does not fit fails with the client's `GraphDecodeError`), status 200,
 * no usage figures, no trace id, the client's default API version, one attempt. For a `GraphClient` of your
 * own; {@link mockClient} uses it.
 *
 * @since 0.1.0
 * @category mocks
 */
export const respond = <A, I, R>(
  request: GraphClient.GraphRequest<A, I, R>,
  body: unknown
): Effect.Effect<GraphClient.GraphResponse<A>, GraphError.GraphDecodeError, R> =>
  Schema.decodeUnknown(request.schema)(body).pipe(
    Effect.mapError((error) =>
      new GraphError.GraphDecodeError({
        message: `The response of ${request.route} did not match the expected shape: ${
          GraphError.describeParseError(error)
        }.`,
        route: request.route,
        httpStatus: 200,
        attempts: 1
      })
    ),
    Effect.map((body) => ({ ...ok, body }))
  )

const ok = {
  status: 200,
  usage: GraphUsage.unknown,
  fbtraceId: undefined,
  apiVersion: GraphConfig.defaultApiVersion,
  attempts: 1
}

/**
 * A request a {@link mockClient} received: what the caller asked for, without its Schema.
 *
 * @since 0.1.0
 * @category mocks
 */
export type MockRequest = Omit<GraphClient.GraphRequest<unknown, unknown, never>, "schema">

/**
 * What a {@link mockClient} answers: Graph's JSON body, or an `Effect` of one, or one that fails as the
 * client fails (a `GraphError`, e.g. `GraphAuthError` for an expired token).
 *
 * @since 0.1.0
 * @category mocks
 */
export type MockAnswer =
  | Effect.Effect<unknown, GraphClient.GraphClientError>
  | { readonly [key: string]: unknown }
  | ReadonlyArray<unknown>
  | string
  | number
  | boolean
  | null

/**
 * A `GraphClient` with nothing under it: each request is recorded in `seen`, then answered by
 * `answer(request, index)` with a body, which {@link respond} decodes with the request's Schema, or with an
 * `Effect`. No retries, paging rules or HTTP: for what your code does with a result or an error.
 *
 * @example
 * ```ts
 * import { Testing } from "@effect-waba/emulator"
 *
 * const TwoAccounts = Testing.mockClient(() => ({ data: [{ id: "1", name: "Support" }, { id: "2", name: "Sales" }] })).layer
 * ```
 *
 * @since 0.1.0
 * @category mocks
 */
export const mockClient = (
  answer: (request: MockRequest, index: number) => MockAnswer
): { readonly seen: ReadonlyArray<MockRequest>; readonly layer: Layer.Layer<GraphClient.GraphClient> } => {
  const seen: Array<MockRequest> = []
  const layer = Layer.succeed(GraphClient.GraphClient, {
    apiVersion: GraphConfig.defaultApiVersion,
    baseUrl: GraphConfig.defaultBaseUrl,
    get: (request) =>
      Effect.suspend(() => {
        seen.push(request)
        const answered = answer(request, seen.length - 1)
        return Effect.flatMap(
          Effect.isEffect(answered) ? answered : Effect.succeed(answered),
          (body) => respond(request, body)
        )
      })
  })
  return { seen, layer }
}

// -----------------------------------------------------------------------------
// the emulator behind a GraphClient
// -----------------------------------------------------------------------------

// The kit's emulators keep the documentation's demo id for their first business, whatever the data set, so
// that a test written from the docs finds business 1234567890; a spec's id or `firstBusinessId` says otherwise.
const demo = (options: Emulator.Options): Emulator.Options => ({
  ...options,
  firstBusinessId: options.firstBusinessId ?? Dataset.defaultBusinessId
})

/**
 * A bare `HttpClient` answered in-process by a fresh emulator, which is in context too: for tests that
 * speak raw HTTP to the emulator (any origin works; `paging.next` links keep it).
 *
 * @since 0.1.0
 * @category emulator
 */
export const emulated = (options: Emulator.Options = {}): Layer.Layer<HttpClient.HttpClient | Emulator.Emulator> =>
  EmulatorHttpClient.layer.pipe(Layer.provideMerge(Emulator.layer(demo(options))))

/**
 * A `GraphClient` answered in-process by a fresh emulator (Graph's real origin, no sockets), with the
 * emulator's token. The `Emulator` is in context too. As in every emulator of this kit, the first business
 * is `1234567890` (the documentation's demo business) unless a spec gives it an id or `firstBusinessId`
 * another.
 *
 * @since 0.1.0
 * @category emulator
 */
export const inProcess = (
  options: Emulator.Options = {},
  config: ConfigOverrides = {}
): Layer.Layer<GraphClient.GraphClient | Emulator.Emulator, GraphConfig.GraphConfigError> =>
  Layer.unwrapEffect(
    Effect.map(Emulator.Emulator, (emulator) => graphClient(config, emulator.token, EmulatorHttpClient.layer))
  ).pipe(Layer.provideMerge(Emulator.layer(demo(options))))

/**
 * A fresh emulator as a real server on loopback (port 0) and a `GraphClient` talking to it with
 * `fetch`. The rate governor is the client's default unless `governor` is given (e.g.
 * `RateGovernor.disabled`). The `Emulator` and the server's address are in context too.
 *
 * @since 0.1.0
 * @category emulator
 */
export const overTheWire = (
  options: Emulator.Options = {},
  config: ConfigOverrides = {},
  governor?: Layer.Layer<RateGovernor.RateGovernor> | undefined
): Layer.Layer<
  GraphClient.GraphClient | Emulator.Emulator | EmulatorServer.EmulatorServer,
  GraphConfig.GraphConfigError | HttpServerError.ServeError
> =>
  Layer.unwrapEffect(
    Effect.gen(function*() {
      const { token } = yield* Emulator.Emulator
      const { url } = yield* EmulatorServer.EmulatorServer
      const client = graphClient({ ...config, baseUrl: url }, token, FetchHttpClient.layer)
      return governor === undefined ? client : Layer.provide(client, governor)
    })
  ).pipe(Layer.provideMerge(EmulatorServer.layer({ port: 0 })), Layer.provideMerge(Emulator.layer(demo(options))))

/**
 * {@link overTheWire} with the rate governor off: for tests about what reaches the wire and how the
 * client answers Graph's refusals.
 *
 * @since 0.1.0
 * @category emulator
 */
export const overTheWireUngoverned = (options: Emulator.Options = {}, config: ConfigOverrides = {}) =>
  overTheWire(options, config, RateGovernor.disabled)

// -----------------------------------------------------------------------------
// oracles
// -----------------------------------------------------------------------------

/**
 * What an oracle of accounts gives: `accounts`, what a read of the edge with the same `fields` gives
 * (decoded by the edge's own Schema: `creation_time` a `Date`, only the fields asked for plus `id`), and
 * `wire`, the same accounts as the emulator holds and serves them (every field, Graph's JSON values,
 * `creation_time` in unix seconds).
 *
 * @since 0.1.0
 * @category oracles
 */
export interface AccountsOracle<A, W> {
  readonly emulator: Emulator.EmulatorService
  readonly businessId: string
  readonly accounts: ReadonlyArray<A>
  readonly wire: ReadonlyArray<W>
}

/**
 * What {@link phoneNumbersOracle} gives: `phoneNumbers` as a read with the same `fields` gives them, and
 * `wire` as the emulator serves them.
 *
 * @since 0.1.0
 * @category oracles
 */
export interface PhoneNumbersOracle<A> {
  readonly emulator: Emulator.EmulatorService
  readonly accountId: string
  readonly phoneNumbers: ReadonlyArray<A>
  readonly wire: ReadonlyArray<Dataset.PhoneNumber>
}

type Fields<E extends GraphEdge.Any> = ReadonlyArray<GraphEdge.FieldName<E>>

// The wire records decoded as a read of these fields decodes its items: the edge's item Schema, narrowed to
// the fields asked for and `id` (Graph's default fields when none are). The emulator's records always fit
// it: a mismatch is a defect of the emulator.
const decodeAs = <E extends GraphEdge.Any, F extends Fields<E>>(edge: E, fields: F | undefined) => {
  const decode = Schema.decodeUnknown(Schema.Array(edge.itemSchema.pick("id", ...(fields ?? edge.node.defaultFields))))
  return (wire: ReadonlyArray<unknown>) =>
    Effect.orDie(decode(wire)) as Effect.Effect<ReadonlyArray<GraphRead.Item<E, F[number]>>>
}

const accountsOracle = <E extends GraphEdge.Any, F extends Fields<E>, W>(
  edge: E,
  options: { readonly businessId?: string | undefined; readonly fields?: F | undefined },
  read: (emulator: Emulator.EmulatorService, businessId: string) => Effect.Effect<ReadonlyArray<W>>
): Effect.Effect<AccountsOracle<GraphRead.Item<E, F[number]>, W>, never, Emulator.Emulator> =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const businessId = options.businessId ?? emulator.businessIds[0]!
    const wire = yield* read(emulator, businessId)
    return { emulator, businessId, accounts: yield* decodeAs(edge, options.fields)(wire), wire }
  })

/**
 * A business's owned accounts as the emulator holds them now (the first business by default): `accounts`
 * is what `OwnedAccounts.all(businessId, { fields })` gives (`fields` as in the read: Graph's default
 * fields when omitted; `descending` for `sort: "creation_time_descending"`), `wire` the same accounts as
 * served.
 *
 * @example
 * ```ts
 * import { Testing } from "@effect-waba/emulator"
 * import { OwnedAccounts } from "@effect-waba/waba"
 * import * as Effect from "effect/Effect"
 *
 * const sameAsRead = Effect.gen(function*() {
 *   const { accounts, businessId } = yield* Testing.ownedOracle({ fields: ["name", "creation_time"] })
 *   const read = yield* OwnedAccounts.all(businessId, { fields: ["name", "creation_time"] })
 *   return read[0]?.creation_time?.getTime() === accounts[0]?.creation_time?.getTime() // both Dates
 * }).pipe(Effect.provide(Testing.inProcess()))
 * ```
 *
 * @since 0.1.0
 * @category oracles
 */
export const ownedOracle = <
  const F extends Fields<typeof OwnedAccounts.edge> = typeof OwnedAccounts.edge.node.defaultFields
>(
  options: {
    readonly businessId?: string | undefined
    readonly descending?: boolean | undefined
    readonly fields?: F | undefined
  } = {}
) => accountsOracle(OwnedAccounts.edge, options, (emulator, id) => emulator.accounts(id, options))

/**
 * A business's client accounts (shared with it) as the emulator holds them now: `accounts` is what
 * `ClientAccounts.all(businessId, { fields })` gives, `wire` the same accounts as served.
 *
 * @since 0.1.0
 * @category oracles
 */
export const clientOracle = <
  const F extends Fields<typeof ClientAccounts.edge> = typeof ClientAccounts.edge.node.defaultFields
>(
  options: { readonly businessId?: string | undefined; readonly fields?: F | undefined } = {}
) => accountsOracle(ClientAccounts.edge, options, (emulator, id) => emulator.clientAccounts(id))

/**
 * An account's phone numbers as the emulator holds them now: `phoneNumbers` is what
 * `PhoneNumbers.all(accountId, { fields })` gives, `wire` the same numbers as served.
 *
 * @since 0.1.0
 * @category oracles
 */
export const phoneNumbersOracle = <
  const F extends Fields<typeof PhoneNumbers.edge> = typeof PhoneNumbers.edge.node.defaultFields
>(
  accountId: string,
  options: { readonly fields?: F | undefined } = {}
): Effect.Effect<PhoneNumbersOracle<GraphRead.Item<typeof PhoneNumbers.edge, F[number]>>, never, Emulator.Emulator> =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const wire = yield* emulator.phoneNumbers(accountId)
    return { emulator, accountId, phoneNumbers: yield* decodeAs(PhoneNumbers.edge, options.fields)(wire), wire }
  })

/**
 * One account of {@link managedOracle}: decoded as a read of every field decodes it, with its phone numbers
 * likewise, and both as served (`wire`).
 *
 * @since 0.1.0
 * @category oracles
 */
export interface ManagedEntry {
  readonly account: Schema.Schema.Type<typeof OwnedAccounts.edge.itemSchema>
  readonly phoneNumbers: ReadonlyArray<Schema.Schema.Type<typeof PhoneNumbers.edge.itemSchema>>
  readonly wire: { readonly account: Dataset.Account; readonly phoneNumbers: ReadonlyArray<Dataset.PhoneNumber> }
}

/**
 * Every account a business manages — owned and shared, each once by id — with its phone numbers: what
 * a complete `--edge all --expand phone_numbers` read must return, by account id.
 *
 * @since 0.1.0
 * @category oracles
 */
export const managedOracle = (
  businessId?: string | undefined
): Effect.Effect<ReadonlyMap<string, ManagedEntry>, never, Emulator.Emulator> =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const id = businessId ?? emulator.businessIds[0]!
    const wire: ReadonlyArray<Dataset.Account> = [
      ...(yield* emulator.accounts(id)),
      ...(yield* emulator.clientAccounts(id))
    ]
    const accounts = yield* decodeAs(OwnedAccounts.edge, OwnedAccounts.edge.node.fieldNames)(wire)
    const decodeNumbers = decodeAs(PhoneNumbers.edge, PhoneNumbers.edge.node.fieldNames)
    const out = new Map<string, ManagedEntry>()
    for (const [index, account] of accounts.entries()) {
      if (out.has(account.id)) continue
      const numbers = yield* emulator.phoneNumbers(account.id)
      out.set(account.id, {
        account,
        phoneNumbers: yield* decodeNumbers(numbers),
        wire: { account: wire[index]!, phoneNumbers: numbers }
      })
    }
    return out
  })

// -----------------------------------------------------------------------------
// telemetry and time
// -----------------------------------------------------------------------------

/**
 * A span the {@link recorder} kept: its name, attributes, events and, once ended, its exit.
 *
 * @since 0.1.0
 * @category telemetry
 */
export interface RecordedSpan {
  readonly name: string
  readonly attributes: ReadonlyMap<string, unknown>
  readonly events: ReadonlyArray<{ readonly name: string; readonly attributes: Readonly<Record<string, unknown>> }>
  readonly exit: Exit.Exit<unknown, unknown> | undefined
}

/**
 * A log line the {@link recorder} kept, with its annotations.
 *
 * @since 0.1.0
 * @category telemetry
 */
export interface RecordedLog {
  readonly level: string
  readonly message: string
  readonly annotations: Readonly<Record<string, unknown>>
}

/**
 * @since 0.1.0
 * @category telemetry
 */
export interface Recorder {
  /** Every span started so far, oldest first. */
  readonly spans: ReadonlyArray<RecordedSpan>
  /** Every log line so far, at every level, oldest first. */
  readonly logs: ReadonlyArray<RecordedLog>
  /** The tracer, the logger and a minimum level of `All`. */
  readonly layer: Layer.Layer<never>
  /** Everything recorded as one string: what a test searches for a secret. */
  readonly dump: () => string
  /** Runs an effect with {@link Recorder.layer} provided. */
  readonly run: <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

/**
 * An in-memory tracer and logger: every span and log line a run emits through Effect's telemetry,
 * kept for assertions (the client's spans, its retry and hold logs, and that no secret is in them).
 *
 * @example
 * ```ts
 * import { Testing } from "@effect-waba/emulator"
 * import * as Effect from "effect/Effect"
 *
 * const recorder = Testing.recorder()
 * const program = recorder.run(Effect.log("hello").pipe(Effect.withSpan("greet")))
 * // after running it: recorder.spans[0].name === "greet", recorder.logs[0].message === "hello"
 * ```
 *
 * @since 0.1.0
 * @category telemetry
 */
export const recorder = (): Recorder => {
  const spans: Array<
    Types.Mutable<RecordedSpan> & { attributes: Map<string, unknown>; events: Array<RecordedSpan["events"][number]> }
  > = []
  const logs: Array<RecordedLog> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind): Tracer.Span => {
      const kept: (typeof spans)[number] = { name, attributes: new Map(), events: [], exit: undefined }
      spans.push(kept)
      return {
        _tag: "Span",
        name,
        spanId: `span-${spans.length}`,
        // A child shares its parent's trace, as a real tracer's would.
        traceId: parent._tag === "Some" ? parent.value.traceId : `trace-${spans.length}`,
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes: kept.attributes,
        links,
        sampled: true,
        kind,
        end: (_, exit) => void (kept.exit = exit),
        attribute: (key, value) => void kept.attributes.set(key, value),
        event: (eventName, _, attributes) => void kept.events.push({ name: eventName, attributes: attributes ?? {} }),
        addLinks: () => {}
      }
    },
    context: (f) => f()
  })
  const logger = Logger.make(({ annotations, logLevel, message }) =>
    logs.push({
      level: logLevel.label,
      message: (Array.isArray(message) ? message : [message]).map(String).join(" "),
      annotations: Object.fromEntries(annotations)
    })
  )
  const layer = Layer.mergeAll(
    Layer.setTracer(tracer),
    Logger.replace(Logger.defaultLogger, logger),
    Logger.minimumLogLevel(LogLevel.All)
  )
  const dump = () =>
    JSON.stringify({
      spans: spans.map((span) => ({
        ...span,
        attributes: Object.fromEntries(span.attributes),
        exit: span.exit === undefined ? undefined : String(span.exit)
      })),
      logs
    })
  return { spans, logs, layer, dump, run: (self) => Effect.provide(self, layer) }
}

/**
 * Every way an error gets printed — `String`, message, stack, JSON, `Inspectable.format` and a pretty
 * `Cause` — joined into one string: where a test looks for a secret that must not be there.
 *
 * @since 0.1.0
 * @category telemetry
 */
export const everyRendering = (error: unknown): string =>
  [
    String(error),
    error instanceof Error ? error.message : "",
    error instanceof Error ? error.stack ?? "" : "",
    JSON.stringify(error),
    Inspectable.format(error),
    Cause.pretty(Cause.fail(error))
  ].join("\n")

const realPause = (millis: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, millis)))

/**
 * Waits in real time, polling every 10 ms, until `predicate` holds, and dies naming `what` after
 * about five seconds. For conditions reached over real sockets (a loopback emulator), where the test
 * clock has no say; not for anything a `TestClock` can drive.
 *
 * @since 0.1.0
 * @category time
 */
export const eventually = (predicate: Effect.Effect<boolean>, what: string): Effect.Effect<void> =>
  Effect.gen(function*() {
    for (let i = 0; i < 500; i++) {
      if (yield* predicate) return
      yield* realPause(10)
    }
    return yield* Effect.die(new Error(`timed out waiting for ${what}`))
  })

/**
 * Moves time for a client under `TestClock` that talks to an emulator over real sockets: whenever no
 * new request has reached the emulator for `idleMs` of real time (the client is asleep in a retry
 * delay or a governor hold), the emulator's clock and the test clock both move on by `step` (20
 * seconds by default). Keep `step` below the client's request timeout, so a request in flight is not
 * timed out by a jump. Fork it beside the work and interrupt it when the work is done.
 *
 * @since 0.1.0
 * @category time
 */
export const timeMachine = (
  emulator: Emulator.EmulatorService,
  options: { readonly step?: Duration.DurationInput | undefined; readonly idleMs?: number | undefined } = {}
): Effect.Effect<never> =>
  Effect.gen(function*() {
    const step = Duration.decode(options.step ?? "20 seconds")
    let last = -1
    while (true) {
      yield* realPause(options.idleMs ?? 8)
      const count = yield* emulator.requestCount
      if (count === last) {
        yield* emulator.advanceClock(step)
        yield* TestClock.adjust(step)
      }
      last = count
    }
  })
