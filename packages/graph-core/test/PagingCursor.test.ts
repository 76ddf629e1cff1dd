import { describe, expect, it } from "@effect/vitest"
import { nextCursor } from "../src/internal/paging.js"

// What the cursor of a `next` link is, by the URL standard's own reading of its query.
const reference = (next: string, after: string | undefined): string | undefined => {
  const query = next.indexOf("?")
  const fromLink = query === -1 ? null : new URLSearchParams(next.slice(query + 1)).get("after")
  return fromLink !== null && fromLink !== "" ? fromLink : after
}

const base = "https://graph.facebook.com/v23.0/1/owned_whatsapp_business_accounts"

describe("paging cursors", () => {
  it("the cursor read from a next link is the one URLSearchParams reads, however the query is written", () => {
    const queries = [
      "?limit=100&after=QVFIUmFiYzEyMw",
      "?after=QVFIUmFiYzEyMw&limit=100",
      "?after=QVFIUm%3D%3D&limit=100",
      "?after=a+b",
      "?after=",
      "?after=&after=second",
      "?xafter=1&after=2",
      "?a%66ter=first&after=second",
      "?after=first&after=second",
      "?limit=1&after=abc#fragment",
      "?after=abc#fragment",
      "?fields=id%2Cname&after=abc",
      "?fields=a+b&after=abc",
      "?after",
      "?&&after=x&&",
      "?AFTER=upper&after=lower",
      "?after=~._-",
      "?after=%E2%9C%93",
      ""
    ]
    for (const query of queries) {
      for (const fallback of [undefined, "fromCursors"]) {
        expect(nextCursor(`${base}${query}`, fallback), query).toBe(reference(`${base}${query}`, fallback))
      }
    }
    // Random queries from pieces that decode differently, checked the same way.
    const pieces = ["after=", "after", "a", "%61", "%", "+", "&", "=", "#", "b_-.~", "QV"]
    let seed = 42
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    for (let i = 0; i < 2000; i++) {
      let query = "?"
      const length = 1 + Math.floor(random() * 8)
      for (let j = 0; j < length; j++) query += pieces[Math.floor(random() * pieces.length)]
      expect(nextCursor(`${base}${query}`, "c"), query).toBe(reference(`${base}${query}`, "c"))
    }
  })
})
