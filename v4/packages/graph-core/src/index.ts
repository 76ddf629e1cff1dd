/**
 * effect-waba's Graph API core for Effect 4.
 *
 * @since 1.0.0
 */

/**
 * @since 1.0.0
 */
export * as GraphBatch from "./GraphBatch.js"

/**
 * @since 1.0.0
 */
export * as GraphClient from "./GraphClient.js"

/**
 * @since 1.0.0
 */
export * as GraphConfig from "./GraphConfig.js"

/**
 * @since 1.0.0
 */
export * as GraphCredentials from "./GraphCredentials.js"

/**
 * @since 1.0.0
 */
export * as GraphError from "./GraphError.js"

/**
 * @since 1.0.0
 */
export * as GraphEvents from "./GraphEvents.js"

/**
 * @since 1.0.0
 */
export * as GraphMetrics from "./GraphMetrics.js"

/**
 * @since 1.0.0
 */
export * as GraphPaging from "./GraphPaging.js"

/**
 * @since 1.0.0
 */
export * as GraphRetry from "./GraphRetry.js"

/**
 * @since 1.0.0
 */
export * as GraphSchema from "./GraphSchema.js"

/**
 * @since 1.0.0
 */
export * as GraphUsage from "./GraphUsage.js"

/**
 * @since 1.0.0
 */
export * as RateGovernor from "./RateGovernor.js"

/**
 * @since 1.0.0
 */
export * as RateGovernorStore from "./RateGovernorStore.js"

/**
 * @since 1.0.0
 */
export * from "./InvalidRequestError.js"
