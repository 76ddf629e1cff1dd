/**
 * The data model as it is now: the generated data set plus what changed at runtime. Businesses own
 * accounts (their owned edge), other businesses' accounts are shared with them (their client edge), and
 * accounts have phone numbers. Each list is a `ListView` over the generated elements; only lists that
 * were changed keep state, so reading a huge business costs no memory.
 *
 * One account is the same wherever it appears: its fields come from its owner's data, whether it is read
 * on the owner's edge, a partner's client edge, or as a node. Deleting it removes it from all of them.
 *
 * @internal
 */
import type * as Dataset from "../Dataset.js"
import type { Collection, Single } from "../EmulatorEdges.js"
import { type Added, type Item, ListView, type Source } from "./list.js"

/** A live account: generated (by index) or added at runtime. @internal */
export type AccountRef =
  | { readonly _tag: "Generated"; readonly business: Dataset.Business; readonly index: number; readonly id: string }
  | { readonly _tag: "Added"; readonly business: Dataset.Business; readonly added: Added; readonly id: string }

const emptySource: Source = {
  count: 0,
  time: () => 0,
  num: () => 0,
  id: () => "",
  indexOf: () => undefined
}

const phonesEdge = "phone_numbers"

/** @internal */
export class World {
  private readonly ownedViews = new Map<number, ListView>()
  private readonly ownedCollections = new Map<number, Collection>()
  private readonly clientViews = new Map<number, ListView>()
  private readonly clientCollections = new Map<number, Collection>()
  private readonly phoneViews = new Map<string, ListView>()
  private readonly accountSerial = new Map<number, number>()
  private phoneSerial = 0

  constructor(readonly dataset: Dataset.Dataset) {}

  // --- accounts ---------------------------------------------------------------------------------

  ownedView(business: Dataset.Business): ListView {
    let view = this.ownedViews.get(business.index)
    if (view === undefined) {
      const dataset = this.dataset
      view = new ListView({
        count: business.accounts,
        time: (i) => dataset.creationTime(business, i),
        num: (i) => Number(dataset.accountId(business, i)),
        id: (i) => dataset.accountId(business, i),
        indexOf: (id) => dataset.indexOfAccount(business, id)
      })
      this.ownedViews.set(business.index, view)
    }
    return view
  }

  refOf(business: Dataset.Business, item: Item): AccountRef {
    return typeof item === "number"
      ? { _tag: "Generated", business, index: item, id: this.dataset.accountId(business, item) }
      : { _tag: "Added", business, added: item, id: item.id }
  }

  readAccount(ref: AccountRef, field: string): unknown {
    return ref._tag === "Generated"
      ? this.dataset.field(ref.business, ref.index, field as Dataset.AccountField)
      : ref.added.record[field]
  }

  owned(business: Dataset.Business): Collection {
    let collection = this.ownedCollections.get(business.index)
    if (collection === undefined) {
      const dataset = this.dataset
      collection = {
        key: `o${business.id}`,
        view: this.ownedView(business),
        // The hot path of the benchmarks: a generated account's field is one switch over hashes.
        read: (item, field) =>
          typeof item === "number"
            ? dataset.field(business, item, field as Dataset.AccountField)
            : item.record[field],
        expand: (item, field) => field === phonesEdge ? this.phones(this.refOf(business, item)) : undefined,
        timeField: "creation_time"
      }
      this.ownedCollections.set(business.index, collection)
    }
    return collection
  }

  /** A live account by id. */
  account(id: string): AccountRef | undefined {
    const location = this.dataset.locateAccount(id)
    if (location === undefined) return undefined
    const item = this.ownedView(location.business).find(id)
    return item === undefined ? undefined : this.refOf(location.business, item)
  }

  single(ref: AccountRef): Single {
    return {
      read: (field) => this.readAccount(ref, field),
      expand: (field) => field === phonesEdge ? this.phones(ref) : undefined
    }
  }

  /** The businesses that may read an account: its owner and those it is shared with. */
  readers(ref: AccountRef): ReadonlyArray<string> {
    const out = [ref.business.id]
    for (const business of this.dataset.businesses) {
      if (business.clientAccounts > 0 && this.clientView(business).find(ref.id) !== undefined) out.push(business.id)
    }
    return out
  }

  addAccounts(business: Dataset.Business, count: number, time: number): ReadonlyArray<Dataset.Account> {
    const accounts: Array<Dataset.Account> = []
    let serial = this.accountSerial.get(business.index) ?? 0
    for (let k = 0; k < count; k++) accounts.push(this.dataset.newAccount(business, ++serial, time))
    this.accountSerial.set(business.index, serial)
    this.ownedView(business).add(
      accounts.map((account) => ({ id: account.id, num: Number(account.id), time, record: account }))
    )
    return accounts
  }

  /** Deletes accounts (all or none) from their owner, every client edge, and with their phone numbers. */
  deleteAccounts(business: Dataset.Business, ids: ReadonlyArray<string>): ReadonlyArray<string> {
    const missing = this.ownedView(business).delete(ids)
    if (missing.length > 0) return missing
    for (const view of this.clientViews.values()) {
      const shared = ids.filter((id) => view.find(id) !== undefined)
      if (shared.length > 0) view.delete(shared)
    }
    for (const id of ids) this.phoneViews.delete(id)
    return []
  }

  accounts(business: Dataset.Business): ReadonlyArray<Dataset.Account> {
    const view = this.ownedView(business)
    const out: Array<Dataset.Account> = []
    for (let p = 0; p < view.size; p++) {
      const item = view.itemAt(p)
      out.push(typeof item === "number" ? this.dataset.account(business, item) : item.record as Dataset.Account)
    }
    return out
  }

  // --- client accounts --------------------------------------------------------------------------

  clientView(business: Dataset.Business): ListView {
    let view = this.clientViews.get(business.index)
    if (view === undefined) {
      const shares = this.dataset.shares(business)
      const positions = new Map(shares.map((share, k) => [share.id, k]))
      view = new ListView({
        count: shares.length,
        time: (k) => shares[k]!.creationTime,
        num: (k) => Number(shares[k]!.id),
        id: (k) => shares[k]!.id,
        indexOf: (id) => positions.get(id)
      })
      // Accounts deleted before this list was first read are gone from it too.
      const gone = shares.filter((share) => this.ownedView(share.owner).find(share.id) === undefined)
      if (gone.length > 0) {
        view.delete(gone.map((share) => share.id))
        view.mutations = 0
      }
      this.clientViews.set(business.index, view)
    }
    return view
  }

  clients(business: Dataset.Business): Collection {
    let collection = this.clientCollections.get(business.index)
    if (collection === undefined) {
      const shares = this.dataset.shares(business)
      const dataset = this.dataset
      collection = {
        key: `c${business.id}`,
        view: this.clientView(business),
        read: (item, field) => {
          const share = shares[item as number]!
          return field === "permitted_tasks"
            ? share.permittedTasks
            : dataset.field(share.owner, share.index, field as Dataset.AccountField)
        },
        expand: (item, field) => {
          if (field !== phonesEdge) return undefined
          const share = shares[item as number]!
          return this.phones({ _tag: "Generated", business: share.owner, index: share.index, id: share.id })
        },
        timeField: "creation_time"
      }
      this.clientCollections.set(business.index, collection)
    }
    return collection
  }

  clientAccounts(business: Dataset.Business): ReadonlyArray<Dataset.ClientAccount> {
    const collection = this.clients(business)
    const view = collection.view
    const shares = this.dataset.shares(business)
    const out: Array<Dataset.ClientAccount> = []
    for (let p = 0; p < view.size; p++) {
      const share = shares[view.itemAt(p) as number]!
      out.push({ ...this.dataset.account(share.owner, share.index), permitted_tasks: share.permittedTasks })
    }
    return out
  }

  // --- phone numbers ----------------------------------------------------------------------------

  private phoneSource(ref: AccountRef): Source {
    if (ref._tag === "Added") return emptySource
    const { business, index } = ref
    const dataset = this.dataset
    return {
      count: dataset.phoneCount(business, index),
      time: (j) => dataset.onboardedAt(business, index, j),
      num: (j) => Number(dataset.phoneId(business, index, j)),
      id: (j) => dataset.phoneId(business, index, j),
      indexOf: (id) => dataset.indexOfPhone(business, index, id)
    }
  }

  phoneView(ref: AccountRef, keep: boolean): ListView {
    const existing = this.phoneViews.get(ref.id)
    if (existing !== undefined) return existing
    // Unchanged lists are not kept: an expansion over millions of accounts must not grow memory.
    const view = new ListView(this.phoneSource(ref))
    if (keep) this.phoneViews.set(ref.id, view)
    return view
  }

  phones(ref: AccountRef): Collection {
    const dataset = this.dataset
    return {
      key: `p${ref.id}`,
      view: this.phoneView(ref, false),
      read: (item, field) =>
        typeof item === "number"
          ? ref._tag === "Generated"
            ? dataset.phoneField(ref.business, ref.index, item, field as Dataset.PhoneField)
            : undefined
          : item.record[field],
      expand: () => undefined,
      timeField: undefined
    }
  }

  addPhoneNumbers(ref: AccountRef, count: number, time: number): ReadonlyArray<Dataset.PhoneNumber> {
    const country = this.readAccount(ref, "country")
    const numbers: Array<Dataset.PhoneNumber> = []
    for (let k = 0; k < count; k++) {
      numbers.push(
        this.dataset.newPhoneNumber(ref.id, typeof country === "string" ? country : undefined, ++this.phoneSerial, time)
      )
    }
    this.phoneView(ref, true).add(
      numbers.map((phone) => ({ id: phone.id, num: Number(phone.id), time, record: phone }))
    )
    return numbers
  }

  deletePhoneNumbers(ref: AccountRef, ids: ReadonlyArray<string>): ReadonlyArray<string> {
    const view = this.phoneView(ref, false)
    const missing = view.delete(ids)
    if (missing.length === 0) this.phoneViews.set(ref.id, view)
    return missing
  }

  phoneNumbers(ref: AccountRef): ReadonlyArray<Dataset.PhoneNumber> {
    const collection = this.phones(ref)
    const view = collection.view
    const out: Array<Dataset.PhoneNumber> = []
    for (let p = 0; p < view.size; p++) {
      const item = view.itemAt(p)
      out.push(
        typeof item === "number" && ref._tag === "Generated"
          ? this.dataset.phoneNumber(ref.business, ref.index, item)
          : (item as Added).record as Dataset.PhoneNumber
      )
    }
    return out
  }
}
