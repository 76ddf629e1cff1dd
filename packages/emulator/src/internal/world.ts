/**
 * The data model as it is now: the generated data set plus what changed at runtime. Businesses own
 * accounts (their owned edge), other businesses' accounts are shared with them (their client edge), and
 * accounts have phone numbers. Each is a `List` over the generated elements; only lists that changed keep
 * state, so reading a huge business costs no memory.
 *
 * An account is the same wherever it appears: its fields come from its owner's data, whether it is read on
 * the owner's edge, a partner's client edge or as a node. Deleting it removes it from all of them.
 *
 * @internal
 */
import type * as Dataset from "../Dataset.js"
import { type Item, List } from "./list.js"

/** A live account: its owner and its element in the owner's list. @internal */
export interface Account {
  readonly business: Dataset.Business
  readonly item: Item
  readonly id: string
}

// The phone numbers of an account added at runtime, before any is added.
const none: Dataset.Generated<object> = {
  count: 0,
  time: () => 0,
  id: () => "",
  indexOf: () => undefined,
  field: () => undefined,
  record: () => ({})
}

const counted = (n: number, what: string) => {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`Cannot add ${n} ${what}`)
  return n
}

/** @internal */
export class World {
  private readonly owned = new Map<Dataset.Business, List>()
  private readonly clients = new Map<Dataset.Business, List>()
  // Only changed phone lists are kept: an expansion over millions of accounts must not grow memory.
  private readonly phones = new Map<string, List>()
  private readonly accountSerials = new Map<Dataset.Business, number>()
  // The account each phone number added at runtime belongs to (generated ones say so by their id).
  private readonly addedPhones = new Map<string, string>()
  private phoneSerial = 0

  constructor(readonly dataset: Dataset.Dataset) {}

  /** A business's owned accounts. */
  ownedList(business: Dataset.Business): List {
    const cached = this.owned.get(business)
    if (cached !== undefined) return cached
    const expand = (item: Item, field: string): List | undefined =>
      field === "phone_numbers" ? this.phoneList({ business, item, id: list.id(item) }) : undefined
    const list = new List(`o${business.id}`, this.dataset.owned(business), expand)
    this.owned.set(business, list)
    return list
  }

  /** The accounts shared with a business, with what it may do with each. */
  clientList(business: Dataset.Business): List {
    const cached = this.clients.get(business)
    if (cached !== undefined) return cached
    const shares = this.dataset.shares(business)
    const positions = new Map(shares.map((share, k) => [share.id, k]))
    const owner = (k: number) => this.ownedList(shares[k]!.owner)
    const list = new List(`c${business.id}`, {
      count: shares.length,
      time: (k) => shares[k]!.creationTime,
      id: (k) => shares[k]!.id,
      indexOf: (id) => positions.get(id),
      field: (k, field) =>
        field === "permitted_tasks" ? shares[k]!.permittedTasks : owner(k).read(shares[k]!.index, field),
      record: (k) => ({ ...owner(k).record(shares[k]!.index), permitted_tasks: shares[k]!.permittedTasks }),
      timeField: "creation_time"
    }, (item, field) => {
      if (typeof item === "number") return owner(item).expand(shares[item]!.index, field)
      const account = this.account(item.id)
      return account && this.ownedList(account.business).expand(account.item, field)
    })
    // Accounts deleted before this list was first read are gone from it too.
    const gone = shares.filter((share) => this.ownedList(share.owner).find(share.id) === undefined)
    if (gone.length > 0) list.delete(gone.map((share) => share.id))
    list.mutations = 0
    this.clients.set(business, list)
    return list
  }

  /** An account's phone numbers. */
  phoneList({ business, id, item }: Account): List {
    return this.phones.get(id) ??
      new List(`p${id}`, typeof item === "number" ? this.dataset.phones(business, item) : none)
  }

  /** A live account by id. */
  account(id: string): Account | undefined {
    const business = this.dataset.ownerOf(id)
    const item = business && this.ownedList(business).find(id)
    return item === undefined ? undefined : { business: business!, item, id }
  }

  /** The businesses that may read an account: its owner and those it is shared with. */
  readers(account: Account): ReadonlyArray<string> {
    const shared = this.dataset.businesses.filter((business) =>
      (business.clientAccounts > 0 || this.clients.has(business)) &&
      this.clientList(business).find(account.id) !== undefined
    )
    return [account.business.id, ...shared.map((business) => business.id)]
  }

  // The runtime API names businesses and accounts by id, and refuses what does not exist.

  business(id: string): Dataset.Business {
    const business = this.dataset.findBusiness(id)
    if (business === undefined) throw new RangeError(`The emulator has no business ${id}`)
    return business
  }

  live(id: string): Account {
    const account = this.account(id)
    if (account === undefined) throw new RangeError(`The emulator has no account ${id}`)
    return account
  }

  addAccounts(businessId: string, count: number, time: number): ReadonlyArray<Dataset.Account> {
    const business = this.business(businessId)
    const serial = this.accountSerials.get(business) ?? 0
    const made = (_: unknown, k: number) => this.dataset.newAccount(business, serial + k + 1, time)
    const accounts = Array.from({ length: counted(count, "accounts") }, made)
    this.accountSerials.set(business, serial + count)
    this.ownedList(business).add(accounts.map((record) => ({ id: record.id, time, record })))
    return accounts
  }

  /** Deletes accounts (all or none) from their owner, every client list, and with their phone numbers. */
  deleteAccounts(businessId: string, ids: ReadonlyArray<string>): void {
    const missing = this.ownedList(this.business(businessId)).delete(ids)
    if (missing.length > 0) throw new RangeError(`Business ${businessId} owns no account ${missing.join(", ")}`)
    for (const list of this.clients.values()) {
      const shared = ids.filter((id) => list.find(id) !== undefined)
      if (shared.length > 0) list.delete(shared)
    }
    for (const id of ids) this.phones.delete(id)
  }

  addPhoneNumbers(accountId: string, count: number, time: number): ReadonlyArray<Dataset.PhoneNumber> {
    const account = this.live(accountId)
    const country = this.ownedList(account.business).read(account.item, "country") as string | undefined
    const made = () => this.dataset.newPhoneNumber(accountId, country, ++this.phoneSerial, time)
    const numbers = Array.from({ length: counted(count, "phone numbers") }, made)
    const list = this.phoneList(account)
    list.add(numbers.map((record) => ({ id: record.id, time, record })))
    this.phones.set(accountId, list)
    for (const number of numbers) this.addedPhones.set(number.id, accountId)
    return numbers
  }

  /** A live phone number by id: its account, and where it sits in the account's list. */
  phone(id: string): { readonly account: Account; readonly list: List; readonly item: Item } | undefined {
    const generated = this.dataset.phoneOwner(id)
    const accountId = generated ? this.dataset.accountId(generated.business, generated.index) : this.addedPhones.get(id)
    const account = accountId === undefined ? undefined : this.account(accountId)
    if (account === undefined) return undefined
    const list = this.phoneList(account)
    const item = list.find(id)
    return item === undefined ? undefined : { account, list, item }
  }

  /** Sets fields of a live phone number (its list is kept from then on). */
  updatePhone(phone: { readonly account: Account; readonly list: List; readonly item: Item }, fields: object): void {
    phone.list.update(phone.item, fields as Readonly<Record<string, unknown>>)
    this.phones.set(phone.account.id, phone.list)
  }

  /**
   * Shares an account with a business (its client edge), with what the business may do with it. The
   * share reads the account as its owner's data has it now, as a generated share does.
   */
  share(business: Dataset.Business, account: Account, permittedTasks: ReadonlyArray<string>): void {
    const owner = this.ownedList(account.business)
    this.clientList(business).add([{
      id: account.id,
      time: owner.time(account.item),
      get record() {
        return { ...owner.record<object>(account.item), permitted_tasks: permittedTasks }
      }
    }])
  }

  /** Withdraws a share; false when the account was not shared with the business. */
  unshare(business: Dataset.Business, accountId: string): boolean {
    return this.clientList(business).delete([accountId]).length === 0
  }

  deletePhoneNumbers(accountId: string, ids: ReadonlyArray<string>): void {
    const list = this.phoneList(this.live(accountId))
    const missing = list.delete(ids)
    if (missing.length > 0) throw new RangeError(`Account ${accountId} has no phone number ${missing.join(", ")}`)
    this.phones.set(accountId, list)
  }
}
