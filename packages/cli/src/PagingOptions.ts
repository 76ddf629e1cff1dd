/**
 * The options every listing command takes to page through a read and write it out: the page size, how
 * many items to stop after, the cursor to start after, the output format and how far to fetch ahead. A
 * command spreads {@link options} into its own, after the options that say what to read, and its
 * {@link checks} into its own checks.
 *
 * @since 0.3.0
 */
import * as Options from "@effect/cli/Options"
import * as CliOptions from "./CliOptions.js"
import * as OutputFormat from "./OutputFormat.js"

const limit = CliOptions.integer("limit")
const max = CliOptions.integer("max")
const prefetch = CliOptions.integer("prefetch")
const formatChoice = CliOptions.choice("format", OutputFormat.names)

/**
 * `--format`, for every command that writes rows (a listing, or one node), and its check.
 *
 * @since 0.3.0
 * @category options
 */
export const format = {
  options: formatChoice.options.pipe(
    Options.withDescription("Output: table, jsonl, json or csv."),
    Options.withDefault<OutputFormat.OutputFormat>("table")
  ),
  check: formatChoice.check
}

/**
 * The paging and output options of a listing of `items` (a plural noun, for `--max`'s description).
 *
 * @since 0.3.0
 * @category options
 */
export const options = (items: string) => ({
  limit: limit.options.pipe(Options.withDescription("Page size, 1 to 100."), Options.optional),
  max: max.options.pipe(
    Options.withDescription(`Stop after this many ${items}; no page beyond them is fetched.`),
    Options.optional
  ),
  after: Options.text("after").pipe(
    Options.withPseudoName("CURSOR"),
    Options.withDescription("Start after this cursor (the one an interrupted or failed run printed)."),
    Options.optional
  ),
  format: format.options,
  prefetch: prefetch.options.pipe(
    Options.withDescription("Fetch up to this many pages ahead (1 to 16) while output is written."),
    Options.optional
  )
})

/**
 * The checks that word bad values of {@link options}.
 *
 * @since 0.3.0
 * @category options
 */
export const checks: ReadonlyArray<CliOptions.Check> = [limit.check, max.check, format.check, prefetch.check]
