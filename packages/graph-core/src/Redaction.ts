/**
 * Keeping secrets out of everything that prints: URLs, error messages, logs, spans.
 *
 * Two tools, used together: {@link makeScrubber} removes known secret values wherever they appear
 * (a server or proxy may echo them anywhere), and {@link scrubUrl} masks credential-bearing query
 * parameters and user info by name (for secrets we do not know the value of).
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/**
 * Query parameters that carry a credential or something derived from one.
 *
 * @since 0.1.0
 * @category constants
 */
export const secretParams: ReadonlySet<string> = new Set([
  "access_token",
  "appsecret_proof",
  "client_secret",
  "input_token"
])

/**
 * What a removed secret is replaced with.
 *
 * @since 0.1.0
 * @category constants
 */
export const mask = "<redacted>"

/**
 * A secret given to {@link makeScrubber}: a `Redacted`, an optional one, or a plain string.
 *
 * @since 0.1.0
 * @category models
 */
export type Secret = Redacted.Redacted<string> | Option.Option<Redacted.Redacted<string>> | string

/**
 * Replaces every occurrence of the given secrets, in their plain, URL-encoded and JSON-escaped forms,
 * in a text. Text from the server or from a transport error may echo a secret back; this is the last
 * line of defence before such text reaches an error, a log or a span.
 *
 * @example
 * ```ts
 * import { Redaction } from "@effect-waba/graph-core"
 * import { Redacted } from "effect"
 *
 * const scrub = Redaction.makeScrubber([Redacted.make("EAAG-secret-token")])
 * scrub("Invalid token EAAG-secret-token") // "Invalid token <redacted>"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeScrubber = (secrets: ReadonlyArray<Secret>): (text: string) => string => {
  const plain = secrets.flatMap((secret) =>
    typeof secret === "string" || Redacted.isRedacted(secret)
      ? [Redacted.isRedacted(secret) ? Redacted.value(secret) : secret]
      : Option.toArray(Option.map(secret, Redacted.value))
  )
  // Short values would mangle ordinary words; real tokens, secrets and proofs are long. An echo may be
  // plain, inside a URL (percent-encoded) or inside a JSON string; the longest go first, so that a secret
  // containing another is masked whole.
  const forms = plain.filter((value) => value.length >= 8)
    .flatMap((value) => [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])
  const values = Array.from(new Set(forms)).sort((a, b) => b.length - a.length)
  return (text) => values.reduce((out, value) => out.split(value).join(mask), text)
}

/**
 * A URL with every credential-bearing query parameter (and any user info) masked, safe to show or store.
 *
 * @example
 * ```ts
 * import { Redaction } from "@effect-waba/graph-core"
 *
 * Redaction.scrubUrl("https://graph.facebook.com/v27.0/1/owned_whatsapp_business_accounts?access_token=EAAG&after=x")
 * // "https://graph.facebook.com/v27.0/1/owned_whatsapp_business_accounts?access_token=%3Credacted%3E&after=x"
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const scrubUrl = (url: string): string => {
  if (!URL.canParse(url)) {
    return url
      .replace(/([?&](?:access_token|appsecret_proof|client_secret|input_token)=)[^&#]*/gi, `$1${mask}`)
      .replace(/\/\/[^/?#@]*@/, "//")
  }
  const parsed = new URL(url)
  const secret = Array.from(parsed.searchParams.keys()).filter((key) => secretParams.has(key.toLowerCase()))
  if (secret.length === 0 && parsed.username === "" && parsed.password === "") return url
  for (const key of secret) parsed.searchParams.set(key, mask)
  parsed.username = ""
  parsed.password = ""
  return parsed.toString()
}

/**
 * A URL reduced to what is safe to echo in any message: origin and path, without user info, query or
 * fragment. Text that is not a URL loses everything from the first `?` or `#`, and any `user@` part.
 *
 * @since 0.1.0
 * @category constructors
 */
export const safeUrl = (url: string): string => {
  if (!URL.canParse(url)) return url.replace(/[?#].*$/s, "").replace(/^([^/]*\/\/)?[^/]*@/, "$1")
  const parsed = new URL(url)
  return `${parsed.origin === "null" ? `${parsed.protocol}//${parsed.host}` : parsed.origin}${parsed.pathname}`
}
