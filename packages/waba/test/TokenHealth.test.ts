import { Emulator, Testing } from "@effect-waba/emulator"
import { GraphCredentials } from "@effect-waba/graph-core"
import { ManagedAccounts, TokenHealth } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"

const [A, B, C, D, E, F] = ["1000000001", "1000000002", "1000000003", "1000000004", "1000000005", "1000000006"]
const tokenOf = (id: string) => `EAAGtoken${id}0000000000`
const start = Date.UTC(2026, 0, 1)
const day = 86_400_000

// Six businesses, each with its own token: A and C good, B expired, D without the WABA scope, E expiring
// in three days; F is given a token the emulator never issued.
const emulator = {
  seed: 5,
  clock: { start, frozen: true },
  businesses: [A, B, C, D, E, F].map((id) => ({ id, accounts: 3, clientAccounts: 2, phoneNumbers: 3 })),
  tokens: [
    { token: tokenOf(A), businesses: [A] },
    { token: tokenOf(B), businesses: [B], expiresAt: start - day },
    { token: tokenOf(C), businesses: [C] },
    { token: tokenOf(D), businesses: [D], scopes: ["business_management"] },
    { token: tokenOf(E), businesses: [E], expiresAt: start + 3 * day },
    // The partner's token, for every business: the accounts shared among them are one target each.
    { token: "EAAGpartnerEveryBusiness0000000", businesses: [A, B, C, D, E, F] }
  ]
}

const credentials = GraphCredentials.layer({
  [A]: tokenOf(A),
  [B]: tokenOf(B),
  [C]: tokenOf(C),
  [D]: tokenOf(D),
  [E]: tokenOf(E),
  [F]: "EAAGneverIssued000000000000000"
})

const agency = Layer.merge(Testing.inProcess(emulator, { retry: false }), credentials)

const accountIdsOf = (businessId: string) =>
  Effect.gen(function*() {
    const emulator = yield* Emulator.Emulator
    const owned = yield* emulator.accounts(businessId)
    const shared = yield* emulator.clientAccounts(businessId)
    return [...owned, ...shared].map((account) => account.id).sort()
  })

describe("TokenHealth", () => {
  it("decodes debug_token: 0 as never, ids as strings, granular scopes matched by membership", () => {
    const decode = (data: unknown) => Schema.decodeUnknownSync(TokenInfoAnswer)(data).data
    const one = decode({
      data: {
        app_id: "1000000000000001",
        type: "SYSTEM_USER",
        is_valid: true,
        expires_at: 0,
        data_access_expires_at: "1767225600",
        scopes: ["whatsapp_business_management", "business_management"],
        granular_scopes: [
          { scope: "whatsapp_business_management", target_ids: ["301", 302, "303"] },
          { scope: "business_management" }
        ],
        user_id: 42,
        issued_at: null
      }
    })
    const shuffled = decode({
      data: {
        is_valid: true,
        scopes: ["whatsapp_business_management", "business_management"],
        granular_scopes: [{ scope: "business_management" }, {
          scope: "whatsapp_business_management",
          target_ids: ["303", "301", 302]
        }]
      }
    })
    expect(one).toMatchObject({ appId: "1000000000000001", isValid: true, userId: "42" })
    expect(one.expiresAt).toBeUndefined()
    expect(one.dataAccessExpiresAt).toEqual(new Date(1_767_225_600_000))
    for (const info of [one, shuffled]) {
      expect([...TokenHealth.targetsOf(info, "whatsapp_business_management")!].sort()).toEqual(["301", "302", "303"])
      expect(TokenHealth.grants(info, "whatsapp_business_management", "302")).toBe(true)
      expect(TokenHealth.grants(info, "whatsapp_business_management", "304")).toBe(false)
      // No target ids: every object of that kind.
      expect(TokenHealth.grants(info, "business_management", "999")).toBe(true)
      expect(TokenHealth.grants(info, "whatsapp_business_messaging")).toBe(false)
    }
    const invalid = decode({
      data: { is_valid: false, scopes: [], error: { code: 190, subcode: 460, message: "password changed" } }
    })
    expect(invalid).toMatchObject({
      isValid: false,
      scopes: [],
      granularScopes: [],
      error: { code: 190, subcode: 460 }
    })
  })

  it.effect("checks every business's token: valid, expiring, invalid (re-authorise), missing scope, unchecked", () => {
    const recorder = Testing.recorder()
    return Effect.gen(function*() {
      // Effect's clock reads the same time as the emulator's.
      yield* TestClock.setTime(start)
      const reports = yield* TokenHealth.check([A, B, C, D, E, F, "1000000007"], { expiringWithin: "7 days" }).pipe(
        recorder.run
      )
      const byId = Object.fromEntries(reports.map((report) => [report.businessId, report]))
      expect(reports.map((report) => [report.businessId, report.status, report.reauthorize])).toEqual([
        [A, "Valid", false],
        [B, "Invalid", true],
        [C, "Valid", false],
        [D, "MissingScope", false],
        [E, "Expiring", false],
        [F, "Invalid", false],
        ["1000000007", "Unchecked", false]
      ])
      // The WABAs a token sees: what its business owns and is shared, however Graph orders them.
      expect([...byId[A]!.accountIds!].sort()).toEqual(yield* accountIdsOf(A))
      expect(byId[E]!.expiresAt).toEqual(new Date(start + 3 * day))
      expect(byId[D]!.missingScopes).toEqual(["whatsapp_business_management"])
      expect(byId[B]!.error).toMatchObject({ _tag: "GraphAuthError", code: 190, subcode: 463, businessId: B })
      expect(byId["1000000007"]!.error).toMatchObject({ _tag: "GraphCredentialsError", reason: "Missing" })
      // Each token inspected itself, and went nowhere else.
      const log = yield* (yield* Emulator.Emulator).requests
      for (const entry of log) {
        expect(entry.path).toBe("/v27.0/debug_token")
        expect(entry.headers.authorization).toBe(`Bearer ${entry.query.input_token}`)
      }
      const printed = [recorder.dump(), ...reports.map((report) => Testing.everyRendering(report.error))].join("\n")
      for (const id of [A, B, C, D, E]) expect(printed).not.toContain(tokenOf(id))
      expect(printed).not.toContain("EAAGneverIssued")
    }).pipe(Effect.provide(agency))
  })

  it.effect("a token another token inspects: expired is invalid with 190/463; target ids come in no fixed order", () =>
    Effect.gen(function*() {
      const expired = yield* TokenHealth.inspect(Redacted.make(tokenOf(B)))
      expect(expired).toMatchObject({ isValid: false, error: { code: 190, subcode: 463 } })
      const orders = new Set<string>()
      for (let i = 0; i < 5; i++) {
        const info = yield* TokenHealth.inspect(Redacted.make(tokenOf(A)))
        const targets = TokenHealth.targetsOf(info, "whatsapp_business_management")!
        orders.add(targets.join(","))
        expect([...targets].sort()).toEqual(yield* accountIdsOf(A))
      }
      expect(orders.size).toBeGreaterThan(1)
    }).pipe(Effect.provide(agency)))

  it.effect("an account owned by one of a token's businesses and shared with another is listed once", () =>
    Effect.gen(function*() {
      const info = yield* TokenHealth.inspect(Redacted.make("EAAGpartnerEveryBusiness0000000"))
      const targets = TokenHealth.targetsOf(info, "whatsapp_business_management")!
      const every = new Set<string>()
      for (const id of [A, B, C, D, E, F]) for (const account of yield* accountIdsOf(id)) every.add(account)
      // Shared accounts are owned within the set, so the union is smaller than the sum of the lists.
      expect(every.size).toBeLessThan(6 * 5)
      expect([...targets].sort()).toEqual([...every].sort())
    }).pipe(Effect.provide(agency)))
})

describe("ManagedAccounts with a token per business", () => {
  it.effect("each business is read with its own token; a wrong or expired one fails that business only", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const results = Chunk.toReadonlyArray(
        yield* Stream.runCollect(
          ManagedAccounts.stream([A, B, C, F], { expand: { phone_numbers: { limit: 1 } }, concurrency: 4 })
        )
      )
      const failures = results.filter((result) => result._tag === "Failure")
      expect(failures.map((failure) => [failure.businessId, failure.edge])).toEqual(
        expect.arrayContaining([[B, "owned"], [B, "client"], [F, "owned"], [F, "client"]])
      )
      expect(failures).toHaveLength(4)
      for (const failure of failures) {
        expect(failure.error).toMatchObject({ _tag: "GraphAuthError", code: 190, businessId: failure.businessId })
        const reauthorize = failure.error._tag === "GraphAuthError" && failure.error.reauthorize
        expect(reauthorize).toBe(failure.businessId === B)
      }
      const done = results.filter((result) => result._tag === "BusinessDone").map((result) => result.businessId)
      expect([...done].sort()).toEqual([A, C])
      const accounts = results.filter(ManagedAccounts.isAccount)
      expect(accounts.map((result) => result.account.id).sort()).toEqual(
        [...new Set([...(yield* accountIdsOf(A)), ...(yield* accountIdsOf(C))])].sort()
      )
      // Every request went with the token of a business that may read what it asked for: its own edges,
      // and the phone numbers of the accounts first seen on it.
      const readers = new Map<string, Set<string>>()
      for (const id of [A, B, C, F]) {
        for (const account of yield* accountIdsOf(id)) readers.set(account, (readers.get(account) ?? new Set()).add(id))
      }
      const log = yield* emulator.requests
      expect(log.some((entry) => entry.path.endsWith("/phone_numbers"))).toBe(true)
      for (const entry of log) {
        const id = entry.businessId!
        const allowed = [A, B, C, F].includes(id) ? [id] : [...readers.get(id)!]
        expect(
          allowed.map((business) => `Bearer ${business === F ? "EAAGneverIssued000000000000000" : tokenOf(business)}`)
        )
          .toContain(entry.headers.authorization)
      }
    }).pipe(Effect.provide(agency)))
})

const TokenInfoAnswer = Schema.Struct({ data: TokenHealth.TokenInfo })
