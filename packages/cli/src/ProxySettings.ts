/**
 * Which HTTP proxy the CLI's requests go through: `--proxy URL`, else the environment's `HTTPS_PROXY`,
 * `HTTP_PROXY` and `NO_PROXY` (the lower-case forms win, as curl and undici read them). A proxy URL may hold
 * credentials (`http://user:secret@proxy:3128`); they are treated as secrets and never printed.
 */
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { env } from "./CommandLine.js"
import { UsageError } from "./UsageError.js"

/** A proxy in use. Empty strings mean "none" (as undici reads them). */
export interface ProxySettings {
  /** For `http://` targets. */
  readonly httpProxy: string
  /** For `https://` targets; the HTTP proxy when only that one is set. */
  readonly httpsProxy: string
  /** Hosts reached directly: comma- or space-separated names, `.suffix`es, `host:port`, or `*`. */
  readonly noProxy: string
}

const variable = (lower: string) => Config.option(Config.orElse(env(lower), () => env(lower.toUpperCase())))

const environment = Config.all({
  http: variable("http_proxy"),
  https: variable("https_proxy"),
  none: variable("no_proxy")
})

const check = (value: string, source: string): Effect.Effect<string, UsageError> => {
  // curl takes `proxy.example:3128` to mean `http://proxy.example:3128`; so do we.
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value.trim()) ? value.trim() : `http://${value.trim()}`
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  return parsed !== undefined && (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== ""
    ? Effect.succeed(url)
    // Not a word of the value: it may hold a password.
    : Effect.fail(
      new UsageError({
        message: `${source} is not a proxy URL the CLI can use.`,
        hint: "Give an http:// or https:// URL such as http://proxy.example:3128 (credentials as " +
          "http://user:password@…)."
      })
    )
}

/** The proxy settings from `--proxy` (when given) and the environment; `undefined` when no proxy is set. */
export const resolve = (flag: string | undefined): Effect.Effect<ProxySettings | undefined, UsageError> =>
  Effect.gen(function*() {
    const { http, https, none } = yield* Effect.orDie(environment)
    const noProxy = Option.getOrElse(none, () => "")
    if (flag !== undefined) {
      const url = yield* check(flag, "--proxy")
      return { httpProxy: url, httpsProxy: url, noProxy }
    }
    if (Option.isNone(http) && Option.isNone(https)) return undefined
    const httpProxy = Option.isSome(http) ? yield* check(http.value, "HTTP_PROXY (or http_proxy)") : ""
    const httpsProxy = Option.isSome(https) ? yield* check(https.value, "HTTPS_PROXY (or https_proxy)") : httpProxy
    return { httpProxy, httpsProxy, noProxy }
  })

// The common NO_PROXY forms (undici's reading decides what really happens; this only words the report).
const bypasses = (noProxy: string, target: string): boolean => {
  const entries = noProxy.toLowerCase().split(/[,\s]+/).filter((entry) => entry !== "")
  if (entries.includes("*")) return true
  if (!URL.canParse(target)) return false
  const { hostname, port, protocol } = new URL(target)
  const targetPort = port === "" ? (protocol === "https:" ? "443" : "80") : port
  return entries.some((entry) => {
    const [name = "", entryPort] = entry.replace(/^\*?\./, "").split(/:(?=\d+$)/)
    return (entryPort === undefined || entryPort === targetPort) && (hostname === name || hostname.endsWith(`.${name}`))
  })
}

/**
 * The proxy for a target URL as a person may see it, credentials replaced by `<redacted>`; `undefined` when
 * the target is reached directly.
 */
export const describeFor = (settings: ProxySettings, target: string): string | undefined => {
  const proxy = target.startsWith("https:") ? settings.httpsProxy : settings.httpProxy
  if (proxy === "" || bypasses(settings.noProxy, target)) return undefined
  const parsed = new URL(proxy)
  return `the proxy ${parsed.protocol}//${
    parsed.username !== "" || parsed.password !== "" ? "<redacted>@" : ""
  }${parsed.host}`
}

const decoded = (part: string): string => {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}

/**
 * Every credential the settings hold, as secrets to scrub from anything printed: the password (as written
 * and decoded), the user-and-password pair and the URLs themselves. The user name alone is not secret (it
 * would blank out every "user" in a message).
 */
export const secrets = (settings: ProxySettings): ReadonlyArray<Redacted.Redacted<string>> => {
  const found = [settings.httpProxy, settings.httpsProxy].flatMap((url) => {
    const parsed = url === "" ? undefined : new URL(url)
    return parsed === undefined || parsed.password === ""
      ? []
      : [url, `${parsed.username}:${parsed.password}`, parsed.password, decoded(parsed.password)]
  })
  return [...new Set(found)].map(Redacted.make)
}
