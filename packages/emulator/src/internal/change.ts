/**
 * One change applied to the world: checked against what exists now (all or nothing), applied, and told
 * as the webhook change Graph sends for it, if any.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as Changes from "../Changes.js"
import type * as Dataset from "../Dataset.js"
import type * as WebhookDelivery from "../WebhookDelivery.js"
import type { Revocation } from "./graphError.js"
import type { Account, World } from "./world.js"

/** What a change did: the account a webhook is about and its change, an account created. @internal */
export interface Outcome {
  readonly event?: { readonly wabaId: string; readonly change: WebhookDelivery.Change } | undefined
  readonly account?: Dataset.Account | undefined
}

/** @internal */
export interface Context {
  /** Now on the emulator's clock, unix seconds. */
  readonly now: number
  /** Revokes a token; false when the emulator has no such token. */
  readonly revoke: (token: string, subcode: Revocation) => boolean
}

const refuse = (reason: Changes.ChangeError["reason"], message: string, id?: string) =>
  new Changes.ChangeError({ reason, message, ...(id === undefined ? {} : { id }) })

const nothing: Outcome = {}

const tiers = ["TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"]

// No event (`undefined`) is nothing to tell.
const event = (wabaId: string, field: string, value: object | undefined): Outcome =>
  value === undefined ? nothing : { event: { wabaId, change: { field, value } } }

const phoneChange = (
  world: World,
  change: Extract<Changes.Change, { readonly phoneNumberId: string }>
): Outcome | Changes.ChangeError => {
  const { phoneNumberId: id } = change
  const phone = world.phone(id)
  if (phone === undefined) return refuse("UnknownPhoneNumber", `The emulator has no phone number ${id}.`, id)
  const read = (field: string) => phone.list.read(phone.item, field)
  // Meta keys number events by the display number, digits only.
  const display_phone_number = String(read("display_phone_number") ?? "").replace(/[^0-9]/g, "")
  const [rating, tier] = [read("quality_rating"), read("messaging_limit_tier")]
  const fields = change.kind === "qualityRating"
    ? { quality_rating: change.rating }
    : change.kind === "phoneNumberTier"
    ? { messaging_limit_tier: change.tier }
    : change.decision === "APPROVED"
    ? { verified_name: change.name, name_status: "APPROVED" }
    : { name_status: "DECLINED" }
  if (Object.entries(fields).every(([field, value]) => read(field) === value)) return nothing
  world.updatePhone(phone, fields)
  switch (change.kind) {
    case "qualityRating": {
      const flag = change.rating === "RED" ? "FLAGGED" : rating === "RED" ? "UNFLAGGED" : undefined
      return event(
        phone.account.id,
        "phone_number_quality_update",
        flag && { display_phone_number, event: flag, ...(tier === undefined ? {} : { current_limit: tier }) }
      )
    }
    case "phoneNumberTier":
      return event(phone.account.id, "phone_number_quality_update", {
        display_phone_number,
        event: tiers.indexOf(change.tier) > tiers.indexOf(String(tier)) ? "UPGRADE" : "DOWNGRADE",
        current_limit: change.tier,
        ...(tier === undefined ? {} : { old_limit: tier })
      })
    case "phoneNumberName":
      return event(phone.account.id, "phone_number_name_update", {
        display_phone_number,
        decision: change.decision,
        requested_verified_name: change.name,
        rejection_reason: change.decision === "APPROVED" ? null : change.rejectionReason ?? "NONE"
      })
  }
}

const accountFields = {
  messagingLimit: "whatsapp_business_manager_messaging_limit",
  reviewStatus: "account_review_status",
  accountStatus: "status"
} as const

const accountChange = (
  world: World,
  account: Account,
  change: Extract<Changes.Change, { readonly kind: keyof typeof accountFields }>,
  now: number
): Outcome => {
  const list = world.ownedList(account.business)
  const field = accountFields[change.kind]
  const value = change.kind === "messagingLimit" ? change.limit : change.status
  const before = list.read(account.item, field)
  if (before === value) return nothing
  list.update(account.item, { [field]: value })
  switch (change.kind) {
    case "messagingLimit":
      return event(account.id, "business_capability_update", { max_daily_conversations_per_business: value })
    case "reviewStatus":
      return event(account.id, "account_review_update", { decision: value })
    case "accountStatus": {
      const ban = value === "DISABLED" ? "DISABLE" : before === "DISABLED" ? "REINSTATE" : undefined
      const date = new Date(now * 1000).toISOString().slice(0, 10)
      return event(
        account.id,
        "account_update",
        ban && { event: "DISABLED_UPDATE", ban_info: { waba_ban_state: ban, waba_ban_date: date } }
      )
    }
  }
}

const partnerEvent = (account: Account, name: string) =>
  event(account.id, "account_update", {
    event: name,
    waba_info: { waba_id: account.id, owner_business_id: account.business.id }
  })

const applied = (world: World, change: Changes.Change, context: Context): Outcome | Changes.ChangeError => {
  if ("phoneNumberId" in change) return phoneChange(world, change)
  if (change.kind === "tokenRevoked") {
    return context.revoke(change.token, change.subcode ?? 467)
      ? nothing
      : refuse("UnknownToken", "The emulator has no such token.")
  }
  const target = "businessId" in change ? world.dataset.findBusiness(change.businessId) : undefined
  if ("businessId" in change && target === undefined) {
    return refuse("UnknownBusiness", `The emulator has no business ${change.businessId}.`, change.businessId)
  }
  if (change.kind === "accountAdded") {
    return { account: world.addAccounts(change.businessId, 1, change.creationTime ?? context.now)[0] }
  }
  const account = world.account(change.accountId)
  if (account === undefined) {
    return refuse("UnknownAccount", `The emulator has no account ${change.accountId}.`, change.accountId)
  }
  switch (change.kind) {
    case "accountRemoved":
      world.deleteAccounts(account.business.id, [account.id])
      return partnerEvent(account, "ACCOUNT_DELETED")
    case "shareAdded":
    case "shareWithdrawn": {
      const shared = world.clientList(target!).find(account.id) !== undefined
      if (change.kind === "shareAdded") {
        if (shared) {
          return refuse(
            "AlreadyShared",
            `Account ${account.id} is shared with business ${target!.id} already.`,
            account.id
          )
        }
        world.share(target!, account, change.permittedTasks ?? ["MANAGE", "DEVELOP"])
        return partnerEvent(account, "PARTNER_ADDED")
      }
      if (!shared) {
        return refuse("NotShared", `Account ${account.id} is not shared with business ${target!.id}.`, account.id)
      }
      world.unshare(target!, account.id)
      return partnerEvent(account, "PARTNER_REMOVED")
    }
  }
  return accountChange(world, account, change, context.now)
}

/**
 * Applies a change, or refuses it with nothing changed.
 *
 * @internal
 */
export const apply = (
  world: World,
  change: Changes.Change,
  context: Context
): Either.Either<Outcome, Changes.ChangeError> => {
  const result = applied(world, change, context)
  return result instanceof Changes.ChangeError ? Either.left(result) : Either.right(result)
}
