/**
 * The emulated Graph edge, independent of any transport: a request description goes in, a complete reply
 * (status, headers, body bytes, and how to deliver them) comes out. Both transports (the in-process
 * `HttpClient` and the loopback server) render the same reply, so they cannot drift apart.
 *
 * Synchronous on purpose: serving a page is the hot path of the benchmarks, and nothing here waits.
 *
 * @internal
 */
import type { GraphUsage } from "@effect-waba/graph-core"
import * as Either from "effect/Either"
import { createHmac, timingSafeEqual } from "node:crypto"
import type * as Dataset from "../Dataset.js"
import type * as EmulatorClock from "../EmulatorClock.js"
import * as EmulatorEdges from "../EmulatorEdges.js"
import * as Faults from "../Faults.js"
import * as GraphError from "../GraphError.js"
import * as RequestLog from "../RequestLog.js"
import { hash } from "./hash.js"
import { Window } from "./rateLimit.js"
import * as Surface from "./surface.js"
import { World } from "./world.js"

/** The use-case type the management reads are billed to. @internal */
export const managementType = "whatsapp_business_management"

/** @internal */
export interface TokenGrant {
  readonly token: string
  readonly businesses: ReadonlySet<string> | "all"
  readonly expiresAt: number | undefined
}

/** @internal */
export interface Quirks {
  readonly filterAfterPaging: boolean
  readonly escapeSlashes: boolean
  readonly creationTimeAsString: boolean
  readonly nullForAbsent: boolean
  readonly ignoreUndocumentedFilters: boolean
  readonly staleCursors: "deleted-item" | "any-change"
  readonly legacyStatuses: boolean
  readonly unknownObject: "100/33" | "803"
  readonly emptyExpansions: "omit" | "empty"
}

/** @internal */
export interface RateLimits {
  readonly businessCalls: number
  readonly accountCalls: number
  readonly appCalls: number
  readonly windowMs: number
  readonly usageHeadersFrom: number
  readonly businessUseCaseTypes: ReadonlyArray<string>
  readonly accountUseCaseTypes: ReadonlyArray<string>
}

/** @internal */
export interface Settings {
  readonly dataset: Dataset.Dataset
  readonly clock: EmulatorClock.EmulatorClock
  readonly tokens: ReadonlyArray<TokenGrant>
  readonly appSecret: string | undefined
  readonly requireAppSecretProof: boolean
  readonly rateLimit: RateLimits | false
  readonly defaultLimit: number | undefined
  readonly maxLimit: number
  readonly defaultSort: "creation_time_ascending" | "creation_time_descending"
  readonly defaultApiVersion: string
  readonly requestLogLimit: number
  readonly faults: ReadonlyArray<Faults.Rule>
  readonly quirks: Quirks
}

/** @internal */
export interface Request {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly transport: RequestLog.Transport
}

/** @internal */
export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
  /** For a `reset` fault: send this many body bytes, then destroy the connection. */
  readonly resetAfterBytes: number | undefined
  /** Wait this long before answering (latency and slow faults). */
  readonly delayMs: number
  /** The request number, for the transport's own bookkeeping. */
  readonly number: number
  /** Tells the log that the client went away before the reply was complete. */
  readonly markAborted: () => void
}

interface Served {
  readonly status: number
  readonly body: string
  readonly headers: Record<string, string>
  readonly errorCode: number | undefined
}

const encoder = new TextEncoder()

const htmlErrorPage = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title></head>" +
  "<body><h1>Sorry, something went wrong.</h1><p>We're working on it and we'll get it fixed as soon as we can.</p>" +
  "</body></html>\n"

const pathPattern = /^\/(?:(v\d+\.\d+)\/)?([^/]+)(?:\/([^/]+))?\/?$/

const firstHeader = (value: string | ReadonlyArray<string> | undefined): string | undefined =>
  typeof value === "string" ? value : value?.[0]

const fiveMinutes = 300

/** @internal */
export class Core {
  readonly log: RequestLog.RequestLog
  readonly world: World
  private readonly windows = new Map<string, Window>()
  private appWindow: Window | undefined
  private counter = 0
  private rules: ReadonlyArray<Faults.Rule>
  private injections: Array<Faults.Injection> = []
  quirks: Quirks

  constructor(readonly settings: Settings) {
    this.log = RequestLog.make(settings.requestLogLimit)
    this.world = new World(settings.dataset)
    this.rules = settings.faults.map((rule) => Faults.resolve(rule, 0))
    this.quirks = settings.quirks
    this.resetRateLimits()
  }

  setFaults(rules: ReadonlyArray<Faults.Rule>): void {
    this.rules = rules.map((rule) => Faults.resolve(rule, this.counter))
  }

  addFaults(rules: ReadonlyArray<Faults.Rule>): void {
    this.rules = [...this.rules, ...rules.map((rule) => Faults.resolve(rule, this.counter))]
  }

  injected(): ReadonlyArray<Faults.Injection> {
    return this.injections.slice()
  }

  resetLog(): void {
    this.log.reset()
    this.injections = []
  }

  resetRateLimits(): void {
    const limits = this.settings.rateLimit
    this.windows.clear()
    this.appWindow = limits === false ? undefined : new Window(limits.appCalls, limits.windowMs)
  }

  private window(limits: RateLimits, id: string, budget: number): Window {
    let window = this.windows.get(id)
    if (window === undefined) {
      window = new Window(budget, limits.windowMs)
      this.windows.set(id, window)
    }
    return window
  }

  private traceId(number: number, salt: number): string {
    const bytes = Buffer.alloc(8)
    bytes.writeUInt32BE(hash(this.settings.dataset.seed, number, salt, 1), 0)
    bytes.writeUInt32BE(hash(this.settings.dataset.seed, number, salt, 2), 4)
    return bytes.toString("base64url").slice(0, 11)
  }

  handle(request: Request): Reply {
    const number = ++this.counter
    const url = request.url
    const match = pathPattern.exec(url.pathname)
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(request.headers)) {
      const first = firstHeader(value)
      if (first !== undefined) headers[name.toLowerCase()] = first
    }
    const entry: RequestLog.MutableEntry = {
      number,
      transport: request.transport,
      method: request.method.toUpperCase(),
      path: url.pathname,
      apiVersion: match?.[1],
      query: Object.fromEntries(url.searchParams),
      headers,
      businessId: match?.[2] !== undefined && /^[0-9]+$/.test(match[2]) ? match[2] : undefined,
      receivedAt: this.settings.clock.now(),
      status: undefined,
      errorCode: undefined,
      fault: undefined,
      faults: [],
      aborted: false
    }
    this.log.append(entry)

    const decision = Faults.decide(this.rules, number, this.settings.dataset.seed)
    for (const kind of decision.kinds) this.injections.push({ request: number, kind })
    entry.faults = decision.kinds
    entry.fault = decision.fault?.kind

    const traceId = this.traceId(number, 0x7ace)
    const common: Record<string, string> = {
      "content-type": "application/json; charset=UTF-8",
      "facebook-api-version": match?.[1] ?? this.settings.defaultApiVersion,
      "x-fb-trace-id": traceId,
      "x-fb-request-id": this.traceId(number, 0x4e9),
      "cache-control": "private, no-cache, no-store, must-revalidate",
      "pragma": "no-cache",
      "expires": "Sat, 01 Jan 2000 00:00:00 GMT",
      "access-control-allow-origin": "*"
    }

    const fault = decision.fault
    let served: Served
    if (fault?.kind === "httpError") {
      const body = fault.body === "empty"
        ? ""
        : JSON.stringify(
          (fault.status === 500 ? GraphError.unknownError(500) : GraphError.serviceUnavailable(fault.status)).toBody(
            traceId
          )
        )
      served = {
        status: fault.status,
        body,
        headers: body === "" ? { "content-type": "text/plain; charset=UTF-8" } : {},
        errorCode: undefined
      }
    } else if (fault?.kind === "graphError") {
      const error = fault.code === 1
        ? GraphError.unknownError()
        : fault.code === 2
        ? GraphError.serviceUnavailable()
        : GraphError.transientFlagged()
      served = this.errorReply(error, traceId, {})
    } else if (fault?.kind === "nonJson") {
      served = {
        status: fault.status ?? 200,
        body: htmlErrorPage,
        headers: { "content-type": "text/html; charset=\"utf-8\"" },
        errorCode: undefined
      }
    } else {
      served = this.serve(request, match, traceId)
    }

    entry.status = served.status
    entry.errorCode = served.errorCode
    const text = this.quirks.escapeSlashes && served.headers["content-type"] === undefined
      ? served.body.replaceAll("/", "\\/")
      : served.body
    let body = encoder.encode(text)
    let resetAfterBytes: number | undefined
    if (fault?.kind === "truncated") {
      body = body.subarray(0, clampCut(fault.keepBytes, body.length))
    } else if (fault?.kind === "reset") {
      resetAfterBytes = clampCut(fault.afterBytes, body.length)
    }
    const replyHeaders = { ...common, ...served.headers, "content-length": String(body.length) }
    if (resetAfterBytes !== undefined) {
      // The headers promise the whole body; the connection dies before it is all there.
      replyHeaders["content-length"] = String(encoder.encode(text).length)
    }
    return {
      status: served.status,
      headers: replyHeaders,
      body,
      resetAfterBytes,
      delayMs: decision.delayMs,
      number,
      markAborted: () => {
        entry.aborted = true
      }
    }
  }

  private errorReply(raw: GraphError.GraphError, traceId: string, extra: Record<string, string>): Served {
    const error = this.quirks.legacyStatuses ? GraphError.withLegacyStatus(raw) : raw
    return {
      status: error.status,
      body: JSON.stringify(error.toBody(traceId)),
      headers: { ...extra, ...error.headers },
      errorCode: error.code
    }
  }

  private serve(request: Request, match: RegExpExecArray | null, traceId: string): Served {
    const result = this.route(request, match)
    if (Either.isLeft(result)) {
      const [error, usage] = result.left
      return this.errorReply(error, traceId, usage)
    }
    return { status: 200, body: result.right.body, headers: result.right.usage, errorCode: undefined }
  }

  private behaviour(): EmulatorEdges.Behaviour {
    const quirks = this.quirks
    return {
      seed: this.settings.dataset.seed,
      defaultLimit: this.settings.defaultLimit,
      maxLimit: this.settings.maxLimit,
      filterAfterPaging: quirks.filterAfterPaging,
      acceptUndocumented: quirks.ignoreUndocumentedFilters,
      staleCursors: quirks.staleCursors,
      creationTimeAsString: quirks.creationTimeAsString,
      nullForAbsent: quirks.nullForAbsent,
      emptyExpansions: quirks.emptyExpansions,
      defaultSorts: { OwnedAccounts: this.settings.defaultSort }
    }
  }

  private route(
    request: Request,
    match: RegExpExecArray | null
  ): Either.Either<{ body: string; usage: Record<string, string> }, [GraphError.GraphError, Record<string, string>]> {
    const fail = (error: GraphError.GraphError, usage: Record<string, string> = {}) =>
      Either.left<[GraphError.GraphError, Record<string, string>]>([error, usage])
    const url = request.url
    if (match === null) return fail(GraphError.unknownPath(url.pathname))
    const [, version, id, segment] = match as unknown as [string, string | undefined, string, string | undefined]
    const method = request.method.toUpperCase()

    const auth = this.authenticate(request)
    if (auth !== undefined) return fail(auth)

    if (!/^[0-9]+$/.test(id)) return fail(GraphError.unknownAlias(id))
    const world = this.world
    const business = this.settings.dataset.findBusiness(id)
    const account = business === undefined ? world.account(id) : undefined
    if ((business === undefined && account === undefined) || (method !== "GET" && method !== "HEAD")) {
      return fail(
        this.quirks.unknownObject === "803" && method === "GET"
          ? GraphError.objectNotFound(id)
          : GraphError.unsupportedRequest(method, id)
      )
    }
    const parent: EmulatorEdges.Parent = business !== undefined
      ? { _tag: "Business", business }
      : { _tag: "Account", account: account! }

    let edgeRoute: EmulatorEdges.EdgeRoute | undefined
    let collection: EmulatorEdges.Collection | undefined
    if (segment !== undefined) {
      for (const candidate of Surface.edges) {
        if (candidate.edge.segment !== segment) continue
        collection = candidate.resolve(world, parent)
        if (collection !== undefined) {
          edgeRoute = candidate
          break
        }
      }
      if (edgeRoute === undefined) {
        return fail(
          GraphError.nonexistingField(segment, parent._tag === "Business" ? "Business" : "WhatsAppBusinessAccount")
        )
      }
    }

    const grant = this.grantOf(request)!
    if (grant.businesses !== "all") {
      const allowed = grant.businesses
      const readers = parent._tag === "Business" ? [parent.business.id] : world.readers(parent.account)
      if (!readers.some((reader) => allowed.has(reader))) return fail(GraphError.permissionDenied())
    }

    const limited = this.spend(id, parent._tag)
    if (limited.error !== undefined) return fail(limited.error, limited.headers)
    const usage = limited.headers
    const call: EmulatorEdges.Call = { url, versionPrefix: version === undefined ? "" : `/${version}` }

    let answer: Either.Either<unknown, GraphError.GraphError>
    if (edgeRoute !== undefined) {
      answer = EmulatorEdges.servePage(edgeRoute, collection!, call, this.behaviour())
    } else if (parent._tag === "Business") {
      // The business node itself: enough for a client to check its token and business id.
      answer = Either.right({ id: parent.business.id, name: parent.business.name })
    } else {
      const route = Surface.nodes[0]!
      answer = EmulatorEdges.serveNode(route, route.resolve(world, parent)!, id, call, this.behaviour())
    }
    if (Either.isLeft(answer)) return fail(answer.left, usage)
    return Either.right({ body: JSON.stringify(answer.right), usage })
  }

  private tokenOf(request: Request): string | undefined {
    const header = firstHeader(request.headers["authorization"])
    if (header !== undefined) {
      const match = /^\s*(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header)
      if (match !== null) return match[1]
    }
    return request.url.searchParams.get("access_token") ?? undefined
  }

  private grantOf(request: Request): TokenGrant | undefined {
    const token = this.tokenOf(request)
    return token === undefined ? undefined : this.settings.tokens.find((grant) => grant.token === token)
  }

  private authenticate(request: Request): GraphError.GraphError | undefined {
    const token = this.tokenOf(request)
    if (token === undefined) return GraphError.missingToken()
    const grant = this.grantOf(request)
    if (grant === undefined) return GraphError.invalidToken()
    const now = this.settings.clock.now()
    if (grant.expiresAt !== undefined && grant.expiresAt <= now) return GraphError.expiredToken(grant.expiresAt, now)

    const secret = this.settings.appSecret
    if (secret === undefined) return undefined
    const params = request.url.searchParams
    const proof = params.get("appsecret_proof")
    if (proof === null) return this.settings.requireAppSecretProof ? GraphError.missingProof() : undefined
    const time = params.get("appsecret_time")
    if (time !== null) {
      const seconds = Number(time)
      if (!/^\d+$/.test(time) || Math.abs(now / 1000 - seconds) > fiveMinutes) return GraphError.invalidProof()
    }
    const expected = createHmac("sha256", secret).update(time === null ? token : `${token}|${time}`).digest("hex")
    const given = Buffer.from(proof, "utf8")
    const wanted = Buffer.from(expected, "utf8")
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return GraphError.invalidProof()
    return undefined
  }

  private spend(
    key: string,
    kind: EmulatorEdges.Parent["_tag"]
  ): { error?: GraphError.GraphError; headers: Record<string, string> } {
    const limits = this.settings.rateLimit
    if (limits === false) return { headers: {} }
    const now = this.settings.clock.now()
    const window = this.window(limits, key, kind === "Business" ? limits.businessCalls : limits.accountCalls)
    const appWindow = this.appWindow!
    let own = window.usage(now)
    let app = appWindow.usage(now)
    let error: GraphError.GraphError | undefined
    if (own.regainMs > 0) error = GraphError.tooManyBusinessCalls()
    else if (app.regainMs > 0) error = GraphError.tooManyAppCalls()
    else {
      window.record(now)
      appWindow.record(now)
      own = window.usage(now)
      app = appWindow.usage(now)
    }
    const headers: Record<string, string> = {}
    // Meta sends the usage headers only once enough calls have been made; a refusal always carries them.
    if (error !== undefined || own.calls >= limits.usageHeadersFrom) {
      const types = kind === "Business" ? limits.businessUseCaseTypes : limits.accountUseCaseTypes
      const entries: Array<typeof GraphUsage.BusinessUseCaseEntry.Encoded> = types.map((type, k) => {
        // The first type is the budget these reads spend; others (messaging) carry their own, lower figures.
        const percent = k === 0 ? own.percent : Math.floor(own.percent / 4)
        return {
          type,
          call_count: percent,
          total_cputime: Math.floor(percent / 4),
          total_time: Math.floor(percent / 3),
          estimated_time_to_regain_access: k === 0 ? Math.ceil(own.regainMs / 60_000) : 0
        }
      })
      const business: Record<string, ReadonlyArray<typeof GraphUsage.BusinessUseCaseEntry.Encoded>> = {
        [key]: entries
      }
      headers["x-business-use-case-usage"] = JSON.stringify(business)
    }
    if (error !== undefined || app.calls >= limits.usageHeadersFrom) {
      const appUsage: typeof GraphUsage.AppUsage.Encoded = {
        call_count: app.percent,
        total_cputime: Math.floor(app.percent / 4),
        total_time: Math.floor(app.percent / 3)
      }
      headers["x-app-usage"] = JSON.stringify(appUsage)
    }
    return error === undefined ? { headers } : { error, headers }
  }
}

const clampCut = (requested: number | undefined, length: number): number =>
  Math.max(0, Math.min(length, requested ?? Math.floor(length / 2)))
