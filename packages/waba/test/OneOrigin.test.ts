import { Testing } from "@effect-waba/emulator"
import { GraphCredentials } from "@effect-waba/graph-core"
import { ManagedAccounts, OwnedAccounts } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const business = "1234567890"
const businessToken = "EAAGbusinessTOKEN000000000000007"

// Page links that point away from Graph: another host, another scheme, a user-info trick.
const elsewhere = [
  "https://graph.facebook.com.evil.example/v27.0/1234567890/owned_whatsapp_business_accounts?after=C1",
  "http://graph.facebook.com/v27.0/1234567890/owned_whatsapp_business_accounts?after=C2",
  "https://graph.facebook.com@evil.example/v27.0/1234567890/owned_whatsapp_business_accounts?after=C3",
  "javascript:alert(1)//?after=C4"
]

describe("one origin", () => {
  it.effect("a next link on another origin or scheme is never requested: only its cursor is read", () => {
    const { layer, seen } = Testing.scriptedClient(
      (_, i) => i < elsewhere.length ? Testing.page([`${900 + i}`], elsewhere[i]) : Testing.page(["999"]),
      { appSecret: Testing.appSecret }
    )
    return Effect.gen(function*() {
      const read = <A, E, R>(reads: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(reads), Chunk.size)
      expect(yield* read(OwnedAccounts.stream(business))).toBe(elsewhere.length + 1)
      // The same inside a business scope, with the business's own token.
      expect(
        yield* read(
          ManagedAccounts.stream([business], { edges: ["owned"] }).pipe(Stream.filter(ManagedAccounts.isAccount))
        )
      ).toBe(1)
      const origins = new Set(seen.map((request) => request.url.origin))
      expect([...origins]).toEqual(["https://graph.facebook.com"])
      expect(seen.slice(1, elsewhere.length + 1).map((request) => request.url.searchParams.get("after"))).toEqual([
        "C1",
        "C2",
        "C3",
        "C4"
      ])
      // Credentials went to Graph alone, the proof with them.
      expect(seen.every((request) => request.url.searchParams.has("appsecret_proof"))).toBe(true)
      expect(
        seen.slice(elsewhere.length + 1).every((request) => request.headers.authorization === `Bearer ${businessToken}`)
      )
        .toBe(true)
    }).pipe(Effect.provide(Layer.merge(layer, GraphCredentials.layer({ [business]: businessToken }))))
  })
})
