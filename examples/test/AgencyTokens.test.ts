import { Emulator, Testing } from "@effect-waba/emulator"
import { GraphCredentials } from "@effect-waba/graph-core"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as AgencyTokens from "../src/AgencyTokens.js"

const ids = ["3000000001", "3000000002", "3000000003", "3000000004"]
const tokenOf = (id: string) => `EAAGexample${id}00000000`
const start = Date.UTC(2026, 0, 1)

describe("example: the agency job with a token per business", () => {
  it.effect("checks the tokens first, reads the good ones with their own, and lists who must re-authorise", () =>
    Effect.gen(function*() {
      const outcome = yield* AgencyTokens.run(ids)
      const emulator = yield* Emulator.Emulator
      // The first two businesses' accounts; the third's token expired, the fourth's was never issued.
      const expected = new Set<string>()
      for (const id of ids.slice(0, 2)) {
        for (const accountId of (yield* Testing.managedOracle(id)).keys()) expected.add(accountId)
      }
      expect(outcome.accounts).toBe(expected.size)
      expect(outcome.skipped.map((report) => [report.businessId, report.status])).toEqual([
        [ids[2], "Invalid"],
        [ids[3], "Invalid"]
      ])
      expect(outcome.reauthorize).toEqual([ids[2]])
      expect(outcome.failures).toEqual([])
      // Nothing was read with a token that did not work, and nothing with another business's token.
      for (const entry of yield* emulator.requests) {
        if (entry.path.endsWith("_whatsapp_business_accounts")) {
          expect(entry.headers.authorization).toBe(`Bearer ${tokenOf(entry.businessId!)}`)
        }
      }
    }).pipe(Effect.provide(Layer.merge(
      Testing.inProcess({
        clock: { start, frozen: true },
        businesses: ids.map((id) => ({ id, accounts: 4, clientAccounts: 1 })),
        tokens: [
          { token: tokenOf(ids[0]!), businesses: [ids[0]!] },
          { token: tokenOf(ids[1]!), businesses: [ids[1]!] },
          { token: tokenOf(ids[2]!), businesses: [ids[2]!], expiresAt: start - 1 }
        ]
      }),
      GraphCredentials.layer(Object.fromEntries(ids.map((id) => [id, tokenOf(id)])))
    ))))
})
