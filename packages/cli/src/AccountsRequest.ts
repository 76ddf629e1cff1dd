/**
 * What `waba accounts` was asked for, checked: the typed-in option values turned into `OwnedAccounts`
 * options, the columns to print and where to stop. Every check runs here, before any emulator starts or
 * any request is sent.
 *
 * @since 0.1.0
 */
import type { InvalidRequestError } from "@effect-waba/graph-core/InvalidRequestError"
import type * as Filter from "@effect-waba/waba/Filter"
import * as OwnedAccounts from "@effect-waba/waba/OwnedAccounts"
import * as WhatsAppBusinessAccount from "@effect-waba/waba/WhatsAppBusinessAccount"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type { SortChoice } from "./AccountsCommand.js"
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
}

/**
 * A checked request.
 *
 * @since 0.1.0
 * @category models
 */
export interface AccountsRequest {
  readonly options: OwnedAccounts.Options<ReadonlyArray<WhatsAppBusinessAccount.Field>, never>
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
): Either.Either<ReadonlyArray<WhatsAppBusinessAccount.Field>, UsageError> => {
  const names = text.split(",").map((name) => name.trim())
  const known = `Choose from ${WhatsAppBusinessAccount.fields.join(", ")}.`
  if (names.every((name) => name === "")) {
    return Either.left(new UsageError({ message: "--fields is empty.", hint: known }))
  }
  if (names.some((name) => name === "")) {
    return Either.left(new UsageError({ message: `--fields "${text}" has an empty item.`, hint: known }))
  }
  const unknown = names.filter((name) => !WhatsAppBusinessAccount.isField(name))
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
  return Either.right([...new Set(names as ReadonlyArray<WhatsAppBusinessAccount.Field>)])
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
    const columns = fields === undefined
      ? WhatsAppBusinessAccount.defaultFields
      : ["id", ...fields.filter((field) => field !== "id")]
    return {
      options: {
        fields: fields ?? undefined,
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
): Either.Either<AccountsRequest, InvalidRequestError> =>
  Option.match(OwnedAccounts.validate(businessId, request.options), {
    onNone: () => Either.right(request),
    onSome: (error) => Either.left(error)
  })
