/**
 * One list as Graph would see it now (a business's owned accounts, its client accounts, an account's phone
 * numbers): the generated elements minus those deleted at runtime, merged with those added at runtime, in
 * `(time, id)` order. Positions count in that order from 0.
 *
 * The generated part is never materialised (a business may own ten million accounts): with no changes a
 * position is the generated index, and lookups are binary searches. Changes cost work in proportion to
 * their own number, never to the size of the list.
 *
 * @internal
 */
import type * as Dataset from "../Dataset.js"

/** A record added at runtime. @internal */
export interface Added {
  readonly id: string
  readonly time: number
  readonly record: Readonly<Record<string, unknown>>
}

/** A generated element (its index) or one added at runtime. @internal */
export type Item = number | Added

const lowerBound = (length: number, below: (i: number) => boolean): number => {
  let lo = 0
  let hi = length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (below(mid)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** @internal */
export class List {
  /** Bumped by every change (for the quirk where any change invalidates cursors). */
  mutations = 0
  /** Generated indices deleted, ascending. */
  private deleted: Array<number> = []
  /** Added records in `(time, id)` order, and the position of each. */
  private added: Array<Added> = []
  private addedAt: Array<number> = []
  /** Field values changed at runtime, by element id: they win over the generated or added record. */
  private overrides = new Map<string, Readonly<Record<string, unknown>>>()

  constructor(
    /** Names the list in cursors: a lower-case letter and digits, e.g. `o1234`. */
    readonly key: string,
    readonly source: Dataset.Generated<object>,
    /** The list an expandable field of an item holds. */
    readonly expand: (item: Item, field: string) => List | undefined = () => undefined
  ) {}

  get size(): number {
    return this.source.count - this.deleted.length + this.added.length
  }

  readonly time = (item: Item): number => typeof item === "number" ? this.source.time(item) : item.time
  readonly id = (item: Item): string => typeof item === "number" ? this.source.id(item) : item.id

  /** A field's wire value, `undefined` when absent. */
  read(item: Item, field: string): unknown {
    const changed = this.overrides.size === 0 ? undefined : this.overrides.get(this.id(item))
    if (changed !== undefined && field in changed) return changed[field]
    return typeof item === "number" ? this.source.field(item, field) : item.record[field]
  }

  /** Every field of an element that has a value. */
  record<A>(item: Item): A {
    const base = typeof item === "number" ? this.source.record(item) : item.record
    const changed = this.overrides.size === 0 ? undefined : this.overrides.get(this.id(item))
    return (changed === undefined ? base : { ...base, ...changed }) as A
  }

  /**
   * Sets fields of an element in the list now. Its place is kept: the time and id it is ordered by are
   * not fields to change.
   */
  update(item: Item, fields: Readonly<Record<string, unknown>>): void {
    const id = this.id(item)
    this.overrides.set(id, { ...this.overrides.get(id), ...fields })
  }

  /** Every element, every field, in order (or reversed): for test oracles on modest sizes. */
  records<A>(descending = false): Array<A> {
    return Array.from({ length: this.size }, (_, p) => this.record<A>(this.itemAt(descending ? this.size - 1 - p : p)))
  }

  /** How many elements sort before the key `(time, num)`: the position it has, or would have. */
  rank(time: number, num: number): number {
    const { source } = this
    const below = (t: number, id: string) => t < time || (t === time && Number(id) < num)
    const generated = lowerBound(source.count, (i) => below(source.time(i), source.id(i)))
    return generated - this.deleted.filter((index) => index < generated).length +
      this.added.filter((added) => below(added.time, added.id)).length
  }

  itemAt(position: number): Item {
    let k = position
    for (let j = 0; j < this.added.length && this.addedAt[j]! <= position; j++) {
      if (this.addedAt[j] === position) return this.added[j]!
      k--
    }
    // The k-th generated index that was not deleted.
    for (const index of this.deleted) {
      if (index > k) break
      k++
    }
    return k
  }

  /** The element with this id, if it is in the list now. */
  find(id: string): Item | undefined {
    const index = this.source.indexOf(id)
    // A generated element deleted and then added again (a share withdrawn and given back) is an added one.
    if (index === undefined || this.deleted.includes(index)) return this.added.find((added) => added.id === id)
    return index
  }

  add(records: ReadonlyArray<Added>): void {
    this.added = [...this.added, ...records].sort((a, b) => a.time - b.time || Number(a.id) - Number(b.id))
    this.changed()
  }

  /** Deletes elements by id, all or none; returns the ids not found. */
  delete(ids: ReadonlyArray<string>): ReadonlyArray<string> {
    const missing = ids.filter((id) => this.find(id) === undefined)
    if (missing.length > 0) return missing
    const indices = ids.map((id) => this.source.indexOf(id)).filter((index) => index !== undefined)
    this.deleted = [...new Set([...this.deleted, ...indices])].sort((a, b) => a - b)
    this.added = this.added.filter((added) => !ids.includes(added.id))
    for (const id of ids) this.overrides.delete(id)
    this.changed()
    return []
  }

  private changed(): void {
    this.mutations++
    this.addedAt = this.added.map((added) => this.rank(added.time, Number(added.id)))
  }
}
