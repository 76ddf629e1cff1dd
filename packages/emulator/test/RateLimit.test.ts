import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Emulator } from "../src/Emulator.js"
import { edgeUrl, get, inProcess } from "./helpers.js"

// The wire shapes, read the way a client reads them (a record of arrays keyed by object id).
const UsageHeaders = {
  decodeBusinessUseCaseUsage: (header: string): Record<string, Array<any>> => JSON.parse(header),
  decodeAppUsage: (header: string): any => JSON.parse(header)
}

describe("rate limiting", () => {
  it.layer(
    inProcess({
      seed: "rate",
      businesses: [3, 3],
      rateLimit: { businessCalls: 10, window: "1 hour", usageHeadersFrom: 1 }
    })
  )(
    (it) => {
      it.effect("usage headers grow with each call, then 80008 with a regain time in minutes, until the window passes", () =>
        Effect.gen(function*() {
          const emulator = yield* Emulator
          const [business, other] = emulator.businessIds as [string, string]
          const percents: Array<number> = []
          for (let call = 1; call <= 10; call++) {
            const ok = yield* get(edgeUrl(business))
            expect(ok.status).toBe(200)
            const usage = UsageHeaders.decodeBusinessUseCaseUsage(ok.headers["x-business-use-case-usage"]!)
            expect(Object.keys(usage)).toEqual([business])
            const [entry] = usage[business]!
            expect(entry!.type).toBe("whatsapp_business_management")
            // At 100% the next call will be refused, so the regain time is already announced.
            expect(entry!.estimated_time_to_regain_access > 0).toBe(call === 10)
            percents.push(entry!.call_count)
            // No app-wide cap unless one is asked for: Meta documents none for these reads.
            expect(ok.headers["x-app-usage"]).toBeUndefined()
          }
          expect(percents).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100])

          const throttled = yield* get(edgeUrl(business))
          expect(throttled.status).toBe(400)
          expect(throttled.body.error).toMatchObject({
            code: 80008,
            type: "OAuthException",
            message: "There have been too many calls to this WhatsApp Business account. Wait a bit and try again. " +
              "For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting."
          })
          const [entry] = UsageHeaders.decodeBusinessUseCaseUsage(throttled.headers["x-business-use-case-usage"]!)[
            business
          ]!
          expect(entry!.call_count).toBe(100)
          // The first call leaves the one-hour window in just under 60 minutes.
          expect(entry!.estimated_time_to_regain_access).toBeGreaterThan(0)
          expect(entry!.estimated_time_to_regain_access).toBeLessThanOrEqual(60)

          // Another business has its own budget.
          expect((yield* get(edgeUrl(other))).status).toBe(200)

          yield* emulator.advanceClock("30 minutes")
          expect((yield* get(edgeUrl(business))).body.error.code).toBe(80008)
          yield* emulator.advanceClock("31 minutes")
          const restored = yield* get(edgeUrl(business))
          expect(restored.status).toBe(200)
          const [after] = UsageHeaders.decodeBusinessUseCaseUsage(restored.headers["x-business-use-case-usage"]!)[
            business
          ]!
          expect(after!.call_count).toBe(10)
        }))
    }
  )

  it.layer(
    inProcess({ seed: "app", businesses: [3, 3], rateLimit: { businessCalls: 100, appCalls: 4, usageHeadersFrom: 1 } })
  )((it) => {
    it.effect("the app-level budget spans businesses and answers code 4 with 429 and subcode 2446079, as Meta's spec", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const [a, b] = emulator.businessIds as [string, string]
        const usages: Array<number> = []
        for (const business of [a, b, a, b]) {
          const ok = yield* get(edgeUrl(business))
          usages.push(UsageHeaders.decodeAppUsage(ok.headers["x-app-usage"]!).call_count)
        }
        expect(usages).toEqual([25, 50, 75, 100])
        const limited = yield* get(edgeUrl(b))
        expect(limited.status).toBe(429)
        expect(limited.body.error).toMatchObject({
          code: 4,
          error_subcode: 2446079,
          is_transient: true,
          message: "(#4) Application request limit reached"
        })
        yield* emulator.setQuirks({ legacyStatuses: true })
        const legacy = yield* get(edgeUrl(b))
        yield* emulator.setQuirks({ legacyStatuses: false })
        expect(legacy.status).toBe(403)
        expect(legacy.body.error.error_subcode).toBeUndefined()
        yield* emulator.resetRateLimits
        expect((yield* get(edgeUrl(b))).status).toBe(200)
      }))
  })

  it.layer(inProcess({ seed: "threshold", businesses: [5], rateLimit: { accountCalls: 4, appCalls: 5000 } }))((it) => {
    it.effect("usage headers appear only from the third call in a window; an account's own paths are keyed by it", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        const business = emulator.businessIds[0]!
        const present: Array<boolean> = []
        for (let call = 1; call <= 4; call++) {
          const ok = yield* get(edgeUrl(business))
          present.push(ok.headers["x-business-use-case-usage"] !== undefined)
          expect(ok.headers["x-app-usage"] !== undefined).toBe(call >= 3)
        }
        expect(present).toEqual([false, false, true, true])

        const [account] = yield* emulator.accounts(business)
        const url = `https://graph.facebook.com/v23.0/${account!.id}/phone_numbers`
        const first = yield* get(url)
        // A new key has its own window: nothing yet, even though the app has seen calls.
        expect(first.headers["x-business-use-case-usage"]).toBeUndefined()
        yield* get(url)
        const third = yield* get(`https://graph.facebook.com/v23.0/${account!.id}`)
        const usage = UsageHeaders.decodeBusinessUseCaseUsage(third.headers["x-business-use-case-usage"]!)
        expect(Object.keys(usage)).toEqual([account!.id])
        expect(usage[account!.id]!.map((entry) => entry.type)).toEqual(["whatsapp_business_management", "whatsapp"])
        expect(usage[account!.id]![0].call_count).toBe(75)
        yield* get(url)
        const refused = yield* get(url)
        expect(refused.body.error.code).toBe(80008)
        expect(UsageHeaders.decodeBusinessUseCaseUsage(refused.headers["x-business-use-case-usage"]!)[account!.id]![0])
          .toMatchObject({ call_count: 100 })
        // The business's own budget is untouched by its account's calls.
        expect((yield* get(edgeUrl(business))).status).toBe(200)
      }))
  })

  it.layer(inProcess({ seed: "off", businesses: [3], rateLimit: false }))((it) => {
    it.effect("can be turned off: no budget, no usage headers", () =>
      Effect.gen(function*() {
        const emulator = yield* Emulator
        for (let call = 0; call < 250; call++) {
          const ok = yield* get(edgeUrl(emulator.businessIds[0]!))
          expect(ok.status).toBe(200)
          expect(ok.headers["x-business-use-case-usage"]).toBeUndefined()
        }
      }))
  })
})
