/**
 * The options every command that reads from Graph takes: where to connect, how to authenticate, how hard
 * to retry, which proxy to use, how much to say. A command spreads {@link options} into its own and hands
 * the parsed values to `GraphTarget.resolve`.
 *
 * @since 0.2.0
 */
import { defaultApiVersion } from "@effect-waba/graph-core/GraphConfig"
import type * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as CliOptions from "./CliOptions.js"

const maxRetries = CliOptions.integer("max-retries")

/**
 * @since 0.2.0
 * @category options
 */
export const options = {
  token: Options.redacted("token").pipe(
    Options.withPseudoName("TOKEN"),
    Options.withDescription(
      "Access token (default: GRAPH_ACCESS_TOKEN). Without any, and without a base URL, the demo runs. Prefer the " +
        "variable: other users of the machine can see command lines."
    ),
    Options.withFallbackConfig(CliOptions.secretEnv("GRAPH_ACCESS_TOKEN")),
    Options.optional
  ),
  appSecret: Options.redacted("app-secret").pipe(
    Options.withPseudoName("SECRET"),
    Options.withDescription("App secret, to sign every call with appsecret_proof (default: GRAPH_APP_SECRET)."),
    Options.withFallbackConfig(CliOptions.secretEnv("GRAPH_APP_SECRET")),
    Options.optional
  ),
  baseUrl: Options.text("base-url").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription("Graph API origin (default: GRAPH_BASE_URL, else https://graph.facebook.com)."),
    Options.withFallbackConfig(CliOptions.env("GRAPH_BASE_URL")),
    Options.optional
  ),
  apiVersion: Options.text("api-version").pipe(
    Options.withPseudoName("vNN.N"),
    Options.withDescription(`Graph API version (default: GRAPH_API_VERSION, else ${defaultApiVersion}).`),
    Options.withFallbackConfig(CliOptions.env("GRAPH_API_VERSION")),
    Options.optional
  ),
  maxRetries: maxRetries.options.pipe(
    Options.withDescription("Retries of a throttled or failed call, 0 to 100 (default 4)."),
    Options.optional
  ),
  proxy: Options.text("proxy").pipe(
    Options.withPseudoName("URL"),
    Options.withDescription(
      "HTTP proxy for every call, e.g. http://proxy.example:3128 (default: HTTPS_PROXY, HTTP_PROXY; the hosts in " +
        "NO_PROXY are reached directly)."
    ),
    Options.optional
  ),
  verbose: Options.boolean("verbose").pipe(
    Options.withDescription("Say on stderr, one line each, when a call is retried or held for the rate budget.")
  )
}

/**
 * @since 0.2.0
 * @category options
 */
export const checks: ReadonlyArray<CliOptions.Check> = [maxRetries.check]

/**
 * The parsed values.
 *
 * @since 0.2.0
 * @category models
 */
export type Input = Command.Command.ParseConfig<typeof options>
