/**
 * A faithful, stateful local emulator of Meta Graph's `GET /{business-id}/owned_whatsapp_business_accounts`.
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
 * The `filtering` parameter.
 *
 * @since 0.1.0
 */
export * as Filtering from "./Filtering.js"

/**
 * The Graph errors the emulator sends.
 *
 * @since 0.1.0
 */
export * as GraphError from "./GraphError.js"

/**
 * The request log.
 *
 * @since 0.1.0
 */
export * as RequestLog from "./RequestLog.js"

/**
 * The usage headers' schemas.
 *
 * @since 0.1.0
 */
export * as UsageHeaders from "./UsageHeaders.js"

/**
 * The WhatsApp Business Account node schema.
 *
 * @since 0.1.0
 */
export * as WhatsAppBusinessAccount from "./WhatsAppBusinessAccount.js"

/**
 * The Promise API: `startEmulator`.
 *
 * @since 0.1.0
 */
export * as PromiseApi from "./PromiseApi.js"
