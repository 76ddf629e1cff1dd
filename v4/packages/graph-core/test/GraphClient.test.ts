/**
 * The Effect 4 line's client against the emulator on loopback: the same behaviour the Effect 3 line's
 * suites assert — node reads, paging, typed errors, retries of throttling, secrets kept out of errors, bad
 * input refused before any request, no redirect followed.
 */
import { defaultAppSecret, defaultToken } from "@effect-waba/emulator/Emulator"
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import { GraphClient, GraphConfig, GraphPaging } from "@effect-waba/graph-core"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const business = "1234567890"
let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({ host: "127.0.0.1", requireAppSecretProof: true })
})
afterAll(() => emulator.stop())

const run = <A, E>(effect: Effect.Effect<A, E, GraphClient.GraphClient>, options: Partial<GraphConfig.Options> = {}) =>
  Effect.runPromiseExit(Effect.provide(
    effect,
    GraphClient.layer.pipe(
      Layer.provide(GraphConfig.layer({
        accessToken: defaultToken,
        appSecret: defaultAppSecret,
        baseUrl: emulator.url,
        retry: { baseDelay: "1 millis", jitter: false },
        ...options
      })),
      Layer.provide(FetchHttpClient.layer)
    )
  ))

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const error = exit.cause.reasons.find((reason) => reason._tag === "Fail")
  if (error === undefined || error._tag !== "Fail") {
    throw new Error(`expected a typed failure, got ${String(exit.cause)}`)
  }
  return error.error
}

const Business = Schema.Struct({ id: Schema.String, name: Schema.String })
const Account = Schema.Struct({ id: Schema.String, name: Schema.String })

const getBusiness = Effect.gen(function*() {
  const client = yield* GraphClient.GraphClient
  return yield* client.get({
    route: "/{business-id}",
    params: { "business-id": business },
    query: { fields: "id,name" },
    schema: Business,
    usageKey: business
  })
})

describe("GraphClient (Effect 4)", () => {
  it("reads a node, signed with the app secret proof, and decodes it with the Schema", async () => {
    emulator.resetRequests()
    const exit = await run(getBusiness)
    expect(Exit.isSuccess(exit) && exit.value.body).toEqual({ id: business, name: "Blue Foods S.A." })
    const [request] = emulator.requests()
    expect(request?.query).toHaveProperty("appsecret_proof")
    expect(request?.query).not.toHaveProperty("access_token")
  })

  it("pages an edge to its end: every account once, in Graph's order, one request per page", async () => {
    emulator.resetRequests()
    const read = GraphPaging.items({
      route: "/{business-id}/owned_whatsapp_business_accounts",
      params: { "business-id": business },
      query: { fields: "id,name", limit: 25 },
      item: Account,
      usageKey: business
    })
    const exit = await run(Stream.runCollect(read))
    if (!Exit.isSuccess(exit)) throw new Error(String(exit.cause))
    const ids = exit.value.map((account) => account.id)
    expect(ids).toHaveLength(137)
    expect(new Set(ids).size).toBe(137)
    expect(emulator.requests()).toHaveLength(Math.ceil(137 / 25))
  })

  it("a refused token is a GraphAuthError that holds no secret", async () => {
    const token = "EAA-not-a-token-the-emulator-knows-0123456789"
    const error = failure(await run(getBusiness, { accessToken: token }))
    expect(error).toMatchObject({ _tag: "GraphAuthError", code: 190, route: "/{business-id}" })
    for (const text of [JSON.stringify(error), String(error), (error as Error).message]) {
      expect(text).not.toContain(token)
      expect(text).not.toContain(defaultAppSecret)
    }
  })

  it("a path that could climb out of the API is refused before any request", async () => {
    emulator.resetRequests()
    const exit = await run(Effect.gen(function*() {
      const client = yield* GraphClient.GraphClient
      return yield* client.get({ route: "/{business-id}", params: { "business-id": "../me" }, schema: Business })
    }))
    expect(failure(exit)).toMatchObject({ _tag: "InvalidRequestError", parameter: "business-id" })
    expect(emulator.requests()).toHaveLength(0)
  })

  it("a transient failure is tried again, and the read succeeds", async () => {
    emulator.resetRequests()
    emulator.setFaults([{ kind: "graphError", code: 2, when: { next: 1 } }])
    try {
      const exit = await run(getBusiness)
      expect(Exit.isSuccess(exit) && exit.value.attempts).toBe(2)
      expect(emulator.requests()).toHaveLength(2)
    } finally {
      emulator.setFaults([])
    }
  })

  it("throttling (80008) whose wait is longer than the policy allows fails at once, with Graph's wait", async () => {
    // No usage headers on the first answer: the rate governor does not see the limit coming, Graph refuses.
    const throttled = await startEmulator({ host: "127.0.0.1", rateLimit: { businessCalls: 1, usageHeadersFrom: 2 } })
    try {
      const read = Effect.gen(function*() {
        const client = yield* GraphClient.GraphClient
        const once = client.get({
          route: "/{business-id}",
          params: { "business-id": business },
          schema: Business,
          usageKey: business
        })
        yield* once
        return yield* once
      })
      const error = failure(
        await run(read, { appSecret: undefined, baseUrl: throttled.url, retry: { maxHintedWait: "1 seconds" } })
      )
      expect(error).toMatchObject({ _tag: "GraphRateLimitError", code: 80008, attempts: 1 })
      expect((error as { retryAfter?: unknown }).retryAfter).toBeDefined()
      expect(throttled.requests()).toHaveLength(2)
    } finally {
      await throttled.stop()
    }
  })

  it("follows no redirect: a 302 to another origin is a typed error, and that origin gets nothing", async () => {
    let elsewhereHits = 0
    const elsewhere = Http.createServer((_, response) => {
      elsewhereHits++
      response.end("{}")
    })
    const redirecting = Http.createServer((_, response) => {
      const { port } = elsewhere.address() as AddressInfo
      response.writeHead(302, { location: `http://127.0.0.1:${port}/steal?x=1` }).end()
    })
    await Promise.all(
      [elsewhere, redirecting].map((server) => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)))
    )
    try {
      const { port } = redirecting.address() as AddressInfo
      const error = failure(await run(getBusiness, { baseUrl: `http://127.0.0.1:${port}` }))
      expect(error).toMatchObject({ _tag: "GraphTransportError", reason: "Redirect", retryable: false })
      expect(elsewhereHits).toBe(0)
    } finally {
      await Promise.all([elsewhere, redirecting].map((server) => new Promise((resolve) => server.close(resolve))))
    }
  })

  it("a setting that cannot work fails the layer with GraphConfigError, naming it", async () => {
    const exit = await Effect.runPromiseExit(
      GraphConfig.make({ accessToken: defaultToken, baseUrl: "http://graph.example.com" })
    )
    expect(failure(exit)).toMatchObject({ _tag: "GraphConfigError", setting: "baseUrl" })
  })
})

describe("GraphConfig.layerConfig (Effect 4)", () => {
  const fromEnv = (env: Record<string, string>, options: Partial<GraphConfig.Options> = {}) =>
    Effect.runPromiseExit(Effect.provide(
      Effect.gen(function*() {
        return yield* GraphConfig.GraphConfig
      }),
      GraphConfig.layerConfig(options).pipe(Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnvRecord(env))))
    ))

  it("reads the settings from the environment, the options first", async () => {
    const exit = await fromEnv({
      GRAPH_ACCESS_TOKEN: defaultToken,
      GRAPH_BASE_URL: "http://127.0.0.1:4000",
      GRAPH_API_VERSION: " "
    }, { timeout: "5 seconds" })
    if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
    expect(exit.value).toMatchObject({ baseUrl: "http://127.0.0.1:4000", apiVersion: GraphConfig.defaultApiVersion })
    expect(String(exit.value.accessToken)).not.toContain(defaultToken)
  })

  it("a missing token says which variable to set; a bad one is refused without being echoed", async () => {
    expect(failure(await fromEnv({}))).toMatchObject({
      _tag: "GraphConfigError",
      setting: "accessToken",
      message: expect.stringContaining("GRAPH_ACCESS_TOKEN is not set")
    })
    const error = failure(await fromEnv({ GRAPH_ACCESS_TOKEN: "EAA token with spaces 123" }))
    expect(error).toMatchObject({ _tag: "GraphConfigError", setting: "accessToken" })
    expect(JSON.stringify(error)).not.toContain("EAA token with spaces 123")
  })
})
