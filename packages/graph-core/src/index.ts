/**
 * @since 0.1.0
 */
export * as AppSecretProof from "./AppSecretProof.js"

/**
 * @since 0.1.0
 */
export * as GraphBatch from "./GraphBatch.js"

/**
 * @since 0.1.0
 */
export * as GraphClient from "./GraphClient.js"

/**
 * @since 0.1.0
 */
export * as GraphConfig from "./GraphConfig.js"

/**
 * @since 0.1.0
 */
export * as GraphCredentials from "./GraphCredentials.js"

/**
 * @since 0.1.0
 */
export * as GraphError from "./GraphError.js"

/**
 * @since 0.1.0
 */
export * as GraphEdge from "./GraphEdge.js"

/**
 * @since 0.1.0
 */
export * as GraphFields from "./GraphFields.js"

/**
 * @since 0.1.0
 */
export * as GraphFilter from "./GraphFilter.js"

/**
 * @since 0.1.0
 */
export * as GraphNode from "./GraphNode.js"

/**
 * @since 0.1.0
 */
export * as GraphOperator from "./GraphOperator.js"

/**
 * @since 0.1.0
 */
export * as GraphPaging from "./GraphPaging.js"

/**
 * @since 0.1.0
 */
export * as GraphRead from "./GraphRead.js"

/**
 * @since 0.1.0
 */
export * as GraphSchema from "./GraphSchema.js"

/**
 * @since 0.1.0
 */
export * as GraphEvents from "./GraphEvents.js"

/**
 * @since 0.1.0
 */
export * as GraphMetrics from "./GraphMetrics.js"

/**
 * @since 0.1.0
 */
export * as GraphRetry from "./GraphRetry.js"

/**
 * @since 0.1.0
 */
export * as GraphUsage from "./GraphUsage.js"

/**
 * @since 0.1.0
 */
export * as RateGovernor from "./RateGovernor.js"

/**
 * @since 0.1.0
 */
export * as RateGovernorStore from "./RateGovernorStore.js"

/**
 * @since 0.1.0
 */
export * as Redaction from "./Redaction.js"

/**
 * @since 0.1.0
 */
export * from "./InvalidRequestError.js"
