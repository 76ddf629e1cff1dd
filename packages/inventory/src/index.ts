/**
 * @since 0.1.0
 */
export * as Inventory from "./Inventory.js"

/**
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.js"

/**
 * @since 0.1.0
 */
export * as Webhooks from "./Webhooks.js"
