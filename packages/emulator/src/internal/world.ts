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
import type * as Dataset from "../Dataset.js"
import { type Item, ListView, type Source } from "./list.js"
import type { Collection } from "./serve.js"

/** A live account: its owner and its element in the owner's list. @internal */
export interface Account {
  readonly business: Dataset.Business
  readonly item: Item
  readonly id: string
}

const phoneNumbers = "phone_numbers"

/** @internal */
export class World {
  private readonly owned = new Map<Dataset.Business, ListView>()
  private readonly clients = new Map<Dataset.Business, ListView>()
  // Only changed phone lists are kept: an expansion over millions of accounts must not grow memory.
  private readonly phones = new Map<string, ListView>()
  private readonly accountSerials = new Map<Dataset.Business, number>()
  private phoneSerial = 0

  constructor(readonly dataset: Dataset.Dataset) {}

  private ownedView(business: Dataset.Business): ListView {
    let view = this.owned.get(business)
    if (view === undefined) {
      const { dataset } = this
      view = new ListView({
        count: business.accounts,
        time: (i) => dataset.creationTime(business, i),
        id: (i) => dataset.accountId(business, i),
        indexOf: (id) => dataset.indexOfAccount(business, id)
      })
      this.owned.set(business, view)
    }
    return view
  }

  private clientView(business: Dataset.Business): ListView {
    let view = this.clients.get(business)
    if (view === undefined) {
      const shares = this.dataset.shares(business)
      const positions = new Map(shares.map((share, k) => [share.id, k]))
      view = new ListView({
        count: shares.length,
        time: (k) => shares[k]!.creationTime,
        id: (k) => shares[k]!.id,
        indexOf: (id) => positions.get(id)
      })
      // Accounts deleted before this list was first read are gone from it too.
      const gone = shares.filter((share) => this.ownedView(share.owner).find(share.id) === undefined)
      if (gone.length > 0) view.delete(gone.map((share) => share.id))
      view.mutations = 0
      this.clients.set(business, view)
    }
    return view
  }

  private phoneView(account: Account): ListView {
    const { business, item } = account
    const { dataset } = this
    const source: Source = typeof item === "number"
      ? {
        count: dataset.phoneCount(business, item),
        time: (j) => dataset.onboardedAt(business, item, j),
        id: (j) => dataset.phoneId(business, item, j),
        indexOf: (id) => dataset.indexOfPhone(business, item, id)
      }
      : { count: 0, time: () => 0, id: () => "", indexOf: () => undefined }
    return this.phones.get(account.id) ?? new ListView(source)
  }

  private accountOf(business: Dataset.Business, item: Item): Account {
    return { business, item, id: typeof item === "number" ? this.dataset.accountId(business, item) : item.id }
  }

  /** A field of an account, as its owner's data holds it. */
  private field(business: Dataset.Business, item: Item, field: string): unknown {
    return typeof item === "number"
      ? this.dataset.field(business, item, field as Dataset.AccountField)
      : item.record[field]
  }

  /** A business's owned accounts. */
  ownedList(business: Dataset.Business): Collection {
    return {
      key: `o${business.id}`,
      view: this.ownedView(business),
      read: (item, field) => this.field(business, item, field),
      expand: (item, field) => field === phoneNumbers ? this.phoneList(this.accountOf(business, item)) : undefined,
      sortedBy: "creation_time"
    }
  }

  /** The accounts shared with a business, with what it may do with each. */
  clientList(business: Dataset.Business): Collection {
    const shares = this.dataset.shares(business)
    const shared = (item: Item) => shares[item as number]!
    return {
      key: `c${business.id}`,
      view: this.clientView(business),
      read: (item, field) =>
        field === "permitted_tasks"
          ? shared(item).permittedTasks
          : this.field(shared(item).owner, shared(item).index, field),
      expand: (item, field) =>
        field === phoneNumbers ? this.phoneList(this.accountOf(shared(item).owner, shared(item).index)) : undefined,
      sortedBy: "creation_time"
    }
  }

  /** An account's phone numbers. */
  phoneList(account: Account): Collection {
    const { business, item } = account
    return {
      key: `p${account.id}`,
      view: this.phoneView(account),
      read: (phone, field) =>
        typeof phone !== "number"
          ? phone.record[field]
          : this.dataset.phoneField(business, item as number, phone, field as Dataset.PhoneField),
      expand: () => undefined,
      sortedBy: undefined
    }
  }

  /** A live account by id. */
  account(id: string): Account | undefined {
    const business = this.dataset.locateAccount(id)?.business
    const item = business === undefined ? undefined : this.ownedView(business).find(id)
    return item === undefined ? undefined : { business: business!, item, id }
  }

  /** The businesses that may read an account: its owner and those it is shared with. */
  readers(account: Account): ReadonlyArray<string> {
    const shared = this.dataset.businesses.filter((business) =>
      business.clientAccounts > 0 && this.clientView(business).find(account.id) !== undefined
    )
    return [account.business.id, ...shared.map((business) => business.id)]
  }

  addAccounts(business: Dataset.Business, count: number, time: number): ReadonlyArray<Dataset.Account> {
    const serial = this.accountSerials.get(business) ?? 0
    const accounts = Array.from({ length: count }, (_, k) => this.dataset.newAccount(business, serial + k + 1, time))
    this.accountSerials.set(business, serial + count)
    this.ownedView(business).add(accounts.map((record) => ({ id: record.id, time, record })))
    return accounts
  }

  /** Deletes accounts (all or none) from their owner, every client list, and with their phone numbers. */
  deleteAccounts(business: Dataset.Business, ids: ReadonlyArray<string>): ReadonlyArray<string> {
    const missing = this.ownedView(business).delete(ids)
    if (missing.length > 0) return missing
    for (const view of this.clients.values()) {
      const shared = ids.filter((id) => view.find(id) !== undefined)
      if (shared.length > 0) view.delete(shared)
    }
    for (const id of ids) this.phones.delete(id)
    return []
  }

  addPhoneNumbers(account: Account, count: number, time: number): ReadonlyArray<Dataset.PhoneNumber> {
    const country = this.field(account.business, account.item, "country")
    const numbers = Array.from(
      { length: count },
      () =>
        this.dataset.newPhoneNumber(
          account.id,
          typeof country === "string" ? country : undefined,
          ++this.phoneSerial,
          time
        )
    )
    const view = this.phoneView(account)
    view.add(numbers.map((record) => ({ id: record.id, time, record })))
    this.phones.set(account.id, view)
    return numbers
  }

  deletePhoneNumbers(account: Account, ids: ReadonlyArray<string>): ReadonlyArray<string> {
    const view = this.phoneView(account)
    const missing = view.delete(ids)
    if (missing.length === 0) this.phones.set(account.id, view)
    return missing
  }

  /** An element of a list with every field that has a value. */
  record<A>(list: Collection, item: Item, fields: ReadonlyArray<string>): A {
    const record: Record<string, unknown> = {}
    for (const field of fields) {
      const value = list.read(item, field)
      if (value !== undefined) record[field] = value
    }
    return record as A
  }

  /** Every element of a list with every field, in order: for test oracles on modest sizes. */
  records<A>(list: Collection, fields: ReadonlyArray<string>): ReadonlyArray<A> {
    return Array.from({ length: list.view.size }, (_, p) => this.record<A>(list, list.view.itemAt(p), fields))
  }
}
