import { Testing } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, GraphCredentials, RateGovernor } from "@effect-waba/graph-core"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })
const route = "/{business-id}/owned_whatsapp_business_accounts"
const businessId = "1234567890"
const owned = GraphClient.get({ route, params: { "business-id": businessId }, schema: Page, usageKey: businessId })

// A loopback server for the scope's lifetime: its origin and the requests it received.
const serve = (handler: (request: IncomingMessage, response: ServerResponse) => void) =>
  Effect.gen(function*() {
    const received: Array<string> = []
    const server = createServer((request, response) => {
      received.push(request.url ?? "")
      handler(request, response)
    })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => void server.listen(0, "127.0.0.1", () => resume(Effect.void))),
      () => Effect.sync(() => server.close())
    )
    return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }
  })

describe("one origin", () => {
  // A 3xx to another origin as a typed error naming it, not followed, not retried, and that origin reached by
  // nothing: the behaviour scenarios both lines run (`hostile` in checks/behaviour/scenarios.ts). Here, with a
  // RequestInit of the caller's.
  it.live("over fetch, a 302 to another origin is not followed: the other origin receives nothing", () =>
    Effect.gen(function*() {
      const other = yield* serve((_, response) => response.end(JSON.stringify({ data: [{ id: "stolen" }] })))
      const graph = yield* serve((request, response) => {
        response.writeHead(302, { location: `${other.origin}/collect${request.url?.replace(/^[^?]*/, "") ?? ""}` })
        response.end()
      })
      const client = GraphClient.layer.pipe(
        Layer.provide(
          GraphConfig.layer({ accessToken: Testing.token, appSecret: Testing.appSecret, baseUrl: graph.origin })
        ),
        Layer.provide(FetchHttpClient.layer),
        Layer.provide(RateGovernor.disabled)
      )
      // With a RequestInit of the caller's: it is kept, and still no redirect is followed.
      const error = yield* Effect.flip(
        owned.pipe(Effect.provide(client), Effect.provideService(FetchHttpClient.RequestInit, { keepalive: false }))
      )
      expect(error).toMatchObject({ _tag: "GraphTransportError", reason: "Redirect", httpStatus: 302 })
      expect(graph.received).toHaveLength(1)
      expect(graph.received[0]).toContain("appsecret_proof=")
      expect(other.received).toEqual([])
      expect(Testing.everyRendering(error)).not.toMatch(/appsecret_proof=[0-9a-f]/)
    }).pipe(Effect.scoped))

  it.effect("a secret query parameter travels only as a Redacted, and is scrubbed from what comes back", () => {
    const input = "EAAGinspectedTOKEN0000000000000009"
    const { layer, seen } = Testing.scriptedClient((request) =>
      Testing.graphError({ message: `Invalid input_token ${request.url.searchParams.get("input_token")}`, code: 190 })
    )
    const debug = (token: Redacted.Redacted<string> | string) =>
      GraphClient.get({ route: "/debug_token", query: { input_token: token }, schema: Schema.Unknown })
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      const plain = yield* Effect.flip(debug(input))
      expect(plain).toMatchObject({ _tag: "InvalidRequestError", parameter: "input_token" })
      expect(seen).toHaveLength(0)
      const error = yield* Effect.flip(debug(Redacted.make(input)).pipe(recorder.run))
      expect(seen[0]!.url.searchParams.get("input_token")).toBe(input)
      expect(error).toMatchObject({ _tag: "GraphAuthError", code: 190 })
      expect([Testing.everyRendering(error), recorder.dump(), Testing.everyRendering(plain)].join("\n")).not.toContain(
        input
      )
      // The client's own parameters are refused, Redacted or not.
      const smuggled = yield* Effect.flip(
        GraphClient.get({ route: "/me", query: { access_token: Redacted.make(input) }, schema: Schema.Unknown })
      )
      expect(smuggled).toMatchObject({ _tag: "InvalidRequestError", parameter: "access_token" })
    }).pipe(Effect.provide(layer), GraphCredentials.asBusiness(businessId))
  })
})
