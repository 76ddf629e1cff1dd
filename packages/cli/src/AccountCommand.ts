/**
 * `waba account [waba-id]`: one WhatsApp Business Account node. What it does lives in
 * `internal/accountRun.ts`, loaded only when it runs.
 *
 * @since 0.3.0
 */
import * as Args from "@effect/cli/Args"
import type * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { expandChoices } from "./AccountsCommand.js"
import * as CliOptions from "./CliOptions.js"
import * as ConnectionOptions from "./ConnectionOptions.js"
import * as PagingOptions from "./PagingOptions.js"

/**
 * @since 0.3.0
 * @category constants
 */
export const name = "account"

/**
 * @since 0.3.0
 * @category constants
 */
export const description = "Read one WhatsApp Business Account, optionally with its phone numbers. Without a " +
  "token, reads a demo account from an embedded emulator."

const expand = CliOptions.choice("expand", expandChoices)

/**
 * @since 0.3.0
 * @category options
 */
export const options = {
  wabaId: Args.text({ name: "waba-id" }).pipe(
    Args.withDescription("The WhatsApp Business Account to read (numeric). Optional in demo mode."),
    Args.optional
  ),
  fields: Options.text("fields").pipe(
    Options.withPseudoName("FIELD,..."),
    Options.withDescription("Comma-separated fields to read, e.g. name,status,health_status. Default: Graph's."),
    Options.optional
  ),
  expand: expand.options.pipe(
    Options.withDescription("Read the account's phone numbers too (every page of them)."),
    Options.optional
  ),
  format: PagingOptions.format.options,
  ...ConnectionOptions.options
}

/**
 * The options whose values @effect/cli checks, for error messages that name them.
 *
 * @since 0.3.0
 * @category options
 */
export const checks: ReadonlyArray<CliOptions.Check> = [
  PagingOptions.format.check,
  expand.check,
  ...ConnectionOptions.checks
]

/**
 * The parsed command line.
 *
 * @since 0.3.0
 * @category models
 */
export type Input = Command.Command.ParseConfig<typeof options>
