/**
 * What `waba account` does: read one WhatsApp Business Account node and write it as a one-row listing.
 *
 * @internal
 */
import * as WhatsAppBusinessAccount from "@effect-waba/waba/WhatsAppBusinessAccount"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type * as AccountCommand from "../AccountCommand.js"
import * as AccountsRequest from "../AccountsRequest.js"
import * as CommandError from "../CommandError.js"
import type * as Format from "../Format.js"
import * as GraphTarget from "../GraphTarget.js"
import * as Listing from "../Listing.js"
import * as Noun from "../Noun.js"
import { UsageError } from "../UsageError.js"
import { demo } from "./demoAccount.js"

/** @internal */
export const run = (input: AccountCommand.Input): Effect.Effect<void, CommandError.CommandError, Listing.Requires> =>
  Effect.gen(function*() {
    const fields = Option.isSome(input.fields)
      ? yield* Effect.mapError(AccountsRequest.parseFields(input.fields.value), (error) => CommandError.make(error))
      : undefined
    if (Option.isSome(input.wabaId) && input.wabaId.value.startsWith("-")) {
      return yield* Effect.fail(CommandError.make(
        new UsageError({
          message: `Unknown option ${input.wabaId.value}.`,
          hint: "waba account --help lists the options."
        })
      ))
    }
    const expand = Option.isSome(input.expand)
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
      check: (id) =>
        Option.match(WhatsAppBusinessAccount.validate(id, options), {
          onNone: () => Either.right(options),
          onSome: (error) => Either.left(error)
        }),
      demo: demo("reading")
    })
    const columns = [
      ...(fields === undefined
        ? WhatsAppBusinessAccount.defaultFields
        : ["id", ...fields.filter((field) => field !== "id")]),
      ...(expand ? ["phone_numbers"] : [])
    ]
    yield* Listing.run({
      target,
      pages: Stream.fromEffect(WhatsAppBusinessAccount.get(target.id, options)).pipe(
        Stream.map((node) => ({ number: 1, nextAfter: undefined, rows: [node as unknown as Format.Row] }))
      ),
      rows: (page) =>
        input.format === "table"
          ? page.rows.map((row) =>
            Array.isArray(row["phone_numbers"]) ? { ...row, phone_numbers: row["phone_numbers"].length } : row
          )
          : page.rows,
      format: input.format,
      columns,
      noun: Noun.accounts,
      max: undefined,
      after: undefined
    })
  })
