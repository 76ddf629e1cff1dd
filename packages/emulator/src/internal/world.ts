/**
 * The data model as it is now: the generated data set plus what changed at runtime. Businesses own
 * accounts (their owned edge), other businesses' accounts are shared with them (their client edge), and
 * accounts have phone numbers. Each list is a `ListView` over the generated elements; only lists that
 * changed keep state, so reading a huge business costs no memory.
 *
 * An account is the same wherever it appears: its fields come from its owner's data, whether it is read on
 * the owner's edge, a partner's client edge or as a node. Deleting it removes it from all of them.
 *
 * @internal
 */
import { PhoneNumber, WhatsAppBusinessAccount } from "@effect-waba/waba"
import type * as Dataset from "../Dataset.js"
import { type Item, ListView } from "./list.js"
import type { Collection } from "./serve.js"

/** A live account: its owner and its element in the owner's list. @internal */
export interface Account {
  readonly business: Dataset.Business
  readonly item: Item
  readonly id: string
}

const accountFields = WhatsAppBusinessAccount.node.fieldNames

// An element with every field that has a value, in the fields' order.
const record = <A>(list: Collection, item: Item, fields: ReadonlyArray<string>): A =>
  Object.fromEntries(fields.flatMap((field) => {
    const value = list.read(item, field)
    return value === undefined ? [] : [[field, value]]
  })) as A

// Every element of a list, in order: for test oracles on modest sizes.
const records = <A>(list: Collection, fields: ReadonlyArray<string>): Array<A> =>
  Array.from({ length: list.view.size }, (_, p) => record<A>(list, list.view.itemAt(p), fields))

const refuse = (what: string, missing: ReadonlyArray<string>) => {
  if (missing.length > 0) throw new RangeError(`${what} ${missing.join(", ")}`)
}

const counted = (n: number, what: string) => {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Cannot add ${n} ${what}`)
  return n
}

/** @internal */
export class World {
  private readonly owned = new Map<Dataset.Business, Collection>()
  private readonly clients = new Map<Dataset.Business, Collection>()
  // Only changed phone lists are kept: an expansion over millions of accounts must not grow memory.
  private readonly phones = new Map<string, Collection>()
  private readonly accountSerials = new Map<Dataset.Business, number>()
  private phoneSerial = 0

  constructor(readonly dataset: Dataset.Dataset) {}

  /** A business's owned accounts. */
  ownedList(business: Dataset.Business): Collection {
    const { dataset } = this
    const list = this.owned.get(business) ?? {
      key: `o${business.id}`,
      view: new ListView({
        count: business.accounts,
        time: (i) => dataset.creationTime(business, i),
        id: (i) => dataset.accountId(business, i),
        indexOf: (id) => dataset.indexOfAccount(business, id)
      }),
      read: (item: Item, field: string) =>
        typeof item === "number" ? dataset.field(business, item, field as Dataset.AccountField) : item.record[field],
      expand: (item: Item, field: string) =>
        field === "phone_numbers" ? this.phoneList(this.accountOf(business, item)) : undefined,
      sortedBy: "creation_time"
    }
    this.owned.set(business, list)
    return list
  }

  /** The accounts shared with a business, with what it may do with each. */
  clientList(business: Dataset.Business): Collection {
    const cached = this.clients.get(business)
    if (cached !== undefined) return cached
    const shares = this.dataset.shares(business)
    const positions = new Map(shares.map((share, k) => [share.id, k]))
    const share = (item: Item) => shares[item as number]!
    const list: Collection = {
      key: `c${business.id}`,
      view: new ListView({
        count: shares.length,
        time: (k) => shares[k]!.creationTime,
        id: (k) => shares[k]!.id,
        indexOf: (id) => positions.get(id)
      }),
      read: (item, field) =>
        field === "permitted_tasks"
          ? share(item).permittedTasks
          : this.ownedList(share(item).owner).read(share(item).index, field),
      expand: (item, field) => this.ownedList(share(item).owner).expand(share(item).index, field),
      sortedBy: "creation_time"
    }
    // Accounts deleted before this list was first read are gone from it too.
    const gone = shares.filter((share) => this.ownedList(share.owner).view.find(share.id) === undefined)
    if (gone.length > 0) list.view.delete(gone.map((share) => share.id))
    list.view.mutations = 0
    this.clients.set(business, list)
    return list
  }

  /** An account's phone numbers. */
  phoneList({ business, id, item }: Account): Collection {
    const { dataset } = this
    const generated = typeof item === "number"
    return this.phones.get(id) ?? {
      key: `p${id}`,
      view: new ListView({
        count: generated ? dataset.phoneCount(business, item) : 0,
        time: (j) => dataset.onboardedAt(business, item as number, j),
        id: (j) => dataset.phoneId(business, item as number, j),
        indexOf: (phone) => generated ? dataset.indexOfPhone(business, item, phone) : undefined
      }),
      read: (phone, field) =>
        typeof phone === "number"
          ? dataset.phoneField(business, item as number, phone, field as Dataset.PhoneField)
          : phone.record[field],
      expand: () => undefined,
      sortedBy: undefined
    }
  }

  private accountOf(business: Dataset.Business, item: Item): Account {
    return { business, item, id: typeof item === "number" ? this.dataset.accountId(business, item) : item.id }
  }

  /** A live account by id. */
  account(id: string): Account | undefined {
    const business = this.dataset.locateAccount(id)?.business
    const item = business && this.ownedList(business).view.find(id)
    return item === undefined ? undefined : { business: business!, item, id }
  }

  /** The businesses that may read an account: its owner and those it is shared with. */
  readers(account: Account): ReadonlyArray<string> {
    const shared = this.dataset.businesses.filter((business) =>
      business.clientAccounts > 0 && this.clientList(business).view.find(account.id) !== undefined
    )
    return [account.business.id, ...shared.map((business) => business.id)]
  }

  // The runtime API names businesses and accounts by id, and refuses what does not exist.

  private business(id: string): Dataset.Business {
    const business = this.dataset.findBusiness(id)
    if (business === undefined) throw new RangeError(`The emulator has no business ${id}`)
    return business
  }

  private live(id: string): Account {
    const account = this.account(id)
    if (account === undefined) throw new RangeError(`The emulator has no account ${id}`)
    return account
  }

  accounts(businessId: string): ReadonlyArray<Dataset.Account> {
    return records(this.ownedList(this.business(businessId)), accountFields)
  }

  clientAccounts(businessId: string): ReadonlyArray<Dataset.ClientAccount> {
    return records(this.clientList(this.business(businessId)), [...accountFields, "permitted_tasks"])
  }

  accountRecord(id: string): Dataset.Account | undefined {
    const account = this.account(id)
    return account && record(this.ownedList(account.business), account.item, accountFields)
  }

  phoneNumbers(accountId: string): ReadonlyArray<Dataset.PhoneNumber> {
    return records(this.phoneList(this.live(accountId)), PhoneNumber.node.fieldNames)
  }

  addAccounts(businessId: string, count: number, time: number): ReadonlyArray<Dataset.Account> {
    const business = this.business(businessId)
    const serial = this.accountSerials.get(business) ?? 0
    const accounts = Array.from(
      { length: counted(count, "accounts") },
      (_, k) => this.dataset.newAccount(business, serial + k + 1, time)
    )
    this.accountSerials.set(business, serial + count)
    this.ownedList(business).view.add(accounts.map((record) => ({ id: record.id, time, record })))
    return accounts
  }

  /** Deletes accounts (all or none) from their owner, every client list, and with their phone numbers. */
  deleteAccounts(businessId: string, ids: ReadonlyArray<string>): void {
    refuse(`Business ${businessId} owns no account`, this.ownedList(this.business(businessId)).view.delete(ids))
    for (const { view } of this.clients.values()) {
      const shared = ids.filter((id) => view.find(id) !== undefined)
      if (shared.length > 0) view.delete(shared)
    }
    for (const id of ids) this.phones.delete(id)
  }

  addPhoneNumbers(accountId: string, count: number, time: number): ReadonlyArray<Dataset.PhoneNumber> {
    const account = this.live(accountId)
    const country = this.ownedList(account.business).read(account.item, "country") as string | undefined
    const numbers = Array.from(
      { length: counted(count, "phone numbers") },
      () => this.dataset.newPhoneNumber(accountId, country, ++this.phoneSerial, time)
    )
    const list = this.phoneList(account)
    list.view.add(numbers.map((record) => ({ id: record.id, time, record })))
    this.phones.set(accountId, list)
    return numbers
  }

  deletePhoneNumbers(accountId: string, ids: ReadonlyArray<string>): void {
    const list = this.phoneList(this.live(accountId))
    refuse(`Account ${accountId} has no phone number`, list.view.delete(ids))
    this.phones.set(accountId, list)
  }
}
