/**
 * The Redis the tests run against: `REDIS_URL`, which `.ci/run` sets after starting a `redis-server` on
 * loopback. In CI a missing URL is an error, never a silent skip; locally the Redis tests are skipped
 * with a message saying how to run them.
 */
export const redisUrl: string | undefined = process.env.REDIS_URL === "" ? undefined : process.env.REDIS_URL

if (redisUrl === undefined) {
  if (process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false") {
    throw new Error(
      "REDIS_URL is not set. In CI the Redis store must be tested against a real redis-server: .ci/run starts one " +
        "on loopback and exports REDIS_URL."
    )
  }
  console.warn(
    "Skipping the Redis store tests: REDIS_URL is not set. Start one with\n" +
      "  redis-server --bind 127.0.0.1 --port 6390 --save '' --appendonly no --daemonize yes\n" +
      "and run them with REDIS_URL=redis://127.0.0.1:6390."
  )
}

/** A key prefix no other test run uses. */
export const uniquePrefix = (name: string) => `effect-waba-test:${name}:${crypto.randomUUID()}:`
