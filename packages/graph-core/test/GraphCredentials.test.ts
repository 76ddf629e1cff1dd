import { Dataset, Emulator, Testing } from "@effect-waba/emulator"
import { GraphClient, GraphConfig, GraphCredentials, GraphError, RateGovernor } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { createHmac } from "node:crypto"

const Page = Schema.Struct({ data: Schema.Array(Schema.Struct({ id: Schema.String })) })
const route = "/{business-id}/owned_whatsapp_business_accounts"

const alpha = "1111111111"
const beta = "2222222222"
const tokenA = "EAAGalphaTOKEN000000000000000001"
const tokenB = "EAAGbetaTOKEN0000000000000000002"
const secretB = "beta-app-secret-000000000000002"

const owned = (businessId: string) =>
  GraphClient.get({ route, params: { "business-id": businessId }, schema: Page, usageKey: businessId })

const hmac = (key: string, message: string) => createHmac("sha256", key).update(message).digest("hex")

const sentWith = (seen: ReadonlyArray<Testing.Seen>) =>
  seen.map((s) => ({
    business: s.url.pathname.split("/")[2],
    token: s.headers.authorization?.replace(/^Bearer /, ""),
    proof: s.url.searchParams.get("appsecret_proof")
  }))

describe("GraphCredentials", () => {
  it.effect("each business's token goes only with its own reads; outside a scope, the config's", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page(["1"]), { appSecret: Testing.appSecret })
    const credentials = GraphCredentials.layer({ [alpha]: tokenA, [beta]: { accessToken: tokenB, appSecret: secretB } })
    return Effect.gen(function*() {
      yield* owned(alpha).pipe(GraphCredentials.asBusiness(alpha))
      yield* owned(beta).pipe(GraphCredentials.asBusiness(beta))
      yield* owned(alpha)
      // Concurrent reads of both keep to their own.
      yield* Effect.all(
        [alpha, beta, alpha, beta].map((id) => owned(id).pipe(GraphCredentials.asBusiness(id))),
        { concurrency: "unbounded" }
      )
      const sent = sentWith(seen)
      // appsecret_proof per token: the config's app secret for alpha's, beta's own for beta's.
      const a = { business: alpha, token: tokenA, proof: hmac(Testing.appSecret, tokenA) }
      const b = { business: beta, token: tokenB, proof: hmac(secretB, tokenB) }
      const config = { business: alpha, token: Testing.token, proof: hmac(Testing.appSecret, Testing.token) }
      expect(sent.slice(0, 3)).toEqual([a, b, config])
      expect(sent.slice(3).filter((s) => s.business === alpha)).toEqual([a, a])
      expect(sent.slice(3).filter((s) => s.business === beta)).toEqual([b, b])
    }).pipe(Effect.provide(Layer.merge(layer, credentials)))
  })

  it.effect("a timed proof is signed per business token; the client's layer may hold the credentials", () => {
    const server = Testing.scripted(() => Testing.page([]))
    const client = GraphClient.layer.pipe(
      Layer.provide(GraphCredentials.layer({ [beta]: { accessToken: tokenB, appSecretProof: "timed" } })),
      Layer.provide(GraphConfig.layer({ accessToken: Testing.token, appSecret: Testing.appSecret })),
      Layer.provide(server.layer)
    )
    return Effect.gen(function*() {
      yield* TestClock.setTime(1_750_000_000_000)
      yield* owned(beta).pipe(GraphCredentials.asBusiness(beta))
      const [request] = server.seen
      expect(request!.headers.authorization).toBe(`Bearer ${tokenB}`)
      expect(request!.url.searchParams.get("appsecret_time")).toBe("1750000000")
      expect(request!.url.searchParams.get("appsecret_proof")).toBe(hmac(Testing.appSecret, `${tokenB}|1750000000`))
    }).pipe(Effect.provide(client))
  })

  it.effect("a scope inside a stream covers every page it pulls, and scopes nest", () => {
    const { layer, seen } = Testing.scriptedClient((_, i) => Testing.page([`${i}`]))
    return Effect.gen(function*() {
      const pages = Stream.range(1, 3).pipe(
        Stream.mapEffect(() => owned(alpha)),
        GraphCredentials.asBusiness(alpha)
      )
      yield* Stream.runDrain(pages)
      yield* owned(beta).pipe(GraphCredentials.asBusiness(beta), GraphCredentials.asBusiness(alpha))
      expect(sentWith(seen).map((s) => s.token)).toEqual([tokenA, tokenA, tokenA, tokenB])
      expect(yield* GraphCredentials.currentBusiness.pipe(GraphCredentials.asBusiness(beta))).toEqual(
        expect.objectContaining({ value: beta })
      )
    }).pipe(Effect.provide(Layer.merge(layer, GraphCredentials.layer({ [alpha]: tokenA, [beta]: tokenB }))))
  })

  it.effect("no credentials, or unusable ones, fail that business's requests before anything is sent", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]))
    const pasted = `${tokenA}\n`
    return Effect.gen(function*() {
      const missing = yield* Effect.flip(owned(beta).pipe(GraphCredentials.asBusiness(beta)))
      expect(missing).toMatchObject({ _tag: "GraphCredentialsError", reason: "Missing", businessId: beta })
      const invalid = yield* Effect.flip(owned(alpha).pipe(GraphCredentials.asBusiness(alpha)))
      expect(invalid).toMatchObject({ _tag: "GraphCredentialsError", reason: "Invalid", businessId: alpha })
      expect(invalid.message).toContain(alpha)
      expect(seen).toHaveLength(0)
      for (const error of [missing, invalid]) expect(Testing.everyRendering(error)).not.toContain(tokenA)
    }).pipe(Effect.provide(Layer.merge(layer, GraphCredentials.layer({ [alpha]: pasted }))))
  })

  it.effect("a lookup is asked once per business while its answer is kept; a failure is not kept", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]))
    const asked: Array<string> = []
    let failNext = true
    const lookup = (businessId: string) =>
      Effect.suspend(() => {
        asked.push(businessId)
        if (businessId === beta && failNext) {
          failNext = false
          return Effect.fail(new Error("the database is restarting"))
        }
        return Effect.succeed(businessId === alpha ? tokenA : Redacted.make(tokenB))
      })
    return Effect.gen(function*() {
      yield* Effect.all(Array.from({ length: 5 }, () => owned(alpha).pipe(GraphCredentials.asBusiness(alpha))), {
        concurrency: "unbounded"
      })
      const failed = yield* Effect.flip(owned(beta).pipe(GraphCredentials.asBusiness(beta)))
      expect(failed).toMatchObject({ _tag: "GraphCredentialsError", reason: "Unavailable", businessId: beta })
      yield* owned(beta).pipe(GraphCredentials.asBusiness(beta))
      expect(asked).toEqual([alpha, beta, beta])
      // Kept for the time to live, then asked again.
      yield* TestClock.adjust("6 minutes")
      yield* owned(alpha).pipe(GraphCredentials.asBusiness(alpha))
      expect(asked).toEqual([alpha, beta, beta, alpha])
      expect(sentWith(seen).map((s) => s.token)).toEqual([...Array(5).fill(tokenA), tokenB, tokenA])
    }).pipe(Effect.provide(Layer.merge(layer, GraphCredentials.layerLookup(lookup))))
  })

  it.effect("from Config: GRAPH_ACCESS_TOKEN_<id> and GRAPH_APP_SECRET_<id>", () => {
    const { layer, seen } = Testing.scriptedClient(() => Testing.page([]), { appSecret: Testing.appSecret })
    const env = new Map([[`GRAPH_ACCESS_TOKEN_${alpha}`, tokenA], [`GRAPH_APP_SECRET_${alpha}`, secretB]])
    return Effect.gen(function*() {
      yield* owned(alpha).pipe(GraphCredentials.asBusiness(alpha))
      const missing = yield* Effect.flip(owned(beta).pipe(GraphCredentials.asBusiness(beta)))
      expect(missing).toMatchObject({ _tag: "GraphCredentialsError", reason: "Missing", businessId: beta })
      expect(sentWith(seen)).toEqual([{ business: alpha, token: tokenA, proof: hmac(secretB, tokenA) }])
    }).pipe(
      Effect.provide(Layer.merge(layer, GraphCredentials.layerConfig())),
      Effect.withConfigProvider(ConfigProvider.fromMap(env))
    )
  })

  it.effect("over the emulator, a wrong token for one business fails that business only, naming it", () => {
    const options = { seed: 7, businesses: [3, 3] }
    // The ids Testing.inProcess gives these options: the demo id first, as in every emulator of the kit.
    const [first, second] = Emulator.unsafeMake({ ...options, firstBusinessId: Dataset.defaultBusinessId })
      .businessIds as [string, string]
    const tokens = [{ token: tokenA, businesses: [first] }, { token: tokenB, businesses: [second] }]
    const read = (businessId: string) => Effect.either(owned(businessId).pipe(GraphCredentials.asBusiness(businessId)))
    const run = (credentials: Record<string, string>) =>
      Effect.provideService(
        Effect.all([read(first), read(second)]),
        GraphCredentials.GraphCredentials,
        GraphCredentials.fromRecord(credentials)
      )
    return Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const [good, revoked] = yield* run({ [first]: tokenA, [second]: "EAAGrevokedTOKEN00000000000000003" })
      expect(good._tag === "Right" && good.right.body.data).toHaveLength(3)
      expect(revoked._tag === "Left" && revoked.left).toMatchObject({
        _tag: "GraphAuthError",
        code: 190,
        businessId: second
      })
      // A good token of another business: Graph says the token may not read this one.
      const [, crossed] = yield* run({ [first]: tokenA, [second]: tokenA })
      expect(crossed._tag === "Left" && crossed.left).toMatchObject({
        _tag: "GraphPermissionError",
        businessId: second
      })
      const log = yield* emulator.requests
      expect(log.map((entry) => [entry.businessId, entry.headers.authorization])).toEqual([
        [first, `Bearer ${tokenA}`],
        [second, "Bearer EAAGrevokedTOKEN00000000000000003"],
        [first, `Bearer ${tokenA}`],
        [second, `Bearer ${tokenA}`]
      ])
      if (revoked._tag === "Left") expect(Testing.everyRendering(revoked.left)).not.toContain("EAAGrevokedTOKEN")
    }).pipe(Effect.provide(Testing.inProcess({ ...options, tokens }, { retry: false })))
  })

  it.effect("an echoed business token, app secret or proof is scrubbed from errors; the error names the business", () => {
    const { layer } = Testing.scriptedClient((seen) =>
      Testing.graphError({
        message: `Error validating access token ${tokenB} (${
          seen.url.searchParams.get("appsecret_proof")
        }, ${secretB})`,
        code: 190,
        error_subcode: 463
      }, 401)
    )
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      const error = yield* Effect.flip(owned(beta).pipe(GraphCredentials.asBusiness(beta), recorder.run))
      expect(error).toMatchObject({ _tag: "GraphAuthError", code: 190, subcode: 463, businessId: beta })
      expect(error._tag === "GraphAuthError" && error.reauthorize).toBe(true)
      const everything = [Testing.everyRendering(error), recorder.dump()].join("\n")
      for (const secret of [tokenB, secretB, hmac(secretB, tokenB)]) expect(everything).not.toContain(secret)
      expect(recorder.spans[0]!.attributes.get("graph.business_id")).toBe(beta)
    }).pipe(
      Effect.provide(
        Layer.merge(layer, GraphCredentials.layer({ [beta]: { accessToken: tokenB, appSecret: secretB } }))
      )
    )
  })

  it("code 190 asks for re-authorisation with subcodes 458, 460, 463 and 467 only", () => {
    const auth = (code: number, subcode?: number) =>
      GraphError.fromErrorBody({ code, error_subcode: subcode, message: "m" }, {
        httpStatus: 401,
        route,
        usage: {},
        attempts: 1,
        scrub: (text) => text
      })
    const reauthorize = (code: number, subcode?: number) => {
      const error = auth(code, subcode)
      return error._tag === "GraphAuthError" && error.reauthorize
    }
    expect([458, 460, 463, 467].map((subcode) => reauthorize(190, subcode))).toEqual([true, true, true, true])
    expect([reauthorize(190), reauthorize(190, 459), reauthorize(102, 463), reauthorize(0)]).toEqual([
      false,
      false,
      false,
      false
    ])
  })
})

describe("the rate governor per business scope", () => {
  const me = (businessId: string) =>
    GraphClient.get({ route: "/{business-id}", params: { "business-id": businessId }, schema: Schema.Unknown })

  it.effect("one tenant's app limit holds its own calls, never another tenant's", () => {
    const server = Testing.scripted((seen) =>
      seen.headers.authorization === `Bearer ${tokenA}`
        ? Testing.graphError({ message: "Application request limit reached", code: 4 }, 403, {
          "x-app-usage": JSON.stringify({ call_count: 100, total_cputime: 10, total_time: 10 })
        })
        : { body: { id: beta } }
    )
    const layer = GraphClient.layer.pipe(
      Layer.provide(RateGovernor.layerMemory()),
      Layer.provide(GraphConfig.layer({ accessToken: Testing.token, retry: false })),
      Layer.provide(server.layer)
    )
    return Effect.gen(function*() {
      const refused = yield* Effect.flip(me(alpha).pipe(GraphCredentials.asBusiness(alpha)))
      expect(refused).toMatchObject({ _tag: "GraphRateLimitError", code: 4, businessId: alpha })
      const heldA = yield* Effect.fork(me(alpha).pipe(GraphCredentials.asBusiness(alpha)))
      // Another tenant's call, and a call with the config's token, go at once.
      const fromB = yield* Effect.fork(me(beta).pipe(GraphCredentials.asBusiness(beta)))
      const fromConfig = yield* Effect.fork(me(beta))
      yield* TestClock.adjust("1 second")
      expect(server.seen.map((s) => s.headers.authorization)).toEqual([
        `Bearer ${tokenA}`,
        `Bearer ${tokenB}`,
        `Bearer ${Testing.token}`
      ])
      yield* Fiber.join(fromB)
      yield* Fiber.join(fromConfig)
      // Alpha's own call waits for its probe: at 100% of 200 calls an hour, a quarter of the window.
      yield* TestClock.adjust("898 seconds")
      expect(server.seen).toHaveLength(3)
      yield* TestClock.adjust("1 second")
      yield* Effect.flip(Fiber.join(heldA))
      expect(server.seen).toHaveLength(4)
    }).pipe(Effect.provide(Layer.merge(layer, GraphCredentials.layer({ [alpha]: tokenA, [beta]: tokenB }))))
  })
})
