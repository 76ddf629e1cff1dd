/**
 * A faithful, stateful local emulator of Meta Graph's WhatsApp Business Management reads: the owned and
 * client account edges of a business, the account node and its phone numbers, served from the client's
 * own declarations.
 *
 * @since 0.1.0
 */

/**
 * The emulator service: data set, tokens, budgets, faults, clock and request log.
 *
 * @since 0.1.0
 */
export * as Emulator from "./Emulator.js"

/**
 * The in-process `HttpClient` transport.
 *
 * @since 0.1.0
 */
export * as EmulatorHttpClient from "./EmulatorHttpClient.js"

/**
 * The loopback HTTP server transport.
 *
 * @since 0.1.0
 */
export * as EmulatorServer from "./EmulatorServer.js"

/**
 * The controllable clock.
 *
 * @since 0.1.0
 */
export * as EmulatorClock from "./EmulatorClock.js"

/**
 * The deterministic data set.
 *
 * @since 0.1.0
 */
export * as Dataset from "./Dataset.js"

/**
 * Fault rules and triggers.
 *
 * @since 0.1.0
 */
export * as Faults from "./Faults.js"

/**
 * Changes to the data at runtime, as values.
 *
 * @since 0.1.0
 */
export * as Changes from "./Changes.js"

/**
 * Signed webhooks, as Meta sends them, and their delivery.
 *
 * @since 0.1.0
 */
export * as WebhookDelivery from "./WebhookDelivery.js"

/**
 * The request log.
 *
 * @since 0.1.0
 */
export * as RequestLog from "./RequestLog.js"

/**
 * The Promise API: `startEmulator`.
 *
 * @since 0.1.0
 */
export * as PromiseApi from "./PromiseApi.js"

/**
 * The testing kit: a scripted `HttpClient`, emulator-backed `GraphClient` layers, oracles.
 *
 * @since 0.1.0
 */
export * as Testing from "./Testing.js"
