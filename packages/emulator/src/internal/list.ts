/**
 * One list as Graph would see it right now (a business's owned accounts, its client accounts, an
 * account's phone numbers): the generated elements, minus the ones deleted at runtime, merged with the
 * ones added at runtime, in `(time, id)` order.
 *
 * Positions are ascending indices into that merged list. With no mutations, position = generated index
 * and every lookup is O(1) or one binary search; mutations add work proportional to their own (small)
 * number, never to the size of the list.
 *
 * @internal
 */

/** A record added at runtime, with its sort key. @internal */
export interface Added {
  readonly id: string
  readonly num: number
  readonly time: number
  readonly record: Readonly<Record<string, unknown>>
}

/** A generated element (its index) or an element added at runtime. @internal */
export type Item = number | Added

/** The generated part of a list. @internal */
export interface Source {
  readonly count: number
  /** Never decreases with the index. */
  readonly time: (index: number) => number
  /** The numeric id; strictly increases with the index. */
  readonly num: (index: number) => number
  readonly id: (index: number) => string
  /** The generated index of an id, if the list generates it. */
  readonly indexOf: (id: string) => number | undefined
}

const lowerBoundBy = (length: number, below: (i: number) => boolean): number => {
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
export class ListView {
  /** Bumped by every mutation (for the "any change invalidates cursors" mode). */
  mutations = 0
  private deleted: Array<number> = []
  private deletedSet = new Set<number>()
  private added: Array<Added> = []
  private addedPosition: Array<number> = []

  constructor(readonly source: Source) {}

  get size(): number {
    return this.source.count - this.deleted.length + this.added.length
  }

  get mutated(): boolean {
    return this.deleted.length > 0 || this.added.length > 0
  }

  /** First generated index whose time is >= t. */
  private generatedLowerBound(t: number): number {
    return lowerBoundBy(this.source.count, (i) => this.source.time(i) < t)
  }

  private deletedBelow(i: number): number {
    return lowerBoundBy(this.deleted.length, (k) => this.deleted[k]! < i)
  }

  /** The k-th (0-based) generated index that was not deleted. */
  private liveGenerated(k: number): number {
    // deleted[j] - j never decreases, and index k + j is the answer once j deleted indices lie below it.
    return k + lowerBoundBy(this.deleted.length, (j) => this.deleted[j]! - j <= k)
  }

  private recompute(): void {
    this.addedPosition = this.added.map((added, j) => {
      // Added elements sort after generated ones of the same time and a lower id.
      const upTo = lowerBoundBy(
        this.source.count,
        (i) =>
          this.source.time(i) < added.time || (this.source.time(i) === added.time && this.source.num(i) < added.num)
      )
      return upTo - this.deletedBelow(upTo) + j
    })
  }

  itemAt(position: number): Item {
    if (!this.mutated) return position
    const lo = lowerBoundBy(this.addedPosition.length, (k) => this.addedPosition[k]! < position)
    if (this.addedPosition[lo] === position) return this.added[lo]!
    return this.liveGenerated(position - lo)
  }

  timeOf(item: Item): number {
    return typeof item === "number" ? this.source.time(item) : item.time
  }

  numOf(item: Item): number {
    return typeof item === "number" ? this.source.num(item) : item.num
  }

  idOf(item: Item): string {
    return typeof item === "number" ? this.source.id(item) : item.id
  }

  timeAt(position: number): number {
    return this.timeOf(this.itemAt(position))
  }

  /** First position whose time is >= t (the size when there is none). */
  lowerBound(t: number): number {
    if (t === -Infinity) return 0
    if (t === Infinity) return this.size
    const generated = this.generatedLowerBound(t)
    let before = generated - this.deletedBelow(generated)
    for (const added of this.added) {
      if (added.time < t) before++
    }
    return before
  }

  /** First position whose `(time, num)` is above the given key. */
  positionAfter(time: number, num: number): number {
    let p = this.lowerBound(time)
    const size = this.size
    while (p < size) {
      const item = this.itemAt(p)
      if (this.timeOf(item) !== time || this.numOf(item) > num) break
      p++
    }
    return p
  }

  /** The position of the element with this id, if it is in the list now. */
  positionOf(id: string, time: number): number | undefined {
    const num = Number(id)
    let p = this.lowerBound(time)
    const size = this.size
    for (; p < size; p++) {
      const item = this.itemAt(p)
      if (this.timeOf(item) !== time) return undefined
      if (this.numOf(item) === num) return p
    }
    return undefined
  }

  /** The element with this id, if it is in the list now. */
  find(id: string): Item | undefined {
    const index = this.source.indexOf(id)
    if (index !== undefined) return this.deletedSet.has(index) ? undefined : index
    return this.added.find((added) => added.id === id)
  }

  add(records: ReadonlyArray<Added>): void {
    this.added.push(...records)
    this.added.sort((a, b) => a.time - b.time || a.num - b.num)
    this.recompute()
    this.mutations++
  }

  /** Deletes elements by id; returns the ids that were not found (nothing is deleted then). */
  delete(ids: ReadonlyArray<string>): ReadonlyArray<string> {
    const generated: Array<number> = []
    const added = new Set<string>()
    const missing: Array<string> = []
    for (const id of ids) {
      const index = this.source.indexOf(id)
      if (index !== undefined && !this.deletedSet.has(index)) generated.push(index)
      else if (index === undefined && this.added.some((a) => a.id === id)) added.add(id)
      else missing.push(id)
    }
    if (missing.length > 0) return missing
    for (const index of generated) this.deletedSet.add(index)
    this.deleted = [...this.deletedSet].sort((a, b) => a - b)
    this.added = this.added.filter((a) => !added.has(a.id))
    this.recompute()
    this.mutations++
    return []
  }
}
