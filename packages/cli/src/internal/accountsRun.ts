/**
 * What `waba accounts` does: check the request, find the target (Graph or the demo), list the pages.
 *
 * @internal
 */
import * as OwnedAccounts from "@effect-waba/waba/OwnedAccounts"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as AccountsCommand from "../AccountsCommand.js"
import * as AccountsRequest from "../AccountsRequest.js"
import * as CommandError from "../CommandError.js"
import type * as Format from "../Format.js"
import * as GraphTarget from "../GraphTarget.js"
import * as Listing from "../Listing.js"
import * as Noun from "../Noun.js"
import { UsageError } from "../UsageError.js"

const demo: GraphTarget.Request["demo"] = (emulator, id) => {
  const businesses = emulator.dataset.businesses
  const businessId = Option.getOrElse(id, () => businesses[0]!.id)
  const business = businesses.find((candidate) => candidate.id === businessId)
  const others = businesses.filter((candidate) => candidate.id !== businessId).map((candidate) => candidate.id)
  const which = business === undefined
    ? `business ${businessId} (not a demo business) from an embedded emulator; the demo businesses are ${
      businesses.map((candidate) => candidate.id).join(", ")
    }`
    : `demo business ${business.id} ("${business.name}", ${business.accounts} accounts) from an embedded ` +
      `emulator; other demo businesses: ${others.join(", ")}`
  return {
    id: businessId,
    notice: `waba: no access token (GRAPH_ACCESS_TOKEN or --token), so this is a demo: listing ${which}.`
  }
}

/** @internal */
export const run = (input: AccountsCommand.Input): Effect.Effect<void, CommandError.CommandError, Listing.Requires> =>
  Effect.gen(function*() {
    const request = yield* Effect.mapError(
      AccountsRequest.make({
        fields: input.fields,
        filter: input.filter,
        sort: input.sort,
        limit: input.limit,
        max: input.max,
        after: input.after,
        prefetch: input.prefetch
      }),
      (error) => CommandError.make(error)
    )
    if (Option.isSome(input.businessId) && input.businessId.value.startsWith("-")) {
      return yield* Effect.fail(CommandError.make(
        new UsageError({
          message: `Unknown option ${input.businessId.value}.`,
          hint: "waba accounts --help lists the options."
        })
      ))
    }
    const target = yield* GraphTarget.resolve(input, {
      id: input.businessId,
      missingId: new UsageError({
        message: "Name the business whose accounts to list: waba accounts <business-id>.",
        hint: "The id is numeric; find it in Business Settings > Business info. (Without a token, waba runs a demo " +
          "and picks a demo business itself.)"
      }),
      check: (id) => AccountsRequest.validateFor(id, request),
      demo
    })
    yield* Listing.run({
      target,
      pages: OwnedAccounts.pages(target.id, request.options),
      rows: (page) => page.accounts as ReadonlyArray<Format.Row>,
      format: input.format,
      columns: request.columns,
      noun: Noun.accounts,
      max: request.max,
      after: request.options.after
    })
  })
