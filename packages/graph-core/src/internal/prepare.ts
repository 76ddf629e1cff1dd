/**
 * A read's options, decoded by one Schema per declaration (bad input fails here, before anything is
 * sent), and what the read needs from them: the query, the Schemas that decode what comes back, the
 * clauses the client evaluates and the expansions.
 *
 * @internal
 */
import { describe } from "@effect-waba/graph-rules/describe"
import * as ReadPlan from "@effect-waba/graph-rules/readPlan"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as GraphEdge from "../GraphEdge.js"
import * as GraphFields from "../GraphFields.js"
import * as GraphFilter from "../GraphFilter.js"
import type * as GraphNode from "../GraphNode.js"
import * as GraphPaging from "../GraphPaging.js"
import * as GraphSchema from "../GraphSchema.js"
import { InvalidRequestError } from "../InvalidRequestError.js"

type Target = GraphEdge.Any | GraphNode.Any

const isEdge = (target: Target): target is GraphEdge.Any => "itemFields" in target

// The node a target reads, and the fields of what it returns (an edge's items may have fields of their own).
const shapeOf = (target: Target) =>
  isEdge(target) ? { node: target.node, fields: target.itemFields } : { node: target, fields: target.fields }

/** A read's options, decoded. @internal */
export interface Options extends ReadPlan.Options {
  readonly fields?: ReadonlyArray<string> | undefined
  readonly extraFields?: ReadonlyArray<string> | undefined
  readonly expand?: Readonly<Record<string, Nested | undefined>> | undefined
}

type Nested = Pick<Options, "fields" | "limit"> & { readonly pages?: "all" | "first" | undefined }

/** An edge's answer, decoded. @internal */
export type PageBody = Schema.Schema.Type<
  ReturnType<typeof GraphSchema.Connection<Record<string, unknown>, any, never>>
>

/** A read of one edge, the same under every parent id. @internal */
export interface Plan {
  readonly edge: GraphEdge.Any
  readonly query: Readonly<Record<string, string | undefined>>
  readonly after: string | undefined
  readonly prefetch: number
  readonly item: Schema.Schema<any, any>
  readonly page: Schema.Schema<PageBody, unknown>
  readonly selections: ReadonlyArray<GraphFields.Selection>
  readonly local: ReadonlyArray<GraphFilter.LocalPredicate>
  /** Fields requested for the client's own use (local filters, checkpoints), removed from the items. */
  readonly strip: ReadonlyArray<string>
  readonly expansions: ReadonlyArray<Expansion>
  /** Resuming from a checkpoint: skip everything before second `at`, and these ids in it. */
  readonly resumeFrom: { readonly at: number; readonly ids: ReadonlySet<string> } | undefined
  /** Resuming from a checkpoint's cursor: the query to start over with from its data, should the cursor be stale. */
  readonly fallback: Plan["query"] | undefined
  /** Set when pages carry data checkpoints: the unix-seconds field they are computed from. */
  readonly checkpointField: string | undefined
}

/** An edge expanded inside each item, with the read that follows its paging from an item. @internal */
export interface Expansion {
  readonly key: string
  readonly pages: "all" | "first"
  readonly plan: Plan
}

const memo = <K extends object, A>(build: (key: K) => A): (key: K) => A => {
  const cache = new WeakMap<K, A>()
  return (key) => {
    if (!cache.has(key)) cache.set(key, build(key))
    return cache.get(key)!
  }
}

// A leaf's message replaces whatever its parts said (override); a container's only stands for its own
// failures, so the message of the element at fault comes through.
const says = <S extends Schema.Schema.Any>(schema: S, message: (actual: unknown) => string, override = true) =>
  schema.annotations({ message: (issue) => ({ message: message(issue.actual), override }) }) as S

const names = (option: string, name: Schema.Schema<string>) =>
  says(Schema.Array(name), () => `${option} must be a list of field names.`, false).pipe(
    Schema.filter((list) => {
      const seen = new Set<string>()
      const twice = list.find((name) => seen.size === seen.add(name).size)
      return twice === undefined || `${option} names "${twice}" twice.`
    })
  )

const fieldList = (option: string, owner: string, known: ReadonlyArray<string>, hint = "") =>
  names(
    option,
    says(
      Schema.String.pipe(Schema.filter((name) => known.includes(name))),
      (actual) => `${describe(actual)} is not a field of ${owner}; known fields are ${known.join(", ")}${hint}.`
    )
  ).pipe(Schema.filter((list) =>
    list.length > 0 || `${option} is an empty list; name at least one field, or leave it out for the defaults.`
  ))

const limitOf = (option: string, max: number) =>
  says(
    Schema.Number.pipe(Schema.int(), Schema.between(1, max)),
    (actual) => `${option} must be a whole number from 1 to ${max}, got ${describe(actual)}.`
  )

const expandOf = (node: GraphNode.Any) => {
  const edges = Object.keys(node.expandable)
  const nested = (name: string, { maxLimit, node }: GraphEdge.Any) =>
    Schema.optional(Schema.Struct({
      fields: Schema.optional(fieldList(`expand.${name}.fields`, node.name, node.fieldNames)),
      limit: Schema.optional(limitOf(`expand.${name}.limit`, maxLimit)),
      pages: Schema.optional(says(
        Schema.Literal("all", "first"),
        (actual) => `expand.${name}.pages must be "all" or "first", got ${describe(actual)}.`
      ))
    }))
  return says(
    Schema.Struct(Object.fromEntries(edges.map((name) => [name, nested(name, node.expandable[name]!)]))),
    () =>
      edges.length === 0
        ? `${node.name} has no edge that can be expanded.`
        : `expand takes an object such as { ${edges[0]}: { fields: [...] } }.`,
    false
  )
}

const edgeOptions = ({ filters, maxLimit, name, sorts }: GraphEdge.Any) => ({
  filtering: GraphFilter.filteringSchema(filters),
  sort: says(Schema.Literal(...sorts), (actual) =>
    sorts.length === 0
      ? `${name} documents no sort order, so sort must be left out; got ${describe(actual)}.`
      : `sort must be one of ${sorts.join(", ")}, got ${describe(actual)}.`),
  limit: limitOf("limit", maxLimit),
  after: says(
    GraphPaging.Cursor,
    () => "after must be a cursor as Graph returned it (non-empty, no whitespace, at most 4096 characters)."
  ),
  checkpoint: says(
    GraphPaging.Checkpoint,
    () =>
      "checkpoint must be a page's checkpoint: { at?: unix seconds, ids: [the ids read in that second], after?: cursor }."
  ),
  prefetch: says(
    Schema.Union(Schema.Boolean, Schema.Number.pipe(Schema.int(), Schema.between(1, 16))),
    (actual) => `prefetch must be true, false or a whole number from 1 to 16, got ${describe(actual)}.`
  )
})

// A checkpoint resumes an ascending read by creation time: it needs the edge's resume field and that sort.
const checkpointProblem = (edge: GraphEdge.Any, options: Options) => {
  const problem = ReadPlan.checkpointProblem(edge, options)
  return problem === undefined || { path: ["checkpoint"], message: problem }
}

// The one Schema a read's options are decoded with: for a node `fields`, `extraFields` and `expand`; for
// an edge also `filtering`, `sort`, `limit`, `after`, `checkpoint` and `prefetch`.
const optionsOf = memo((target: Target) => {
  const { fields, node } = shapeOf(target)
  const extraField = Schema.String.pipe(Schema.filter((name) =>
    !/^[a-z][a-z0-9_]{0,63}$/.test(name)
      ? `${describe(name)} is not a valid field name (lower case letters, digits and underscores).`
      : !Object.hasOwn(fields, name) || `"${name}" is a known field; put it in fields to get it typed.`
  ))
  const options: Record<string, Schema.Schema.Any> = {
    fields: fieldList("fields", node.name, Object.keys(fields), " (use extraFields for one Meta added recently)"),
    extraFields: names("extraFields", extraField),
    expand: expandOf(node),
    ...(isEdge(target) ? edgeOptions(target) : {})
  }
  const struct = Schema.Struct(Object.fromEntries(
    Object.entries(options).map(([key, schema]) => [key, Schema.optional(schema)])
  )) as unknown as Schema.Schema<Options, unknown>
  return {
    schema: isEdge(target) ? struct.pipe(Schema.filter((options) => checkpointProblem(target, options))) : struct,
    names: Object.keys(options)
  }
})

const idOf = memo((parent: GraphEdge.Parent) =>
  says(
    Schema.String.pipe(Schema.pattern(/^[0-9]{1,25}$/)),
    (actual) => `${parent.label} must be ${parent.description}, 1 to 25 digits; got ${describe(actual)}.`
  )
)

const invalid = (parameter: string, message: string) => new InvalidRequestError({ parameter, message })

const renderPath = (path: ReadonlyArray<PropertyKey>) =>
  path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`).join("")

// The first problem of a decode, as the error a caller can act on: `parameter` names the option at fault.
const decode = <A>(
  schema: Schema.Schema<A, any>,
  input: unknown,
  parameter: string,
  optionNames: ReadonlyArray<string> = []
) =>
  Either.mapLeft(Schema.decodeUnknownEither(schema)(input, { errors: "first", onExcessProperty: "error" }), (error) => {
    const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
    if (first === undefined || first.path.length === 0) return invalid(parameter, first?.message ?? error.message)
    const option = String(first.path[0])
    if (first._tag === "Unexpected" && first.path.length === 1) {
      return invalid(option, `${describe(option)} is not an option here; the options are ${optionNames.join(", ")}.`)
    }
    if (first._tag === "Unexpected" && option === "expand" && first.path.length === 2) {
      return invalid(option, `${describe(first.path[1])} cannot be expanded here.`)
    }
    // Messages written for one option already name it; deeper paths say where in the option the problem is.
    const deep = first.path.length > 1 && !first.message.startsWith(option)
    return invalid(option, deep ? `${renderPath(first.path)}: ${first.message}` : first.message)
  })

const unreadable = "The options could not be read (a getter or proxy threw while they were inspected)."

// No public function throws, whatever it is given (getters that throw, proxies, ...).
const guarded = <A>(prepare: () => Either.Either<A, InvalidRequestError>): Either.Either<A, InvalidRequestError> =>
  Either.try({ try: prepare, catch: () => invalid("options", unreadable) }).pipe(Either.flatMap((read) => read))

// What a read selects: the fields (with those the client needs for itself, taken out of the items
// again), the expansions, and the Schemas that decode them. Kept per target and selection: a fan-out reads
// the same selection under thousands of parents, and Effect compiles a decoder once per Schema it is given.
const select = (target: Target, options: Options, needed: ReadonlyArray<string>) => {
  const key = JSON.stringify([options.fields, options.extraFields, options.expand, needed])
  const cache = selections(target)
  // Bounded: a program that builds selections at run time must not grow this without end.
  if (!cache.has(key) && cache.size >= 256) cache.clear()
  if (!cache.has(key)) cache.set(key, selectNew(target, options, needed))
  return cache.get(key)!
}

const selections = memo((_: Target) => new Map<string, ReturnType<typeof selectNew>>())

const selectNew = (target: Target, options: Options, needed: ReadonlyArray<string>) => {
  const { fields, node } = shapeOf(target)
  const extra = options.extraFields ?? []
  const { names, strip } = ReadPlan.fieldNames(node.defaultFields, options.fields, extra, needed)
  const expand = Object.entries(options.expand ?? {}).filter((entry): entry is [string, Nested] => !!entry[1])
  const expansions = expand.map(([key, nested]): Expansion => {
    const edge = node.expandable[key]!
    const plan = planOf(edge, { fields: nested.fields ?? edge.node.defaultFields, limit: nested.limit })
    return { key, pages: nested.pages ?? "all", plan }
  })
  const item = Schema.Struct(Object.fromEntries([
    ...names.map((name) => [name, Object.hasOwn(fields, name) ? fields[name]! : GraphSchema.optional(Schema.Unknown)]),
    ...expansions.map(({ key, plan }) => [key, GraphSchema.optional(GraphSchema.Connection(plan.item))])
  ])) as unknown as Schema.Schema<any, any>
  const selections: Array<GraphFields.Selection> = [
    ...names.map((name) => ({ name })),
    ...expand.map(([key, { limit }], i) => ({ name: key, limit, fields: expansions[i]!.plan.selections }))
  ]
  // Without `fields`, Graph returns the node's default fields, which is what is then decoded.
  const explicit = options.fields !== undefined || extra.length > 0 || expand.length > 0 || needed.length > 0
  return {
    item,
    page: GraphSchema.tolerant(GraphSchema.Connection(item)) as Schema.Schema<PageBody, unknown>,
    query: { fields: explicit ? GraphFields.render(selections) : undefined },
    selections,
    strip,
    expansions
  }
}

const planOf = (edge: GraphEdge.Any, options: Options): Plan => {
  const filtering = ReadPlan.filtering(edge, options)
  const selection = select(edge, options, filtering.needed)
  return {
    ...selection,
    ...ReadPlan.start(edge, options, filtering, selection.query),
    edge,
    local: filtering.local,
    checkpointField: filtering.checkpointField
  }
}

// A read of `target` under (or of) the id `id`, or what is wrong with the input. No options are valid
// options: a fan-out checks thousands of ids this way, before its first request.
const read = <A>(
  target: Target,
  parent: GraphEdge.Parent,
  id: unknown,
  input: unknown,
  f: (id: string, options: Options) => A
) =>
  guarded(() =>
    Either.gen(function*() {
      const checked = yield* decode(idOf(parent), id, parent.label)
      const { names, schema } = optionsOf(target)
      return f(checked, input === undefined ? {} : yield* decode(schema, input, "options", names))
    })
  )

/** A read of `edge` under `parentId`, or what is wrong with the input. @internal */
export const edgeRead = (edge: GraphEdge.Any, parentId: unknown, input: unknown) =>
  read(edge, edge.parent, parentId, input, (parentId, options) => ({ plan: planOf(edge, options), parentId }))

/** A read of node `id`, or what is wrong with the input. @internal */
export const nodeRead = (node: GraphNode.Any, parent: GraphEdge.Parent, id: unknown, input: unknown) =>
  read(node, parent, id, input ?? {}, (id, options) => {
    const { expansions, item, query } = select(node, options, [])
    return { id, query, schema: GraphSchema.tolerant(item), expansions }
  })
