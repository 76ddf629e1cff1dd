/**
 * Turning a read's options into a prepared request, once: the options are decoded by one Schema per
 * edge (bad input fails here, before anything is sent), then the wire query, the page schema, the local
 * filter and the expansions are derived from the edge's declaration.
 *
 * @internal
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type * as GraphEdge from "../GraphEdge.js"
import * as GraphFields from "../GraphFields.js"
import * as GraphFilter from "../GraphFilter.js"
import type * as GraphNode from "../GraphNode.js"
import * as GraphSchema from "../GraphSchema.js"
import { InvalidRequestError } from "../InvalidRequestError.js"

/** @internal */
export const describe = (value: unknown): string => {
  if (typeof value === "number" || typeof value === "bigint" || value === undefined) return String(value)
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid Date" : value.toISOString()
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch {
    text = undefined
  }
  text ??= Object.prototype.toString.call(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

// A leaf's message replaces whatever its parts said (override); a container's only stands for its own
// failures, so the message of the element at fault comes through.
const says = (message: (actual: unknown) => string, override = true) => ({
  message: (issue: ParseResult.ParseIssue) => ({ message: message(issue.actual), override })
})

const graphIdPattern = /^[0-9]{1,25}$/
const extraFieldPattern = /^[a-z][a-z0-9_]{0,63}$/
// eslint-disable-next-line no-control-regex
const cursorForbidden = /[\s\u0000-\u001f\u007f]/

// One per parent: building it (a refinement and its annotations) on every read showed in the per-read cost.
const parentIdSchemas = new WeakMap<GraphEdge.Parent, Schema.Schema<string, unknown>>()

/** @internal */
export const parentIdSchema = (parent: GraphEdge.Parent): Schema.Schema<string, unknown> => {
  let schema = parentIdSchemas.get(parent)
  if (schema === undefined) {
    schema = Schema.String.pipe(Schema.pattern(graphIdPattern)).annotations(
      says((actual) => `${parent.label} must be ${parent.description}, 1 to 25 digits; got ${describe(actual)}.`)
    ) as Schema.Schema<string, unknown>
    parentIdSchemas.set(parent, schema)
  }
  return schema
}

const unique = <A>(list: ReadonlyArray<A>) => {
  const seen = new Set<A>()
  for (const item of list) {
    if (seen.has(item)) return item
    seen.add(item)
  }
  return undefined
}

const fieldsSchema = (option: string, owner: string, names: ReadonlyArray<string>, hint: string) => {
  const known = new Set(names)
  const Name = Schema.String.pipe(Schema.filter((name) => known.has(name))).annotations(
    says((actual) => `${describe(actual)} is not a field of ${owner}; known fields are ${names.join(", ")}${hint}.`)
  )
  return Schema.Array(Name).annotations(says(() => `${option} must be a list of field names.`, false)).pipe(
    Schema.filter((list) =>
      list.length > 0 ||
      `${option} is an empty list; name at least one field, or leave it out for the defaults.`
    ),
    Schema.filter((list) => {
      const twice = unique(list)
      return twice === undefined || `${option} names "${twice}" twice.`
    })
  )
}

const extraFieldsSchema = (edge: GraphEdge.Any) => {
  const Name = Schema.String.pipe(
    Schema.filter((name) =>
      !extraFieldPattern.test(name)
        ? `${describe(name)} is not a valid field name (lower case letters, digits and underscores).`
        : !edge.isField(name) || `"${name}" is a known field; put it in fields to get it typed.`
    )
  )
  return Schema.Array(Name).annotations(says(() => "extraFields must be a list of field names.", false)).pipe(
    Schema.filter((list) => {
      const twice = unique(list)
      return twice === undefined || `extraFields names "${twice}" twice.`
    })
  )
}

const limitSchema = (option: string, max: number) =>
  Schema.Number.pipe(Schema.int(), Schema.between(1, max)).annotations(
    says((actual) => `${option} must be a whole number from 1 to ${max}, got ${describe(actual)}.`)
  )

const expandSchema = (owner: GraphNode.Any) => {
  const names = Object.keys(owner.expandable)
  const entries: Record<string, Schema.optional<Schema.Schema.AnyNoContext>> = {}
  for (const name of names) {
    const nested = owner.expandable[name]!
    entries[name] = Schema.optional(
      Schema.Struct({
        fields: Schema.optional(fieldsSchema(`expand.${name}.fields`, nested.node.name, nested.node.fieldNames, "")),
        limit: Schema.optional(limitSchema(`expand.${name}.limit`, nested.maxLimit)),
        pages: Schema.optional(
          Schema.Literal("all", "first").annotations(
            says((actual) => `expand.${name}.pages must be "all" or "first", got ${describe(actual)}.`)
          )
        )
      })
    )
  }
  return Schema.Struct(entries).annotations(
    says(() =>
      names.length === 0
        ? `${owner.name} has no edge that can be expanded.`
        : `expand takes an object such as { ${names[0]}: { fields: [...] } }.`, false)
  )
}

/**
 * Where a read stands: the cursor it would continue with (`after`, while it is fresh), and, from the data,
 * the creation second it reached (`at`) with the ids delivered in that second. @internal
 */
export const Checkpoint = Schema.Struct({
  at: Schema.optional(Schema.Number.pipe(Schema.int(), Schema.between(0, 253_402_300_799))),
  ids: Schema.Array(Schema.String.pipe(Schema.pattern(graphIdPattern))).pipe(Schema.maxItems(10_000)),
  after: Schema.optional(
    Schema.String.pipe(
      Schema.filter((cursor) => cursor.length > 0 && cursor.length <= 4096 && !cursorForbidden.test(cursor))
    )
  )
}).annotations({ identifier: "Checkpoint" })

const checkpointSchema = Checkpoint.annotations(
  says(() =>
    "checkpoint must be a page's checkpoint: { at?: unix seconds, ids: [the ids read in that second], after?: cursor }."
  )
)

const prefetchSchema = Schema.Union(
  Schema.Boolean,
  Schema.Number.pipe(Schema.int(), Schema.between(1, 16))
).annotations(says((actual) => `prefetch must be true, false or a whole number from 1 to 16, got ${describe(actual)}.`))

const cursorSchema = Schema.String.pipe(
  Schema.filter((cursor) => cursor.length > 0 && cursor.length <= 4096 && !cursorForbidden.test(cursor))
).annotations(
  says(() => "after must be a cursor as Graph returned it (non-empty, no whitespace, at most 4096 characters).")
)

const sortSchema = (edge: GraphEdge.Any) =>
  edge.sorts.length === 0
    ? Schema.Undefined.annotations(
      says((actual) => `${edge.name} documents no sort order, so sort must be left out; got ${describe(actual)}.`)
    )
    : Schema.Literal(...edge.sorts).annotations(
      says((actual) => `sort must be one of ${edge.sorts.join(", ")}, got ${describe(actual)}.`)
    )

/** The options of one read, decoded. @internal */
export interface EdgeOptions {
  readonly fields?: ReadonlyArray<string> | undefined
  readonly extraFields?: ReadonlyArray<string> | undefined
  readonly expand?: Readonly<Record<string, NestedOptions | undefined>> | undefined
  readonly filtering?: ReadonlyArray<GraphFilter.Clause | GraphFilter.Unchecked> | undefined
  readonly sort?: string | undefined
  readonly limit?: number | undefined
  readonly after?: string | undefined
  readonly checkpoint?: typeof Checkpoint.Type | undefined
  readonly prefetch?: boolean | number | undefined
}

/** @internal */
export interface NestedOptions {
  readonly fields?: ReadonlyArray<string> | undefined
  readonly limit?: number | undefined
  readonly pages?: "all" | "first" | undefined
}

const edgeOptionsSchemas = new WeakMap<GraphEdge.Any, Schema.Schema<EdgeOptions, unknown>>()

/** The one Schema an edge's read options are decoded with. @internal */
export const edgeOptionsSchema = (edge: GraphEdge.Any): Schema.Schema<EdgeOptions, unknown> => {
  let schema = edgeOptionsSchemas.get(edge)
  if (schema === undefined) {
    const struct = Schema.Struct({
      fields: Schema.optional(
        fieldsSchema(
          "fields",
          edge.node.name,
          Object.keys(edge.itemFields),
          " (use extraFields for one Meta added recently)"
        )
      ),
      extraFields: Schema.optional(extraFieldsSchema(edge)),
      expand: Schema.optional(expandSchema(edge.node)),
      filtering: Schema.optional(GraphFilter.filteringSchema(edge.filters)),
      sort: Schema.optional(sortSchema(edge)),
      limit: Schema.optional(limitSchema("limit", edge.maxLimit)),
      after: Schema.optional(cursorSchema),
      checkpoint: Schema.optional(checkpointSchema),
      prefetch: Schema.optional(prefetchSchema)
    })
    schema = Schema.transformOrFail(Schema.Unknown, Schema.typeSchema(struct), {
      strict: true,
      decode: (input, options) =>
        input === undefined || input === null
          ? ParseResult.succeed({})
          : ParseResult.decodeUnknown(struct)(input, { ...options, onExcessProperty: "error" }),
      encode: ParseResult.succeed
    }) as unknown as Schema.Schema<EdgeOptions, unknown>
    edgeOptionsSchemas.set(edge, schema)
  }
  return schema
}

const nodeOptionsSchemas = new WeakMap<GraphNode.Any, Schema.Schema<EdgeOptions, unknown>>()

/** The one Schema a node read's options are decoded with. @internal */
export const nodeOptionsSchema = (node: GraphNode.Any): Schema.Schema<EdgeOptions, unknown> => {
  let schema = nodeOptionsSchemas.get(node)
  if (schema === undefined) {
    const struct = Schema.Struct({
      fields: Schema.optional(
        fieldsSchema("fields", node.name, node.fieldNames, " (use extraFields for one Meta added recently)")
      ),
      extraFields: Schema.optional(extraFieldsSchema({ isField: node.isField } as GraphEdge.Any)),
      expand: Schema.optional(expandSchema(node))
    })
    schema = Schema.transformOrFail(Schema.Unknown, Schema.typeSchema(struct), {
      strict: true,
      decode: (input, options) =>
        input === undefined || input === null
          ? ParseResult.succeed({})
          : ParseResult.decodeUnknown(struct)(input, { ...options, onExcessProperty: "error" }),
      encode: ParseResult.succeed
    }) as unknown as Schema.Schema<EdgeOptions, unknown>
    nodeOptionsSchemas.set(node, schema)
  }
  return schema
}

const renderPath = (path: ReadonlyArray<PropertyKey>) =>
  path.map((key, i) => typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`).join("")

/** The first problem of a failed decode, as the error a caller can act on. @internal */
export const toInvalidRequest = (
  error: ParseResult.ParseError,
  fallbackParameter: string,
  optionNames: ReadonlyArray<string>
): InvalidRequestError => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  if (first === undefined) return new InvalidRequestError({ parameter: fallbackParameter, message: error.message })
  const parameter = first.path.length === 0 ? fallbackParameter : String(first.path[0])
  if (first._tag === "Unexpected" && first.path.length === 1) {
    return new InvalidRequestError({
      parameter,
      message: `${describe(parameter)} is not an option here; the options are ${optionNames.join(", ")}.`
    })
  }
  if (first._tag === "Unexpected" && first.path[0] === "expand" && first.path.length === 2) {
    return new InvalidRequestError({
      parameter,
      message: `${describe(first.path[1])} cannot be expanded here.`
    })
  }
  // Messages written for one option already name it; deeper paths say where in the option the problem is.
  const message = first.path.length > 1 && !first.message.startsWith(renderPath(first.path.slice(0, 1)))
    ? `${renderPath(first.path)}: ${first.message}`
    : first.message
  return new InvalidRequestError({ parameter, message })
}

/** Runs a decode that must not throw whatever it is given (getters that throw, proxies, ...). @internal */
export const decodeSafely = <A, I>(
  schema: Schema.Schema<A, I>,
  input: unknown,
  fallbackParameter: string,
  optionNames: ReadonlyArray<string>
): Either.Either<A, InvalidRequestError> => {
  try {
    return Either.mapLeft(
      Schema.decodeUnknownEither(schema)(input, { errors: "first" }),
      (error) => toInvalidRequest(error, fallbackParameter, optionNames)
    )
  } catch {
    return Either.left(
      new InvalidRequestError({
        parameter: fallbackParameter,
        message: "The options could not be read (a getter or proxy threw while they were inspected)."
      })
    )
  }
}

// -----------------------------------------------------------------------------
// selection: fields on the wire, the item schema, expansions
// -----------------------------------------------------------------------------

/** An expanded edge inside each item. @internal */
export interface Expansion {
  readonly key: string
  readonly edge: GraphEdge.Any
  readonly pages: "all" | "first"
  /** The nested edge's own read, for following its paging from an item. */
  readonly nested: Omit<Prepared, "parentId">
}

/** @internal */
export interface Selection {
  /** The `fields` parameter; `undefined` for Graph's defaults. */
  readonly wire: string | undefined
  readonly selections: ReadonlyArray<GraphFields.Selection> | undefined
  readonly itemSchema: Schema.Schema<any, any>
  /** Decodes one item as Graph sends it (`null`s read as absent). */
  readonly tolerantItemSchema: Schema.Schema<any, any>
  /** Fields requested for the client's own use (local filters, checkpoints), removed from the items. */
  readonly strip: ReadonlyArray<string>
  readonly expansions: ReadonlyArray<Expansion>
}

const itemSchemas = new WeakMap<object, Map<string, Schema.Schema<any, any>>>()

// One item Schema per owner and field set: building a Struct and its decoder per read is most of the
// cost of a small page.
const memoItemSchema = (
  owner: object,
  key: string,
  build: () => Schema.Schema<any, any>
): Schema.Schema<any, any> => {
  let byKey = itemSchemas.get(owner)
  if (byKey === undefined) {
    byKey = new Map()
    itemSchemas.set(owner, byKey)
  }
  let schema = byKey.get(key)
  if (schema === undefined) {
    if (byKey.size >= 256) byKey.clear()
    schema = build()
    byKey.set(key, schema)
  }
  return schema
}

/** @internal */
export const select = (
  owner: { readonly itemFields: Schema.Struct.Fields; readonly node: GraphNode.Any },
  options: Pick<EdgeOptions, "fields" | "extraFields" | "expand">,
  needed: ReadonlyArray<string>
): Selection => {
  const node = owner.node
  const expand = Object.entries(options.expand ?? {}).filter(
    (entry): entry is [string, NestedOptions] => entry[1] !== undefined
  )
  const extra = options.extraFields ?? []
  const asked = options.fields
  const explicit = asked !== undefined || extra.length > 0 || expand.length > 0 || needed.length > 0
  // Without a `fields` parameter Graph returns the node's default fields, so those are what is decoded.
  const base: ReadonlyArray<string> = asked ?? node.defaultFields
  const names: Array<string> = ["id"]
  for (const name of [...base, ...extra]) if (!names.includes(name)) names.push(name)
  const strip: Array<string> = []
  for (const name of needed) {
    if (!names.includes(name)) {
      names.push(name)
      strip.push(name)
    }
  }

  const expansions: Array<Expansion> = []
  const selections: Array<GraphFields.Selection> = names.map((name) => ({ name }))
  for (const [key, nestedOptions] of expand) {
    const edge = node.expandable[key]!
    const nested = prepareNested(edge, nestedOptions)
    expansions.push({ key, edge, pages: nestedOptions.pages ?? "all", nested })
    selections.push({ name: key, limit: nestedOptions.limit, fields: nested.selections })
  }

  const fieldsKey = `${names.join(",")}|${extra.join(",")}|${
    expansions.map((e) => `${e.key}(${e.nested.selectionKey})`).join(",")
  }`
  const itemSchema = memoItemSchema(owner, fieldsKey, () => {
    const fields: Record<string, Schema.Struct.Field> = {}
    for (const name of names) {
      fields[name] = Object.hasOwn(owner.itemFields, name)
        ? owner.itemFields[name]!
        : GraphSchema.optional(Schema.Unknown)
    }
    for (const expansion of expansions) {
      fields[expansion.key] = GraphSchema.optional(GraphSchema.Connection(expansion.nested.itemSchema))
    }
    return Schema.Struct(fields) as unknown as Schema.Schema<any, any>
  })
  return {
    wire: explicit ? GraphFields.render(selections) : undefined,
    selections: explicit ? selections : undefined,
    itemSchema,
    tolerantItemSchema: tolerantOf(itemSchema),
    strip,
    expansions
  }
}

/** A read prepared once and reused for every page. @internal */
export interface Prepared {
  readonly edge: GraphEdge.Any
  readonly parentId: string
  readonly query: Readonly<Record<string, string>>
  readonly after: string | undefined
  readonly prefetch: number
  readonly itemSchema: Schema.Schema<any, any>
  readonly pageSchema: Schema.Schema<PageBody, any>
  readonly selections: ReadonlyArray<GraphFields.Selection>
  readonly selectionKey: string
  readonly local: ReadonlyArray<GraphFilter.LocalPredicate>
  readonly strip: ReadonlyArray<string>
  readonly expansions: ReadonlyArray<Expansion>
  /** Resuming: skip everything before second `at`, and these ids in it. */
  readonly resumeFrom: { readonly at: number; readonly ids: ReadonlySet<string> } | undefined
  /**
   * Resuming from a checkpoint's cursor: the query to start over with, from the checkpoint's data, should
   * the cursor have gone stale.
   */
  readonly fallback: Readonly<Record<string, string>> | undefined
  /** Set when pages carry data checkpoints: the unix-seconds field they are computed from. */
  readonly checkpointField: string | undefined
}

/** @internal */
export interface PageBody {
  readonly data: ReadonlyArray<Record<string, unknown>>
  readonly paging?: GraphSchema.Paging | undefined
  readonly summary?: { readonly total_count?: number | undefined } | undefined
}

const tolerantSchemas = new WeakMap<Schema.Schema<any, any>, Schema.Schema<any, any>>()

const tolerantOf = (itemSchema: Schema.Schema<any, any>): Schema.Schema<any, any> => {
  let schema = tolerantSchemas.get(itemSchema)
  if (schema === undefined) {
    schema = GraphSchema.tolerant(itemSchema)
    tolerantSchemas.set(itemSchema, schema)
  }
  return schema
}

const pageSchemas = new WeakMap<Schema.Schema<any, any>, Schema.Schema<PageBody, any>>()

const pageSchemaOf = (itemSchema: Schema.Schema<any, any>): Schema.Schema<PageBody, any> => {
  let schema = pageSchemas.get(itemSchema)
  if (schema === undefined) {
    schema = GraphSchema.tolerant(GraphSchema.Connection(itemSchema)) as unknown as Schema.Schema<PageBody, any>
    pageSchemas.set(itemSchema, schema)
  }
  return schema
}

const prepareNested = (edge: GraphEdge.Any, options: NestedOptions): Omit<Prepared, "parentId"> => {
  const selection = select(edge, { fields: options.fields ?? edge.node.defaultFields }, [])
  const selections = selection.selections ?? []
  const query: Record<string, string> = { fields: GraphFields.render(selections) }
  if (options.limit !== undefined) query.limit = String(options.limit)
  return {
    edge,
    query,
    after: undefined,
    prefetch: 0,
    itemSchema: selection.itemSchema,
    pageSchema: pageSchemaOf(selection.itemSchema),
    selections,
    selectionKey: GraphFields.render(selections),
    local: [],
    strip: [],
    expansions: [],
    resumeFrom: undefined,
    fallback: undefined,
    checkpointField: undefined
  }
}

/** @internal */
export const edgeOptionNames = [
  "fields",
  "extraFields",
  "expand",
  "filtering",
  "sort",
  "limit",
  "after",
  "checkpoint",
  "prefetch"
] as const

/** Runs a preparation that must never throw, whatever the input holds (getters, proxies). @internal */
export const guarded = <A>(
  prepare: () => Either.Either<A, InvalidRequestError>
): Either.Either<A, InvalidRequestError> => {
  try {
    return prepare()
  } catch {
    return Either.left(
      new InvalidRequestError({
        parameter: "options",
        message: "The options could not be read (a getter or proxy threw while they were inspected)."
      })
    )
  }
}

/** Prepares a read of `edge` under `parentId`, or says what is wrong with the input. @internal */
export const prepareEdge = (
  edge: GraphEdge.Any,
  parentId: unknown,
  rawOptions: unknown
): Either.Either<Prepared, InvalidRequestError> => guarded(() => prepareEdgeUnguarded(edge, parentId, rawOptions))

const prepareEdgeUnguarded = (
  edge: GraphEdge.Any,
  parentId: unknown,
  rawOptions: unknown
): Either.Either<Prepared, InvalidRequestError> =>
  Either.gen(function*() {
    const id = yield* decodeSafely(parentIdSchema(edge.parent), parentId, edge.parent.label, [])
    const options = yield* decodeSafely(edgeOptionsSchema(edge), rawOptions, "options", edgeOptionNames)
    const invalid = (parameter: string, message: string) => Either.left(new InvalidRequestError({ parameter, message }))

    const resume = edge.resume
    if (options.checkpoint !== undefined) {
      if (resume === undefined) {
        return yield* invalid("checkpoint", `${edge.name} reads cannot resume from a checkpoint; use after (a cursor).`)
      }
      if (options.after !== undefined) {
        return yield* invalid("checkpoint", "Give checkpoint or after, not both.")
      }
      if (options.sort !== undefined && options.sort !== resume.ascending) {
        return yield* invalid("checkpoint", `A read resumed from a checkpoint is sorted ${resume.ascending}.`)
      }
    }
    const sort = options.checkpoint !== undefined ? resume!.ascending : options.sort
    const checkpointField = resume !== undefined && sort === resume.ascending ? resume.field : undefined

    const clauses: Array<GraphFilter.Clause | GraphFilter.Unchecked> = [...(options.filtering ?? [])]
    const plan = GraphFilter.plan(edge.filters, clauses)
    const needed = [...plan.localFields]
    if (checkpointField !== undefined && !needed.includes(checkpointField)) needed.push(checkpointField)
    const selection = select(edge, options, needed)

    const queryWith = (wire: ReadonlyArray<GraphFilter.WireClause>) => {
      const query: Record<string, string> = {}
      if (selection.wire !== undefined) query.fields = selection.wire
      if (wire.length > 0) query.filtering = GraphFilter.encodeWire(wire)
      if (sort !== undefined) query.sort = sort
      if (options.limit !== undefined) query.limit = String(options.limit)
      return query
    }
    const query = queryWith(plan.wire)
    // From the checkpoint's data: everything from its second on (the ids read in that second are skipped
    // when pages are read). Used at once when the checkpoint has no cursor, or when its cursor went stale.
    const checkpoint = options.checkpoint
    const fromData = checkpoint === undefined
      ? undefined
      : checkpoint.at === undefined
      ? query
      : queryWith(
        GraphFilter.plan(edge.filters, [
          ...clauses,
          { field: resume!.field, operator: "GREATER_THAN_OR_EQUAL", value: new Date(checkpoint.at * 1000) }
        ]).wire
      )

    const prefetch = options.prefetch === undefined || options.prefetch === false
      ? 0
      : options.prefetch === true
      ? 1
      : options.prefetch
    const selections = selection.selections ?? []
    const byCursor = checkpoint?.after !== undefined
    return {
      edge,
      parentId: id,
      query: byCursor ? query : fromData ?? query,
      after: byCursor ? checkpoint!.after : options.after,
      prefetch,
      itemSchema: selection.itemSchema,
      pageSchema: pageSchemaOf(selection.itemSchema),
      selections,
      selectionKey: GraphFields.render(selections),
      local: plan.local,
      strip: selection.strip,
      expansions: selection.expansions,
      resumeFrom: checkpoint?.at === undefined ? undefined : { at: checkpoint.at, ids: new Set(checkpoint.ids) },
      fallback: byCursor ? fromData : undefined,
      checkpointField
    }
  })

/** @internal */
export const nodeOptionNames = ["fields", "extraFields", "expand"] as const
