/**
 * @since 0.1.0
 */
export * as RedisGovernorStore from "./RedisGovernorStore.js"
