/**
 * What `waba phone-numbers` does: check the request, find the target, list the pages.
 *
 * @internal
 */
import * as Filter from "@effect-waba/waba/Filter"
import * as PhoneNumber from "@effect-waba/waba/PhoneNumber"
import * as PhoneNumbers from "@effect-waba/waba/PhoneNumbers"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as AccountsRequest from "../AccountsRequest.js"
import * as CommandError from "../CommandError.js"
import * as FilterSyntax from "../FilterSyntax.js"
import type * as Format from "../Format.js"
import * as GraphTarget from "../GraphTarget.js"
import * as Listing from "../Listing.js"
import * as Noun from "../Noun.js"
import type * as PhoneNumbersCommand from "../PhoneNumbersCommand.js"
import { Progress } from "../Progress.js"
import { UsageError } from "../UsageError.js"
import { demo } from "./demoAccount.js"

const prepare = (input: PhoneNumbersCommand.Input) =>
  Either.gen(function*() {
    const fields = Option.isSome(input.fields)
      ? yield* AccountsRequest.parseFieldList(input.fields.value, PhoneNumber.fields)
      : undefined
    const filtering = yield* FilterSyntax.parseAllPhoneNumbers(input.filter)
    const max = Option.getOrUndefined(input.max)
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
      return yield* Either.left(
        new UsageError({ message: `--max must be a whole number of phone numbers, 1 or more; got ${max}.` })
      )
    }
    const options: PhoneNumbers.Options = {
      fields,
      filtering: filtering.length === 0 ? undefined : filtering,
      limit: Option.getOrUndefined(input.limit),
      after: Option.getOrUndefined(input.after),
      prefetch: Option.getOrUndefined(input.prefetch)
    }
    const columns = fields === undefined
      ? PhoneNumber.defaultFields
      : ["id", ...fields.filter((field) => field !== "id")]
    return { options, columns, max }
  })

/** @internal */
export const run = (
  input: PhoneNumbersCommand.Input
): Effect.Effect<void, CommandError.CommandError, Listing.Requires> =>
  Effect.gen(function*() {
    const request = yield* Effect.mapError(prepare(input), (error) => CommandError.make(error))
    if (Option.isSome(input.wabaId) && input.wabaId.value.startsWith("-")) {
      return yield* Effect.fail(CommandError.make(
        new UsageError({
          message: `Unknown option ${input.wabaId.value}.`,
          hint: "waba phone-numbers --help lists the options."
        })
      ))
    }
    const target = yield* GraphTarget.resolve(input, {
      id: input.wabaId,
      missingId: new UsageError({
        message: "Name the WhatsApp Business Account whose numbers to list: waba phone-numbers <waba-id>.",
        hint: "waba accounts <business-id> lists the account ids of a business."
      }),
      check: (id) =>
        Option.match(PhoneNumbers.validate(id, request.options), {
          onNone: () => Either.right(request),
          onSome: (error) => Either.left(error)
        }),
      demo: demo("listing the phone numbers of")
    })
    if (target.verbose && request.options.filtering !== undefined) {
      const progress = yield* Progress
      const planned = Filter.toWire(PhoneNumbers.edge, request.options.filtering)
      if (Either.isRight(planned)) {
        const { filtering: sent, local } = planned.right
        progress.note(
          `waba: filtering sent to Graph: ${sent ?? "none"}; checked here on each phone number: ${
            local.length === 0 ? "none" : local.join("; ")
          }`
        )
      }
    }
    yield* Listing.run({
      target,
      pages: PhoneNumbers.pages(target.id, request.options),
      rows: (page) => page.phoneNumbers as ReadonlyArray<Format.Row>,
      format: input.format,
      columns: request.columns,
      noun: Noun.phoneNumbers,
      max: request.max,
      after: request.options.after
    })
  })
