/**
 * What `waba accounts` was asked for, checked: the typed-in option values turned into `OwnedAccounts`
 * options, the columns to print and where to stop. Every check runs here, before any emulator starts or
 * any request is sent.
 *
 * @since 0.1.0
 */
import type { InvalidRequestError } from "@effect-waba/graph-core/InvalidRequestError"
import * as ClientAccounts from "@effect-waba/waba/ClientAccounts"
import type * as Filter from "@effect-waba/waba/Filter"
import * as OwnedAccounts from "@effect-waba/waba/OwnedAccounts"
import * as WhatsAppBusinessAccount from "@effect-waba/waba/WhatsAppBusinessAccount"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { EdgeChoice, SortChoice } from "./AccountsCommand.js"
import * as FilterSyntax from "./FilterSyntax.js"
import { UsageError } from "./UsageError.js"

/**
 * The option values as typed, before checking.
 *
 * @since 0.1.0
 * @category models
 */
export interface Input {
  readonly fields: Option.Option<string>
  readonly filter: ReadonlyArray<string>
  readonly sort: Option.Option<SortChoice>
  readonly limit: Option.Option<number>
  readonly max: Option.Option<number>
  readonly after: Option.Option<string>
  readonly prefetch: Option.Option<number>
  readonly edge: EdgeChoice
  readonly expand: Option.Option<"phone_numbers">
  readonly businessIds: ReadonlyArray<string>
}

/**
 * A checked request.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccountsRequest {
  readonly options: OwnedAccounts.Options<ReadonlyArray<WhatsAppBusinessAccount.Field>, never, OwnedAccounts.Expand>
  /** Which edges to read. */
  readonly edges: ReadonlyArray<"owned" | "client">
  /**
   * Whether the read goes through the fan-out (several businesses, or both edges): accounts merged by id,
   * each with where it came from.
   */
  readonly fanOut: boolean
  /** The fields to print, in order: `id` first. */
  readonly columns: ReadonlyArray<string>
  /** Stop after this many accounts. */
  readonly max: number | undefined
}

/**
 * Reads `--fields`: a comma-separated list of known field names (`id` is always included). Repeats are
 * dropped.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseFields = (
  text: string
): Either.Either<ReadonlyArray<WhatsAppBusinessAccount.Field>, UsageError> =>
  parseFieldList(text, WhatsAppBusinessAccount.fields)

/**
 * Reads a comma-separated `--fields` list against the fields a node has. Repeats are dropped.
 *
 * @since 0.3.0
 * @category parsing
 */
export const parseFieldList = <F extends string>(
  text: string,
  fields: ReadonlyArray<F>
): Either.Either<ReadonlyArray<F>, UsageError> => {
  const names = text.split(",").map((name) => name.trim())
  const known = `Choose from ${fields.join(", ")}.`
  if (names.every((name) => name === "")) {
    return Either.left(new UsageError({ message: "--fields is empty.", hint: known }))
  }
  if (names.some((name) => name === "")) {
    return Either.left(new UsageError({ message: `--fields "${text}" has an empty item.`, hint: known }))
  }
  const unknown = names.filter((name) => !(fields as ReadonlyArray<string>).includes(name))
  if (unknown.length > 0) {
    return Either.left(
      new UsageError({
        message: `--fields names ${unknown.length === 1 ? "an unknown field" : "unknown fields"}: ${
          unknown.join(", ")
        }.`,
        hint: known
      })
    )
  }
  return Either.right([...new Set(names as unknown as ReadonlyArray<F>)])
}

/**
 * Graph's name for a `--sort` value.
 *
 * @since 0.1.0
 * @category parsing
 */
export const toSort = (choice: SortChoice): OwnedAccounts.Sort =>
  choice === "asc" ? "creation_time_ascending" : choice === "desc" ? "creation_time_descending" : choice

/**
 * Checks the typed-in values.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  input: Input
): Either.Either<AccountsRequest, UsageError | FilterSyntax.FilterSyntaxError | InvalidRequestError> =>
  Either.gen(function*() {
    const fields = Option.isSome(input.fields) ? yield* parseFields(input.fields.value) : undefined
    const filtering: ReadonlyArray<Filter.Filter> = yield* FilterSyntax.parseAll(input.filter)
    const max = Option.getOrUndefined(input.max)
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
      return yield* Either.left(
        new UsageError({ message: `--max must be a whole number of accounts, 1 or more; got ${max}.` })
      )
    }
    const edges = input.edge === "all" ? ["owned", "client"] as const : [input.edge]
    const fanOut = edges.length > 1 || input.businessIds.length > 1
    const refuse = (message: string, hint: string) => Either.left(new UsageError({ message, hint }))
    if (fanOut && Option.isSome(input.after)) {
      return yield* refuse(
        "--after continues one read; it cannot be combined with several business ids or --edge all.",
        "Resume one business and one edge at a time: waba accounts <business-id> --edge owned --after <cursor>."
      )
    }
    if (Option.isSome(input.sort) && (fanOut || input.edge === "client")) {
      return yield* refuse(
        "--sort orders the owned edge only; Graph documents no sort for client accounts, and a merged read is " +
          "ordered by account id.",
        "Drop --sort, or read one business's owned edge: waba accounts <business-id> --edge owned --sort desc."
      )
    }
    if (fanOut && Option.isSome(input.prefetch)) {
      return yield* refuse(
        "--prefetch applies to one read; several business ids or --edge all are read concurrently already.",
        "Drop --prefetch."
      )
    }
    const expand = Option.isSome(input.expand)
    const base = fields === undefined
      ? WhatsAppBusinessAccount.defaultFields
      : ["id", ...fields.filter((field) => field !== "id")]
    const columns = [
      ...base,
      ...(input.edge === "client" && !fanOut ? ["permitted_tasks"] : []),
      ...(expand ? ["phone_numbers"] : []),
      ...(fanOut ? ["sources"] : [])
    ]
    return {
      edges,
      fanOut,
      options: {
        fields: fields ?? undefined,
        expand: expand ? { phone_numbers: {} } : undefined,
        filtering: filtering.length === 0 ? undefined : filtering,
        sort: Option.getOrUndefined(Option.map(input.sort, toSort)),
        limit: Option.getOrUndefined(input.limit),
        after: Option.getOrUndefined(input.after),
        prefetch: Option.getOrUndefined(input.prefetch)
      },
      columns,
      max
    }
  })

/**
 * Checks a request against a business id the way a read would, without reading.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateFor = (
  businessId: string,
  request: AccountsRequest
): Either.Either<AccountsRequest, InvalidRequestError> => {
  for (const edge of request.edges) {
    const invalid = edge === "owned"
      ? OwnedAccounts.validate(businessId, request.options)
      : ClientAccounts.validate(businessId, { ...request.options, sort: undefined } as ClientAccounts.Options)
    if (Option.isSome(invalid)) return Either.left(invalid.value)
  }
  return Either.right(request)
}
