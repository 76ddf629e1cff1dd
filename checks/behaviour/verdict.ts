/**
 * Whether a read's outcome is what its scenario expects, and never a defect, a duplicate or a leak.
 */
import { expect } from "vitest"
import type { Expected, Outcome, Sent } from "./model.js"

export const verdict = (
  expected: Expected,
  outcome: Outcome,
  sent: ReadonlyArray<Sent>,
  secrets: ReadonlyArray<string>
): void => {
  expect(outcome.defect, "a defect or an interruption instead of a typed outcome").toBeUndefined()
  if (expected.error === undefined) {
    expect(outcome.error, "the read should have succeeded").toBeUndefined()
  } else {
    expect(outcome.error?._tag, `the failure (got ${outcome.error?.message})`).toBe(expected.error)
    if (expected.errorMatches !== undefined) {
      expect({ ...outcome.error?.fields, message: outcome.error?.message }).toMatchObject(expected.errorMatches)
    }
    if (expected.maxMessage !== undefined) {
      expect(outcome.error!.message.length, "the message's length").toBeLessThanOrEqual(expected.maxMessage)
    }
  }
  if (expected.maxRenderings !== undefined) {
    expect(outcome.renderings.length, "the renderings' length").toBeLessThanOrEqual(expected.maxRenderings)
  }
  const ids = outcome.items.map((item) => item["id"])
  expect(ids.filter((id, index) => ids.indexOf(id) !== index), "items that arrived twice").toEqual([])
  if (expected.ids !== undefined) expect(ids).toEqual(expected.ids)
  if (expected.items !== undefined) expect(outcome.items).toEqual(expected.items)
  if (expected.requests !== undefined) {
    expect(sent.map((request) => request.path), "the requests the server received").toHaveLength(expected.requests)
  }
  if (expected.failures !== undefined) {
    const failures = (outcome.fanOut?.failures ?? []).map((failure) => [failure.businessId, failure.edge, failure.tag])
    expect(failures.sort()).toEqual([...expected.failures].map((failure) => [...failure]).sort())
  }
  if (expected.done !== undefined) expect([...outcome.fanOut?.done ?? []].sort()).toEqual([...expected.done].sort())

  // The proofs travel in the query (Graph takes them nowhere else), but nothing may echo them back out.
  const proofs = sent.flatMap((request) => request.query["appsecret_proof"] ?? [])
  for (const secret of [...secrets, ...proofs, ...expected.absent ?? []]) {
    expect(outcome.renderings.includes(secret), `"${secret.slice(0, 12)}…" appears in the output`).toBe(false)
  }
  for (const request of sent) {
    expect(request.query, "the token travels in the Authorization header only").not.toHaveProperty("access_token")
    const url = `${request.path}?${new URLSearchParams(request.query)}`
    for (const secret of secrets) expect(url.includes(secret), "a secret in a URL").toBe(false)
  }
}
