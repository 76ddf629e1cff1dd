/**
 * One business's list of accounts as Graph would see it right now: the generated accounts, minus the ones
 * deleted at runtime, merged with the ones added at runtime, in `(creation_time, id)` order.
 *
 * Positions are ascending indices into that merged list. With no mutations, position = generated index
 * and every lookup is O(1) or one binary search; mutations add work proportional to their own (small)
 * number, never to the size of the business.
 *
 * @internal
 */
import type * as Dataset from "../Dataset.js"
import type { WhatsAppBusinessAccount } from "../WhatsAppBusinessAccount.js"

/** A generated account (its index) or an account added at runtime (the record itself). @internal */
export type Item = number | WhatsAppBusinessAccount

interface Added {
  readonly account: WhatsAppBusinessAccount
  readonly id: number
}

/** @internal */
export class BusinessView {
  /** Bumped by every mutation; cursors from an older generation are stale. */
  generation = 0
  private deleted: Array<number> = []
  private added: Array<Added> = []
  private addedPosition: Array<number> = []
  private serial = 0

  constructor(readonly dataset: Dataset.Dataset, readonly business: Dataset.Business) {}

  get size(): number {
    return this.business.accounts - this.deleted.length + this.added.length
  }

  get mutated(): boolean {
    return this.deleted.length > 0 || this.added.length > 0
  }

  /** First generated index whose creation_time is >= t. */
  private generatedLowerBound(t: number): number {
    let lo = 0
    let hi = this.business.accounts
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.dataset.creationTime(this.business, mid) < t) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** How many deleted indices are < i. */
  private deletedBelow(i: number): number {
    let lo = 0
    let hi = this.deleted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.deleted[mid]! < i) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** The k-th (0-based) generated index that was not deleted. */
  private liveGenerated(k: number): number {
    // deleted[j] - j never decreases, and index k + j is the answer once j deleted indices lie below it.
    let lo = 0
    let hi = this.deleted.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.deleted[mid]! - mid <= k) lo = mid + 1
      else hi = mid
    }
    return k + lo
  }

  private recompute(): void {
    this.addedPosition = this.added.map((added, j) => {
      // Generated ids are all below added ids, so generated accounts of the same second come first.
      const upTo = this.generatedLowerBound(added.account.creation_time + 1)
      return upTo - this.deletedBelow(upTo) + j
    })
  }

  itemAt(position: number): Item {
    if (!this.mutated) return position
    let lo = 0
    let hi = this.addedPosition.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.addedPosition[mid]! < position) lo = mid + 1
      else hi = mid
    }
    if (this.addedPosition[lo] === position) return this.added[lo]!.account
    return this.liveGenerated(position - lo)
  }

  timeOf(item: Item): number {
    return typeof item === "number" ? this.dataset.creationTime(this.business, item) : item.creation_time
  }

  timeAt(position: number): number {
    return this.timeOf(this.itemAt(position))
  }

  /** First position whose creation_time is >= t (the size when there is none). */
  lowerBound(t: number): number {
    if (t === -Infinity) return 0
    if (t === Infinity) return this.size
    const generated = this.generatedLowerBound(t)
    let before = generated - this.deletedBelow(generated)
    for (const added of this.added) {
      if (added.account.creation_time < t) before++
    }
    return before
  }

  /** Adds `count` accounts created at `creationTime` (unix seconds). */
  add(count: number, creationTime: number): ReadonlyArray<WhatsAppBusinessAccount> {
    const accounts: Array<WhatsAppBusinessAccount> = []
    for (let k = 0; k < count; k++) {
      const account = this.dataset.newAccount(this.business, ++this.serial, creationTime)
      accounts.push(account)
      this.added.push({ account, id: Number(account.id) })
    }
    this.added.sort((a, b) => a.account.creation_time - b.account.creation_time || a.id - b.id)
    this.recompute()
    this.generation++
    return accounts
  }

  /** Deletes accounts by id; returns the ids that were not found (nothing is deleted then). */
  delete(ids: ReadonlyArray<string>): ReadonlyArray<string> {
    const generated: Array<number> = []
    const added = new Set<string>()
    const missing: Array<string> = []
    for (const id of ids) {
      const index = this.dataset.indexOfAccount(this.business, id)
      if (index !== undefined && !this.deleted.includes(index)) generated.push(index)
      else if (this.added.some((a) => a.account.id === id)) added.add(id)
      else missing.push(id)
    }
    if (missing.length > 0) return missing
    this.deleted = [...new Set([...this.deleted, ...generated])].sort((a, b) => a - b)
    this.added = this.added.filter((a) => !added.has(a.account.id))
    this.recompute()
    this.generation++
    return []
  }
}
