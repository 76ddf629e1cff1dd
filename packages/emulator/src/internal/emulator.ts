/**
 * The emulator: its state and the one `HttpApp` both transports serve. The app logs each request, applies
 * the fault rules, and routes the rest to the emulated Graph, where tokens, proofs, permissions and budgets
 * are checked before the client's own declarations are served from the data model.
 *
 * @internal
 */
import type { GraphEdge } from "@effect-waba/graph-core"
import { GraphConfig } from "@effect-waba/graph-core"
import { ClientAccounts, OwnedAccounts, PhoneNumbers, WhatsAppBusinessAccount } from "@effect-waba/waba"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import * as Changes from "../Changes.js"
import * as Dataset from "../Dataset.js"
import * as Emulator from "../Emulator.js"
import * as EmulatorClock from "../EmulatorClock.js"
import * as Faults from "../Faults.js"
import type * as RequestLog from "../RequestLog.js"
import * as WebhookDelivery from "../WebhookDelivery.js"
import * as Auth from "./auth.js"
import * as Batch from "./batch.js"
import * as Change from "./change.js"
import * as DebugToken from "./debugToken.js"
import * as GraphError from "./graphError.js"
import { hash, hex8 } from "./hash.js"
import type { List } from "./list.js"
import * as RateLimit from "./rateLimit.js"
import * as Serve from "./serve.js"
import { World } from "./world.js"

type Quirks = { readonly [K in keyof Emulator.QuirkOptions]-?: Exclude<Emulator.QuirkOptions[K], undefined> }

const defaultQuirks: Quirks = {
  filterAfterPaging: true,
  escapeSlashes: false,
  creationTimeAsString: false,
  nullForAbsent: false,
  ignoreUndocumentedFilters: false,
  staleCursors: "deleted-item",
  legacyStatuses: false,
  unknownObject: "100/33",
  emptyExpansions: "omit"
}

// Quirks left out, or given as undefined, keep their value.
const withQuirks = (base: Quirks, changes: Emulator.QuirkOptions = {}): Quirks => ({
  ...base,
  ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined))
})

/** Which way requests reach the app; the server says so, in-process is the default. @internal */
export class Transport extends Context.Reference<Transport>()("@effect-waba/emulator/Transport", {
  defaultValue: (): RequestLog.Transport => "in-process"
}) {}

const json = "application/json; charset=UTF-8"
const html = "text/html; charset=\"utf-8\""

const htmlErrorPage = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head>" +
  "<body><h1>Sorry, something went wrong.</h1><p>We're working on it and we'll get it fixed as soon as we can.</p>" +
  "</body></html>\n"

// The request's URL, absolute: in-process requests keep the client's, server requests name their host.
const urlOf = (request: HttpServerRequest.HttpServerRequest) =>
  new URL(request.originalUrl, `http://${request.headers.host ?? "localhost"}`)

const cutAt = (requested: number | undefined, length: number) =>
  Math.max(0, Math.min(length, requested ?? Math.floor(length / 2)))

/** @internal */
export const make = (options: Emulator.Options): Emulator.EmulatorService => {
  const dataset = Dataset.make(options)
  const clock = EmulatorClock.make(options.clock)
  const seed = dataset.seed
  const world = new World(dataset)
  const budgets = options.rateLimit === false ? undefined : RateLimit.make(options.rateLimit)
  const logLimit = options.requestLogLimit ?? 10_000
  if (!Number.isInteger(logLimit) || logLimit < 1) {
    throw new RangeError(`requestLogLimit must be a positive integer, got ${logLimit}`)
  }
  const appSecret = options.appSecret ?? Emulator.defaultAppSecret
  const tokens: ReadonlyArray<Emulator.TokenSpec> = [
    { token: options.token ?? Emulator.defaultToken },
    ...(options.tokens ?? [
      { token: Emulator.expiredToken, expiresAt: clock.now() - 86_400_000 },
      { token: Emulator.limitedToken, businesses: dataset.businesses.slice(0, 1).map((business) => business.id) }
    ])
  ]
  const revoked = new Map<string, GraphError.Revocation>()
  const requireProof = options.requireAppSecretProof === true
  const authenticate = Auth.make(tokens, { appSecret, clock, requireProof, revoked })
  const revoke = (token: string, subcode: GraphError.Revocation) => {
    if (!tokens.some((spec) => spec.token === token)) return false
    revoked.set(token, subcode)
    return true
  }
  let webhookTarget: Required<WebhookDelivery.Target> & { readonly client: HttpClient.HttpClient } | undefined
  const nowSeconds = () => Math.floor(clock.now() / 1000)
  let quirks = withQuirks(defaultQuirks, options.quirks)
  let counter = 0
  let rules = (options.faults ?? []).map((rule) => Faults.resolve(rule, 0))
  let injections: Array<Faults.Injection> = []
  let log: Array<{ -readonly [K in keyof RequestLog.Entry]: RequestLog.Entry[K] }> = []
  let logged = 0

  const traceIdOf = (number: number, salt: number) =>
    Buffer.from(hex8(hash(seed, number, salt, 1)) + hex8(hash(seed, number, salt, 2)), "hex").toString("base64url")
      .slice(0, 11)

  // JSON as Graph's serializer writes it.
  const encode = (value: unknown) => {
    const text = JSON.stringify(value)
    return quirks.escapeSlashes ? text.replaceAll("/", "\\/") : text
  }

  // `/{id}` and `/{id}/{edge}`: a business or an account, one of its edges or the node itself.
  const read = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const { edge: segment, id = "", version } = yield* HttpRouter.params
    const url = urlOf(request)
    const grant = yield* authenticate(request.headers.authorization, url)
    if (!/^[0-9]+$/.test(id)) return yield* GraphError.unknownAlias(id)
    const business = dataset.findBusiness(id)
    const account = business === undefined ? world.account(id) : undefined
    if ((business ?? account) === undefined || (request.method !== "GET" && request.method !== "HEAD")) {
      return yield* quirks.unknownObject === "803" && request.method === "GET"
        ? GraphError.objectNotFound(id)
        : GraphError.unsupportedRequest(request.method, id)
    }
    const edges: ReadonlyArray<readonly [GraphEdge.Any, () => List]> = business !== undefined
      ? [[OwnedAccounts.edge, () => world.ownedList(business)], [ClientAccounts.edge, () => world.clientList(business)]]
      : [[PhoneNumbers.edge, () => world.phoneList(account!)]]
    const served = edges.find(([edge]) => edge.segment === segment)
    if (segment !== undefined && served === undefined) {
      return yield* GraphError.nonexistingField(segment, business ? "Business" : "WhatsAppBusinessAccount")
    }
    const readers = business !== undefined ? [business.id] : world.readers(account!)
    if (grant.businesses !== undefined && !readers.some((reader) => grant.businesses!.includes(reader))) {
      return yield* GraphError.permissionDenied()
    }
    const spent = budgets?.spend(id, account !== undefined, clock.now())
    const headers = spent?.headers ?? {}
    const call: Serve.Call = { url, version, seed, quirks }
    const body = yield* Either.mapLeft(
      spent?.error !== undefined
        ? Either.left(spent.error)
        : served !== undefined
        ? Serve.page(served[0], served[1](), call)
        : account !== undefined
        ? Serve.node(WhatsAppBusinessAccount.node, world.ownedList(account.business), account.item, call)
        // The business node itself: enough for a client to check its token and business id.
        : Either.right({ id: business!.id, name: business!.name }),
      (e) => new GraphError.GraphError({ ...e, headers: { ...headers, ...e.headers } })
    )
    return HttpServerResponse.text(encode(body), { headers, contentType: json })
  })

  // `/debug_token`: any valid token may inspect any token.
  const debugToken = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const url = urlOf(request)
    yield* authenticate(request.headers.authorization, url)
    // An account owned by one of the token's businesses and shared with another is one target.
    const wabaIdsOf = (ids: ReadonlyArray<string>) => [
      ...new Set(ids.flatMap((id) => {
        const business = dataset.findBusiness(id)
        const lists = business === undefined ? [] : [world.ownedList(business), world.clientList(business)]
        return lists.flatMap((list) => Array.from({ length: list.size }, (_, p) => list.id(list.itemAt(p))))
      }))
    ]
    const input = url.searchParams.get("input_token")
    const data = DebugToken.inspect(tokens, input, { now: clock.now(), seed, call: counter, wabaIdsOf, revoked })
    return HttpServerResponse.text(encode({ data }), { contentType: json })
  })

  const router = HttpRouter.empty.pipe(
    HttpRouter.get("/debug_token", debugToken),
    HttpRouter.get("/:version(^v\\d+\\.\\d+$)/debug_token", debugToken),
    HttpRouter.all("/", Effect.fail(GraphError.unknownPath("/"))),
    HttpRouter.all("/:id", read),
    HttpRouter.all("/:id/:edge", read),
    HttpRouter.all("/:version(^v\\d+\\.\\d+$)/:id", read),
    HttpRouter.all("/:version(^v\\d+\\.\\d+$)/:id/:edge", read)
  )

  // `POST /` and `POST /vNN.0/`: each call of the batch goes through the whole app, as a request of its own.
  const batch = Batch.make(Effect.suspend(() => app), authenticate, Effect.provideService(Transport, "batch"))
  const routed = Effect.flatMap(
    HttpServerRequest.HttpServerRequest,
    (request) => request.method === "POST" && /^\/(v\d+\.\d+\/?)?$/.test(urlOf(request).pathname) ? batch : router
  )

  // Faults that replace the answer do so before the request reaches the emulated Graph.
  const answer = (fault: Faults.Decision["fault"]): typeof routed => {
    switch (fault?.kind) {
      case "httpError":
        return fault.body === "empty"
          ? Effect.succeed(
            HttpServerResponse.text("", { status: fault.status, contentType: "text/plain; charset=UTF-8" })
          )
          : GraphError.injected(fault.status === 500 ? 1 : 2, fault.status)
      case "graphError":
        return GraphError.injected(fault.code)
      case "nonJson":
        return Effect.succeed(
          HttpServerResponse.text(htmlErrorPage, { status: fault.status ?? 200, contentType: html })
        )
    }
    return routed
  }

  // Every request is logged and numbered, meets the fault rules, and gets Graph's headers.
  const app: HttpApp.Default = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const number = ++counter
    const url = urlOf(request)
    const [, version, id = ""] = /^\/(?:(v\d+\.\d+)\/)?([^/]+)/.exec(url.pathname) ?? []
    const decision = Faults.decide(rules, number, seed)
    const entry: (typeof log)[number] = {
      number,
      transport: yield* Transport,
      method: request.method,
      path: url.pathname,
      apiVersion: version,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers },
      businessId: /^[0-9]+$/.test(id) ? id : undefined,
      receivedAt: clock.now(),
      status: undefined,
      errorCode: undefined,
      fault: decision.fault?.kind,
      faults: decision.kinds,
      aborted: false
    }
    logged++
    log.push(entry)
    // `requests` returns the newest `requestLogLimit` entries; older ones are dropped in batches.
    if (log.length > logLimit * 2) log = log.slice(-logLimit)
    injections.push(...decision.kinds.map((kind) => ({ request: number, kind })))

    const traceId = traceIdOf(number, 0x7ace)
    const response = yield* answer(decision.fault).pipe(
      Effect.catchTag("RouteNotFound", () => GraphError.unknownPath(url.pathname)),
      Effect.catchTag("GraphError", (raw) => {
        const e = quirks.legacyStatuses ? GraphError.legacy(raw) : raw
        entry.errorCode = Number(e.error.code)
        const body = encode({ error: { ...e.error, fbtrace_id: traceId } })
        return Effect.succeed(
          HttpServerResponse.text(body, { status: e.status, contentType: json, headers: e.headers })
        )
      })
    )
    entry.status = response.status
    if (decision.delayMs > 0) {
      yield* Effect.interruptible(Effect.sleep(decision.delayMs)).pipe(
        Effect.onInterrupt(() => Effect.sync(() => entry.aborted = true))
      )
    }
    const { "content-length": _, ...headers }: Record<string, string> = {
      // An unversioned path gets the version the client asks for by default (Graph gives the app's default).
      "facebook-api-version": version ?? GraphConfig.defaultApiVersion,
      "x-fb-trace-id": traceId,
      "x-fb-request-id": traceIdOf(number, 0x4e9),
      "cache-control": "private, no-cache, no-store, must-revalidate",
      "pragma": "no-cache",
      "expires": "Sat, 01 Jan 2000 00:00:00 GMT",
      "access-control-allow-origin": "*",
      ...response.headers
    }
    const sent = { status: response.status, headers }
    const bytes = response.body._tag === "Uint8Array" ? response.body.body : new Uint8Array(0)
    const fault = decision.fault
    if (fault?.kind === "truncated") {
      return HttpServerResponse.uint8Array(bytes.subarray(0, cutAt(fault.keepBytes, bytes.length)), sent)
    }
    // A reset: the headers promise the whole body, and the connection dies part-way through it.
    if (fault?.kind === "reset") {
      const part = Stream.make(bytes.subarray(0, cutAt(fault.afterBytes, bytes.length)))
      const reset = Stream.fail(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }))
      return HttpServerResponse.stream(Stream.concat(part, reset), { ...sent, contentLength: bytes.length })
    }
    return HttpServerResponse.uint8Array(bytes, sent)
  })

  // A change, then the webhook Graph sends for it: signed, and delivered when there is a target.
  const change = (input: Changes.Change) =>
    Effect.gen(function*() {
      const outcome = yield* Change.apply(world, yield* Changes.decode(input), { now: nowSeconds(), revoke })
      const target = webhookTarget
      const webhook = outcome.event && WebhookDelivery.sign(
        WebhookDelivery.envelope(outcome.event.wabaId, nowSeconds(), [outcome.event.change]),
        target?.appSecret ?? appSecret
      )
      const delivery = webhook === undefined || target === undefined
        ? undefined
        : yield* Effect.either(
          Effect.provideService(WebhookDelivery.deliver(webhook, target), HttpClient.HttpClient, target.client)
        )
      return {
        ...(webhook === undefined ? {} : { webhook }),
        ...(delivery === undefined ? {} : { delivery }),
        ...(outcome.account === undefined ? {} : { account: outcome.account })
      }
    })

  return {
    dataset,
    clock,
    token: tokens[0]!.token,
    businessIds: dataset.businesses.map((business) => business.id),
    appSecret,
    app,
    requests: Effect.sync(() => log.slice(-logLimit).map((entry) => ({ ...entry }))),
    requestCount: Effect.sync(() => logged),
    resetRequests: Effect.sync(() => void ([log, logged, injections] = [[], 0, []])),
    injectedFaults: Effect.sync(() => injections.slice()),
    setFaults: (next) => Effect.sync(() => rules = next.map((rule) => Faults.resolve(rule, counter))),
    addFaults: (more) => Effect.sync(() => rules = [...rules, ...more.map((rule) => Faults.resolve(rule, counter))]),
    clearFaults: Effect.sync(() => rules = []),
    setQuirks: (changes) => Effect.sync(() => quirks = withQuirks(quirks, changes)),
    advanceClock: (duration) => Effect.sync(() => clock.advance(duration)),
    resetRateLimits: Effect.sync(() => budgets?.reset()),
    addAccounts: (id, n, added) => Effect.sync(() => world.addAccounts(id, n, added?.creationTime ?? nowSeconds())),
    deleteAccounts: (id, ids) => Effect.sync(() => world.deleteAccounts(id, ids)),
    accounts: (id, order) => Effect.sync(() => world.ownedList(world.business(id)).records(order?.descending)),
    clientAccounts: (id) => Effect.sync(() => world.clientList(world.business(id)).records()),
    account: (id) =>
      Effect.sync(() => {
        const account = world.account(id)
        return account && world.ownedList(account.business).record(account.item)
      }),
    phoneNumbers: (id) => Effect.sync(() => world.phoneList(world.live(id)).records()),
    addPhoneNumbers: (id, n) => Effect.sync(() => world.addPhoneNumbers(id, n, nowSeconds())),
    deletePhoneNumbers: (id, ids) => Effect.sync(() => world.deletePhoneNumbers(id, ids)),
    change,
    setWebhookTarget: ({ appSecret: secret = appSecret, timeout = "10 seconds", url }) =>
      Effect.gen(function*() {
        yield* WebhookDelivery.checkUrl(url)
        webhookTarget = { url, appSecret: secret, timeout, client: yield* HttpClient.HttpClient }
      }),
    clearWebhookTarget: Effect.sync(() => webhookTarget = undefined)
  }
}
