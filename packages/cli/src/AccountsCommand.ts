/**
 * `waba accounts [business-id]`: what it takes. The command itself is assembled in `Commands`; what it
 * does lives in `internal/accountsRun.ts`, loaded only when it runs (so `--help` stays quick).
 *
 * @since 0.2.0
 */
import * as Args from "@effect/cli/Args"
import type * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as CliOptions from "./CliOptions.js"
import * as ConnectionOptions from "./ConnectionOptions.js"
import * as PagingOptions from "./PagingOptions.js"

/**
 * @since 0.2.0
 * @category constants
 */
export const name = "accounts"

/**
 * @since 0.2.0
 * @category constants
 */
export const description = "List the WhatsApp Business Accounts businesses own (--edge owned), those their " +
  "clients share with them (--edge client), or both (--edge all), optionally with their phone numbers. Several " +
  "business ids are read concurrently and merged by account. Without a token (GRAPH_ACCESS_TOKEN or --token), " +
  "lists a demo business from an embedded emulator."

/**
 * `--edge` values: which of a business's account edges to read.
 *
 * @since 0.3.0
 * @category constants
 */
export const edgeChoices = ["owned", "client", "all"] as const

/**
 * @since 0.3.0
 * @category models
 */
export type EdgeChoice = typeof edgeChoices[number]

/**
 * `--expand` values: the edges that can be read inside each account.
 *
 * @since 0.3.0
 * @category constants
 */
export const expandChoices = ["phone_numbers"] as const

/**
 * `--sort` values: the short forms and Graph's own names.
 *
 * @since 0.1.0
 * @category constants
 */
export const sortChoices = ["asc", "desc", "creation_time_ascending", "creation_time_descending"] as const

/**
 * @since 0.1.0
 * @category models
 */
export type SortChoice = typeof sortChoices[number]

const sort = CliOptions.choice("sort", sortChoices)
const edge = CliOptions.choice("edge", edgeChoices)
const expand = CliOptions.choice("expand", expandChoices)

/**
 * @since 0.2.0
 * @category options
 */
export const options = {
  businessIds: Args.text({ name: "business-id" }).pipe(
    Args.withDescription(
      "The business whose accounts to list (numeric, from Business Settings > Business info); several are read " +
        "concurrently and merged. Optional in demo mode."
    ),
    Args.repeated
  ),
  edge: edge.options.pipe(
    Options.withDescription(
      "Which accounts: owned (the business's own), client (shared with it by clients) or all (both, merged)."
    ),
    Options.withDefault<EdgeChoice>("owned")
  ),
  expand: expand.options.pipe(
    Options.withDescription(
      "Read each account's phone numbers too (every page of them): a count in the table, the numbers in JSON."
    ),
    Options.optional
  ),
  fields: Options.text("fields").pipe(
    Options.withPseudoName("FIELD,..."),
    Options.withDescription(
      "Comma-separated fields to read, e.g. name,creation_time,ownership_type. Default: Graph's."
    ),
    Options.optional
  ),
  filter: Options.text("filter").pipe(
    Options.withPseudoName("CONDITION"),
    Options.withDescription(
      "A condition, e.g. creation_time>2024-01-01, creation_time=2024-01-01..2024-06-30, " +
        "ownership_type=SELF,CLIENT_OWNED. Repeat to combine. See docs/cli.md."
    ),
    Options.repeated
  ),
  sort: sort.options.pipe(
    Options.withDescription("Order by creation time: asc or desc (or Graph's creation_time_ascending/descending)."),
    Options.optional
  ),
  ...PagingOptions.options("accounts"),
  ...ConnectionOptions.options
}

/**
 * The options whose values @effect/cli checks, for error messages that name them.
 *
 * @since 0.2.0
 * @category options
 */
export const checks: ReadonlyArray<CliOptions.Check> = [
  edge.check,
  expand.check,
  sort.check,
  ...PagingOptions.checks,
  ...ConnectionOptions.checks
]

/**
 * The parsed command line.
 *
 * @since 0.2.0
 * @category models
 */
export type Input = Command.Command.ParseConfig<typeof options>
