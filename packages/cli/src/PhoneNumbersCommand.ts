/**
 * `waba phone-numbers [waba-id]`: what it takes. What it does lives in `internal/phoneNumbersRun.ts`,
 * loaded only when it runs.
 *
 * @since 0.3.0
 */
import * as Args from "@effect/cli/Args"
import type * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type * as CliOptions from "./CliOptions.js"
import * as ConnectionOptions from "./ConnectionOptions.js"
import * as PagingOptions from "./PagingOptions.js"

/**
 * @since 0.3.0
 * @category constants
 */
export const name = "phone-numbers"

/**
 * @since 0.3.0
 * @category constants
 */
export const description = "List the phone numbers of a WhatsApp Business Account (quality rating, messaging " +
  "limit tier, status, …). Without a token, lists a demo account's numbers from an embedded emulator."

/**
 * @since 0.3.0
 * @category options
 */
export const options = {
  wabaId: Args.text({ name: "waba-id" }).pipe(
    Args.withDescription("The WhatsApp Business Account whose numbers to list (numeric). Optional in demo mode."),
    Args.optional
  ),
  fields: Options.text("fields").pipe(
    Options.withPseudoName("FIELD,..."),
    Options.withDescription(
      "Comma-separated fields to read, e.g. display_phone_number,quality_rating,messaging_limit_tier. Default: Graph's."
    ),
    Options.optional
  ),
  filter: Options.text("filter").pipe(
    Options.withPseudoName("CONDITION"),
    Options.withDescription(
      "A condition, e.g. quality_rating=GREEN,YELLOW, status!=BANNED, account_mode=LIVE, " +
        "is_official_business_account=true. Repeat to combine. See docs/cli.md."
    ),
    Options.repeated
  ),
  ...PagingOptions.options("phone numbers"),
  ...ConnectionOptions.options
}

/**
 * The options whose values @effect/cli checks, for error messages that name them.
 *
 * @since 0.3.0
 * @category options
 */
export const checks: ReadonlyArray<CliOptions.Check> = [
  ...PagingOptions.checks,
  ...ConnectionOptions.checks
]

/**
 * The parsed command line.
 *
 * @since 0.3.0
 * @category models
 */
export type Input = Command.Command.ParseConfig<typeof options>
