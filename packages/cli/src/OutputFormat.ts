/**
 * The names of the output formats a listing offers. The renderers are in `Format`; the names stand apart
 * so that declaring `--format` loads none of them.
 *
 * @since 0.2.0
 */
import * as Schema from "effect/Schema"

/**
 * @since 0.2.0
 * @category schemas
 */
export const OutputFormat = Schema.Literal("table", "jsonl", "json", "csv")

/**
 * @since 0.2.0
 * @category models
 */
export type OutputFormat = typeof OutputFormat.Type

/**
 * @since 0.2.0
 * @category constants
 */
export const names: ReadonlyArray<OutputFormat> = OutputFormat.literals
