import { describe, expect, it } from "@effect/vitest"
import { Business, FacebookAdsApi } from "facebook-nodejs-business-sdk"
import { startEmulator } from "../src/PromiseApi.js"

// The SDK's Cursor type, as its typings return it (the package does not export the class by name).
type Cursor = Awaited<ReturnType<Business["getOwnedWhatsAppBusinessAccounts"]>>

// Meta's own Node SDK is a client none of us wrote: if it pages through the emulator with its own
// Cursor and sees every account exactly once, the emulator speaks Graph's paging as real clients expect.
describe("Meta's Node business SDK against the emulator", () => {
  it("pages through every account of a business exactly once with the SDK's Cursor", async () => {
    const emu = await startEmulator({ seed: "meta-sdk", businesses: [123, 4], rateLimit: false })
    // The SDK builds every first-page URL from the static getter `FacebookAdsApi.GRAPH`, which returns
    // "https://graph.facebook.com" (its axios baseURL comes from it too). Babel compiled that getter as a
    // configurable property, so it can be redefined to the emulator's origin for the duration of the test.
    // Later pages need no redirect: the SDK follows `paging.next` verbatim, and those links point at the
    // emulator already.
    const original = Object.getOwnPropertyDescriptor(FacebookAdsApi, "GRAPH")!
    Object.defineProperty(FacebookAdsApi, "GRAPH", { configurable: true, get: () => emu.url })
    try {
      // crash_log = false: otherwise the SDK installs a process-wide handler that reports to Meta.
      FacebookAdsApi.init(emu.token, "en_US", false)
      const business = emu.businessIds[0]!
      let cursor = await new Business(business).getOwnedWhatsAppBusinessAccounts(
        ["id", "name", "creation_time", "ownership_type"],
        { limit: 10 }
      ) as Cursor
      const seen: Array<string> = cursor.map((account: any) => account.id)
      let pages = 1
      while (cursor.hasNext()) {
        cursor = await cursor.next()
        seen.push(...cursor.map((account: any) => account.id))
        pages++
      }
      expect(pages).toBe(13)
      expect(new Set(seen).size).toBe(123)
      expect(seen).toEqual(emu.accounts(business).map((account) => account.id))

      // The SDK sent its token in the query, and the emulator's next links carried it on every page.
      const log = emu.requests()
      expect(log).toHaveLength(13)
      expect(log.every((entry) => entry.query["access_token"] === emu.token && entry.status === 200)).toBe(true)
      expect(log[0]!.apiVersion).toBe(FacebookAdsApi.VERSION)
      expect(log[0]!.headers["user-agent"]).toMatch(/^fbbizsdk-nodejs-v/)
    } finally {
      Object.defineProperty(FacebookAdsApi, "GRAPH", original)
      await emu.stop()
    }
  })
})
