/**
 * Token health on the Effect 4 line, against the emulator: each business's token inspected by itself with
 * `debug_token`, judged valid, expiring, invalid (with "re-authorise this business" for 190/463), missing a
 * scope, or unchecked; granular scopes matched by membership; no token in any report, error or log; and the
 * check batched in one round trip.
 */
import { defaultToken } from "@effect-waba/emulator/Emulator"
import { type RunningEmulator, startEmulator } from "@effect-waba/emulator/PromiseApi"
import { GraphBatch, GraphClient, GraphConfig, GraphCredentials } from "@effect-waba/graph-core"
import { TokenHealth } from "@effect-waba/waba"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { inspect } from "node:util"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { value } from "./fixture.js"

const [A, B, C, D, E, F] = ["1000000001", "1000000002", "1000000003", "1000000004", "1000000005", "1000000006"]
const tokenOf = (id: string) => `EAAGtoken${id}0000000000`
const never = "EAAGneverIssued000000000000000"
const partner = "EAAGpartnerEveryBusiness0000000"
const day = 86_400_000
// The emulator's clock stands still at the start of this run, so that Effect's clock (the real one) and
// the emulator's agree on what expires when.
const start = Math.floor(Date.now() / 1000) * 1000

let emulator: RunningEmulator
beforeAll(async () => {
  emulator = await startEmulator({
    host: "127.0.0.1",
    clock: { start, frozen: true },
    businesses: [A, B, C, D, E, F].map((id) => ({ id, accounts: 3, clientAccounts: 2, phoneNumbers: 1 })),
    // A and C good, B expired, D without the WABA scope, E expiring in three days; F's token was never issued.
    tokens: [
      { token: tokenOf(A), businesses: [A] },
      { token: tokenOf(B), businesses: [B], expiresAt: start - day },
      { token: tokenOf(C), businesses: [C] },
      { token: tokenOf(D), businesses: [D], scopes: ["business_management"] },
      { token: tokenOf(E), businesses: [E], expiresAt: start + 3 * day },
      { token: partner, businesses: [A, B, C, D, E, F] }
    ],
    rateLimit: false
  })
})
afterAll(() => emulator.stop())

const credentials = GraphCredentials.layer({
  [A]: tokenOf(A),
  [B]: tokenOf(B),
  [C]: tokenOf(C),
  [D]: tokenOf(D),
  [E]: tokenOf(E),
  [F]: never
})

const run = <A, E>(effect: Effect.Effect<A, E, GraphClient.GraphClient | GraphCredentials.GraphCredentials>) =>
  Effect.runPromiseExit(Effect.provide(
    effect,
    GraphClient.layer.pipe(
      Layer.provideMerge(credentials),
      Layer.provide(GraphConfig.layer({ accessToken: defaultToken, baseUrl: emulator.url, retry: false })),
      Layer.provide(FetchHttpClient.layer)
    )
  ))

// The WABAs a business owns and is shared.
const accountIdsOf = (businessId: string) =>
  [...emulator.accounts(businessId), ...emulator.clientAccounts(businessId)].map((account) => account.id).sort()

const rendered = (value: unknown) => [JSON.stringify(value), String(value), inspect(value, { depth: 8 })].join("\n")

describe("TokenHealth (Effect 4)", () => {
  it("checks every business's token: valid, expiring, invalid (re-authorise), missing scope, unchecked", async () => {
    emulator.resetRequests()
    const reports = value(await run(TokenHealth.check([A, B, C, D, E, F, "1000000007"], { expiringWithin: "7 days" })))
    expect(reports.map((report) => [report.businessId, report.status, report.reauthorize])).toEqual([
      [A, "Valid", false],
      [B, "Invalid", true],
      [C, "Valid", false],
      [D, "MissingScope", false],
      [E, "Expiring", false],
      [F, "Invalid", false],
      ["1000000007", "Unchecked", false]
    ])
    const byId = Object.fromEntries(reports.map((report) => [report.businessId, report]))
    // The WABAs a token sees: what its business owns and is shared, however Graph orders them.
    expect([...byId[A]!.accountIds!].sort()).toEqual(accountIdsOf(A))
    expect(byId[A]!.expiresAt).toBeUndefined()
    expect(byId[A]!.token).toMatchObject({
      isValid: true,
      scopes: expect.arrayContaining(["whatsapp_business_management"])
    })
    expect(byId[E]!.expiresAt).toEqual(new Date(start + 3 * day))
    expect(byId[D]!.missingScopes).toEqual(["whatsapp_business_management"])
    expect(byId[B]!.error).toMatchObject({ _tag: "GraphAuthError", code: 190, subcode: 463, businessId: B })
    expect(byId["1000000007"]!.error).toMatchObject({ _tag: "GraphCredentialsError", reason: "Missing" })
    // Each token inspected itself, and went nowhere else.
    const log = emulator.requests()
    expect(log).toHaveLength(6)
    for (const entry of log) {
      expect(entry.path).toBe("/v27.0/debug_token")
      expect(entry.headers.authorization).toBe(`Bearer ${entry.query.input_token}`)
    }
    const printed = rendered(reports)
    for (const id of [A, B, C, D, E]) expect(printed).not.toContain(tokenOf(id))
    expect(printed).not.toContain(never)
  })

  it("a token another inspects: expired is invalid with 190/463 (re-authorise); targets matched by membership", async () => {
    const expired = value(await run(TokenHealth.inspect(Redacted.make(tokenOf(B)))))
    expect(expired).toMatchObject({ isValid: false, error: { code: 190, subcode: 463 } })
    const orders = new Set<string>()
    for (let i = 0; i < 5; i++) {
      const info = value(await run(TokenHealth.inspect(Redacted.make(tokenOf(A)))))
      const targets = TokenHealth.targetsOf(info, "whatsapp_business_management")!
      orders.add(targets.join(","))
      expect([...targets].sort()).toEqual(accountIdsOf(A))
      const [some] = accountIdsOf(A)
      expect(TokenHealth.grants(info, "whatsapp_business_management", some)).toBe(true)
      const outside = [B, C, D, E, F].flatMap(accountIdsOf).find((id) => !accountIdsOf(A).includes(id))
      expect(TokenHealth.grants(info, "whatsapp_business_management", outside)).toBe(false)
    }
    // Graph's order is not stable: membership is what counts.
    expect(orders.size).toBeGreaterThan(1)
    // Accounts owned by one business and shared with another are one target each.
    const all = value(await run(TokenHealth.inspect(Redacted.make(partner))))
    const every = new Set([A, B, C, D, E, F].flatMap(accountIdsOf))
    expect([...TokenHealth.targetsOf(all, "whatsapp_business_management")!].sort()).toEqual([...every].sort())
  })

  it("checked in batches, each item with its business's token; bad options refused before any request", async () => {
    emulator.resetRequests()
    const reports = value(await run(TokenHealth.check([A, B, C, D, E, F]).pipe(GraphBatch.batching())))
    expect(reports.map((report) => report.status)).toEqual([
      "Valid",
      "Invalid",
      "Valid",
      "MissingScope",
      // Seven days by default.
      "Expiring",
      "Invalid"
    ])
    expect(reports[1]!.reauthorize).toBe(true)
    const log = emulator.requests()
    expect(log.filter((entry) => entry.transport !== "batch").map((entry) => `${entry.method} ${entry.path}`))
      .toEqual(["POST /"])
    for (const entry of log.filter((entry) => entry.transport === "batch")) {
      expect(entry.query.access_token).toBe(entry.query.input_token)
    }
    expect(rendered(reports)).not.toContain(tokenOf(B))
    emulator.resetRequests()
    for (const options of [{ concurrency: 0 }, { expiringWithin: "soon" as never }]) {
      const exit = await run(TokenHealth.check([A], options))
      expect(Exit.isFailure(exit) && exit.cause.reasons[0]).toMatchObject({
        _tag: "Fail",
        error: { _tag: "InvalidRequestError" }
      })
    }
    expect(emulator.requests()).toHaveLength(0)
  })
})
