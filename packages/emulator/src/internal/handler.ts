/**
 * The emulated Graph edge, independent of any transport: a request description goes in, a complete reply
 * (status, headers, body bytes, and how to deliver them) comes out. Both transports (the in-process
 * `HttpClient` and the loopback server) render the same reply, so they cannot drift apart.
 *
 * Synchronous on purpose: serving a page is the hot path of the benchmarks, and nothing here waits.
 *
 * @internal
 */
import * as Either from "effect/Either"
import { createHmac, timingSafeEqual } from "node:crypto"
import type * as Dataset from "../Dataset.js"
import type * as EmulatorClock from "../EmulatorClock.js"
import * as Faults from "../Faults.js"
import * as Filtering from "../Filtering.js"
import * as GraphError from "../GraphError.js"
import * as RequestLog from "../RequestLog.js"
import * as UsageHeaders from "../UsageHeaders.js"
import type { WhatsAppBusinessAccount } from "../WhatsAppBusinessAccount.js"
import * as Cursor from "./cursor.js"
import * as Fields from "./fields.js"
import { hash } from "./hash.js"
import * as Paging from "./paging.js"
import { Window } from "./rateLimit.js"
import { BusinessView } from "./view.js"

/** @internal */
export const edge = "owned_whatsapp_business_accounts"

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
}

/** @internal */
export interface Settings {
  readonly dataset: Dataset.Dataset
  readonly clock: EmulatorClock.EmulatorClock
  readonly tokens: ReadonlyArray<TokenGrant>
  readonly appSecret: string | undefined
  readonly requireAppSecretProof: boolean
  readonly rateLimit: { readonly businessCalls: number; readonly appCalls: number; readonly windowMs: number } | false
  readonly defaultLimit: number
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
  private readonly views = new Map<string, BusinessView>()
  private readonly businessWindows = new Map<string, Window>()
  private appWindow: Window | undefined
  private counter = 0
  private rules: ReadonlyArray<Faults.Rule>
  private injections: Array<Faults.Injection> = []
  quirks: Quirks

  constructor(readonly settings: Settings) {
    this.log = RequestLog.make(settings.requestLogLimit)
    this.rules = settings.faults.map((rule) => Faults.resolve(rule, 0))
    this.quirks = settings.quirks
    this.resetRateLimits()
  }

  get requestsSoFar(): number {
    return this.counter
  }

  view(business: Dataset.Business): BusinessView {
    let view = this.views.get(business.id)
    if (view === undefined) {
      view = new BusinessView(this.settings.dataset, business)
      this.views.set(business.id, view)
    }
    return view
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
    this.businessWindows.clear()
    this.appWindow = limits === false ? undefined : new Window(limits.appCalls, limits.windowMs)
  }

  private businessWindow(id: string): Window | undefined {
    const limits = this.settings.rateLimit
    if (limits === false) return undefined
    let window = this.businessWindows.get(id)
    if (window === undefined) {
      window = new Window(limits.businessCalls, limits.windowMs)
      this.businessWindows.set(id, window)
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

  private errorReply(error: GraphError.GraphError, traceId: string, extra: Record<string, string>): Served {
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

  private route(
    request: Request,
    match: RegExpExecArray | null
  ): Either.Either<{ body: string; usage: Record<string, string> }, [GraphError.GraphError, Record<string, string>]> {
    const fail = (error: GraphError.GraphError, usage: Record<string, string> = {}) =>
      Either.left<[GraphError.GraphError, Record<string, string>]>([error, usage])
    const url = request.url
    if (match === null) return fail(GraphError.unknownPath(url.pathname))
    const [, , id, edgeName] = match as unknown as [string, string | undefined, string, string | undefined]
    const method = request.method.toUpperCase()

    const auth = this.authenticate(request)
    if (auth !== undefined) return fail(auth)

    if (!/^[0-9]+$/.test(id)) return fail(GraphError.unknownAlias(id))
    const business = this.settings.dataset.findBusiness(id)
    if (business === undefined || (method !== "GET" && method !== "HEAD")) {
      return fail(GraphError.unsupportedRequest(method, id))
    }
    if (edgeName !== undefined && edgeName !== edge) return fail(GraphError.nonexistingField(edgeName, "Business"))
    const grant = this.grantOf(request)!
    if (grant.businesses !== "all" && !grant.businesses.has(business.id)) {
      return fail(GraphError.permissionDenied())
    }

    const limited = this.spend(business.id)
    if (limited.error !== undefined) return fail(limited.error, limited.headers)
    const usage = limited.headers

    if (edgeName === undefined) {
      // The business node itself: enough for a client to check its token and business id.
      return Either.right({ body: JSON.stringify({ id: business.id, name: business.name }), usage })
    }

    const params = url.searchParams
    const fields = Fields.parse(params.get("fields") ?? undefined)
    if (Either.isLeft(fields)) return fail(fields.left, usage)

    const filteringRaw = params.get("filtering")
    const filter = filteringRaw === null ? Either.right(Filtering.none) : Filtering.parse(filteringRaw)
    if (Either.isLeft(filter)) return fail(filter.left, usage)

    const sort = parseSort(params.get("sort"), this.settings.defaultSort)
    if (sort === undefined) {
      return fail(
        GraphError.invalidParameter(
          "param sort must be one of {creation_time_ascending, creation_time_descending}"
        ),
        usage
      )
    }
    const descending = sort === "creation_time_descending"

    const limitRaw = params.get("limit")
    let limit = this.settings.defaultLimit
    if (limitRaw !== null) {
      if (!/^\s*\d+\s*$/.test(limitRaw) || Number(limitRaw) < 1) {
        return fail(GraphError.invalidParameter("param limit must be a positive integer"), usage)
      }
      // Graph caps page sizes rather than refusing large ones; the cap is an emulator setting.
      limit = Math.min(Number(limitRaw), this.settings.maxLimit)
    }

    const view = this.view(business)
    const afterRaw = params.get("after")
    const beforeRaw = params.get("before")
    if (afterRaw !== null && beforeRaw !== null) {
      return fail(GraphError.invalidParameter("Cannot specify both after and before cursors"), usage)
    }
    let after: number | undefined
    let before: number | undefined
    for (const [direction, raw] of [["after", afterRaw], ["before", beforeRaw]] as const) {
      if (raw === null) continue
      const cursor = Cursor.decode(this.settings.dataset.seed, raw)
      if (cursor === undefined || cursor.business !== business.id || cursor.descending !== descending) {
        return fail(GraphError.invalidCursor(), usage)
      }
      if (cursor.position > view.size) return fail(GraphError.cursorBeyondEnd(direction), usage)
      if (cursor.generation !== view.generation) return fail(GraphError.invalidCursor(), usage)
      if (direction === "after") after = cursor.position
      else before = cursor.position
    }

    const page = Paging.cut({
      view,
      descending,
      filter: filter.right,
      limit,
      after,
      before,
      filterAfterPaging: this.quirks.filterAfterPaging,
      ownershipOf: (item) =>
        typeof item === "number"
          ? this.settings.dataset.field(business, item, "ownership_type")
          : item.ownership_type
    })

    const selections = fields.right
    const asString = this.quirks.creationTimeAsString
    const data = page.items.map((item) =>
      typeof item === "number"
        ? Fields.project(selections, (field) => this.settings.dataset.field(business, item, field), asString)
        : Fields.project(selections, (field) => (item as WhatsAppBusinessAccount)[field], asString)
    )

    const cursor = (position: number) =>
      Cursor.encode(this.settings.dataset.seed, {
        business: business.id,
        generation: view.generation,
        descending,
        position
      })
    const link = (name: "after" | "before", position: number) => {
      const next = new URL(url.pathname, url.origin)
      for (const [key, value] of params) {
        // Graph never echoes the proof (a client must re-apply it on every page), nor the old cursor.
        if (
          key === "appsecret_proof" || key === "appsecret_time" || key === "after" || key === "before" ||
          key === "limit"
        ) continue
        next.searchParams.append(key, value)
      }
      next.searchParams.set("limit", String(limit))
      next.searchParams.set(name, cursor(position))
      return next.toString()
    }

    const response: { data: typeof data; paging?: Record<string, unknown> } = { data }
    if (page.start !== undefined && page.end !== undefined) {
      const paging: Record<string, unknown> = { cursors: { before: cursor(page.start), after: cursor(page.end) } }
      if (page.hasPrevious) paging.previous = link("before", page.start)
      if (page.hasNext) paging.next = link("after", page.end)
      response.paging = paging
    } else if (page.hasPrevious) {
      response.paging = { previous: link("before", after ?? before ?? 0) }
    }
    return Either.right({ body: JSON.stringify(response), usage })
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

  private spend(businessId: string): { error?: GraphError.GraphError; headers: Record<string, string> } {
    const limits = this.settings.rateLimit
    if (limits === false) return { headers: {} }
    const now = this.settings.clock.now()
    const businessWindow = this.businessWindow(businessId)!
    const appWindow = this.appWindow!
    let business = businessWindow.usage(now)
    let app = appWindow.usage(now)
    let error: GraphError.GraphError | undefined
    if (business.regainMs > 0) error = GraphError.tooManyBusinessCalls()
    else if (app.regainMs > 0) error = GraphError.tooManyAppCalls()
    else {
      businessWindow.record(now)
      appWindow.record(now)
      business = businessWindow.usage(now)
      app = appWindow.usage(now)
    }
    const businessUsage: UsageHeaders.BusinessUseCaseUsage = {
      [businessId]: [{
        type: UsageHeaders.useCaseType,
        call_count: business.percent,
        total_cputime: Math.floor(business.percent / 4),
        total_time: Math.floor(business.percent / 3),
        estimated_time_to_regain_access: Math.ceil(business.regainMs / 60_000)
      }]
    }
    const appUsage: UsageHeaders.AppUsage = {
      call_count: app.percent,
      total_cputime: Math.floor(app.percent / 4),
      total_time: Math.floor(app.percent / 3)
    }
    const headers = {
      "x-business-use-case-usage": JSON.stringify(businessUsage),
      "x-app-usage": JSON.stringify(appUsage)
    }
    return error === undefined ? { headers } : { error, headers }
  }
}

const clampCut = (requested: number | undefined, length: number): number =>
  Math.max(0, Math.min(length, requested ?? Math.floor(length / 2)))

const parseSort = (
  raw: string | null,
  fallback: "creation_time_ascending" | "creation_time_descending"
): "creation_time_ascending" | "creation_time_descending" | undefined => {
  if (raw === null) return fallback
  let value: unknown = raw.trim()
  // Graph also takes a JSON array of sort keys; this edge has only one key to sort by.
  if (typeof value === "string" && value.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(value)
      value = Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : undefined
    } catch {
      return undefined
    }
  }
  return value === "creation_time_ascending" || value === "creation_time_descending" ? value : undefined
}
