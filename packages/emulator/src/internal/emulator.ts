/**
 * The emulator: its state and the one `HttpApp` both transports serve. The app logs each request, applies
 * the fault rules, and routes the rest to the emulated Graph, where tokens, proofs, permissions and budgets
 * are checked before the client's own declarations are served from the data model.
 *
 * @internal
 */
import { ClientAccounts, OwnedAccounts, PhoneNumbers, WhatsAppBusinessAccount } from "@effect-waba/waba"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpRouter from "@effect/platform/HttpRouter"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { createHmac, timingSafeEqual } from "node:crypto"
import type * as Dataset from "../Dataset.js"
import type { EmulatorService, QuirkOptions, TokenSpec } from "../Emulator.js"
import type * as EmulatorClock from "../EmulatorClock.js"
import * as Faults from "../Faults.js"
import type * as RequestLog from "../RequestLog.js"
import * as Fields from "./fields.js"
import * as GraphError from "./graphError.js"
import { hash } from "./hash.js"
import { Budgets, type Limits } from "./rateLimit.js"
import * as Serve from "./serve.js"
import { type Account, World } from "./world.js"

/** Every quirk, resolved. @internal */
export type Quirks = { readonly [K in keyof QuirkOptions]-?: Exclude<QuirkOptions[K], undefined> }

/** The emulator's options, checked and with their defaults. @internal */
export interface Settings {
  readonly dataset: Dataset.Dataset
  readonly clock: EmulatorClock.EmulatorClock
  /** The token with access to every business, then the others. */
  readonly tokens: readonly [TokenSpec, ...ReadonlyArray<TokenSpec>]
  readonly appSecret: string
  readonly requireAppSecretProof: boolean
  readonly rateLimit: Limits | false
  readonly defaultLimit: number | undefined
  readonly maxLimit: number
  readonly defaultSort: string
  readonly defaultApiVersion: string
  readonly requestLogLimit: number
  readonly faults: ReadonlyArray<Faults.Rule>
  readonly quirks: QuirkOptions
}

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
const withQuirks = (base: Quirks, changes: QuirkOptions): Quirks => ({
  ...base,
  ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined))
})

/** Which way requests reach the app; the server says so, in-process is the default. @internal */
export class Transport extends Context.Reference<Transport>()("@effect-waba/emulator/Transport", {
  defaultValue: (): RequestLog.Transport => "in-process"
}) {}

const json = "application/json; charset=UTF-8"

const htmlErrorPage = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head>" +
  "<body><h1>Sorry, something went wrong.</h1><p>We're working on it and we'll get it fixed as soon as we can.</p>" +
  "</body></html>\n"

/** The request's URL, absolute: in-process requests keep the client's, server requests name their host. @internal */
export const urlOf = (request: HttpServerRequest.HttpServerRequest) =>
  new URL(request.originalUrl, `http://${request.headers.host ?? "localhost"}`)

const sameText = (a: string, b: string) =>
  Buffer.byteLength(a) === Buffer.byteLength(b) && timingSafeEqual(Buffer.from(a), Buffer.from(b))

const cutAt = (requested: number | undefined, length: number) =>
  Math.max(0, Math.min(length, requested ?? Math.floor(length / 2)))

/** @internal */
export const make = (settings: Settings): EmulatorService => {
  const { clock, dataset } = settings
  const seed = dataset.seed
  const world = new World(dataset)
  const budgets = settings.rateLimit === false ? undefined : new Budgets(settings.rateLimit)
  const toMillis = (time: Date | number | undefined) => time instanceof Date ? time.getTime() : time
  const grants = settings.tokens.map((spec) => ({
    token: spec.token,
    businesses: spec.businesses === undefined ? undefined : new Set(spec.businesses),
    expiresAt: toMillis(spec.expiresAt)
  }))
  let quirks = withQuirks(defaultQuirks, settings.quirks)
  let counter = 0
  let rules = settings.faults.map((rule) => Faults.resolve(rule, 0))
  let injections: Array<Faults.Injection> = []
  let log: Array<{ -readonly [K in keyof RequestLog.Entry]: RequestLog.Entry[K] }> = []
  let logged = 0

  const edges: ReadonlyArray<
    readonly [Serve.EdgeRoute, (parent: Dataset.Business | Account) => Serve.Collection | undefined]
  > = [
    [
      Serve.route(OwnedAccounts.edge, { defaultSort: settings.defaultSort }),
      (parent) => "item" in parent ? undefined : world.ownedList(parent)
    ],
    [Serve.route(ClientAccounts.edge), (parent) => "item" in parent ? undefined : world.clientList(parent)],
    // Meta's spec writes this edge's sorts as `creation_time.asc`; whether Graph also takes the owned edge's
    // `creation_time_ascending` form is not known, so both are accepted.
    [
      Serve.route(PhoneNumbers.edge, { sortAliases: true }),
      (parent) => "item" in parent ? world.phoneList(parent) : undefined
    ]
  ]
  const accountFields = Fields.parser(WhatsAppBusinessAccount.node)

  const traceIdOf = (number: number, salt: number) => {
    const bytes = Buffer.alloc(8)
    bytes.writeUInt32BE(hash(seed, number, salt, 1), 0)
    bytes.writeUInt32BE(hash(seed, number, salt, 2), 4)
    return bytes.toString("base64url").slice(0, 11)
  }

  // The grant a call is made with: refused for a missing, unknown or expired token or a wrong proof.
  const authenticate = (request: HttpServerRequest.HttpServerRequest, url: URL) => {
    const bearer = /^\s*(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1]
    const token = bearer ?? url.searchParams.get("access_token")
    if (token === null) return Either.left(GraphError.missingToken())
    const grant = grants.find((candidate) => candidate.token === token)
    if (grant === undefined) return Either.left(GraphError.invalidToken())
    const now = clock.now()
    if (grant.expiresAt !== undefined && grant.expiresAt <= now) {
      return Either.left(GraphError.expiredToken(grant.expiresAt, now))
    }
    const [proof, time] = [url.searchParams.get("appsecret_proof"), url.searchParams.get("appsecret_time")]
    if (proof === null) {
      return settings.requireAppSecretProof
        ? Either.left(GraphError.missingProof())
        : Either.right(grant)
    }
    // A timed proof is over `token|time` and good for five minutes either side of the emulator's clock.
    const fresh = time === null || (/^\d+$/.test(time) && Math.abs(now / 1000 - Number(time)) <= 300)
    const expected = createHmac("sha256", settings.appSecret).update(time === null ? token : `${token}|${time}`)
      .digest("hex")
    return fresh && sameText(proof, expected) ? Either.right(grant) : Either.left(GraphError.invalidProof())
  }

  // `GET /{id}` and `GET /{id}/{edge}`: a business or an account, an edge of it or the node itself.
  const read = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const { edge: segment, id = "", version } = yield* HttpRouter.params
    const url = urlOf(request)
    const grant = yield* authenticate(request, url)
    if (!/^[0-9]+$/.test(id)) return yield* GraphError.unknownAlias(id)
    const business = dataset.findBusiness(id)
    const parent = business ?? world.account(id)
    if (parent === undefined || (request.method !== "GET" && request.method !== "HEAD")) {
      return yield* quirks.unknownObject === "803" && request.method === "GET"
        ? GraphError.objectNotFound(id)
        : GraphError.unsupportedRequest(request.method, id)
    }
    const served = segment === undefined ? undefined : edges.flatMap(([route, listOf]) => {
      const list = route.edge.segment === segment ? listOf(parent) : undefined
      return list === undefined ? [] : [[route, list] as const]
    })[0]
    if (segment !== undefined && served === undefined) {
      return yield* GraphError.nonexistingField(segment, "item" in parent ? "WhatsAppBusinessAccount" : "Business")
    }
    const readers = "item" in parent ? world.readers(parent) : [parent.id]
    if (grant.businesses !== undefined && !readers.some((reader) => grant.businesses!.has(reader))) {
      return yield* GraphError.permissionDenied()
    }
    const spent = budgets?.spend(id, "item" in parent, clock.now()) ?? { headers: {}, error: undefined }
    const call: Serve.Call = {
      url,
      version,
      seed,
      defaultLimit: settings.defaultLimit,
      maxLimit: settings.maxLimit,
      quirks
    }
    const body = spent.error !== undefined
      ? Either.left(spent.error)
      : served !== undefined
      ? Serve.page(served[0], served[1], call)
      : "item" in parent
      ? Serve.node(accountFields, world.ownedList(parent.business), parent.item, call)
      // The business node itself: enough for a client to check its token and business id.
      : Either.right({ id: parent.id, name: parent.name })
    return yield* Either.match(body, {
      onLeft: (e) => new GraphError.GraphError({ ...e, headers: { ...spent.headers, ...e.headers } }),
      onRight: (value) =>
        Effect.succeed(HttpServerResponse.text(JSON.stringify(value), { headers: spent.headers, contentType: json }))
    })
  })

  const router = HttpRouter.empty.pipe(
    HttpRouter.all("/", Effect.fail(GraphError.unknownPath("/"))),
    HttpRouter.all("/:id", read),
    HttpRouter.all("/:id/:edge", read),
    HttpRouter.all("/:version(^v\\d+\\.\\d+$)/:id", read),
    HttpRouter.all("/:version(^v\\d+\\.\\d+$)/:id/:edge", read)
  )

  const app: HttpApp.Default = Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const number = ++counter
    const url = urlOf(request)
    const [, version, id] = /^\/(?:(v\d+\.\d+)\/)?([^/]+)/.exec(url.pathname) ?? []
    const decision = Faults.decide(rules, number, seed)
    const entry: (typeof log)[number] = {
      number,
      transport: yield* Transport,
      method: request.method,
      path: url.pathname,
      apiVersion: version,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers },
      businessId: id !== undefined && /^[0-9]+$/.test(id) ? id : undefined,
      receivedAt: clock.now(),
      status: undefined,
      errorCode: undefined,
      fault: decision.fault?.kind,
      faults: decision.kinds,
      aborted: false
    }
    logged++
    log.push(entry)
    // Trimmed in batches, so that a long run does not pay a shift per request.
    if (log.length > settings.requestLogLimit * 2) log = log.slice(-settings.requestLogLimit)
    injections.push(...decision.kinds.map((kind) => ({ request: number, kind })))

    const traceId = traceIdOf(number, 0x7ace)
    const fault = decision.fault
    // Faults that replace the answer do so before the request reaches the emulated Graph.
    const answer: Effect.Effect<
      HttpServerResponse.HttpServerResponse,
      GraphError.GraphError | HttpServerError.RouteNotFound,
      HttpServerRequest.HttpServerRequest
    > = fault?.kind === "httpError"
      ? fault.body === "empty"
        ? Effect.succeed(
          HttpServerResponse.text("", { status: fault.status, contentType: "text/plain; charset=UTF-8" })
        )
        : Effect.fail(GraphError.injected(fault.status === 500 ? 1 : 2, fault.status))
      : fault?.kind === "graphError"
      ? Effect.fail(GraphError.injected(fault.code))
      : fault?.kind === "nonJson"
      ? Effect.succeed(
        HttpServerResponse.text(htmlErrorPage, {
          status: fault.status ?? 200,
          contentType: "text/html; charset=\"utf-8\""
        })
      )
      : router
    const response = yield* answer.pipe(
      Effect.catchTag("RouteNotFound", () => Effect.fail(GraphError.unknownPath(url.pathname))),
      Effect.catchTag("GraphError", (raw) => {
        const e = quirks.legacyStatuses ? GraphError.legacy(raw) : raw
        entry.errorCode = Number(e.error.code)
        const body = JSON.stringify({ error: { ...e.error, fbtrace_id: traceId } })
        return Effect.succeed(
          HttpServerResponse.text(body, { status: e.status, headers: e.headers ?? {}, contentType: json })
        )
      })
    )
    entry.status = response.status

    let text = response.body._tag === "Uint8Array" ? new TextDecoder().decode(response.body.body) : ""
    const { "content-length": _, ...headers }: Record<string, string> = {
      "facebook-api-version": version ?? settings.defaultApiVersion,
      "x-fb-trace-id": traceId,
      "x-fb-request-id": traceIdOf(number, 0x4e9),
      "cache-control": "private, no-cache, no-store, must-revalidate",
      "pragma": "no-cache",
      "expires": "Sat, 01 Jan 2000 00:00:00 GMT",
      "access-control-allow-origin": "*",
      ...response.headers
    }
    if (quirks.escapeSlashes && headers["content-type"] === json) text = text.replaceAll("/", "\\/")
    const bytes = new TextEncoder().encode(text)
    if (decision.delayMs > 0) {
      yield* Effect.interruptible(Effect.sleep(decision.delayMs)).pipe(
        Effect.onInterrupt(() => Effect.sync(() => entry.aborted = true))
      )
    }
    const options = { status: response.status, headers }
    if (fault?.kind === "truncated") {
      return HttpServerResponse.uint8Array(bytes.subarray(0, cutAt(fault.keepBytes, bytes.length)), options)
    }
    // A reset: the headers promise the whole body, and the connection dies part-way through it.
    if (fault?.kind === "reset") {
      const part = bytes.subarray(0, cutAt(fault.afterBytes, bytes.length))
      const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })
      return HttpServerResponse.stream(Stream.concat(Stream.make(part), Stream.fail(reset)), {
        ...options,
        contentLength: bytes.length
      })
    }
    return HttpServerResponse.uint8Array(bytes, options)
  })

  const businessOf = (id: string) => {
    const business = dataset.findBusiness(id)
    if (business === undefined) throw new RangeError(`The emulator has no business ${id}`)
    return business
  }
  const accountOf = (id: string) => {
    const account = world.account(id)
    if (account === undefined) throw new RangeError(`The emulator has no account ${id}`)
    return account
  }
  const count = (what: string, n: number) => {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Cannot add ${n} ${what}`)
    return n
  }
  const nowSeconds = () => Math.floor(clock.now() / 1000)
  const accountFieldNames = WhatsAppBusinessAccount.node.fieldNames
  const phones = (id: string) =>
    world.records<Dataset.PhoneNumber>(world.phoneList(accountOf(id)), PhoneNumbers.edge.node.fieldNames)

  return {
    dataset,
    clock,
    token: settings.tokens[0].token,
    businessIds: dataset.businesses.map((business) => business.id),
    appSecret: settings.appSecret,
    app,
    requests: Effect.sync(() => log.slice(-settings.requestLogLimit).map((entry) => ({ ...entry }))),
    requestCount: Effect.sync(() => logged),
    resetRequests: Effect.sync(() => {
      log = []
      logged = 0
      injections = []
    }),
    injectedFaults: Effect.sync(() => injections.slice()),
    setFaults: (next) => Effect.sync(() => rules = next.map((rule) => Faults.resolve(rule, counter))),
    addFaults: (more) => Effect.sync(() => rules = [...rules, ...more.map((rule) => Faults.resolve(rule, counter))]),
    clearFaults: Effect.sync(() => rules = []),
    setQuirks: (changes) => Effect.sync(() => quirks = withQuirks(quirks, changes)),
    advanceClock: (duration) => Effect.sync(() => clock.advance(duration)),
    resetRateLimits: Effect.sync(() => budgets?.reset()),
    addAccounts: (businessId, n, options) =>
      Effect.sync(() =>
        world.addAccounts(businessOf(businessId), count("accounts", n), options?.creationTime ?? nowSeconds())
      ),
    deleteAccounts: (businessId, ids) =>
      Effect.sync(() => {
        const missing = world.deleteAccounts(businessOf(businessId), ids)
        if (missing.length > 0) throw new RangeError(`Business ${businessId} owns no account ${missing.join(", ")}`)
      }),
    accounts: (businessId, options) =>
      Effect.sync(() => {
        const all = world.records<Dataset.Account>(world.ownedList(businessOf(businessId)), accountFieldNames)
        return options?.descending === true ? [...all].reverse() : all
      }),
    clientAccounts: (businessId) =>
      Effect.sync(() =>
        world.records<Dataset.ClientAccount>(world.clientList(businessOf(businessId)), [
          ...accountFieldNames,
          "permitted_tasks"
        ])
      ),
    account: (id) =>
      Effect.sync(() => {
        const account = world.account(id)
        return account &&
          world.record<Dataset.Account>(world.ownedList(account.business), account.item, accountFieldNames)
      }),
    phoneNumbers: (id) => Effect.sync(() => phones(id)),
    addPhoneNumbers: (id, n) =>
      Effect.sync(() => world.addPhoneNumbers(accountOf(id), count("phone numbers", n), nowSeconds())),
    deletePhoneNumbers: (id, ids) =>
      Effect.sync(() => {
        const missing = world.deletePhoneNumbers(accountOf(id), ids)
        if (missing.length > 0) throw new RangeError(`Account ${id} has no phone number ${missing.join(", ")}`)
      })
  }
}
