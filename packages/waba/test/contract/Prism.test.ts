/**
 * The contract test against Meta's own OpenAPI spec (issue 13, item 7).
 *
 * 1. Prism, a validating mock, serves the spec on a loopback port; the public reads (owned edge, client
 *    edge, WABA node, phone numbers) go to it over a real Node HTTP client. Prism answers 422 to any
 *    request that breaks the spec, so each exchange must come back 200 with no request violation.
 *    Two requests built to break the spec get 422, which proves the validation is on.
 * 2. Every example answer the spec gives for those operations decodes through our schemas, served by
 *    a scripted client to the same public reads, with every field it holds requested.
 */
import { Testing } from "@effect-waba/emulator"
import { GraphClient, GraphConfig } from "@effect-waba/graph-core"
import {
  ClientAccounts,
  Filter,
  OwnedAccounts,
  PhoneNumber,
  PhoneNumbers,
  WhatsAppBusinessAccount
} from "@effect-waba/waba"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as MetaSpec from "./MetaSpec.js"
import * as Prism from "./Prism.js"

const business = "1234567890123456"
const waba = "104996122399160"

let prism: Prism.RunningPrism
let routingView: ReturnType<typeof MetaSpec.writeRoutingView>

beforeAll(async () => {
  routingView = MetaSpec.writeRoutingView()
  prism = await Prism.start(routingView.file)
}, 120_000)

afterAll(async () => {
  await prism?.stop()
  routingView?.remove()
})

/** One request as Prism saw it, and its verdict. */
interface Exchange {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: Readonly<Record<string, string>>
  readonly status: number
  readonly violations: ReadonlyArray<Prism.Violation>
}

/**
 * A `GraphClient` over Node's HTTP client pointed at Prism, recording every exchange. `tamper` rewrites
 * requests after the client has built them (for the negative tests only).
 */
const overPrism = (
  tamper?: (request: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest,
  http: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layer
) => {
  const exchanges: Array<Exchange> = []
  const layer = GraphClient.layerWith({
    transformClient: (client) =>
      (tamper === undefined ? client : HttpClient.mapRequest(client, tamper)).pipe(
        HttpClient.tap((response) =>
          Effect.sync(() => {
            const { request } = response
            exchanges.push({
              method: request.method,
              path: new URL(request.url).pathname,
              query: new URLSearchParams(UrlParams.toString(request.urlParams)),
              headers: request.headers,
              status: response.status,
              violations: Prism.violations(response.headers)
            })
          })
        )
      )
  }).pipe(
    Layer.provide(GraphConfig.layer({ accessToken: Testing.token, baseUrl: prism.url, retry: false })),
    Layer.provide(http)
  )
  return { exchanges, layer }
}

const requestViolations = (exchange: Exchange) => exchange.violations.filter((v) => v.location[0] === "request")

/**
 * Every exchange was accepted by Prism: status 200 and no violation at all, or for an answer built from
 * an example that breaks the spec's own schema, exactly the `responseViolations` given (never one about
 * the request).
 */
const expectSpecValid = (
  exchanges: ReadonlyArray<Exchange>,
  requests: number,
  responseViolations: ReadonlyArray<string> = []
) => {
  expect(exchanges).toHaveLength(requests)
  for (const exchange of exchanges) {
    expect({ path: exchange.path, status: exchange.status, violations: exchange.violations.map((v) => v.message) })
      .toEqual({ path: exchange.path, status: 200, violations: responseViolations })
    expect(exchange.method).toBe("GET")
    expect(exchange.headers["authorization"]).toBe(`Bearer ${Testing.token}`)
    expect(exchange.headers["user-agent"]).toBe(GraphConfig.defaultUserAgent)
  }
}

/** The items of a spec example whose body is a `{ data: [...] }` connection. */
const exampleItems = (operation: MetaSpec.Operation, name: string) => {
  const example = MetaSpec.successExamples(operation).find((e) => e.name === name)
  if (example === undefined) throw new Error(`the spec has no example "${name}" for ${operation}`)
  return (example.value as { readonly data: ReadonlyArray<Record<string, unknown>> }).data
}

describe("Meta's spec, as Prism validates it", () => {
  it("the routing view is needed: the full spec has fifteen GET operations on /{Version}/{id}", () => {
    const routes = MetaSpec.ambiguousNodeRoutes()
    expect(routes).toContain(MetaSpec.paths.node)
    expect(routes).toContain("/{Version}/{WhatsApp-Business-Profile-ID}")
    expect(routes).toHaveLength(15)
  })

  it.live("owned edge: the default read and a read with fields, filter, sort and page size are spec-valid", () =>
    Effect.gen(function*() {
      const { exchanges, layer } = overPrism()
      const plain = yield* OwnedAccounts.all(business).pipe(Effect.provide(layer))
      const tuned = yield* OwnedAccounts.all(business, {
        fields: ["name", "creation_time", "ownership_type", "whatsapp_business_manager_messaging_limit"],
        filtering: Filter.creationTime.greaterThan(new Date("2024-01-01T00:00:00Z")),
        sort: "creation_time_ascending",
        limit: 50
      }).pipe(Effect.provide(layer))
      expectSpecValid(exchanges, 2)
      expect(exchanges.map((e) => e.path)).toEqual([
        `/${GraphConfig.defaultApiVersion}/${business}/owned_whatsapp_business_accounts`,
        `/${GraphConfig.defaultApiVersion}/${business}/owned_whatsapp_business_accounts`
      ])
      expect(exchanges[1]!.query.get("filtering")).toBe(
        JSON.stringify([{ field: "creation_time", operator: "GREATER_THAN", value: 1704067200 }])
      )
      // Prism answers with the spec's first example: the accounts we decoded are those.
      const served = exampleItems("owned", "multiple_accounts")
      expect(plain).toEqual(served)
      expect(tuned.map((a) => [a.id, a.name])).toEqual(served.map((a) => [a.id, a.name]))
    }))

  it.live("owned edge over fetch: our User-Agent replaces fetch's own `node`, which the spec refuses", () =>
    Effect.gen(function*() {
      const { exchanges, layer } = overPrism(undefined, FetchHttpClient.layer)
      const accounts = yield* OwnedAccounts.all(business).pipe(Effect.provide(layer))
      expectSpecValid(exchanges, 1)
      expect(accounts.map((a) => a.id)).toEqual(exampleItems("owned", "multiple_accounts").map((a) => a.id))
    }))

  it.live("client edge: the first page is spec-valid, and so is the request for the next one", () =>
    Effect.gen(function*() {
      const { exchanges, layer } = overPrism()
      const firstPage = yield* ClientAccounts.stream(business, {
        fields: ["name", "ownership_type", "business_verification_status", "permitted_tasks"],
        filtering: Filter.ownershipType.in("CLIENT_OWNED", "SELF"),
        limit: 2
      }).pipe(Stream.take(2), Stream.runCollect, Effect.provide(layer))
      expect(Chunk.toReadonlyArray(firstPage).map((a) => [a.id, a.ownership_type])).toEqual(
        exampleItems("client", "multiple_accounts").map((a) => [a.id, a.ownership_type])
      )
      expect(exchanges[0]!.query.get("filtering")).toBe(
        JSON.stringify([{ field: "ownership_type", operator: "IN", value: ["CLIENT_OWNED", "SELF"] }])
      )

      // The example has `next`, so a full read asks for page 2 with its cursor. A static mock then
      // hands back the same page and cursor: the read must stop with a typed error, not loop.
      const error = yield* ClientAccounts.all(business).pipe(Effect.provide(layer), Effect.flip)
      expect(error._tag).toBe("GraphPagingError")
      expectSpecValid(exchanges, 3)
      expect(exchanges[2]!.query.get("after")).toBe("QVFIUjNpUWpVWmRBd0Rn")
    }))

  it.live("WABA node: a read of every field, and the default read, are spec-valid", () =>
    Effect.gen(function*() {
      const { exchanges, layer } = overPrism()
      const account = yield* WhatsAppBusinessAccount.get(waba, { fields: WhatsAppBusinessAccount.fields }).pipe(
        Effect.provide(layer)
      )
      const basic = yield* WhatsAppBusinessAccount.get(waba).pipe(Effect.provide(layer))
      expectSpecValid(exchanges, 2)
      expect(exchanges[0]!.path).toBe(`/${GraphConfig.defaultApiVersion}/${waba}`)
      const [verified] = MetaSpec.successExamples("node")
      expect(account).toEqual(verified!.value)
      expect(basic.id).toBe((verified!.value as { id: string }).id)
    }))

  it.live("phone numbers: a read with fields, a pushed-down filter, the spec's sort and a page size is spec-valid", () =>
    Effect.gen(function*() {
      const { exchanges, layer } = overPrism()
      const numbers = yield* PhoneNumbers.all(waba, {
        fields: PhoneNumber.fields,
        filtering: Filter.accountMode.equal("LIVE"),
        sort: "last_onboarded_time.desc",
        limit: 100
      }).pipe(Effect.provide(layer))
      const plain = yield* PhoneNumbers.all(waba).pipe(Effect.provide(layer))
      // The spec's first example breaks the spec's own enums (UNKNOWN, NOT_VERIFIED); Prism says so, and
      // our open enums decode them anyway.
      expectSpecValid(exchanges, 2, [
        "Response body property data.1.quality_rating must be equal to one of the allowed values: GREEN, YELLOW, RED, NA",
        "Response body property data.1.code_verification_status must be equal to one of the allowed values: " +
        "VERIFIED, UNVERIFIED"
      ])
      expect(exchanges[0]!.query.get("sort")).toBe("last_onboarded_time.desc")
      expect(exchanges[0]!.query.get("limit")).toBe("100")
      const served = exampleItems("phoneNumbers", "multiple_phone_numbers")
      expect(numbers.map((n) => [n.id, n.quality_rating, n.username])).toEqual(
        served.map((n) => [n.id, n.quality_rating, n.username ?? undefined])
      )
      expect(plain.map((n) => n.id)).toEqual(served.map((n) => n.id))
    }))

  it.live("validation is on: a User-Agent that breaks the spec's pattern gets 422", () =>
    Effect.gen(function*() {
      const { exchanges, layer } = overPrism(HttpClientRequest.setHeader("user-agent", "effect waba"))
      const error = yield* OwnedAccounts.all(business).pipe(Effect.provide(layer), Effect.flip)
      expect(exchanges.map((e) => e.status)).toEqual([422])
      expect(requestViolations(exchanges[0]!).map((v) => v.location)).toEqual([["request", "header", "user-agent"]])
      // Prism's 422 body is the spec's example for 422: a Graph error with code 100.
      expect(error._tag).toBe("GraphInvalidParameterError")
    }))

  it.live("validation is on: a sort outside the spec's enum gets 422", () =>
    Effect.gen(function*() {
      const { exchanges, layer } = overPrism(HttpClientRequest.setUrlParam("sort", "newest_first"))
      yield* PhoneNumbers.all(waba).pipe(Effect.provide(layer), Effect.flip)
      expect(exchanges.map((e) => e.status)).toEqual([422])
      expect(requestViolations(exchanges[0]!).map((v) => v.location)).toEqual([["request", "query", "sort"]])
    }))
})

/** A decoded item equals the example's, with `null` read as absent. */
const withoutNulls = (item: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(item).filter(([, value]) => value !== null))

/** The fields a read must request to get every key of these items back. */
const fieldsOf = (items: ReadonlyArray<Record<string, unknown>>, isField: (name: string) => boolean) => {
  const keys = [...new Set(items.flatMap((item) => Object.keys(item)))]
  // An empty example names no field: read it with the defaults, as a caller naming none would.
  return keys.length === 0 ? {} : { fields: keys.filter(isField), extraFields: keys.filter((key) => !isField(key)) }
}

const isPhoneNumberField = (name: string) => (PhoneNumber.fields as ReadonlyArray<string>).includes(name)

/** Serves `body` first and, if the page says `next`, an empty last page after it. */
const serving = (body: unknown) => Testing.scriptedClient((_, index) => index === 0 ? { body } : { body: { data: [] } })

const hasNext = (body: unknown) => (body as { paging?: { next?: string } }).paging?.next !== undefined

describe("every example answer in Meta's spec decodes", () => {
  const edges = [
    ["owned", (id: string, options: any) => OwnedAccounts.all(id, options), WhatsAppBusinessAccount.isField],
    ["client", (id: string, options: any) => ClientAccounts.all(id, options), WhatsAppBusinessAccount.isField],
    ["phoneNumbers", (id: string, options: any) => PhoneNumbers.all(id, options), isPhoneNumberField]
  ] as const

  for (const [operation, read, isField] of edges) {
    for (const example of MetaSpec.successExamples(operation)) {
      it.effect(`${MetaSpec.operationId(operation)}: "${example.name}"`, () =>
        Effect.gen(function*() {
          const items = (example.value as { readonly data: ReadonlyArray<Record<string, unknown>> }).data
          const server = serving(example.value)
          const decoded = yield* read(operation === "phoneNumbers" ? waba : business, fieldsOf(items, isField)).pipe(
            Effect.provide(server.layer)
          ) as Effect.Effect<ReadonlyArray<unknown>, unknown>
          expect(decoded).toEqual(items.map(withoutNulls))
          expect(server.seen).toHaveLength(hasNext(example.value) ? 2 : 1)
        }))
    }
  }

  for (const example of MetaSpec.successExamples("node")) {
    it.effect(`${MetaSpec.operationId("node")}: "${example.name}"`, () =>
      Effect.gen(function*() {
        const item = example.value as Record<string, unknown>
        const server = serving(item)
        const decoded = yield* WhatsAppBusinessAccount.get(
          waba,
          fieldsOf([item], WhatsAppBusinessAccount.isField) as any
        ).pipe(Effect.provide(server.layer))
        expect(decoded).toEqual(withoutNulls(item))
      }))
  }

  it("the spec has examples for each of the four reads", () => {
    for (const operation of Object.keys(MetaSpec.paths) as Array<MetaSpec.Operation>) {
      expect(MetaSpec.successExamples(operation).length, operation).toBeGreaterThan(0)
    }
  })
})
