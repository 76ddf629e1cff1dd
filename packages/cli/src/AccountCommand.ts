/** What `waba account` does: read one WhatsApp Business Account node and write it as a one-row listing. */
import * as WhatsAppBusinessAccount from "@effect-waba/waba/WhatsAppBusinessAccount"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as CommandError from "./CommandError.js"
import type { AccountInput } from "./CommandLine.js"
import type * as Format from "./Format.js"
import * as GraphTarget from "./GraphTarget.js"
import * as Listing from "./Listing.js"
import * as Noun from "./Noun.js"
import * as ReadInput from "./ReadInput.js"
import { UsageError } from "./UsageError.js"

export const run = (input: AccountInput): Effect.Effect<void, CommandError.CommandError, Listing.Requires> =>
  Effect.gen(function*() {
    const fields = yield* ReadInput.checked(
      ReadInput.fields(input.fields, WhatsAppBusinessAccount.fields),
      Option.toArray(input.wabaId),
      "account"
    )
    const expand = input.expand !== undefined
    const options: WhatsAppBusinessAccount.GetOptions<ReadonlyArray<WhatsAppBusinessAccount.Field>, never, any> = {
      fields,
      expand: expand ? { phone_numbers: {} } : undefined
    }
    const target = yield* GraphTarget.resolve(input, {
      id: input.wabaId,
      missingId: new UsageError({
        message: "Name the WhatsApp Business Account to read: waba account <waba-id>.",
        hint: "waba accounts <business-id> lists the account ids of a business."
      }),
      check: (id) => WhatsAppBusinessAccount.validate(id, options),
      demo: GraphTarget.demoAccount("reading")
    })
    yield* Listing.run({
      target,
      pages: Stream.fromEffect(WhatsAppBusinessAccount.get(target.id, options)).pipe(
        Stream.map((node) => ({ number: 1, nextAfter: undefined, node: node as Format.Row }))
      ),
      rows: (page) => [page.node],
      format: input.format,
      columns: [
        ...ReadInput.columns(fields, WhatsAppBusinessAccount.defaultFields),
        ...(expand ? ["phone_numbers"] : [])
      ],
      noun: Noun.accounts,
      max: undefined,
      after: undefined
    })
  })
