import { GraphError } from "@effect-waba/graph-core"
import { ClientAccounts, OwnedAccounts, PhoneNumbers, WhatsAppBusinessAccount } from "@effect-waba/waba"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { createHmac } from "node:crypto"
import type * as Changes from "../src/Changes.js"
import * as Emulator from "../src/Emulator.js"
import * as Testing from "../src/Testing.js"
import { get, inProcess } from "./helpers.js"

// Two businesses, nothing shared at the start: every share below is made by a change.
const options: Emulator.Options = {
  businesses: [{ accounts: 3, phoneNumbers: 2 }, { accounts: 2, phoneNumbers: 1 }],
  rateLimit: false
}

const numberFields = [
  "display_phone_number",
  "quality_rating",
  "messaging_limit_tier",
  "verified_name",
  "name_status"
] as const
const accountFields = ["account_review_status", "status", "whatsapp_business_manager_messaging_limit"] as const

// What a client reads now, through the GraphClient in context (in-process or over a socket).
const numberAsRead = (accountId: string, numberId: string) =>
  Effect.map(
    PhoneNumbers.all(accountId, { fields: [...numberFields] }),
    (numbers) => numbers.find((number) => number.id === numberId)
  )
const nodeAsRead = (accountId: string) =>
  WhatsAppBusinessAccount.get(accountId, {
    fields: [...accountFields],
    expand: { phone_numbers: { fields: ["quality_rating", "messaging_limit_tier"] } }
  })
const ownedIds = (businessId: string) =>
  Effect.map(OwnedAccounts.all(businessId, { fields: ["name"] }), (accounts) => accounts.map((a) => a.id))
const clientAccounts = (businessId: string) =>
  ClientAccounts.all(businessId, {
    fields: [...accountFields, "permitted_tasks"],
    expand: { phone_numbers: { fields: ["quality_rating"] } }
  })

const change = (c: Changes.Change) => Effect.flatMap(Emulator.Emulator, (emulator) => emulator.change(c))

// The change of a webhook, as the emulator signed it.
const sent = (applied: Changes.Applied) => {
  const entry = applied.webhook?.envelope.entry[0]
  return entry && { id: entry.id, ...entry.changes[0]! }
}

// Every kind of change, each checked on the reads a client would make next.
const everyKind = Effect.gen(function*() {
  const emulator = yield* Emulator.Emulator
  const [owner, partner] = emulator.businessIds as [string, string]
  const [first, second, third] = yield* emulator.accounts(owner)
  const [number] = yield* emulator.phoneNumbers(first!.id)
  const display = number!.display_phone_number!.replace(/[^0-9]/g, "")

  // A number's quality rating falls to RED: every read of it says so, and Graph flags it.
  yield* change({ kind: "qualityRating", phoneNumberId: number!.id, rating: "GREEN" })
  const flagged = yield* change({ kind: "qualityRating", phoneNumberId: number!.id, rating: "RED" })
  expect((yield* numberAsRead(first!.id, number!.id))?.quality_rating).toBe("RED")
  const node = yield* nodeAsRead(first!.id)
  expect(node.phone_numbers.find((n) => n.id === number!.id)?.quality_rating).toBe("RED")
  expect(sent(flagged)).toEqual({
    id: first!.id,
    field: "phone_number_quality_update",
    value: { display_phone_number: display, event: "FLAGGED", current_limit: number!.messaging_limit_tier }
  })
  // Setting what is already there changes nothing and sends nothing.
  expect(yield* change({ kind: "qualityRating", phoneNumberId: number!.id, rating: "RED" })).toEqual({})
  const unflagged = yield* change({ kind: "qualityRating", phoneNumberId: number!.id, rating: "YELLOW" })
  expect(sent(unflagged)?.value).toMatchObject({ event: "UNFLAGGED" })

  // Its messaging tier, found by the edge's own filter too.
  yield* change({ kind: "phoneNumberTier", phoneNumberId: number!.id, tier: "TIER_250" })
  const upgraded = yield* change({ kind: "phoneNumberTier", phoneNumberId: number!.id, tier: "TIER_10K" })
  expect((yield* numberAsRead(first!.id, number!.id))?.messaging_limit_tier).toBe("TIER_10K")
  const filtered = yield* PhoneNumbers.all(first!.id, {
    fields: ["messaging_limit_tier"],
    filtering: [{ field: "messaging_limit_tier", operator: "EQUAL", value: "TIER_10K" }]
  })
  expect(filtered.map((n) => n.id)).toContain(number!.id)
  expect(sent(upgraded)?.value).toEqual({
    display_phone_number: display,
    event: "UPGRADE",
    current_limit: "TIER_10K",
    old_limit: "TIER_250"
  })

  // A display name approved, then another one rejected.
  const named = yield* change({
    kind: "phoneNumberName",
    phoneNumberId: number!.id,
    name: "Renamed Shop",
    decision: "APPROVED"
  })
  expect(yield* numberAsRead(first!.id, number!.id)).toMatchObject({
    verified_name: "Renamed Shop",
    name_status: "APPROVED"
  })
  expect(sent(named)).toMatchObject({
    field: "phone_number_name_update",
    value: { decision: "APPROVED", requested_verified_name: "Renamed Shop", rejection_reason: null }
  })
  yield* change({ kind: "phoneNumberName", phoneNumberId: number!.id, name: "Bad Name", decision: "REJECTED" })
  expect(yield* numberAsRead(first!.id, number!.id)).toMatchObject({
    verified_name: "Renamed Shop",
    name_status: "DECLINED"
  })

  // An account's limit, review and status: on the node and on its owner's edge.
  yield* change({ kind: "messagingLimit", accountId: first!.id, limit: "TIER_2K" })
  const limited = yield* change({ kind: "messagingLimit", accountId: first!.id, limit: "TIER_100K" })
  yield* change({ kind: "reviewStatus", accountId: first!.id, status: "APPROVED" })
  const reviewed = yield* change({ kind: "reviewStatus", accountId: first!.id, status: "REJECTED" })
  yield* change({ kind: "accountStatus", accountId: first!.id, status: "ACTIVE" })
  const banned = yield* change({ kind: "accountStatus", accountId: first!.id, status: "DISABLED" })
  expect(yield* nodeAsRead(first!.id)).toMatchObject({
    account_review_status: "REJECTED",
    status: "DISABLED",
    whatsapp_business_manager_messaging_limit: "TIER_100K"
  })
  const asOwned = (yield* OwnedAccounts.all(owner, { fields: [...accountFields] })).find((a) => a.id === first!.id)
  expect(asOwned).toMatchObject({ status: "DISABLED", account_review_status: "REJECTED" })
  expect(sent(limited)).toEqual({
    id: first!.id,
    field: "business_capability_update",
    value: { max_daily_conversations_per_business: "TIER_100K" }
  })
  expect(sent(reviewed)).toEqual({ id: first!.id, field: "account_review_update", value: { decision: "REJECTED" } })
  expect(sent(banned)).toMatchObject({
    field: "account_update",
    value: { event: "DISABLED_UPDATE", ban_info: { waba_ban_state: "DISABLE" } }
  })
  const reinstated = yield* change({ kind: "accountStatus", accountId: first!.id, status: "ACTIVE" })
  expect(sent(reinstated)?.value).toMatchObject({ ban_info: { waba_ban_state: "REINSTATE" } })

  // A share: the account appears on the partner's client edge, as its owner's data has it, numbers and all.
  const shared = yield* change({
    kind: "shareAdded",
    businessId: partner,
    accountId: first!.id,
    permittedTasks: ["MANAGE"]
  })
  const onClientEdge = (yield* clientAccounts(partner)).find((a) => a.id === first!.id)
  expect(onClientEdge).toMatchObject({ permitted_tasks: ["MANAGE"], account_review_status: "REJECTED" })
  expect(onClientEdge?.phone_numbers.find((n) => n.id === number!.id)?.quality_rating).toBe("YELLOW")
  expect(sent(shared)).toEqual({
    id: first!.id,
    field: "account_update",
    value: { event: "PARTNER_ADDED", waba_info: { waba_id: first!.id, owner_business_id: owner } }
  })
  // A later change to the account shows on the share as well.
  yield* change({ kind: "reviewStatus", accountId: first!.id, status: "APPROVED" })
  expect((yield* clientAccounts(partner)).find((a) => a.id === first!.id)?.account_review_status).toBe("APPROVED")
  const withdrawn = yield* change({ kind: "shareWithdrawn", businessId: partner, accountId: first!.id })
  expect((yield* clientAccounts(partner)).map((a) => a.id)).not.toContain(first!.id)
  expect(sent(withdrawn)?.value).toMatchObject({ event: "PARTNER_REMOVED" })
  // Given back: there again.
  yield* change({ kind: "shareAdded", businessId: partner, accountId: second!.id })
  yield* change({ kind: "shareWithdrawn", businessId: partner, accountId: second!.id })
  yield* change({ kind: "shareAdded", businessId: partner, accountId: second!.id })
  expect((yield* clientAccounts(partner)).map((a) => [a.id, a.permitted_tasks])).toEqual([
    [second!.id, ["MANAGE", "DEVELOP"]]
  ])

  // A new account, then one removed: the edges, the node, and the shares follow.
  const added = yield* change({ kind: "accountAdded", businessId: owner })
  expect(added.webhook).toBeUndefined()
  expect(yield* ownedIds(owner)).toContain(added.account!.id)
  const removed = yield* change({ kind: "accountRemoved", accountId: second!.id })
  expect(yield* ownedIds(owner)).toEqual([first!.id, third!.id, added.account!.id])
  expect((yield* clientAccounts(partner)).map((a) => a.id)).toEqual([])
  const gone = yield* Effect.flip(nodeAsRead(second!.id))
  expect(gone).toBeInstanceOf(GraphError.GraphNotFoundError)
  expect(sent(removed)?.value).toEqual({
    event: "ACCOUNT_DELETED",
    waba_info: { waba_id: second!.id, owner_business_id: owner }
  })

  // The token revoked last: every call with it now fails with 190 and the subcode given.
  expect(yield* change({ kind: "tokenRevoked", token: emulator.token })).toEqual({})
  const refused = yield* Effect.flip(ownedIds(owner))
  expect(refused).toBeInstanceOf(GraphError.GraphAuthError)
  expect(refused).toMatchObject({ code: 190, subcode: 467 })
  expect((refused as GraphError.GraphAuthError).reauthorize).toBe(true)
})

// Every kind of bad input, each refused with its reason and nothing changed.
const badInput = Effect.gen(function*() {
  const emulator = yield* Emulator.Emulator
  const [owner, partner] = emulator.businessIds as [string, string]
  const before = yield* emulator.accounts(owner)
  const [account] = before
  const refusal = (c: unknown) =>
    Effect.map(Effect.flip(emulator.change(c as Changes.Change)), (e) => ({ tag: e._tag, reason: e.reason, id: e.id }))
  expect(yield* refusal({ kind: "qualityRating", phoneNumberId: "999", rating: "RED" })).toEqual({
    tag: "ChangeError",
    reason: "UnknownPhoneNumber",
    id: "999"
  })
  expect(yield* refusal({ kind: "reviewStatus", accountId: "12345", status: "REJECTED" })).toMatchObject({
    reason: "UnknownAccount",
    id: "12345"
  })
  expect(yield* refusal({ kind: "accountAdded", businessId: "777" })).toMatchObject({
    reason: "UnknownBusiness",
    id: "777"
  })
  expect(yield* refusal({ kind: "shareAdded", businessId: "777", accountId: account!.id })).toMatchObject({
    reason: "UnknownBusiness"
  })
  expect(yield* refusal({ kind: "shareWithdrawn", businessId: partner, accountId: account!.id })).toMatchObject({
    reason: "NotShared",
    id: account!.id
  })
  yield* emulator.change({ kind: "shareAdded", businessId: partner, accountId: account!.id })
  expect(yield* refusal({ kind: "shareAdded", businessId: partner, accountId: account!.id })).toMatchObject({
    reason: "AlreadyShared"
  })
  // A phone number id of a deleted account is unknown too.
  const [number] = yield* emulator.phoneNumbers(account!.id)
  yield* emulator.change({ kind: "accountRemoved", accountId: account!.id })
  expect(yield* refusal({ kind: "phoneNumberTier", phoneNumberId: number!.id, tier: "TIER_2K" })).toMatchObject({
    reason: "UnknownPhoneNumber"
  })
  expect(yield* refusal({ kind: "accountRemoved", accountId: account!.id })).toMatchObject({
    reason: "UnknownAccount"
  })
  // Malformed changes name what is wrong.
  for (
    const input of [
      { kind: "qualityRating", phoneNumberId: number!.id },
      { kind: "qualityRating", phoneNumberId: number!.id, rating: "" },
      { kind: "tokenRevoked", token: emulator.token, subcode: 463 },
      { kind: "somethingElse" },
      "RED",
      null
    ]
  ) {
    expect(yield* refusal(input)).toMatchObject({ reason: "InvalidChange" })
  }
  const missing = yield* Effect.flip(emulator.change({ kind: "qualityRating", phoneNumberId: "1" } as never))
  expect(missing.message).toBe("rating: is missing")
  // A token the emulator does not know: refused without repeating it.
  const secret = "EAA-not-a-token-of-this-emulator"
  const unknownToken = yield* Effect.flip(emulator.change({ kind: "tokenRevoked", token: secret }))
  expect(unknownToken.reason).toBe("UnknownToken")
  expect(Testing.everyRendering(unknownToken)).not.toContain(secret)
  const badSubcode = yield* Effect.flip(
    emulator.change({ kind: "tokenRevoked", token: emulator.token, subcode: 1 } as never)
  )
  expect(Testing.everyRendering(badSubcode)).not.toContain(emulator.token)
  // Nothing of the refused changes happened: the first account is the only one gone, nothing is shared.
  expect((yield* emulator.accounts(owner)).map((a) => a.id)).toEqual(before.slice(1).map((a) => a.id))
  expect((yield* emulator.clientAccounts(partner)).map((a) => a.id)).toEqual([])
})

describe("Emulator.change", () => {
  it.effect("in-process: every kind of change is seen by the next read", () =>
    everyKind.pipe(Effect.provide(Testing.inProcess(options))))

  it.live("over the wire: every kind of change is seen by the next read", () =>
    everyKind.pipe(Effect.provide(Testing.overTheWireUngoverned(options))))

  it.effect("bad input fails with a typed error and changes nothing", () =>
    badInput.pipe(Effect.provide(Testing.inProcess(options))))

  it.effect("a revoked token gets the subcode asked for, and debug_token says it is no longer valid", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const url = `https://graph.facebook.com/v27.0/${emulator.businessIds[0]}/owned_whatsapp_business_accounts`
      expect((yield* get(url, { token: Emulator.limitedToken })).status).toBe(200)
      yield* emulator.change({ kind: "tokenRevoked", token: Emulator.limitedToken, subcode: 458 })
      const refused = yield* get(url, { token: Emulator.limitedToken })
      expect(refused.status).toBe(401)
      expect(refused.body.error).toMatchObject({ code: 190, error_subcode: 458, type: "OAuthException" })
      // Other tokens are untouched.
      expect((yield* get(url)).status).toBe(200)
      const debug = yield* get(`https://graph.facebook.com/v27.0/debug_token?input_token=${Emulator.limitedToken}`)
      expect(debug.body.data).toMatchObject({ is_valid: false, error: { code: 190, subcode: 458 } })
    }).pipe(Effect.provide(inProcess(options))))

  it.effect("a change answers with its webhook signed with the emulator's app secret when no target is set", () =>
    Effect.gen(function*() {
      const emulator = yield* Emulator.Emulator
      const [account] = yield* emulator.accounts(emulator.businessIds[0]!)
      yield* emulator.change({ kind: "reviewStatus", accountId: account!.id, status: "PENDING" })
      const applied = yield* emulator.change({ kind: "reviewStatus", accountId: account!.id, status: "APPROVED" })
      expect(applied.delivery).toBeUndefined()
      const webhook = applied.webhook!
      expect(JSON.parse(webhook.body)).toEqual({
        object: "whatsapp_business_account",
        entry: [{
          id: account!.id,
          time: Math.floor(emulator.clock.now() / 1000),
          changes: [{ field: "account_review_update", value: { decision: "APPROVED" } }]
        }]
      })
      const expected = createHmac("sha256", Emulator.defaultAppSecret).update(Buffer.from(webhook.body)).digest("hex")
      expect(webhook.headers["x-hub-signature-256"]).toBe(`sha256=${expected}`)
    }).pipe(Effect.provide(Testing.inProcess(options))))
})
