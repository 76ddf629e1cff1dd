/**
 * Credentials per business on the Effect 4 line: each business read with its own token, a wrong token
 * failing that business only (named, never the token), a missing one refused before any request, and a
 * lookup cached.
 */
import { defaultToken } from "@effect-waba/emulator/Emulator"
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import { GraphClient, GraphConfig, GraphCredentials } from "@effect-waba/graph-core"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const first = "1234567890"
const second = "101000094277083"
const firstToken = "EAA-first-business-token-0001"
const secondToken = "EAA-second-business-token-0002"
let emulator: RunningEmulator

beforeAll(async () => {
  emulator = await startEmulator({
    host: "127.0.0.1",
    tokens: [{ token: firstToken, businesses: [first] }, { token: secondToken, businesses: [second] }]
  })
})
afterAll(() => emulator.stop())

const Business = Schema.Struct({ id: Schema.String, name: Schema.String })

const name = (id: string) =>
  Effect.gen(function*() {
    const client = yield* GraphClient.GraphClient
    const { body } = yield* client.get({
      route: "/{id}",
      params: { id },
      query: { fields: "id,name" },
      schema: Business,
      usageKey: id
    })
    return body.name
  })

const run = <A, E>(
  effect: Effect.Effect<A, E, GraphClient.GraphClient>,
  credentials: Layer.Layer<GraphCredentials.GraphCredentials>
) =>
  Effect.runPromiseExit(Effect.provide(
    effect,
    GraphClient.layer.pipe(
      Layer.provideMerge(credentials),
      Layer.provide(GraphConfig.layer({ accessToken: defaultToken, baseUrl: emulator.url, retry: false })),
      Layer.provide(FetchHttpClient.layer)
    )
  ))

const failure = <A, E>(exit: Exit.Exit<A, E>): E => {
  const reason = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail") : undefined
  if (reason === undefined || reason._tag !== "Fail") throw new Error("expected a typed failure")
  return reason.error
}

describe("GraphCredentials (Effect 4)", () => {
  it("each business is read with its own token; a wrong one fails that business only, naming it", async () => {
    emulator.resetRequests()
    const credentials = GraphCredentials.layer({ [first]: firstToken, [second]: "EAA-revoked-token-of-second-0003" })
    const both = Effect.all([
      Effect.exit(GraphCredentials.asBusiness(first)(name(first))),
      Effect.exit(GraphCredentials.asBusiness(second)(name(second)))
    ])
    const exit = await run(both, credentials)
    if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
    const [a, b] = exit.value
    expect(Exit.isSuccess(a) && a.value).toBe("Blue Foods S.A.")
    const error = failure(b)
    expect(error).toMatchObject({ _tag: "GraphAuthError", code: 190, businessId: second })
    expect(JSON.stringify(error) + String(error)).not.toContain("EAA-revoked-token-of-second-0003")
    const sent = emulator.requests().map((entry) => entry.headers.authorization).sort()
    expect(sent).toEqual([`Bearer ${firstToken}`, "Bearer EAA-revoked-token-of-second-0003"])
  })

  it("a business without credentials is refused before any request", async () => {
    emulator.resetRequests()
    const error = failure(
      await run(GraphCredentials.asBusiness(second)(name(second)), GraphCredentials.layer({ [first]: firstToken }))
    )
    expect(error).toMatchObject({ _tag: "GraphCredentialsError", reason: "Missing", businessId: second })
    expect(emulator.requests()).toHaveLength(0)
  })

  it("outside asBusiness, the config's token is used", async () => {
    const exit = await run(name(second), GraphCredentials.layer({}))
    expect(Exit.isSuccess(exit) && exit.value).toBe("Summit Academy S.A.")
  })

  it("a lookup is asked once per business while cached, and a failed lookup is asked again", async () => {
    let asked = 0
    let broken = true
    const lookup = (businessId: string) =>
      Effect.suspend(() => {
        asked++
        if (broken) {
          broken = false
          return Effect.fail("the vault is down")
        }
        return Effect.succeed(businessId === first ? firstToken : undefined)
      })
    const reads = Effect.gen(function*() {
      const failed = yield* Effect.exit(GraphCredentials.asBusiness(first)(name(first)))
      const a = yield* GraphCredentials.asBusiness(first)(name(first))
      const b = yield* GraphCredentials.asBusiness(first)(name(first))
      return { failed, names: [a, b] }
    })
    const exit = await run(reads, GraphCredentials.layerLookup(lookup))
    if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
    expect(failure(exit.value.failed)).toMatchObject({ _tag: "GraphCredentialsError", reason: "Unavailable" })
    expect(JSON.stringify(failure(exit.value.failed))).not.toContain("vault")
    expect(exit.value.names).toEqual(["Blue Foods S.A.", "Blue Foods S.A."])
    expect(asked).toBe(2)
  })
})
