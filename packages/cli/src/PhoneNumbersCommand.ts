/** What `waba phone-numbers` does: check the request, find the target, list the pages. */
import * as PhoneNumber from "@effect-waba/waba/PhoneNumber"
import * as PhoneNumbers from "@effect-waba/waba/PhoneNumbers"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import type * as CommandError from "./CommandError.js"
import type { PhoneNumbersInput } from "./CommandLine.js"
import * as FilterSyntax from "./FilterSyntax.js"
import type * as Format from "./Format.js"
import * as GraphTarget from "./GraphTarget.js"
import * as Listing from "./Listing.js"
import * as Noun from "./Noun.js"
import * as ReadInput from "./ReadInput.js"
import { UsageError } from "./UsageError.js"

const request = (input: PhoneNumbersInput) =>
  Either.gen(function*() {
    const fields = yield* ReadInput.fields(input.fields, PhoneNumber.fields)
    const filtering = yield* FilterSyntax.parseAllPhoneNumbers(input.filter)
    const max = yield* ReadInput.max(input.max, Noun.phoneNumbers)
    const options: PhoneNumbers.Options = {
      fields,
      filtering: filtering.length === 0 ? undefined : filtering,
      limit: input.limit,
      after: input.after,
      prefetch: input.prefetch
    }
    return { options, columns: ReadInput.columns(fields, PhoneNumber.defaultFields), max }
  })

export const run = (input: PhoneNumbersInput): Effect.Effect<void, CommandError.CommandError, Listing.Requires> =>
  Effect.gen(function*() {
    const { columns, max, options } = yield* ReadInput.checked(
      request(input),
      Option.toArray(input.wabaId),
      "phone-numbers"
    )
    const target = yield* GraphTarget.resolve(input, {
      id: input.wabaId,
      missingId: new UsageError({
        message: "Name the WhatsApp Business Account whose numbers to list: waba phone-numbers <waba-id>.",
        hint: "waba accounts <business-id> lists the account ids of a business."
      }),
      check: (id) => PhoneNumbers.validate(id, options),
      demo: GraphTarget.demoAccount("listing the phone numbers of")
    })
    if (target.verbose) yield* ReadInput.explainFilters("", PhoneNumbers.edge, options.filtering, Noun.phoneNumbers)
    yield* Listing.run({
      target,
      pages: PhoneNumbers.pages(target.id, options),
      rows: (page) => page.phoneNumbers as ReadonlyArray<Format.Row>,
      format: input.format,
      columns,
      noun: Noun.phoneNumbers,
      max,
      after: options.after
    })
  })
