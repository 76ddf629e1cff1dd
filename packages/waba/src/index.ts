/**
 * @since 0.1.0
 */
export * as ClientAccounts from "./ClientAccounts.js"

/**
 * @since 0.1.0
 */
export * as Filter from "./Filter.js"

/**
 * @since 0.1.0
 */
export * as ManagedAccounts from "./ManagedAccounts.js"

/**
 * @since 0.1.0
 */
export * as OwnedAccounts from "./OwnedAccounts.js"

/**
 * @since 0.1.0
 */
export * as PhoneNumber from "./PhoneNumber.js"

/**
 * @since 0.1.0
 */
export * as PhoneNumbers from "./PhoneNumbers.js"

/**
 * @since 0.1.0
 */
export * as TokenHealth from "./TokenHealth.js"

/**
 * @since 0.1.0
 */
export * as WhatsAppBusinessAccount from "./WhatsAppBusinessAccount.js"

/**
 * The error for bad input, raised before any request is sent (re-exported from graph-core).
 *
 * @since 0.1.0
 */
export { InvalidRequestError } from "@effect-waba/graph-core"
