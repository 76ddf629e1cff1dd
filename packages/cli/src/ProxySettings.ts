/**
 * Which HTTP proxy the CLI's requests go through: `--proxy URL`, else the environment's `HTTPS_PROXY`,
 * `HTTP_PROXY` and `NO_PROXY` (the lower-case forms win, as curl and undici read them). A proxy URL may
 * hold credentials (`http://user:secret@proxy:3128`); they are treated as secrets and never printed.
 *
 * @since 0.2.0
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as CliOptions from "./CliOptions.js"
import { UsageError } from "./UsageError.js"

/**
 * A proxy in use. Empty strings mean "none" (as undici reads them).
 *
 * @since 0.2.0
 * @category models
 */
export interface ProxySettings {
  /** For `http://` targets. */
  readonly httpProxy: string
  /** For `https://` targets; the HTTP proxy when only that one is set. */
  readonly httpsProxy: string
  /** Hosts reached directly: comma- or space-separated names, `.suffix`es, `host:port`, or `*`. */
  readonly noProxy: string
}

const either = (lower: string, upper: string) =>
  Config.option(CliOptions.env(lower)).pipe(
    Config.zipWith(Config.option(CliOptions.env(upper)), (a, b) => Option.orElse(a, () => b))
  )

const environment = Config.all({
  http: either("http_proxy", "HTTP_PROXY"),
  https: either("https_proxy", "HTTPS_PROXY"),
  none: either("no_proxy", "NO_PROXY")
})

// curl takes `proxy.example:3128` to mean `http://proxy.example:3128`; so do we.
const withScheme = (value: string): string => /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`

const check = (value: string, source: string): Effect.Effect<string, UsageError> => {
  const url = withScheme(value.trim())
  if (URL.canParse(url)) {
    const parsed = new URL(url)
    if ((parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== "") {
      return Effect.succeed(url)
    }
  }
  // Not a word of the value: it may hold a password.
  return Effect.fail(
    new UsageError({
      message: `${source} is not a proxy URL the CLI can use.`,
      hint: "Give an http:// or https:// URL such as http://proxy.example:3128 (credentials as http://user:password@…)."
    })
  )
}

/**
 * The proxy settings from `--proxy` (when given) and the environment; `None` when no proxy is set.
 *
 * @since 0.2.0
 * @category constructors
 */
export const resolve = (flag: Option.Option<string>): Effect.Effect<Option.Option<ProxySettings>, UsageError> =>
  Effect.gen(function*() {
    const env = yield* Effect.orElseSucceed(environment, () => ({
      http: Option.none<string>(),
      https: Option.none<string>(),
      none: Option.none<string>()
    }))
    const noProxy = Option.getOrElse(env.none, () => "")
    if (Option.isSome(flag)) {
      const url = yield* check(flag.value, "--proxy")
      return Option.some({ httpProxy: url, httpsProxy: url, noProxy })
    }
    if (Option.isNone(env.http) && Option.isNone(env.https)) return Option.none()
    const httpProxy = Option.isSome(env.http) ? yield* check(env.http.value, "HTTP_PROXY (or http_proxy)") : ""
    const httpsProxy = Option.isSome(env.https)
      ? yield* check(env.https.value, "HTTPS_PROXY (or https_proxy)")
      : httpProxy
    return Option.some({ httpProxy, httpsProxy, noProxy })
  })

const display = (url: string): string => {
  const parsed = new URL(url)
  const credentials = parsed.username !== "" || parsed.password !== "" ? "<redacted>@" : ""
  return `${parsed.protocol}//${credentials}${parsed.host}`
}

/**
 * The proxy for a target URL as a person may see it, credentials replaced by `<redacted>`; `undefined`
 * when the target is reached directly.
 *
 * @since 0.2.0
 * @category rendering
 */
export const describeFor = (settings: ProxySettings, target: string): string | undefined => {
  const proxy = target.startsWith("https:") ? settings.httpsProxy : settings.httpProxy
  if (proxy === "" || bypasses(settings.noProxy, target)) return undefined
  return `the proxy ${display(proxy)}`
}

// The common NO_PROXY forms (undici's reading decides what really happens; this only words the report).
const bypasses = (noProxy: string, target: string): boolean => {
  const entries = noProxy.split(/[,\s]+/).filter((entry) => entry !== "")
  if (entries.includes("*")) return true
  if (!URL.canParse(target)) return false
  const url = new URL(target)
  const host = url.hostname.toLowerCase()
  const port = url.port === "" ? (url.protocol === "https:" ? "443" : "80") : url.port
  return entries.some((entry) => {
    const [name = "", entryPort] = entry.toLowerCase().replace(/^\*?\./, ".").split(/:(?=\d+$)/)
    if (entryPort !== undefined && entryPort !== port) return false
    const bare = name.replace(/^\./, "")
    return host === bare || host.endsWith(`.${bare}`)
  })
}

/**
 * Every credential the settings hold, as a secret to scrub from anything printed: the password (as
 * written and decoded), the user-and-password pair and the URLs themselves. The user name alone is not
 * treated as secret (it would blank out every "user" in a message).
 *
 * @since 0.2.0
 * @category secrets
 */
export const secrets = (settings: ProxySettings): ReadonlyArray<Redacted.Redacted<string>> => {
  const out: Array<string> = []
  for (const url of [settings.httpProxy, settings.httpsProxy]) {
    if (url === "") continue
    const parsed = new URL(url)
    if (parsed.password === "") continue
    out.push(url, `${parsed.username}:${parsed.password}`, parsed.password, decoded(parsed.password))
  }
  return [...new Set(out)].map(Redacted.make)
}

const decoded = (part: string): string => {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
