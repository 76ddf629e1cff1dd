/**
 * effect-waba's WhatsApp Business Management reads for Effect 4.
 *
 * @since 1.0.0
 */

/**
 * @since 1.0.0
 */
export * as ClientAccounts from "./ClientAccounts.js"

/**
 * @since 1.0.0
 */
export * as Filter from "./Filter.js"

/**
 * @since 1.0.0
 */
export * as ManagedAccounts from "./ManagedAccounts.js"

/**
 * @since 1.0.0
 */
export * as OwnedAccounts from "./OwnedAccounts.js"

/**
 * @since 1.0.0
 */
export * as PhoneNumber from "./PhoneNumber.js"

/**
 * @since 1.0.0
 */
export * as PhoneNumbers from "./PhoneNumbers.js"

/**
 * @since 1.0.0
 */
export * as WhatsAppBusinessAccount from "./WhatsAppBusinessAccount.js"

/**
 * @since 1.0.0
 */
export * as TokenHealth from "./TokenHealth.js"
