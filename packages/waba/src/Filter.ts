/**
 * The filter DSL for WhatsApp Business Management reads.
 *
 * Write clauses with the builders (`Filter.creationTime.greaterThanOrEqual(date)`,
 * `Filter.ownershipType.in("SELF")`, `Filter.qualityRating.in("RED", "YELLOW")`, ...) and pass one or a
 * list as `filtering`; all must hold. Each edge accepts only the fields it declares, so a clause on a
 * field the edge cannot filter does not compile.
 *
 * What reaches Graph is only what the edge documents ({@link toWire} shows it):
 *
 * | edge | sent to Graph | evaluated by the client |
 * | --- | --- | --- |
 * | `OwnedAccounts` | `creation_time`: `GREATER_THAN`, `LESS_THAN`, `IN_RANGE` (`>=`, `<=`, `=` and ranges compile to them) | `creation_time` `NOT_EQUAL` / `NOT_IN_RANGE`; `ownership_type` |
 * | `ClientAccounts` | `ownership_type`: `IN` (`=` compiles to it) | `ownership_type` `NOT_EQUAL` / `NOT_IN`; `creation_time` |
 * | `PhoneNumbers` | `account_mode`, `messaging_limit_tier`, `is_official_business_account`: `EQUAL` | the other operators; `quality_rating`, `status`, `code_verification_status` |
 *
 * A clause evaluated by the client costs nothing in requests, but every page is still read in full: a
 * selective local filter reads many items to emit a few. {@link unchecked} sends a raw clause anyway.
 *
 * @example
 * ```ts
 * import { Filter, OwnedAccounts } from "@effect-waba/waba"
 *
 * const in2024 = Filter.creationTime.between(new Date("2024-01-01T00:00:00Z"), new Date("2024-12-31T23:59:59Z"))
 * Filter.toWire(OwnedAccounts.edge, [in2024, Filter.ownershipType.in("SELF")])
 * // { filtering: '[{"field":"creation_time","operator":"IN_RANGE","value":["1704067200","1735689599"]}]',
 * //   local: ["ownership_type IN SELF"] }
 * ```
 *
 * @since 0.1.0
 */
import type { GraphEdge, GraphOperator } from "@effect-waba/graph-core"
import { GraphFilter, InvalidRequestError } from "@effect-waba/graph-core"
import * as FilterCheck from "@effect-waba/graph-rules/filterCheck"
import * as Either from "effect/Either"
import * as ClientAccounts from "./ClientAccounts.js"
import * as OwnedAccounts from "./OwnedAccounts.js"
import * as PhoneNumbers from "./PhoneNumbers.js"
import * as Node from "./WhatsAppBusinessAccount.js"

const accountFields = { ...OwnedAccounts.edge.filters, ...ClientAccounts.edge.filters }
const phoneFields = PhoneNumbers.edge.filters
const allFields: GraphFilter.Declarations = { ...accountFields, ...phoneFields }

/**
 * A clause on an account edge (`OwnedAccounts`, `ClientAccounts`).
 *
 * @since 0.1.0
 * @category models
 */
export type AccountFilter = GraphFilter.ClauseOf<typeof accountFields>

/**
 * A clause on the phone-number edge.
 *
 * @since 0.1.0
 * @category models
 */
export type PhoneNumberFilter = GraphFilter.ClauseOf<typeof phoneFields>

/**
 * A clause on an account edge, or an unchecked one: what `OwnedAccounts` and `ClientAccounts` take.
 *
 * @since 0.1.0
 * @category models
 */
export type Filter = AccountFilter | GraphFilter.Unchecked

/**
 * Which operators each filterable field of the account edges takes (the client evaluates those an edge
 * does not document).
 *
 * @since 0.1.0
 * @category constants
 */
export const operatorsByField: Readonly<Record<FilterableField, ReadonlyArray<GraphOperator.GraphOperator>>> = {
  creation_time: GraphFilter.operatorsByKind.time,
  ownership_type: GraphFilter.operatorsByKind.string
}

/**
 * @since 0.1.0
 * @category models
 */
export type FilterableField = keyof typeof accountFields

/**
 * A date as a builder takes it: a `Date` or an Effect `DateTime`.
 *
 * @since 0.1.0
 * @category models
 */
export type DateInput = GraphFilter.DateInput

/**
 * Any clause, typed: the compiler refuses an operator the field does not support or a value of the
 * wrong shape. Values are still checked (dates valid, bounds in order) before a request is sent.
 *
 * @example
 * ```ts
 * import { Filter } from "@effect-waba/waba"
 *
 * Filter.make({ field: "creation_time", operator: "GREATER_THAN_OR_EQUAL", value: new Date("2024-01-01") })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <const F extends AccountFilter | PhoneNumberFilter>(filter: F): F => filter

/**
 * Sends a clause exactly as written, for a field or operator no edge documents. Graph may refuse the
 * call (code 100) or ignore the clause and return everything; nothing here can tell which.
 *
 * @since 0.1.0
 * @category constructors
 */
export const unchecked = GraphFilter.unchecked

/**
 * `creation_time` (accounts). Creation times are whole seconds, so a bound with milliseconds is rounded
 * to the whole second that keeps the comparison's meaning.
 *
 * @since 0.1.0
 * @category constructors
 */
export const creationTime = GraphFilter.timeBuilders("creation_time")

/**
 * `ownership_type` (accounts).
 *
 * @since 0.1.0
 * @category constructors
 */
export const ownershipType = GraphFilter.stringBuilders("ownership_type", Node.OwnershipTypeValue)

/**
 * `account_mode` of a phone number (`LIVE`, `SANDBOX`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const accountMode = GraphFilter.stringBuilders("account_mode", phoneFields.account_mode.values)

/**
 * `messaging_limit_tier` of a phone number.
 *
 * @since 0.1.0
 * @category constructors
 */
export const messagingLimitTier = GraphFilter.stringBuilders(
  "messaging_limit_tier",
  phoneFields.messaging_limit_tier.values
)

/**
 * `is_official_business_account` of a phone number.
 *
 * @since 0.1.0
 * @category constructors
 */
export const isOfficialBusinessAccount = GraphFilter.booleanBuilders("is_official_business_account")

/**
 * `quality_rating` of a phone number (evaluated by the client).
 *
 * @since 0.1.0
 * @category constructors
 */
export const qualityRating = GraphFilter.stringBuilders("quality_rating", phoneFields.quality_rating.values)

/**
 * `status` of a phone number (evaluated by the client).
 *
 * @since 0.1.0
 * @category constructors
 */
export const phoneStatus = GraphFilter.stringBuilders("status", phoneFields.status.values)

/**
 * `code_verification_status` of a phone number (evaluated by the client).
 *
 * @since 0.1.0
 * @category constructors
 */
export const codeVerificationStatus = GraphFilter.stringBuilders(
  "code_verification_status",
  phoneFields.code_verification_status.values
)

const refused = (message: string) => new InvalidRequestError({ parameter: "filtering", message })

const validateWith = (
  declarations: GraphFilter.Declarations,
  input: unknown
): Either.Either<ReadonlyArray<any>, InvalidRequestError> =>
  Either.try({ try: () => FilterCheck.check(declarations, input), catch: () => "The clauses could not be read." }).pipe(
    Either.flatMap((checked) =>
      checked._tag === "Success" ? Either.right(checked.success) : Either.left(checked.failure)
    ),
    Either.mapLeft(refused)
  )

/**
 * Checks clauses given at run time (from code or from a person) against the account edges' filterable
 * fields; fails with an {@link InvalidRequestError} naming the clause and the problem.
 *
 * @since 0.1.0
 * @category validation
 */
export const validate = (input: unknown): Either.Either<ReadonlyArray<Filter>, InvalidRequestError> =>
  validateWith(accountFields, input)

/**
 * Checks clauses against one edge's filterable fields.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateFor = <E extends GraphEdge.Any>(
  edge: E,
  input: unknown
): Either.Either<ReadonlyArray<GraphEdge.FilterOf<E>>, InvalidRequestError> => validateWith(edge.filters, input)

const show = (value: unknown): string =>
  Array.isArray(value) ? value.map(show).join(",") : value instanceof Date ? value.toISOString() : String(value)

/**
 * What a read of `edge` with these clauses sends and evaluates: the `filtering` query value (absent when
 * nothing is sent) and, in words, the clauses the client evaluates itself.
 *
 * @since 0.1.0
 * @category planning
 */
export const toWire = (
  edge: GraphEdge.Any,
  clauses: Filter | PhoneNumberFilter | ReadonlyArray<Filter | PhoneNumberFilter>
): Either.Either<
  { readonly filtering: string | undefined; readonly local: ReadonlyArray<string> },
  InvalidRequestError
> =>
  Either.map(validateFor(edge, clauses), (checked) => {
    const plan = GraphFilter.plan(edge.filters, checked)
    return {
      filtering: plan.wire.length === 0 ? undefined : GraphFilter.encodeWire(plan.wire),
      local: plan.local.map(({ clause }) => `${clause.field} ${clause.operator} ${show(clause.value)}`)
    }
  })

// Dates as unix seconds: numbers in comparisons, numeric strings in ranges (Meta's form of a range).
const encodeValue = (value: unknown, range = false): unknown =>
  value instanceof Date
    ? range ? String(value.getTime() / 1000) : value.getTime() / 1000
    : Array.isArray(value)
    ? value.map((v) => encodeValue(v, true))
    : value

/**
 * The clauses as JSON text, to store or pass around (dates as unix seconds, range bounds as numeric
 * strings). This is the DSL's own form, not what a read sends: see {@link toWire} for that.
 *
 * @since 0.1.0
 * @category encoding
 */
export const encode = (filters: ReadonlyArray<Filter | PhoneNumberFilter>): string =>
  JSON.stringify(filters.map((clause) =>
    GraphFilter.isUnchecked(clause)
      ? clause
      : { field: clause.field, operator: clause.operator, value: encodeValue(clause.value) }
  ))

const toDate = (value: unknown): unknown =>
  typeof value === "number" || (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value))
    ? new Date(Math.round(Number(value) * 1000))
    : value

/**
 * Reads text made by {@link encode} back into checked clauses.
 *
 * @since 0.1.0
 * @category encoding
 */
export const decode = (text: string): Either.Either<ReadonlyArray<Filter | PhoneNumberFilter>, InvalidRequestError> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return Either.left(refused("filtering is not valid JSON."))
  }
  if (!Array.isArray(json)) return Either.left(refused("filtering must be a JSON array."))
  const revived = json.map((clause: unknown) => {
    if (typeof clause !== "object" || clause === null || GraphFilter.isUnchecked(clause)) return clause
    const { field, value } = clause as { readonly field?: unknown; readonly value?: unknown }
    const time = typeof field === "string" && Object.hasOwn(allFields, field) && allFields[field]!.kind === "time"
    return time ? { ...clause, value: Array.isArray(value) ? value.map(toDate) : toDate(value) } : clause
  })
  return validateWith(allFields, revived)
}
