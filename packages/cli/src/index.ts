/**
 * @since 0.1.0
 */
export * as AccountsCommand from "./AccountsCommand.js"

/**
 * @since 0.1.0
 */
export * as AccountsRequest from "./AccountsRequest.js"

/**
 * @since 0.2.0
 */
export * as CliConsole from "./CliConsole.js"

/**
 * @since 0.2.0
 */
export * as CliOptions from "./CliOptions.js"

/**
 * @since 0.2.0
 */
export * as CommandError from "./CommandError.js"

/**
 * @since 0.1.0
 */
export * as Commands from "./Commands.js"

/**
 * @since 0.2.0
 */
export * as ConnectionOptions from "./ConnectionOptions.js"

/**
 * @since 0.2.0
 */
export * as DisplayWidth from "./DisplayWidth.js"

/**
 * @since 0.2.0
 */
export * as EmulatorCommand from "./EmulatorCommand.js"

/**
 * @since 0.1.0
 */
export * as ErrorReport from "./ErrorReport.js"

/**
 * @since 0.2.0
 */
export * from "./ExitCode.js"

/**
 * @since 0.1.0
 */
export * as FilterSyntax from "./FilterSyntax.js"

/**
 * @since 0.1.0
 */
export * as Format from "./Format.js"

/**
 * @since 0.2.0
 */
export * as GraphActivity from "./GraphActivity.js"

/**
 * @since 0.2.0
 */
export * as GraphTarget from "./GraphTarget.js"

/**
 * @since 0.2.0
 */
export * as Listing from "./Listing.js"

/**
 * @since 0.2.0
 */
export * as NodeTransport from "./NodeTransport.js"

/**
 * @since 0.2.0
 */
export * as Noun from "./Noun.js"

/**
 * @since 0.1.0
 */
export * as Output from "./Output.js"

/**
 * @since 0.2.0
 */
export * as OutputFormat from "./OutputFormat.js"

/**
 * @since 0.3.0
 */
export * as PagingOptions from "./PagingOptions.js"

/**
 * @since 0.1.0
 */
export * as Progress from "./Progress.js"

/**
 * @since 0.2.0
 */
export * as ProxySettings from "./ProxySettings.js"

/**
 * @since 0.2.0
 */
export * as Resume from "./Resume.js"

/**
 * @since 0.2.0
 */
export * as TerminalText from "./TerminalText.js"

/**
 * @since 0.1.0
 */
export * from "./UsageError.js"
