/**
 * @since 0.1.0
 */
export * as AccountsRequest from "./AccountsRequest.js"

/**
 * @since 0.1.0
 */
export * as Commands from "./Commands.js"

/**
 * @since 0.1.0
 */
export * as ErrorReport from "./ErrorReport.js"

/**
 * @since 0.1.0
 */
export * as FilterSyntax from "./FilterSyntax.js"

/**
 * @since 0.1.0
 */
export * as Format from "./Format.js"

/**
 * @since 0.1.0
 */
export * as Output from "./Output.js"

/**
 * @since 0.1.0
 */
export * as Progress from "./Progress.js"

/**
 * @since 0.1.0
 */
export * from "./UsageError.js"
