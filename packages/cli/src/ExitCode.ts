/**
 * What the exit code tells a script about how `waba` ended.
 *
 * | exit code | meaning |
 * | --- | --- |
 * | 0 | success (also when the reader of stdout went away) |
 * | 1 | any other failure (network, Graph outage, unexpected answer) |
 * | 2 | usage or invalid input (bad option, bad filter, unknown business, stale cursor, bad configuration) |
 * | 3 | authentication or permission (expired or invalid token, missing permission, bad app secret) |
 * | 4 | rate limited beyond what the CLI would wait for |
 * | 130 | interrupted by Ctrl-C (SIGINT) |
 * | 143 | stopped by SIGTERM |
 *
 * The last two are set by the executable, from the signal; a command's own codes are the others.
 *
 * @since 0.2.0
 */

/**
 * @since 0.2.0
 * @category constants
 */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  auth: 3,
  rateLimited: 4
} as const

/**
 * @since 0.2.0
 * @category models
 */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode]
