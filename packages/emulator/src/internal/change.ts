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

type Reason = Changes.ChangeError["reason"]

const refuse = (reason: Reason, message: string, id?: string) =>
  Either.left(new Changes.ChangeError({ reason, message, ...(id === undefined ? {} : { id }) }))

const nothing: Outcome = {}

// Meta keys number events by the display number, digits only.
const digits = (display: unknown) => String(display ?? "").replace(/[^0-9]/g, "")

const tiers = ["TIER_50", "TIER_250", "TIER_1K", "TIER_2K", "TIER_10K", "TIER_100K", "TIER_UNLIMITED"]

const event = (wabaId: string, field: string, value: object): Outcome => ({
  event: { wabaId, change: { field, value } }
})

type PhoneChange = Extract<Changes.Change, { readonly phoneNumberId: string }>

const phoneChange = (world: World, change: PhoneChange): Either.Either<Outcome, Changes.ChangeError> => {
  const phone = world.phone(change.phoneNumberId)
  if (phone === undefined) {
    return refuse(
      "UnknownPhoneNumber",
      `The emulator has no phone number ${change.phoneNumberId}.`,
      change.phoneNumberId
    )
  }
  const read = (field: string) => phone.list.read(phone.item, field)
  const set = (fields: Readonly<Record<string, unknown>>) => {
    const changed = Object.entries(fields).some(([field, value]) => read(field) !== value)
    if (changed) world.updatePhone(phone, fields)
    return changed
  }
  const wabaId = phone.account.id
  const display = digits(read("display_phone_number"))
  switch (change.kind) {
    case "qualityRating": {
      const before = read("quality_rating")
      if (!set({ quality_rating: change.rating })) return Either.right(nothing)
      const flag = change.rating === "RED" ? "FLAGGED" : before === "RED" ? "UNFLAGGED" : undefined
      if (flag === undefined) return Either.right(nothing)
      const limit = read("messaging_limit_tier")
      return Either.right(event(wabaId, "phone_number_quality_update", {
        display_phone_number: display,
        event: flag,
        ...(limit === undefined ? {} : { current_limit: limit })
      }))
    }
    case "phoneNumberTier": {
      const before = read("messaging_limit_tier")
      if (!set({ messaging_limit_tier: change.tier })) return Either.right(nothing)
      const up = tiers.indexOf(change.tier) > tiers.indexOf(String(before))
      return Either.right(event(wabaId, "phone_number_quality_update", {
        display_phone_number: display,
        event: up ? "UPGRADE" : "DOWNGRADE",
        current_limit: change.tier,
        ...(before === undefined ? {} : { old_limit: before })
      }))
    }
    case "phoneNumberName": {
      const approved = change.decision === "APPROVED"
      if (!set(approved ? { verified_name: change.name, name_status: "APPROVED" } : { name_status: "DECLINED" })) {
        return Either.right(nothing)
      }
      return Either.right(event(wabaId, "phone_number_name_update", {
        display_phone_number: display,
        decision: change.decision,
        requested_verified_name: change.name,
        rejection_reason: approved ? null : change.rejectionReason ?? "NONE"
      }))
    }
  }
}

type AccountChange = Extract<Changes.Change, { readonly kind: "messagingLimit" | "reviewStatus" | "accountStatus" }>

const accountChange = (
  world: World,
  account: Account,
  change: AccountChange,
  now: number
): Outcome => {
  const list = world.ownedList(account.business)
  const [field, value] = change.kind === "messagingLimit"
    ? ["whatsapp_business_manager_messaging_limit", change.limit]
    : change.kind === "reviewStatus"
    ? ["account_review_status", change.status]
    : ["status", change.status]
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
      if (ban === undefined) return nothing
      return event(account.id, "account_update", {
        event: "DISABLED_UPDATE",
        ban_info: { waba_ban_state: ban, waba_ban_date: new Date(now * 1000).toISOString().slice(0, 10) }
      })
    }
  }
}

const partnerEvent = (account: Account, name: string) =>
  event(account.id, "account_update", {
    event: name,
    waba_info: { waba_id: account.id, owner_business_id: account.business.id }
  })

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
  const business = (id: string) => world.dataset.findBusiness(id)
  const noBusiness = (id: string) => refuse("UnknownBusiness", `The emulator has no business ${id}.`, id)
  const noAccount = (id: string) => refuse("UnknownAccount", `The emulator has no account ${id}.`, id)
  switch (change.kind) {
    case "qualityRating":
    case "phoneNumberTier":
    case "phoneNumberName":
      return phoneChange(world, change)
    case "messagingLimit":
    case "reviewStatus":
    case "accountStatus": {
      const account = world.account(change.accountId)
      return account === undefined
        ? noAccount(change.accountId)
        : Either.right(accountChange(world, account, change, context.now))
    }
    case "accountAdded": {
      if (business(change.businessId) === undefined) return noBusiness(change.businessId)
      const [account] = world.addAccounts(change.businessId, 1, change.creationTime ?? context.now)
      return Either.right({ account })
    }
    case "accountRemoved": {
      const account = world.account(change.accountId)
      if (account === undefined) return noAccount(change.accountId)
      world.deleteAccounts(account.business.id, [account.id])
      return Either.right(partnerEvent(account, "ACCOUNT_DELETED"))
    }
    case "shareAdded":
    case "shareWithdrawn": {
      const target = business(change.businessId)
      if (target === undefined) return noBusiness(change.businessId)
      const account = world.account(change.accountId)
      if (account === undefined) return noAccount(change.accountId)
      const shared = world.clientList(target).find(account.id) !== undefined
      if (change.kind === "shareAdded") {
        if (shared) {
          return refuse(
            "AlreadyShared",
            `Account ${account.id} is shared with business ${target.id} already.`,
            account.id
          )
        }
        world.share(target, account, change.permittedTasks ?? ["MANAGE", "DEVELOP"])
        return Either.right(partnerEvent(account, "PARTNER_ADDED"))
      }
      if (!shared) {
        return refuse("NotShared", `Account ${account.id} is not shared with business ${target.id}.`, account.id)
      }
      world.unshare(target, account.id)
      return Either.right(partnerEvent(account, "PARTNER_REMOVED"))
    }
    case "tokenRevoked":
      return context.revoke(change.token, change.subcode ?? 467)
        ? Either.right(nothing)
        : refuse("UnknownToken", "The emulator has no such token.")
  }
}
