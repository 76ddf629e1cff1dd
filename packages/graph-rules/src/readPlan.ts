/**
 * What a read of an edge asks Graph for, from its decoded options: the fields (with those the client needs
 * for itself, taken out of the items again), the sort a checkpoint needs, the `filtering` to send, and how a
 * read resumed from a checkpoint starts (by its cursor, or from its data should the cursor be stale).
 * `internal/prepare.ts` decodes the options and builds the Schemas around this.
 *
 * @internal
 */
import type { Clause, Filterables, Unchecked } from "./filterClause.js"
import type { LocalPredicate } from "./filterPlan.js"
import { plan } from "./filterPlan.js"
import type { WireClause } from "./filterWire.js"
import { encodeWire } from "./filterWire.js"
import type { Checkpoint } from "./paging.js"

/** How an edge's reads resume from the data: sorted ascending by `field` (unix seconds). @internal */
export interface Resume {
  readonly field: string
  readonly ascending: string
}

/** What the plan needs of an edge. @internal */
export interface Edge {
  readonly name: string
  readonly filters: Filterables
  readonly resume: Resume | undefined
}

/** What the plan needs of a read's options. @internal */
export interface Options {
  readonly filtering?: ReadonlyArray<Clause | Unchecked> | undefined
  readonly sort?: string | undefined
  readonly limit?: number | undefined
  readonly after?: string | undefined
  readonly checkpoint?: Checkpoint | undefined
  readonly prefetch?: boolean | number | undefined
}

/** Why a checkpoint cannot resume this read, if it cannot. @internal */
export const checkpointProblem = ({ name, resume }: Edge, options: Options): string | undefined =>
  options.checkpoint === undefined
    ? undefined
    : resume === undefined
    ? `${name} reads cannot resume from a checkpoint; use after (a cursor).`
    : options.after !== undefined
    ? "Give checkpoint or after, not both."
    : options.sort !== undefined && options.sort !== resume.ascending
    ? `A read resumed from a checkpoint is sorted ${resume.ascending}.`
    : undefined

/**
 * The fields to request: `id`, the chosen (or default) fields and the extra ones, then those the client needs
 * for itself (`strip`: removed from the items again).
 *
 * @internal
 */
export const fieldNames = (
  defaultFields: ReadonlyArray<string>,
  fields: ReadonlyArray<string> | undefined,
  extraFields: ReadonlyArray<string> | undefined,
  needed: ReadonlyArray<string>
): { readonly names: ReadonlyArray<string>; readonly strip: ReadonlyArray<string> } => {
  const names = [...new Set(["id", ...(fields ?? defaultFields), ...(extraFields ?? [])])]
  const strip = [...new Set(needed)].filter((name) => !names.includes(name))
  return { names: [...names, ...strip], strip }
}

/** The first half of a plan: what the read sorts by, filters on the wire and locally, and needs to request. @internal */
export const filtering = (edge: Edge, options: Options) => {
  const resume = edge.resume
  const sort = options.checkpoint === undefined ? options.sort : resume?.ascending
  const checkpointField = resume !== undefined && sort === resume.ascending ? resume.field : undefined
  const filter = plan(edge.filters, options.filtering ?? [])
  return {
    sort,
    checkpointField,
    wire: filter.wire,
    local: filter.local as ReadonlyArray<LocalPredicate>,
    needed: [...filter.localFields, ...(checkpointField !== undefined ? [checkpointField] : [])]
  }
}

type Query = Readonly<Record<string, string | undefined>>

/**
 * The second half: the query (with the selection's `fields`), where the read starts, and for a checkpoint
 * with a cursor the query to start over with from its data should the cursor be stale.
 *
 * @internal
 */
export const start = (
  edge: Edge,
  options: Options,
  { sort, wire }: { readonly sort: string | undefined; readonly wire: ReadonlyArray<WireClause> },
  selectionQuery: Query
) => {
  const { checkpoint, limit } = options
  // `undefined` parameters are left out of the request.
  const queryWith = (wire: ReadonlyArray<WireClause>): Query => ({
    ...selectionQuery,
    filtering: wire.length > 0 ? encodeWire(wire) : undefined,
    sort,
    limit: limit?.toString()
  })
  const query = queryWith(wire)
  // From the checkpoint's data: everything from its second on (the ids read in that second are skipped as
  // pages arrive). Used at once when the checkpoint has no cursor, or when its cursor went stale.
  const fromData = checkpoint?.at === undefined ? query : queryWith(
    plan(edge.filters, [
      ...(options.filtering ?? []),
      { field: edge.resume!.field, operator: "GREATER_THAN_OR_EQUAL", value: new Date(checkpoint.at * 1000) }
    ]).wire
  )
  const byCursor = checkpoint?.after !== undefined
  return {
    query: byCursor ? query : fromData,
    after: byCursor ? checkpoint.after : options.after,
    prefetch: Number(options.prefetch ?? false),
    resumeFrom: checkpoint?.at === undefined ? undefined : { at: checkpoint.at, ids: new Set(checkpoint.ids) },
    fallback: byCursor ? fromData : undefined
  }
}
