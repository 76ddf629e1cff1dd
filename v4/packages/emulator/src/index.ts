/**
 * effect-waba's Graph API emulator for Effect 4 tests.
 *
 * @since 1.0.0
 */

/**
 * @since 1.0.0
 */
export * as Testing from "./Testing.js"
