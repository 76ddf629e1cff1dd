/**
 * The agency fan-out's rules (`ManagedAccounts` on both lines), as plain data: its options checked, where
 * an account was seen and what of it is the account's own, the progress it counts, and how every sighting
 * of every account is merged into one ordered answer. Each line runs the reads and holds the claims.
 *
 * @internal
 */
import type { Refusal } from "./request.js"
import * as Result from "./result.js"

/** The two edges a business's accounts come from. @internal */
export type EdgeName = "owned" | "client"

/** One place an account was seen: a business and an edge of it. @internal */
export interface Source {
  readonly businessId: string
  readonly edge: EdgeName
  /** For a shared account: what the business may do with it (`permitted_tasks`). */
  readonly permittedTasks?: ReadonlyArray<string> | undefined
}

/** Where a fan-out stands (see `ManagedAccounts.Progress`). @internal */
export interface Progress {
  /** The businesses of the read, those in `done` included. */
  readonly businesses: number
  /** The businesses done: each with a `BusinessDone` emitted, or skipped as listed in `done`. */
  readonly businessesDone: number
  /** The businesses with a `Failure`. */
  readonly businessesFailed: number
  /** The `Account`s emitted. */
  readonly accounts: number
  /** The pages read, each one request (retries of a request not counted), phone-number pages included. */
  readonly pages: number
}

/** The most business ids one read takes. @internal */
export const maxBusinesses = 100_000

/**
 * With `batch`, how many businesses are read at once per batch request in flight, to fill the batches. Not
 * 50 (a batch's size): each business in flight holds its page and its fibers, and on the emulator a 2,000
 * business run at 50 peaked at 940 MB RSS against 396 MB at 10, for 12% less wall.
 */
export const businessesPerRoundTrip = 10

/** The most businesses read at once. @internal */
export const maxConcurrency = 64

/** What every fan-out takes, whatever its line. @internal */
export interface Options {
  readonly edges?: unknown
  readonly concurrency?: unknown
  readonly batch?: unknown
  readonly failFast?: unknown
  readonly done?: unknown
  readonly onProgress?: unknown
}

/** The options checked: the distinct ids in the order given, and those left to read. @internal */
export interface Checked {
  readonly businessIds: ReadonlyArray<string>
  readonly todo: ReadonlyArray<string>
  readonly edges: ReadonlyArray<EdgeName>
  readonly concurrency: number
  readonly batch: boolean
  readonly failFast: boolean
}

const refuse = (parameter: string, message: string) => Result.fail<Refusal>({ parameter, message })

const isStrings = (value: unknown): value is Iterable<string> =>
  (Array.isArray(value) || value instanceof Set) && [...value].every((id) => typeof id === "string")

/**
 * The fan-out's own options checked, with the ids checked one by one by `idProblem` (each line words its
 * parent id's rule): the first problem, or the read's shape.
 *
 * @internal
 */
export const check = (
  businessIds: unknown,
  options: Options,
  idProblem: (id: unknown) => string | undefined
): Result.Result<Checked, Refusal> => {
  const { batch = false, concurrency = 8, done = [], edges = ["owned", "client"], failFast = false } = options
  if (!Array.isArray(businessIds) || businessIds.length === 0) {
    return refuse("businessIds", "businessIds must be a non-empty list of business ids.")
  }
  if (businessIds.length > maxBusinesses) {
    return refuse("businessIds", `businessIds may hold at most ${maxBusinesses} ids.`)
  }
  if (!Array.isArray(edges) || edges.length === 0 || edges.some((edge) => edge !== "owned" && edge !== "client")) {
    return refuse("edges", "edges must be a non-empty list of \"owned\" and \"client\".")
  }
  if (
    typeof concurrency !== "number" || !Number.isInteger(concurrency) || concurrency < 1 ||
    concurrency > maxConcurrency
  ) {
    return refuse("concurrency", `concurrency must be a whole number from 1 to ${maxConcurrency}, got ${concurrency}.`)
  }
  if (typeof batch !== "boolean") return refuse("batch", "batch must be true or false.")
  if (typeof failFast !== "boolean") return refuse("failFast", "failFast must be true or false.")
  if (!isStrings(done)) return refuse("done", "done must be a list or a set of business ids.")
  if (options.onProgress !== undefined && typeof options.onProgress !== "function") {
    return refuse("onProgress", "onProgress must be a function.")
  }
  const ids: ReadonlyArray<unknown> = [...new Set(businessIds)]
  for (const id of ids) {
    const problem = idProblem(id)
    if (problem !== undefined) return refuse("businessIds", `businessIds holds ${JSON.stringify(id)}: ${problem}`)
  }
  const skip = new Set(done)
  const strings = ids as ReadonlyArray<string>
  return Result.succeed({
    businessIds: strings,
    todo: strings.filter((id) => !skip.has(id)),
    edges: [...new Set(edges as ReadonlyArray<EdgeName>)],
    concurrency,
    batch,
    failFast
  })
}

/** The progress counters of a read, at its start. @internal */
export const startProgress = ({ businessIds, todo }: Checked): { -readonly [K in keyof Progress]: Progress[K] } => ({
  businesses: businessIds.length,
  businessesDone: businessIds.length - todo.length,
  businessesFailed: 0,
  accounts: 0,
  pages: 0
})

/**
 * A sighting of `item` on a business's edge: where it was seen, and the account without what belongs to the
 * relationship (the tasks a client edge permits, which are the source's, not the account's).
 *
 * @internal
 */
export const sighting = <A extends { readonly id: string }>(
  item: A,
  businessId: string,
  edge: EdgeName
): { readonly account: A; readonly source: Source } => {
  if (edge === "owned") return { account: item, source: { businessId, edge } }
  const { permitted_tasks: tasks, ...account } = item as A & { readonly permitted_tasks?: ReadonlyArray<string> }
  return {
    account: account as unknown as A,
    source: tasks === undefined ? { businessId, edge } : { businessId, edge, permittedTasks: tasks }
  }
}

/** An account with every place it was seen (`ManagedAccounts.all`). @internal */
export interface Merged<A> {
  readonly account: A
  /** Every business and edge it was seen on: the businesses in the order given, the owned edge first. */
  readonly sources: ReadonlyArray<Source>
}

type Placed = readonly [read: number, arrival: number, source: Source]

/**
 * Collects sightings as they arrive (an account's data with its first, its id alone with the others) and
 * orders them at the end: sources by their read (the businesses as given, the owned edge first) then their
 * arrival, which within one read is Graph's order; accounts by their first source.
 *
 * @internal
 */
export const merger = <A>(businessIds: ReadonlyArray<string>) => {
  const position = new Map(businessIds.map((id, i) => [id, i]))
  let arrival = 0
  const accounts = new Map<string, { account?: A; sources: Array<Placed> }>()
  const byPlace = (a: Placed, b: Placed) => a[0] - b[0] || a[1] - b[1]
  return {
    add: (id: string, source: Source, account?: A): void => {
      const entry = accounts.get(id) ?? { sources: [] }
      if (account !== undefined) entry.account = account
      const read = (position.get(source.businessId) ?? businessIds.length) * 2 + (source.edge === "owned" ? 0 : 1)
      entry.sources.push([read, arrival++, source])
      accounts.set(id, entry)
    },
    result: (): ReadonlyArray<Merged<A>> =>
      [...accounts.values()]
        // An id seen only again, never with its data, cannot happen in one read; such an entry is left out.
        .filter((entry): entry is { account: A; sources: Array<Placed> } => entry.account !== undefined)
        .map(({ account, sources }) => ({ account, sources: sources.sort(byPlace) }))
        .sort((a, b) => byPlace(a.sources[0]!, b.sources[0]!))
        .map(({ account, sources }) => ({ account, sources: sources.map(([, , source]) => source) }))
  }
}
